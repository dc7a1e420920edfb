// An emergency: the caseworker files it (with the reason) from the
// applications page, accepts it; the city approver approves it in one step
// (no district review); finance pays inside the 24-hour window; the
// dashboard's "emergencies paid within 24 h" figure counts it.
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

const P = 'emergency'
let server
let browser
let appUrl = ''
const CHILD = '刘小雨'

before(async () => {
  server = await startServer()
  browser = await launchBrowser()
  // The child is set up through the API; registering one in the browser is the flow test's job.
  const cw = await api(server.base, 'cw')
  const r = await cw('POST', '/fund/children', {
    name: CHILD,
    sex: 'F',
    birth_date: '2013-08-21',
    id_number: idNumber('370402', '2013-08-21', '042'),
    hukou_district: '370402',
    hukou_evidence: '户口簿第 3 页',
    categories: ['ill_low_income'],
    household_status: 'dibao',
    household_cert_no: '枣民低保〔2026〕0815',
    household_cert_from: '2026-01-01',
    household_cert_to: '2027-12-31',
    guardian_name: '刘建国',
    guardian_relation: '父亲',
    guardian_phone: '13806321234',
    address: '枣庄市市中区文化路 8 号',
  })
  assert.equal(r.status, 201, JSON.stringify(r.body))
})

after(async () => {
  if (browser) await browser.close()
  if (server) await server.stop()
})

test('caseworker files an emergency application; the reason is required', async () => {
  const page = await newPage(browser, server.base)
  await login(page, 'cw')
  await page.goto('/fund/application')
  await page.locator('[data-test=app-add]').click()
  const dlg = dialog(page, '新建帮扶申请')
  await dlg.waitFor()
  await pickOption(page, dlg.locator('[data-test=child-picker]').first(), CHILD)
  await dlg.locator('input[data-test=aid-medical]').fill('8000')
  await dlg
    .locator('textarea[data-test=app-description]')
    .fill('患儿突发白血病住院，家庭为低保户，无力承担首期治疗费用。')
  await dlg.locator('[data-test=app-emergency]').click()
  await dlg.locator('[data-test=app-save]').click()
  await dlg.locator('.el-form-item__error', { hasText: '紧急申请须填写紧急情况说明' }).waitFor()
  await shot(page, 'reason-required', P)
  await dlg.locator('textarea[data-test=app-emergency-reason]').fill('住院押金明日到期，需 24 小时内到位。')
  await shot(page, 'form', P)
  await dlg.locator('[data-test=app-save]').click()
  await page.waitForURL(/\/fund\/application\/\d+$/)
  appUrl = new URL(page.url()).pathname
  await page.locator('[data-test=act-accept]').click()
  await dialog(page, '受理申请').locator('[data-test=action-confirm]').click()
  await expectMessage(page, '已受理')
  await page.locator('[data-test=app-status]', { hasText: '审核中' }).waitFor()
  await shot(page, 'accepted', P)

  await page.goto('/fund/application?emergency=true')
  const row = page.locator('.el-table__row', { hasText: CHILD })
  await row.locator('.el-tag', { hasText: '紧急' }).waitFor()
  await row.locator('.el-tag', { hasText: '剩余' }).waitFor()
  await shot(page, 'list', P)
  assert.deepEqual(page.errors, [])
  await page.context().close()
})

test('approver approves the emergency in one step', async () => {
  const page = await newPage(browser, server.base)
  await login(page, 'ap')
  await page.goto(appUrl)
  const btn = page.locator('[data-test=act-approve]')
  assert.equal((await btn.innerText()).trim(), '紧急审批')
  await btn.click()
  const dlg = dialog(page, '审批')
  await dlg.locator('.approve-total', { hasText: '8,000.00' }).waitFor()
  await shot(page, 'approve-dialog', P)
  await dlg.locator('[data-test=action-confirm]').click()
  await expectMessage(page, '已审批')
  await page.locator('[data-test=app-status]', { hasText: '已审批' }).waitFor()
  // Now the 24-hour payment deadline applies.
  await page.locator('.due-box', { hasText: '24 小时' }).waitFor()
  await shot(page, 'approved', P)
  await page.context().close()
})

test('finance pays within 24 hours and the dashboard counts it', async () => {
  const page = await newPage(browser, server.base)
  await login(page, 'fin')
  await page.goto(appUrl)
  await page.locator('[data-test=act-pay]').click()
  await dialog(page, '发放帮扶资金').locator('[data-test=action-confirm]').click()
  await expectMessage(page, '资金已发放')
  await page.locator('[data-test=app-status]', { hasText: '已发放' }).waitFor()
  await shot(page, 'paid', P)

  await page.goto('/index')
  await page.locator('[data-test=kpi-emergency]', { hasText: '100.0%' }).waitFor()
  await page.locator('[data-test=kpi-emergency]', { hasText: '按时 1 / 已发放 1' }).waitFor()
  await page.locator('[data-test=kpi-balance]', { hasText: '1,992,000.00' }).waitFor()
  await shot(page, 'dashboard', P)
  assert.deepEqual(page.errors, [])
  await page.context().close()

  const fin = await api(server.base, 'fin')
  const stats = (await fin('GET', '/fund/stats')).body
  assert.deepEqual(stats.emergencies_paid, { total: 1, on_time: 1 })
})
