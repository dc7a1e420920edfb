import request from '@/utils/request'

// Public: no login needed. query: { year }
export function getHonourRoll(query, opts = {}) {
  return request({ url: '/public/honour-roll', method: 'GET', params: query, ...opts })
}
