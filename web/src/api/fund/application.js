import request from '@/utils/request'

// query: { district, status, category, emergency, overdue, page, page_size }
export function listApplications(query) {
  return request({ url: '/fund/applications', method: 'GET', params: query })
}

export function getApplication(id, opts = {}) {
  return request({ url: `/fund/applications/${id}`, method: 'GET', ...opts })
}

export function createApplication(data, opts = {}) {
  return request({ url: '/fund/applications', method: 'POST', data, ...opts })
}

export function acceptApplication(id, data = {}, opts = {}) {
  return request({ url: `/fund/applications/${id}/accept`, method: 'POST', data, ...opts })
}

export function returnApplication(id, data, opts = {}) {
  return request({ url: `/fund/applications/${id}/return`, method: 'POST', data, ...opts })
}

export function resubmitApplication(id, data = {}, opts = {}) {
  return request({ url: `/fund/applications/${id}/resubmit`, method: 'POST', data, ...opts })
}

// data: { decision: "pass" | "reject", opinion }
export function reviewApplication(id, data, opts = {}) {
  return request({ url: `/fund/applications/${id}/review`, method: 'POST', data, ...opts })
}

// data: { approved: { living: fen, … }, opinion }
export function approveApplication(id, data, opts = {}) {
  return request({ url: `/fund/applications/${id}/approve`, method: 'POST', data, ...opts })
}

export function rejectApplication(id, data, opts = {}) {
  return request({ url: `/fund/applications/${id}/reject`, method: 'POST', data, ...opts })
}

// idempotencyKey: made once per click, so a retried request pays once.
export function payApplication(id, idempotencyKey, opts = {}) {
  return request({
    url: `/fund/applications/${id}/pay`,
    method: 'POST',
    data: {},
    headers: { 'Idempotency-Key': idempotencyKey },
    ...opts,
  })
}
