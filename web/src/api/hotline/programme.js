import request from '@/utils/request'
import { uuid } from '@/utils/uuid'

export function listProgrammes(query) {
  return request({ url: '/hotline/programmes', method: 'GET', params: query })
}

export function getProgramme(id, opts = {}) {
  return request({ url: `/hotline/programmes/${id}`, method: 'GET', ...opts })
}

// data: { title, starts_at, ends_at, guests, scope: [catalogue codes], note }
export function createProgramme(data, opts = {}) {
  return request({
    url: '/hotline/programmes',
    method: 'POST',
    data,
    headers: { 'Idempotency-Key': uuid() },
    ...opts,
  })
}

// { programme, waiting: [appeals not yet answered], total, answered, open }
export function getProgrammeBoard(id, opts = {}) {
  return request({ url: `/hotline/programmes/${id}/board`, method: 'GET', ...opts })
}

// After the programme: every appeal taken on air and its answer, without
// personal data. { programme, items, total }; format xlsx / pdf via download().
export function getProgrammeOutcome(id, opts = {}) {
  return request({ url: `/hotline/programmes/${id}/outcome`, method: 'GET', ...opts })
}

export function programmeOutcomePath(id) {
  return `/hotline/programmes/${id}/outcome`
}
