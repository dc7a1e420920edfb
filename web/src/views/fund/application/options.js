// Value lists that belong to the application API itself.
export const APPLICANT_TYPES = [
  { code: 'guardian', name: '监护人' },
  { code: 'relative', name: '共同生活亲属' },
  { code: 'self', name: '儿童本人' },
]

export const EVENT_NAMES = {
  create: '提交申请',
  accept: '受理',
  return: '退回补正',
  resubmit: '重新提交',
  review_pass: '初审通过',
  review_reject: '初审不通过',
  approve: '审批同意',
  reject: '不予帮扶',
  pay: '发放资金',
}

export function applicantTypeName(code) {
  return (APPLICANT_TYPES.find((t) => t.code === code) || {}).name || code
}
