import request from '@/utils/request'

// query: { from, to, district }
export function getTrialBalance(query, opts = {}) {
  return request({ url: '/fund/books/trial-balance', method: 'GET', params: query, ...opts })
}

// query: { from, to } (city-wide only)
export function getBalanceSheet(query, opts = {}) {
  return request({ url: '/fund/books/balance-sheet', method: 'GET', params: query, ...opts })
}

// query: { from, to, district, aid_kind }
export function getIncomeStatement(query, opts = {}) {
  return request({ url: '/fund/books/income-statement', method: 'GET', params: query, ...opts })
}

export const JOURNAL_PATH = '/fund/books/journal.hledger'
