// Money is integer fen end to end; the UI shows and takes yuan. No floats:
// yuan text is parsed digit by digit into fen.

// 123456789 → "1,234,567.89"
export function fenToYuan(fen) {
  if (fen === null || fen === undefined || fen === '') return '—'
  const n = BigInt(fen)
  const neg = n < 0n
  const abs = neg ? -n : n
  const yuan = (abs / 100n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',')
  const cents = (abs % 100n).toString().padStart(2, '0')
  return `${neg ? '-' : ''}${yuan}.${cents}`
}

export function fenToYuanLabel(fen) {
  return `¥${fenToYuan(fen)}`
}

// For charts: yuan as a plain number (display only, never sent back).
export function fenToYuanNumber(fen) {
  return Number(fen || 0) / 100
}

export const YUAN_PATTERN = /^(0|[1-9]\d{0,9})(\.\d{1,2})?$/

// "1,234.5" or "1234.50" → 123450; "" → 0; invalid → null.
export function yuanToFen(text) {
  const s = String(text ?? '')
    .trim()
    .replace(/,/g, '')
  if (s === '') return 0
  if (!YUAN_PATTERN.test(s)) return null
  const [int, frac = ''] = s.split('.')
  return Number(int) * 100 + Number(frac.padEnd(2, '0'))
}

// fen → editable yuan text ("2500.00" → "2500", "2500.5")
export function fenToYuanInput(fen) {
  if (fen === null || fen === undefined) return ''
  const n = Number(fen)
  const int = Math.trunc(n / 100)
  const frac = n % 100
  if (frac === 0) return String(int)
  return `${int}.${String(frac).padStart(2, '0').replace(/0$/, '')}`
}
