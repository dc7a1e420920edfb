import request from '@/utils/request'

// query: { project_id, team_id, from, to, page, page_size }
export function listVisits(query) {
  return request({ url: '/butler/visits', method: 'GET', params: query })
}

// data: { visited_on, staff, people_met, notes }
export function createVisit(projectId, data, opts = {}) {
  return request({ url: `/butler/projects/${projectId}/visits`, method: 'POST', data, ...opts })
}
