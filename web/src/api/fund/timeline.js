import request from '@/utils/request'

// Applications, payments, referrals, sessions and visits of one child, in order.
export function getChildTimeline(childId, opts = {}) {
  return request({ url: `/fund/children/${childId}/timeline`, method: 'GET', ...opts })
}
