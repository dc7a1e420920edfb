import request from '@/utils/request'

export function listUsers() {
  return request({ url: '/users', method: 'GET' })
}

export function createUser(data, opts = {}) {
  return request({ url: '/users', method: 'POST', data, ...opts })
}

export function disableUser(id) {
  return request({ url: `/users/${id}/disable`, method: 'POST' })
}

export function enableUser(id) {
  return request({ url: `/users/${id}/enable`, method: 'POST' })
}
