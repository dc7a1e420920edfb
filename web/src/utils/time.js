// Times come as ISO 8601 with +08:00; they are shown in Beijing time whatever
// the office PC's time zone is.
const fmt = new Intl.DateTimeFormat('zh-CN', {
  timeZone: 'Asia/Shanghai',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
})

function parts(iso) {
  const d = new Date(iso)
  if (Number.isNaN(d.getTime())) return null
  const p = Object.fromEntries(fmt.formatToParts(d).map((x) => [x.type, x.value]))
  return p
}

export function formatTime(iso) {
  if (!iso) return '—'
  const p = parts(iso)
  if (!p) return iso
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}`
}

export function formatDate(iso) {
  if (!iso) return '—'
  const p = parts(iso)
  if (!p) return iso
  return `${p.year}-${p.month}-${p.day}`
}

// A working-day deadline ends at 24:00 of its last day; the server sends it as
// 00:00 of the next day. Show it the way the rule is written.
export function formatDue(iso) {
  if (!iso) return '—'
  const p = parts(iso)
  if (!p) return iso
  if (p.hour === '00' && p.minute === '00') {
    const prev = parts(new Date(new Date(iso).getTime() - 60000).toISOString())
    return `${prev.year}-${prev.month}-${prev.day} 24:00`
  }
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}`
}

// 93784 → "1天2小时"; under an hour → "43分钟"
export function formatDuration(seconds) {
  let s = Math.abs(Math.trunc(seconds))
  const d = Math.floor(s / 86400)
  s %= 86400
  const h = Math.floor(s / 3600)
  s %= 3600
  const m = Math.floor(s / 60)
  if (d > 0) return `${d}天${h}小时`
  if (h > 0) return `${h}小时${m}分`
  return `${Math.max(m, 1)}分钟`
}

// Today in Beijing as YYYY-MM-DD.
export function todayBeijing() {
  return formatDate(new Date().toISOString())
}
