import request from '@/utils/request'

// Stages, levels, statuses, delivery methods, the procedure catalogue
// (materials, flow, time limit, department, source) and the rules.
export function getCatalogue() {
  return request({ url: '/butler/catalogue', method: 'GET' })
}

// data: { code, stage, name, department, time_limit_workdays, per_building, materials[], flow[], source, to_confirm }
export function createCatalogueProcedure(data, opts = {}) {
  return request({ url: '/butler/catalogue/procedures', method: 'POST', data, ...opts })
}

// data: as above without code (the code never changes)
export function updateCatalogueProcedure(id, data, opts = {}) {
  return request({ url: `/butler/catalogue/procedures/${id}`, method: 'PUT', data, ...opts })
}

export function retireCatalogueProcedure(id) {
  return request({ url: `/butler/catalogue/procedures/${id}/retire`, method: 'POST', data: {} })
}

export function restoreCatalogueProcedure(id) {
  return request({ url: `/butler/catalogue/procedures/${id}/restore`, method: 'POST', data: {} })
}

// every version, oldest first
export function catalogueHistory(id) {
  return request({ url: `/butler/catalogue/procedures/${id}/history`, method: 'GET' })
}
