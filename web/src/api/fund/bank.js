import request from '@/utils/request'

// data: { csv: the statement's text, filename }
export function importBankStatement(data, opts = {}) {
  return request({ url: '/fund/books/bank-imports', method: 'POST', data, ...opts })
}

export function listBankImports(query) {
  return request({ url: '/fund/books/bank-imports', method: 'GET', params: query })
}

// query: { unmatched }
export function getBankImport(id, query, opts = {}) {
  return request({ url: `/fund/books/bank-imports/${id}`, method: 'GET', params: query, ...opts })
}

export function listBankLines(query) {
  return request({ url: '/fund/books/bank-lines', method: 'GET', params: query })
}
