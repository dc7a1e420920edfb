import request from '@/utils/request'

export function getFundStats() {
  return request({ url: '/fund/stats', method: 'GET' })
}

export function getFundBalance() {
  return request({ url: '/fund/balance', method: 'GET' })
}
