import request from '@/utils/request'

// query: { project_id, delivered, page, page_size }
export function listNotices(query) {
  return request({ url: '/butler/notices', method: 'GET', params: query })
}

// data: { contact_phone } (optional: the butler's phone in the team is the default)
export function createNotice(projectId, data = {}, opts = {}) {
  return request({ url: `/butler/projects/${projectId}/notices`, method: 'POST', data, ...opts })
}

// The printable PDF (opened in a new tab; each print is counted and audited).
export function noticePdfUrl(id) {
  return `/api/v1/butler/notices/${id}/pdf`
}

// data: { recipient, method: in_person|mail|electronic, delivered_at, note }
export function deliverNotice(id, data, opts = {}) {
  return request({ url: `/butler/notices/${id}/delivery`, method: 'POST', data, ...opts })
}
