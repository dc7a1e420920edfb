// The fund's ordinary path in a real browser: a 市中区 caseworker registers a
// child (the ID number is checked as it is typed) and files an application,
// accepts it; the district reviewer reviews; the city approver approves an
// amount in yuan; finance pays; the leader's dashboard shows the payment in
// the balance and in the status counts. One screenshot per step.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import {
  startServer,
  launchBrowser,
  newPage,
  login,
  shot,
  pickOption,
  dialog,
  expectMessage,
  idNumber,
  api,
} from './lib/harness.mjs'

const P = 'flow'
let server
let browser
let appUrl = ''
const CHILD = '王小明'
const ID = idNumber('370402', '2015-03-04', '123')

before(async () => {
  server = await startServer()
  browser = await launchBrowser()
})

after(async () => {
  if (browser) await browser.close()
  if (server) await server.stop()
})

test('caseworker registers a child; a wrong check digit is refused in Chinese first', async () => {
  const page = await newPage(browser, server.base)
  await page.goto('/fund/child')
  await page.waitForURL(/\/login/)
  await shot(page, 'login', P)
  await login(page, 'cw')
  await page.goto('/fund/child')
  await page.locator('[data-test=child-add]').click()
  const dlg = dialog(page, '登记儿童档案')
  await dlg.waitFor()

  // Last character changed: the check digit no longer matches.
  const wrong = ID.slice(0, 17) + (ID[17] === '0' ? '1' : '0')
  await dlg.locator('input[data-test=id-number]').fill(wrong)
  const err = dlg.locator('.el-form-item__error', { hasText: '身份证号码校验位不正确' })
  await err.waitFor()
  await shot(page, 'child-id-check-digit-error', P)

  await dlg.locator('input[data-test=id-number]').fill(ID)
  await err.waitFor({ state: 'detached' })
  // Birth date and sex come from the number.
  assert.equal(await dlg.locator('.el-date-editor input').first().inputValue(), '2015-03-04')
  assert.ok(await dlg.locator('.el-radio.is-checked', { hasText: '男' }).isVisible())
  await dlg.locator('input[data-test=child-name]').fill(CHILD)
  await dlg.locator('input[data-test=hukou-evidence]').fill('户口簿第 2 页（本人页）')
  await dlg.locator('.el-checkbox', { hasText: '留守儿童' }).click()
  await dlg.locator('input[data-test=guardian-name]').fill('王奶奶')
  await pickOption(page, dlg.locator('[data-test=guardian-relation]').first(), '祖母')
  await dlg.locator('input[data-test=guardian-phone]').fill('13912345678')
  await dlg.locator('input[data-test=address]').fill('枣庄市市中区光明路街道 12 号')
  await shot(page, 'child-form-filled', P)
  await dlg.locator('[data-test=child-save]').click()
  await expectMessage(page, `已为 ${CHILD} 建档`)
  const row = page.locator('.el-table__row', { hasText: CHILD })
  await row.waitFor()
  assert.match(await row.innerText(), /3704\*{10}\d{3}[\dX]/)
  await shot(page, 'child-list', P)

  // The detail drawer shows the masked number; the full one is one audited click away.
  await row.locator('[data-test=child-row-name]').click()
  const drawer = dialog(page, '儿童档案')
  await drawer.locator('[data-test=reveal-id]').click()
  await drawer.locator('[data-test=child-id-number]', { hasText: ID }).waitFor()
  await shot(page, 'child-detail-revealed', P)
  assert.deepEqual(page.errors, [])
  await page.context().close()
})

test('caseworker files an application for the child and accepts it', async () => {
  const page = await newPage(browser, server.base)
  await login(page, 'cw')
  await page.goto('/fund/child')
  await page.locator('[data-test=child-row-name]', { hasText: CHILD }).click()
  await page.locator('[data-test=child-apply]').click()
  const dlg = dialog(page, '新建帮扶申请')
  await dlg.waitFor()
  // Applicant filled from the guardian on record.
  assert.equal(await dlg.locator('input[data-test=applicant-name]').inputValue(), '王奶奶')
  await dlg.locator('input[data-test=aid-living]').fill('3,000')
  await dlg.locator('input[data-test=aid-education]').fill('500.5')
  await dlg.locator('.el-checkbox', { hasText: '心理关爱' }).click()
  await dlg
    .locator('[data-test=app-description] textarea, textarea[data-test=app-description]')
    .first()
    .fill('父母在外务工，祖母年老多病，家庭收入微薄，申请生活与教育帮扶。')
  await dlg.locator('.total', { hasText: '3,500.50' }).waitFor()
  await shot(page, 'application-form', P)
  await dlg.locator('[data-test=app-save]').click()
  await page.waitForURL(/\/fund\/application\/\d+$/)
  appUrl = new URL(page.url()).pathname
  await page.locator('[data-test=app-status]', { hasText: '已提交' }).waitFor()
  await shot(page, 'application-submitted', P)

  await page.locator('[data-test=act-accept]').click()
  const acc = dialog(page, '受理申请')
  await acc.locator('textarea').fill('材料齐全，予以受理')
  await acc.locator('[data-test=action-confirm]').click()
  await expectMessage(page, '已受理')
  await page.locator('[data-test=app-status]', { hasText: '审核中' }).waitFor()
  // The 7-working-day clock is running: a due time with a countdown.
  await page.locator('.due-box .el-tag', { hasText: '剩余' }).waitFor()
  await shot(page, 'application-accepted', P)
  assert.deepEqual(page.errors, [])
  await page.context().close()
})

