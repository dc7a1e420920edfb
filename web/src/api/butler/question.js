import request from '@/utils/request'

// query: { project_id, team_id, status, overdue, answered_since, page, page_size }
export function listQuestions(query) {
  return request({ url: '/butler/questions', method: 'GET', params: query })
}

// data: { content, asker, raised_at, visit_id, answer } or { …, department, deadline_days }
export function createQuestion(projectId, data, opts = {}) {
  return request({ url: `/butler/projects/${projectId}/questions`, method: 'POST', data, ...opts })
}

export function answerQuestion(id, data, opts = {}) {
  return request({ url: `/butler/questions/${id}/answer`, method: 'POST', data, ...opts })
}
