// Fixed value lists of care services (part of the API).
export const SERVICES = [
  { code: 'psych', name: '心理关爱' },
  { code: 'legal', name: '法律援助' },
  { code: 'family_edu', name: '家庭教育' },
]

export const REFERRAL_STATUSES = [
  { code: 'referred', name: '已转介', type: 'warning' },
  { code: 'in_service', name: '服务中', type: 'primary' },
  { code: 'closed', name: '已结束', type: 'info' },
]

export function referralTag(code) {
  return (REFERRAL_STATUSES.find((s) => s.code === code) || {}).type || 'info'
}

// A local date-time as ISO 8601 with the Beijing offset.
export function beijingIso(d) {
  const t = new Date(d.getTime() + 8 * 3600 * 1000).toISOString().slice(0, 19)
  return `${t}+08:00`
}
