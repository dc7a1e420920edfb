import request from '@/utils/request'
import { uuid } from '@/utils/uuid'

// Writes carry an Idempotency-Key made once per click, so a retried request
// registers or moves an appeal once.
function write(url, data, opts = {}) {
  return request({ url, method: 'POST', data, headers: { 'Idempotency-Key': uuid() }, ...opts })
}

// query: { status, category, channel, department_id, programme_id, warning, emergency, from, to, q, page, page_size }
export function listAppeals(query) {
  return request({ url: '/hotline/appeals', method: 'GET', params: query })
}

export function getAppeal(id, opts = {}) {
  return request({ url: `/hotline/appeals/${id}`, method: 'GET', ...opts })
}

// data: { channel, line, programme_id, kind, anonymous, caller_name, caller_phone, place, content, category, emergency, answer }
export function createAppeal(data, opts = {}) {
  return write('/hotline/appeals', data, opts)
}

// The full number; the server records who looked (audit and timeline).
export function viewCallerPhone(id, opts = {}) {
  return write(`/hotline/appeals/${id}/caller-phone`, {}, opts)
}

export function dispatchAppeal(id, data, opts = {}) {
  return write(`/hotline/appeals/${id}/dispatch`, data, opts)
}

export function signAppeal(id, data = {}, opts = {}) {
  return write(`/hotline/appeals/${id}/sign`, data, opts)
}

export function replyAppeal(id, data, opts = {}) {
  return write(`/hotline/appeals/${id}/reply`, data, opts)
}

export function returnAppeal(id, data, opts = {}) {
  return write(`/hotline/appeals/${id}/return`, data, opts)
}

// data: { decision: "redispatch" | "insist", department_id, note }
export function reviewReturn(id, data, opts = {}) {
  return write(`/hotline/appeals/${id}/return-review`, data, opts)
}

// data: { workdays, reason }
export function requestExtension(id, data, opts = {}) {
  return write(`/hotline/appeals/${id}/extension`, data, opts)
}

// data: { decision: "approve" | "refuse", note }
export function reviewExtension(id, data, opts = {}) {
  return write(`/hotline/appeals/${id}/extension-review`, data, opts)
}

// data: { result: reached|no_answer|busy|unreachable, satisfaction, note }
export function callbackAppeal(id, data, opts = {}) {
  return write(`/hotline/appeals/${id}/callback`, data, opts)
}

export function superviseAppeal(id, data, opts = {}) {
  return write(`/hotline/appeals/${id}/supervise`, data, opts)
}

export function respondSupervision(id, data, opts = {}) {
  return write(`/hotline/appeals/${id}/supervision-response`, data, opts)
}

export function listDuplicates(id, opts = {}) {
  return request({ url: `/hotline/appeals/${id}/duplicates`, method: 'GET', ...opts })
}

// data: { main_id }
export function mergeAppeal(id, data, opts = {}) {
  return write(`/hotline/appeals/${id}/merge`, data, opts)
}

// The department head's review of its clerk's reply.
// data: { decision: "approve" | "send_back", note }
export function reviewReply(id, data, opts = {}) {
  return write(`/hotline/appeals/${id}/reply-review`, data, opts)
}

// An assisting department's opinion (协办意见) for the lead department. data: { opinion }
export function giveAssistOpinion(id, data, opts = {}) {
  return write(`/hotline/appeals/${id}/assist-opinion`, data, opts)
}

// The dispatch table's lead and assists for category × district.
export function dispatchSuggestion(query, opts = {}) {
  return request({ url: '/hotline/dispatch-suggestion', method: 'GET', params: query, ...opts })
}

// 待回访: replied appeals, soonest callback first. query: { warning, district, page, page_size }
export function listCallbacksDue(query) {
  return request({ url: '/hotline/callbacks-due', method: 'GET', params: query })
}

// The file is the body; its bytes decide the type (PDF, JPEG, PNG).
export function uploadAppealAttachment(id, file, opts = {}) {
  return request({
    url: `/hotline/appeals/${id}/attachments`,
    method: 'POST',
    params: { filename: file.name },
    body: file,
    headers: { 'Content-Type': file.type || 'application/octet-stream' },
    ...opts,
  })
}

export function listAppealAttachments(id, opts = {}) {
  return request({ url: `/hotline/appeals/${id}/attachments`, method: 'GET', ...opts })
}

// For download(); each download is written to the audit trail.
export function appealAttachmentPath(id, attachmentId) {
  return `/hotline/appeals/${id}/attachments/${attachmentId}/content`
}
