import request from '@/utils/request'

// query: { project_id, team_id, code, status, open, page, page_size }
export function listProcedures(query) {
  return request({ url: '/butler/procedures', method: 'GET', params: query })
}

// data: { status, started_on, finished_on, doc_name, doc_no, note }
export function setProcedureStatus(id, data, opts = {}) {
  return request({ url: `/butler/procedures/${id}/status`, method: 'POST', data, ...opts })
}
