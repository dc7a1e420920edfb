import request from '@/utils/request'

// query: { donor_id, channel, status, from, to, page, page_size }
export function listDonations(query) {
  return request({ url: '/fund/donations', method: 'GET', params: query })
}

export function getDonation(id, opts = {}) {
  return request({ url: `/fund/donations/${id}`, method: 'GET', ...opts })
}

// data: { donor_id, amount (fen), received_on, channel, bank_ref, note }
export function createDonation(data, opts = {}) {
  return request({ url: '/fund/donations', method: 'POST', data, ...opts })
}

// 冲销: a reversing entry with its reason; the donation stays on record.
export function reverseDonation(id, data, opts = {}) {
  return request({ url: `/fund/donations/${id}/reverse`, method: 'POST', data, ...opts })
}

export function issueReceipt(donationId, data = {}, opts = {}) {
  return request({ url: `/fund/donations/${donationId}/receipt`, method: 'POST', data, ...opts })
}

// A link, opened in a new tab (the session cookie goes with it).
export function thanksLetterUrl(id) {
  return `/api/v1/fund/donations/${id}/thanks.pdf`
}
