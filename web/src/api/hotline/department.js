import request from '@/utils/request'
import { uuid } from '@/utils/uuid'

// { items, mine: ids of the signed-in user's departments }
export function listDepartments() {
  return request({ url: '/hotline/departments', method: 'GET' })
}

export function listDepartmentMembers(id) {
  return request({ url: `/hotline/departments/${id}/members`, method: 'GET' })
}

// data: { username } (a user with the 承办单位经办人 or 部门负责人 role)
export function addDepartmentMember(id, data, opts = {}) {
  return request({
    url: `/hotline/departments/${id}/members`,
    method: 'POST',
    data,
    headers: { 'Idempotency-Key': uuid() },
    ...opts,
  })
}
