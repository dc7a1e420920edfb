import request from '@/utils/request'

// query: { child_id, district, from, to, page, page_size }
export function listVisits(query) {
  return request({ url: '/fund/care/visits', method: 'GET', params: query })
}

export function getVisit(id, opts = {}) {
  return request({ url: `/fund/care/visits/${id}`, method: 'GET', ...opts })
}

// data: { child_id, visited_at, visitors, people_met, findings, follow_up, follow_up_due }
export function createVisit(data, opts = {}) {
  return request({ url: '/fund/care/visits', method: 'POST', data, ...opts })
}
