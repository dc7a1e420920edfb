// What every hotline page shares: the hotline dictionaries (catalogue,
// departments, lines, channels, kinds, statuses, satisfaction) fetched once
// from GET /dicts and cached, the category tree for cascaders, and how
// statuses and warnings look.
import { reactive } from 'vue'
import { getDicts } from '@/api/system/dict'

export const hotlineDict = reactive({
  loaded: false,
  categories: [],
  departments: [],
  lines: [],
  channels: [],
  kinds: [],
  statuses: [],
  satisfaction: [],
  districts: [],
  catalog_version: 0,
})

let pending = null

export function ensureHotlineDict() {
  if (hotlineDict.loaded) return Promise.resolve(hotlineDict)
  if (!pending)
    pending = getDicts()
      .then((d) => {
        // d.hotline.districts: Zaozhuang's districts by division name (not the federations' org names)
        Object.assign(hotlineDict, d.hotline || {}, { loaded: true })
        return hotlineDict
      })
      .finally(() => {
        pending = null
      })
  return pending
}

export function dictName(list, code) {
  const it = (hotlineDict[list] || []).find((x) => x.code === code)
  return it ? it.name : code
}

// [{value, label, children}] for el-cascader; `only` limits to codes within
// a programme's scope (a first-level code brings its children).
export function categoryTree(only = null) {
  const cats = hotlineDict.categories || []
  const inScope = (c) =>
    !only || only.some((s) => c.code === s || c.code.startsWith(`${s}.`) || s.startsWith(`${c.code}.`))
  const tops = cats.filter((c) => !c.parent && inScope(c))
  return tops.map((t) => {
    const kids = cats.filter((c) => c.parent === t.code && inScope(c))
    return {
      value: t.code,
      label: t.name,
      children: kids.length ? kids.map((k) => ({ value: k.code, label: k.name, desc: k.description })) : undefined,
    }
  })
}

export const STATUS_TYPES = {
  registered: 'info',
  dispatched: 'warning',
  signed: 'primary',
  return_requested: 'danger',
  reply_review: 'warning',
  replied: 'primary',
  rework: 'warning',
  closed: 'success',
  merged: 'info',
}

export const STATUS_COLORS = {
  registered: '#909399',
  dispatched: '#e6a23c',
  signed: '#1f6fd1',
  return_requested: '#f56c6c',
  reply_review: '#b88230',
  replied: '#5b8ff9',
  rework: '#d68a2e',
  closed: '#2e8b57',
  merged: '#b1b3b8',
}

export const WARNINGS = [
  { code: 'yellow', name: '黄牌预警' },
  { code: 'red', name: '红牌超期' },
  { code: 'none', name: '正常' },
]

export const CALLBACK_RESULTS = [
  { code: 'reached', name: '已接通' },
  { code: 'no_answer', name: '无人接听' },
  { code: 'busy', name: '占线' },
  { code: 'unreachable', name: '无法接通' },
]

export const EVENT_NAMES = {
  create: '受理',
  answer: '当场答复',
  view_phone: '查看完整号码',
  dispatch: '派单',
  sign: '签收',
  reply: '答复',
  return: '申请退单',
  redispatch: '审核退单：改派',
  insist: '审核退单：维持原派单',
  extension_request: '申请延期',
  extension_approve: '同意延期',
  extension_refuse: '不同意延期',
  callback_attempt: '回访未接通',
  callback: '回访',
  rework: '回访不满意，重办',
  supervise: '督办',
  supervision_response: '督办反馈',
  merge: '并入主诉求',
  merged_in: '合并重复诉求',
  main_replied: '主诉求答复',
  merged_unsatisfied: '合并件回访不满意',
  reply_approve: '负责人审核通过',
  reply_send_back: '负责人退回答复',
  assist_opinion: '协办意见',
  attachment: '上传附件',
}

// Live programme handoff tiers (working days to reply).
export const TIERS = [2, 5, 10]

export function districtName(code) {
  const d = (hotlineDict.districts || []).find((x) => x.code === code)
  return d ? d.name : code || ''
}

export function eventType(action) {
  if (['callback', 'answer'].includes(action)) return 'success'
  if (['return', 'rework', 'supervise', 'extension_refuse', 'reply_send_back'].includes(action)) return 'danger'
  if (['extension_request', 'callback_attempt', 'view_phone'].includes(action)) return 'warning'
  return 'primary'
}

export function pct(rate) {
  if (rate === null || rate === undefined) return '—'
  return `${(Math.round(rate * 1000) / 10).toFixed(1)}%`
}

// A programme's scope in catalogue order (公安、司法、信访、其他政务事项).
export function inCatalogueOrder(scope) {
  const order = (hotlineDict.categories || []).map((c) => c.code)
  return [...(scope || [])].sort((a, b) => order.indexOf(a.code) - order.indexOf(b.code))
}
