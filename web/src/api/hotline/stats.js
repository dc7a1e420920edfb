import request from '@/utils/request'

export function getHotlineStats() {
  return request({ url: '/hotline/stats', method: 'GET' })
}
