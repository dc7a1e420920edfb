import request from '@/utils/request'

// Public: no login needed. query: { year, quarter }
export function getDisclosure(query, opts = {}) {
  return request({ url: '/public/disclosure', method: 'GET', params: query, ...opts })
}

export function disclosurePdfUrl(year, quarter) {
  return `/api/v1/public/disclosure.pdf?year=${year}&quarter=${quarter}`
}
