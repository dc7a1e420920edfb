import request from '@/utils/request'

// query: { child_id, application_id, doc_type, page, page_size }
export function listAttachments(query) {
  return request({ url: '/fund/attachments', method: 'GET', params: query })
}

// The file itself is the body; its bytes decide the type (PDF, JPEG, PNG).
export function uploadChildAttachment(childId, file, docType, opts = {}) {
  return request({
    url: `/fund/children/${childId}/attachments`,
    method: 'POST',
    params: { filename: file.name, doc_type: docType },
    body: file,
    headers: { 'Content-Type': file.type || 'application/octet-stream' },
    ...opts,
  })
}

export function uploadApplicationAttachment(applicationId, file, docType, opts = {}) {
  return request({
    url: `/fund/applications/${applicationId}/attachments`,
    method: 'POST',
    params: { filename: file.name, doc_type: docType },
    body: file,
    headers: { 'Content-Type': file.type || 'application/octet-stream' },
    ...opts,
  })
}

// Each download is written to the audit trail.
export function attachmentContentPath(id) {
  return `/fund/attachments/${id}/content`
}
