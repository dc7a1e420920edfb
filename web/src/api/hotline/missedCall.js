import request from '@/utils/request'
import { uuid } from '@/utils/uuid'

// query: { status: open|reached|unreachable, page, page_size }
export function listMissedCalls(query) {
  return request({ url: '/hotline/missed-calls', method: 'GET', params: query })
}

// data: { line, caller_phone, missed_at }
export function createMissedCall(data, opts = {}) {
  return request({
    url: '/hotline/missed-calls',
    method: 'POST',
    data,
    headers: { 'Idempotency-Key': uuid() },
    ...opts,
  })
}

// data: { result, note, appeal_id }
export function addCallbackAttempt(id, data, opts = {}) {
  return request({
    url: `/hotline/missed-calls/${id}/attempts`,
    method: 'POST',
    data,
    headers: { 'Idempotency-Key': uuid() },
    ...opts,
  })
}
