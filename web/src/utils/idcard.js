// 居民身份证号码 (GB 11643-1999): 17 digits + ISO 7064 MOD 11-2 check
// character. Checked as the user types so the error shows before sending; the
// server checks again and also checks the region code.
const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
const CHECK = '10X98765432'

export function idCheckChar(first17) {
  let sum = 0
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * WEIGHTS[i]
  return CHECK[sum % 11]
}

function birthFrom(id) {
  const y = Number(id.slice(6, 10))
  const m = Number(id.slice(10, 12))
  const d = Number(id.slice(12, 14))
  const dt = new Date(Date.UTC(y, m - 1, d))
  if (dt.getUTCFullYear() !== y || dt.getUTCMonth() !== m - 1 || dt.getUTCDate() !== d) return null
  if (y < 1900) return null
  const today = new Date()
  if (dt.getTime() > today.getTime()) return null
  return `${id.slice(6, 10)}-${id.slice(10, 12)}-${id.slice(12, 14)}`
}

/**
 * Check an ID number. Returns { ok: true, birthDate, sex } or
 * { ok: false, message } with a Chinese message for the form.
 */
export function checkIdNumber(raw) {
  const id = String(raw || '')
    .trim()
    .toUpperCase()
  if (!id) return { ok: false, message: '请输入身份证号码' }
  if (!/^[0-9]*X?$/.test(id) || (id.includes('X') && id.indexOf('X') !== 17))
    return { ok: false, message: '身份证号码只能由数字和末位 X 组成' }
  if (id.length !== 18) return { ok: false, message: `身份证号码应为 18 位（已输入 ${id.length} 位）` }
  if (!/^[1-8]\d{5}/.test(id)) return { ok: false, message: '身份证号码前 6 位不是有效的行政区划代码' }
  const birthDate = birthFrom(id)
  if (!birthDate) return { ok: false, message: '身份证号码中的出生日期无效' }
  if (idCheckChar(id) !== id[17]) return { ok: false, message: '身份证号码校验位不正确，请核对后重新输入' }
  return { ok: true, id, birthDate, sex: Number(id[16]) % 2 === 1 ? 'M' : 'F' }
}
