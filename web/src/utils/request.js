// The one place that talks HTTP to huimin. Same origin, cookie session
// (hm_session), X-CSRF-Token on every write. Errors arrive as
// {"error":{"code","message","field"}} with a real HTTP status; they are thrown
// as ApiError after being shown: next to the form field the server names when
// the caller passed that form's error map, else as a message. 401 → login page.
import { ElMessage } from 'element-plus'

let csrfToken = ''
let onUnauthorized = null

export function setCsrfToken(token) {
  csrfToken = token || ''
}

// The router registers how to go to the login page (avoids an import cycle).
export function setUnauthorizedHandler(fn) {
  onUnauthorized = fn
}

export class ApiError extends Error {
  constructor(status, code, message, field) {
    super(message)
    this.status = status
    this.code = code
    this.field = field || ''
  }
}

const WRITE = new Set(['POST', 'PUT', 'PATCH', 'DELETE'])

function query(params) {
  if (!params) return ''
  const q = new URLSearchParams()
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined || v === null || v === '') continue
    q.append(k, String(v))
  }
  const s = q.toString()
  return s ? `?${s}` : ''
}

/**
 * request({ url, method, params, data, headers, fieldErrors, silent })
 * fieldErrors: a reactive object whose keys are the form's field names; a
 * server error naming one of them is written there instead of popping up.
 * silent: do not show the error at all (the caller handles it).
 */
export default async function request(opts) {
  const method = (opts.method || 'GET').toUpperCase()
  const headers = { Accept: 'application/json', ...(opts.headers || {}) }
  let body
  if (opts.data !== undefined) {
    headers['Content-Type'] = 'application/json'
    body = JSON.stringify(opts.data)
  }
  if (WRITE.has(method) && csrfToken) headers['X-CSRF-Token'] = csrfToken

  let res
  try {
    res = await fetch(`/api/v1${opts.url}${query(opts.params)}`, {
      method,
      headers,
      body,
      credentials: 'same-origin',
    })
  } catch {
    const err = new ApiError(0, 'network', '无法连接服务器，请检查网络后重试')
    if (!opts.silent) ElMessage.error(err.message)
    throw err
  }

  const text = await res.text()
  let json = null
  if (text) {
    try {
      json = JSON.parse(text)
    } catch {
      json = null
    }
  }
  if (res.ok) return json ?? {}

  const e = (json && json.error) || {}
  const err = new ApiError(
    res.status,
    e.code || `http.${res.status}`,
    e.message || `请求失败（${res.status}）`,
    e.field,
  )
  if (res.status === 401 && err.code === 'auth.required') {
    setCsrfToken('')
    if (onUnauthorized) onUnauthorized()
    if (!opts.silent) ElMessage.warning('登录已过期，请重新登录')
    throw err
  }
  if (!opts.silent) showError(err, opts.fieldErrors)
  throw err
}

// Show an error beside its field when the form has it, else as a message.
export function showError(err, fieldErrors) {
  if (fieldErrors && err.field && Object.prototype.hasOwnProperty.call(fieldErrors, err.field)) {
    fieldErrors[err.field] = err.message
    return
  }
  ElMessage.error(err.message)
}

// A fresh error map with one empty slot per field name.
export function fieldErrorMap(names) {
  return Object.fromEntries(names.map((n) => [n, '']))
}

export function clearFieldErrors(map) {
  for (const k of Object.keys(map)) map[k] = ''
}