test('reviewer passes the first review', async () => {
  const page = await newPage(browser, server.base)
  await login(page, 'rv')
  await page.goto('/fund/application')
  await page.locator('.el-table__row', { hasText: CHILD }).waitFor()
  await shot(page, 'reviewer-list', P)
  await page.locator('.el-table__row', { hasText: CHILD }).locator('[data-test=app-row-no]').click()
  await page.locator('[data-test=act-review]').click()
  const dlg = dialog(page, '初审')
  await dlg.locator('textarea').fill('经入户核实，情况属实，同意上报。')
  await shot(page, 'review-dialog', P)
  await dlg.locator('[data-test=action-confirm]').click()
  await expectMessage(page, '初审意见已提交')
  await page.locator('[data-test=app-status]', { hasText: '初审通过' }).waitFor()
  assert.equal(await page.locator('[data-test=act-review]').count(), 0)
  await shot(page, 'reviewed', P)
  await page.context().close()
})

test('approver approves an amount in yuan (sent in fen)', async () => {
  const page = await newPage(browser, server.base)
  await login(page, 'ap')
  await page.goto(appUrl)
  await page.locator('[data-test=act-approve]').click()
  const dlg = dialog(page, '审批')
  await dlg.locator('input[data-test=approve-living]').fill('2500')
  await dlg.locator('input[data-test=approve-education]').fill('500.50')
  await dlg.locator('.approve-total', { hasText: '3,000.50' }).waitFor()
  await shot(page, 'approve-dialog', P)
  await dlg.locator('[data-test=action-confirm]').click()
  await expectMessage(page, '已审批')
  await page.locator('[data-test=app-status]', { hasText: '已审批' }).waitFor()
  await shot(page, 'approved', P)
  await page.context().close()

  const as = await api(server.base, 'ap')
  const id = appUrl.split('/').pop()
  const r = await as('GET', `/fund/applications/${id}`)
  const approved = Object.fromEntries(r.body.application.aid.map((a) => [a.kind, a.approved]))
  assert.deepEqual(approved, { living: 250000, education: 50050 })
})

test('finance pays once', async () => {
  const page = await newPage(browser, server.base)
  await login(page, 'fin')
  await page.goto(appUrl)
  await page.locator('[data-test=act-pay]').click()
  const dlg = dialog(page, '发放帮扶资金')
  await dlg.locator('[data-test=pay-total]', { hasText: '3,000.50' }).waitFor()
  await shot(page, 'pay-dialog', P)
  await dlg.locator('[data-test=action-confirm]').click()
  await expectMessage(page, '资金已发放')
  await page.locator('[data-test=app-status]', { hasText: '已发放' }).waitFor()
  await page.locator('[data-test=timeline]', { hasText: '发放资金' }).waitFor()
  assert.equal(await page.locator('[data-test=act-pay]').count(), 0)
  await shot(page, 'paid', P)

  // Every step is in the record's audit history.
  await page.getByRole('button', { name: '审计历史' }).click()
  const audit = dialog(page, '审计历史')
  for (const step of ['提交申请', '受理', '初审通过', '审批同意', '发放资金'])
    await audit.locator('.action', { hasText: step }).first().waitFor()
  await shot(page, 'audit-history', P)
  await page.context().close()
})

test('the dashboard shows the payment in the balance and the status counts', async () => {
  const page = await newPage(browser, server.base)
  await login(page, 'lead')
  await page.goto('/index')
  // ¥2,000,000.00 opening capital − ¥3,000.50 paid.
  await page.locator('[data-test=kpi-balance]', { hasText: '1,996,999.50' }).waitFor()
  await page.locator('[data-test=kpi-expense]', { hasText: '3,000.50' }).waitFor()
  await page.locator('[data-test=kpi-decided]', { hasText: '已办结 1' }).waitFor()
  await page.locator('[data-test=by-status]', { hasText: '共 1 件' }).waitFor()
  await page.locator('[data-test=by-status] canvas').first().waitFor()
  await shot(page, 'dashboard', P)

  const as = await api(server.base, 'lead')
  const stats = (await as('GET', '/fund/stats')).body
  assert.equal(stats.balance.bank, 200000000 - 300050)
  assert.deepEqual(
    stats.by_status.filter((s) => s.count).map((s) => [s.code, s.count]),
    [['paid', 1]],
  )
  assert.deepEqual(page.errors, [])
  await page.context().close()
})
