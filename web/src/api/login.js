import request from '@/utils/request'

export function login(username, password, opts = {}) {
  return request({ url: '/session', method: 'POST', data: { username, password }, ...opts })
}

export function getSession(opts = {}) {
  return request({ url: '/session', method: 'GET', ...opts })
}

export function logout() {
  return request({ url: '/session', method: 'DELETE', silent: true })
}

export function changePassword(data, opts = {}) {
  return request({ url: '/session/password', method: 'PUT', data, ...opts })
}
