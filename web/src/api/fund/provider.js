import request from '@/utils/request'

// query: { q, kind, service, active, page, page_size }
export function listProviders(query) {
  return request({ url: '/fund/care/providers', method: 'GET', params: query })
}

export function getProvider(id, opts = {}) {
  return request({ url: `/fund/care/providers/${id}`, method: 'GET', ...opts })
}

export function createProvider(data, opts = {}) {
  return request({ url: '/fund/care/providers', method: 'POST', data, ...opts })
}

export function updateProvider(id, data, opts = {}) {
  return request({ url: `/fund/care/providers/${id}`, method: 'PUT', data, ...opts })
}
