import request from '@/utils/request'

// query: { child_id, provider_id, district, service, status, page, page_size }
export function listReferrals(query) {
  return request({ url: '/fund/care/referrals', method: 'GET', params: query })
}

export function getReferral(id, opts = {}) {
  return request({ url: `/fund/care/referrals/${id}`, method: 'GET', ...opts })
}

// data: { child_id, provider_id, service, reason, application_id }
export function createReferral(data, opts = {}) {
  return request({ url: '/fund/care/referrals', method: 'POST', data, ...opts })
}

// data: { status: in_service | closed, note }
export function changeReferralStatus(id, data, opts = {}) {
  return request({ url: `/fund/care/referrals/${id}/status`, method: 'POST', data, ...opts })
}

// data: { held_at, notes, outcome }
export function createSession(referralId, data, opts = {}) {
  return request({ url: `/fund/care/referrals/${referralId}/sessions`, method: 'POST', data, ...opts })
}
