import request from '@/utils/request'

// query: { q, level, stage, town, team_id, lacking, page, page_size }
export function listProjects(query) {
  return request({ url: '/butler/projects', method: 'GET', params: query })
}

export function getProject(id, opts = {}) {
  return request({ url: `/butler/projects/${id}`, method: 'GET', ...opts })
}

// investment in fen, floor_area in 0.01 m², buildings: ["26#厂房", …]
export function createProject(data, opts = {}) {
  return request({ url: '/butler/projects', method: 'POST', data, ...opts })
}

export function updateProject(id, data, opts = {}) {
  return request({ url: `/butler/projects/${id}`, method: 'PUT', data, ...opts })
}

// data: { team_id, note }
export function assignProject(id, data, opts = {}) {
  return request({ url: `/butler/projects/${id}/assign`, method: 'POST', data, ...opts })
}

// data: { name } — a building gets its own 施工许可证 row
export function addBuilding(id, data, opts = {}) {
  return request({ url: `/butler/projects/${id}/buildings`, method: 'POST', data, ...opts })
}
