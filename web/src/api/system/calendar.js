import request from '@/utils/request'

export function listCalendarYears() {
  return request({ url: '/calendar/years', method: 'GET' })
}

// data: { source, holidays: ["2027-01-01 元旦", …], workdays: ["2027-02-07 春节调休上班", …] }
export function putCalendarYear(year, data, opts = {}) {
  return request({ url: `/calendar/years/${year}`, method: 'PUT', data, ...opts })
}

// params: { from: ISO time, workdays: N } or { from, hours: N }
export function getDeadline(params, opts = {}) {
  return request({ url: '/calendar/deadline', method: 'GET', params, ...opts })
}
