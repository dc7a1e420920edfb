import request from '@/utils/request'

export function listOrgs() {
  return request({ url: '/orgs', method: 'GET' })
}
