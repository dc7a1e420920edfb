import request from '@/utils/request'

export function getDicts() {
  return request({ url: '/dicts', method: 'GET' })
}
