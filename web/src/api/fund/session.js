import request from '@/utils/request'

// Lists never carry the notes. query: { child_id, referral_id, provider_id, district, service, from, to, page, page_size }
export function listSessions(query) {
  return request({ url: '/fund/care/sessions', method: 'GET', params: query })
}

// With the notes; each call is written to the child's audit history.
export function getSession(id, opts = {}) {
  return request({ url: `/fund/care/sessions/${id}`, method: 'GET', ...opts })
}
