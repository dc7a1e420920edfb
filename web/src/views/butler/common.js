// What every butler page shares: the catalogue (stages, levels, statuses,
// delivery methods, procedures with materials and flow, rules) fetched once
// from GET /butler/catalogue and cached; units and tag colours.
import { reactive } from 'vue'
import { getCatalogue } from '@/api/butler/catalogue'

export const butlerDict = reactive({
  loaded: false,
  butler_stages: [],
  butler_levels: [],
  butler_procedure_statuses: [],
  butler_question_statuses: [],
  butler_delivery_methods: [],
  butler_procedures: [],
  butler_rules: {},
})

let pending = null

export function ensureButlerDict() {
  if (butlerDict.loaded) return Promise.resolve(butlerDict)
  if (!pending)
    pending = getCatalogue()
      .then((d) => {
        Object.assign(butlerDict, d, { loaded: true })
        return butlerDict
      })
      .finally(() => {
        pending = null
      })
  return pending
}

export function procedureInfo(code) {
  return butlerDict.butler_procedures.find((p) => p.code === code) || null
}

export const PROC_TYPES = { todo: 'danger', in_progress: 'warning', done: 'success', exempt: 'info' }
export const LEVEL_TYPES = { province: 'danger', city: 'warning', district: 'primary' }
export const STAGE_COLORS = {
  land: '#8e6bbf',
  engineering: '#1f6fd1',
  construction: '#d68a2e',
  acceptance: '#3aa6a0',
  completed: '#2e8b57',
}

// Floor area travels in 0.01 m²: "12000" or "12,000.5" → 1200050; "" → null.
export function areaToHundredths(text) {
  const s = String(text ?? '')
    .trim()
    .replace(/,/g, '')
  if (s === '') return null
  if (!/^(0|[1-9]\d{0,9})(\.\d{1,2})?$/.test(s)) return undefined
  const [int, frac = ''] = s.split('.')
  return Number(int) * 100 + Number(frac.padEnd(2, '0'))
}

// 1200050 → "12,000.5 m²"
export function formatArea(v) {
  if (v === null || v === undefined || v === '') return '—'
  const n = Number(v)
  const int = Math.trunc(n / 100)
    .toString()
    .replace(/\B(?=(\d{3})+(?!\d))/g, ',')
  const frac = n % 100
  return `${int}${frac ? '.' + String(frac).padStart(2, '0').replace(/0$/, '') : ''} m²`
}

// fen → "5,000 万元" for large investments (display only, integer arithmetic)
export function fenToWan(fen) {
  if (fen === null || fen === undefined) return '—'
  const n = BigInt(fen)
  const wan = n / 1000000n
  const rest = (n % 1000000n) / 10000n
  const s = wan.toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',')
  return rest ? `${s}.${rest.toString().padStart(2, '0').replace(/0$/, '')} 万元` : `${s} 万元`
}

// This year's 1 February in Beijing ("questions answered since February").
export function februaryFirst() {
  const y = new Intl.DateTimeFormat('en', { timeZone: 'Asia/Shanghai', year: 'numeric' }).format(new Date())
  return `${y}-02-01`
}

// 18 characters, GB 32100-2015 check character.
export function usccValid(code) {
  const set = '0123456789ABCDEFGHJKLMNPQRTUWXY'
  const w = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
  const s = String(code || '').toUpperCase()
  if (!/^[0-9A-HJ-NPQRTUWXY]{18}$/.test(s)) return false
  let sum = 0
  for (let i = 0; i < 17; i++) sum += set.indexOf(s[i]) * w[i]
  return set[(31 - (sum % 31)) % 31] === s[17]
}
