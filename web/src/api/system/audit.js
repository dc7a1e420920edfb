import request from '@/utils/request'

// entity: "child" | "application"
export function listAudit(entity, id) {
  return request({ url: '/audit', method: 'GET', params: { entity, id } })
}
