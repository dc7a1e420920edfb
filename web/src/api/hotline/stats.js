import request from '@/utils/request'

// query: { from, to } (YYYY-MM-DD, Beijing dates, both included)
export function getHotlineStats(query = {}) {
  return request({ url: '/hotline/stats', method: 'GET', params: query })
}

// The figures for publishing: no personal data, cells under 3 appeals hidden.
export function getHotlinePublicStats(query = {}) {
  return request({ url: '/hotline/stats/public', method: 'GET', params: query })
}
