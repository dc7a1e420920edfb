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
 * request({ url, method, params, data, body, headers, fieldErrors, silent })
 * body: a raw request body (Blob/File) instead of JSON data.
 * fieldErrors: a reactive object whose keys are the form's field names; a
 * server error naming one of them is written there instead of popping up.
 * silent: do not show the error at all (the caller handles it).
 */
export default async function request(opts) {
  const method = (opts.method || 'GET').toUpperCase()
  const headers = { Accept: 'application/json', ...(opts.headers || {}) }
  let body
  if (opts.body !== undefined) {
    // A raw body (a file upload): the caller sets its Content-Type.
    body = opts.body
  } else if (opts.data !== undefined) {
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

/**
 * download({ url, params, filename, onProgress }) fetches a file (an Excel
 * export, a journal) with the session cookie and saves it in the browser.
 * onProgress({ received, total }) is called as bytes arrive (total is the
 * Content-Length, 0 when unknown). Errors are shown and thrown like request().
 * Returns { filename, size, type }.
 */
export async function download(opts) {
  let res
  try {
    res = await fetch(`/api/v1${opts.url}${query(opts.params)}`, { credentials: 'same-origin' })
  } catch {
    const err = new ApiError(0, 'network', '无法连接服务器，请检查网络后重试')
    ElMessage.error(err.message)
    throw err
  }
  if (!res.ok) {
    let e = {}
    try {
      e = (await res.json()).error || {}
    } catch {
      e = {}
    }
    const err = new ApiError(
      res.status,
      e.code || `http.${res.status}`,
      e.message || `下载失败（${res.status}）`,
      e.field,
    )
    if (res.status === 401 && err.code === 'auth.required' && onUnauthorized) onUnauthorized()
    ElMessage.error(err.message)
    throw err
  }
  const total = Number(res.headers.get('Content-Length') || 0)
  const type = res.headers.get('Content-Type') || 'application/octet-stream'
  const chunks = []
  let received = 0
  if (opts.onProgress) opts.onProgress({ received, total })
  const reader = res.body.getReader()
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    chunks.push(value)
    received += value.length
    if (opts.onProgress) opts.onProgress({ received, total })
  }
  const filename = dispositionName(res.headers.get('Content-Disposition')) || opts.filename || 'download'
  const blob = new Blob(chunks, { type })
  const a = document.createElement('a')
  a.href = URL.createObjectURL(blob)
  a.download = filename
  document.body.appendChild(a)
  a.click()
  a.remove()
  setTimeout(() => URL.revokeObjectURL(a.href), 10000)
  return { filename, size: received, type }
}

// filename*=UTF-8''… wins over the plain ASCII filename.
function dispositionName(h) {
  if (!h) return ''
  const star = /filename\*=UTF-8''([^;]+)/i.exec(h)
  if (star) {
    try {
      return decodeURIComponent(star[1])
    } catch {
      /* fall through */
    }
  }
  const plain = /filename="?([^";]+)"?/i.exec(h)
  return plain ? plain[1] : ''
}
