import request from '@/utils/request'

// query: { q, district, category, page, page_size }
export function listChildren(query) {
  return request({ url: '/fund/children', method: 'GET', params: query })
}

export function getChild(id, opts = {}) {
  return request({ url: `/fund/children/${id}`, method: 'GET', ...opts })
}

export function createChild(data, opts = {}) {
  return request({ url: '/fund/children', method: 'POST', data, ...opts })
}

export function updateChild(id, data, opts = {}) {
  return request({ url: `/fund/children/${id}`, method: 'PUT', data, ...opts })
}

// The full ID number; every call is written to the audit trail.
export function getChildIdNumber(id) {
  return request({ url: `/fund/children/${id}/id-number`, method: 'GET' })
}
