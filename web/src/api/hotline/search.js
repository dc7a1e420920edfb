import request from '@/utils/request'

// Full-text search over appeals and replies. query: { q, page, page_size }
export function searchAppeals(query, opts = {}) {
  return request({ url: '/hotline/search', method: 'GET', params: query, ...opts })
}
