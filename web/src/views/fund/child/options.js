// Small fixed value lists of the child record that the server does not send
// as dictionaries (they are part of the API itself).
export const SEX = [
  { code: 'M', name: '男' },
  { code: 'F', name: '女' },
]

export const HOUSEHOLD = [
  { code: 'none', name: '无' },
  { code: 'dibao', name: '低保' },
  { code: 'dibao_edge', name: '低保边缘' },
]

export function sexName(code) {
  return (SEX.find((s) => s.code === code) || {}).name || code
}

export function householdName(code) {
  return (HOUSEHOLD.find((s) => s.code === code) || {}).name || code
}

// Full years of age today from YYYY-MM-DD.
export function ageOf(birth) {
  if (!birth) return ''
  const [y, m, d] = birth.split('-').map(Number)
  const now = new Date()
  let age = now.getFullYear() - y
  if (now.getMonth() + 1 < m || (now.getMonth() + 1 === m && now.getDate() < d)) age--
  return age
}
