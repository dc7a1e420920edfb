import request from '@/utils/request'

// Stages, levels, statuses, delivery methods, the procedure catalogue
// (materials, flow, time limit, department, source) and the rules.
export function getCatalogue() {
  return request({ url: '/butler/catalogue', method: 'GET' })
}
