// Fixed value lists of the money side (part of the API, not dictionaries).
export const DONOR_KINDS = [
  { code: 'individual', name: '个人' },
  { code: 'enterprise', name: '企业' },
  { code: 'anonymous', name: '匿名' },
]

export const CHANNELS = [
  { code: 'bank_transfer', name: '银行转账' },
  { code: 'wechat_pay', name: '微信支付' },
  { code: 'alipay', name: '支付宝' },
  { code: 'cash', name: '现金' },
  { code: 'cheque', name: '支票' },
]

export function kindTag(kind) {
  return { individual: 'primary', enterprise: 'success', anonymous: 'info' }[kind] || 'info'
}

// GB 32100-2015: 18 characters, digits and capitals without I O Z S V,
// characters 3–8 a division code, the last a MOD 31 check character.
const USCC_CHARS = '0123456789ABCDEFGHJKLMNPQRTUWXY'
const USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]

export function checkUscc(s) {
  if (!s) return '请填写统一社会信用代码'
  if (s.length !== 18) return '统一社会信用代码应为 18 位'
  if (!/^[0-9A-HJ-NPQRTUWXY]{18}$/.test(s)) return '统一社会信用代码只含数字和大写字母（不含 I、O、Z、S、V）'
  if (!/^\d{6}$/.test(s.slice(2, 8))) return '统一社会信用代码第 3–8 位应为行政区划代码'
  let sum = 0
  for (let i = 0; i < 17; i++) sum += USCC_CHARS.indexOf(s[i]) * USCC_WEIGHTS[i]
  const c = 31 - (sum % 31)
  if (USCC_CHARS[c === 31 ? 0 : c] !== s[17]) return '统一社会信用代码校验码不正确，请核对'
  return ''
}
