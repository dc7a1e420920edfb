import request from '@/utils/request'

// query: { project_id, team_id, from, to, page, page_size }
export function listVisits(query) {
  return request({ url: '/butler/visits', method: 'GET', params: query })
}

// data: { visited_on, staff, people_met, notes }
export function createVisit(projectId, data, opts = {}) {
  return request({ url: `/butler/projects/${projectId}/visits`, method: 'POST', data, ...opts })
}

// query: none — the photos of one visit: [{ id, filename, content_type, size, url, … }]
export function listVisitPhotos(visitId) {
  return request({ url: `/butler/visits/${visitId}/photos`, method: 'GET' })
}

// The image itself is the body; its bytes decide the type (JPEG or PNG).
export function uploadVisitPhoto(visitId, file, opts = {}) {
  return request({
    url: `/butler/visits/${visitId}/photos`,
    method: 'POST',
    params: { filename: file.name },
    body: file,
    headers: { 'Content-Type': file.type || 'application/octet-stream' },
    ...opts,
  })
}
