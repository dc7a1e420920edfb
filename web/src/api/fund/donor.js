import request from '@/utils/request'

// query: { q, kind, page, page_size }
export function listDonors(query) {
  return request({ url: '/fund/donors', method: 'GET', params: query })
}

export function getDonor(id, opts = {}) {
  return request({ url: `/fund/donors/${id}`, method: 'GET', ...opts })
}

export function createDonor(data, opts = {}) {
  return request({ url: '/fund/donors', method: 'POST', data, ...opts })
}

// Only contact data and the consent to publish can change.
export function updateDonor(id, data, opts = {}) {
  return request({ url: `/fund/donors/${id}`, method: 'PUT', data, ...opts })
}

// query: { year, taxable_income | accounting_profit, carry_YYYY … } (fen)
export function getDonorTax(id, query, opts = {}) {
  return request({ url: `/fund/donors/${id}/tax`, method: 'GET', params: query, ...opts })
}
