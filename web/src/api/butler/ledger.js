import request from '@/utils/request'

// query: { project_id, team_id, page, page_size }
export function listLedger(query) {
  return request({ url: '/butler/ledger', method: 'GET', params: query })
}

// data: { approval, department, progress, problems, measures }
export function createLedgerEntry(projectId, data, opts = {}) {
  return request({ url: `/butler/projects/${projectId}/ledger`, method: 'POST', data, ...opts })
}

// data: only the fields that change
export function updateLedgerEntry(id, data, opts = {}) {
  return request({ url: `/butler/ledger/${id}`, method: 'PUT', data, ...opts })
}
