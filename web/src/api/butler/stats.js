import request from '@/utils/request'

// since: YYYY-MM-DD ("questions answered since")
export function getButlerStats(since) {
  return request({ url: '/butler/stats', method: 'GET', params: { since } })
}
