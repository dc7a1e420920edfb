import request from '@/utils/request'

// query: { year, status, donation_id, page, page_size }
export function listReceipts(query) {
  return request({ url: '/fund/receipts', method: 'GET', params: query })
}

export function getReceipt(id, opts = {}) {
  return request({ url: `/fund/receipts/${id}`, method: 'GET', ...opts })
}

// 作废: the number stays, marked void, with the reason.
export function voidReceipt(id, data, opts = {}) {
  return request({ url: `/fund/receipts/${id}/void`, method: 'POST', data, ...opts })
}

// 重开: voids the old one if still valid and issues the next number.
export function reissueReceipt(id, data, opts = {}) {
  return request({ url: `/fund/receipts/${id}/reissue`, method: 'POST', data, ...opts })
}

// Each opening is recorded; from the second on the PDF is marked 补打.
export function receiptPdfUrl(id) {
  return `/api/v1/fund/receipts/${id}/pdf`
}
