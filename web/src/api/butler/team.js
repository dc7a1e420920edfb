import request from '@/utils/request'

export function listTeams(query) {
  return request({ url: '/butler/teams', method: 'GET', params: query })
}

// data: { name, phone }
export function createTeam(data, opts = {}) {
  return request({ url: '/butler/teams', method: 'POST', data, ...opts })
}

// data: { username, phone, leader }
export function addTeamMember(id, data, opts = {}) {
  return request({ url: `/butler/teams/${id}/members`, method: 'POST', data, ...opts })
}

export function removeTeamMember(id, userId, opts = {}) {
  return request({ url: `/butler/teams/${id}/members/${userId}`, method: 'DELETE', ...opts })
}
