// The administrator's pages: users (a server error lands next to its field,
// a new user is created and disabled) and the holiday calendar (a year is
// loaded; the deadline calculator uses it).
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
  api,
} from './lib/harness.mjs'

const P = 'admin'
// "…T00:00:00+08:00" is shown as the day before, 24:00 (how the rule is written).
function formatDue(iso) {
  const d = new Date(Date.parse(iso) - 60000 + 8 * 3600000)
  return `${d.toISOString().slice(0, 10)} 24:00`
}
let server
let browser

before(async () => {
  server = await startServer()
  browser = await launchBrowser()
})

after(async () => {
  if (browser) await browser.close()
  if (server) await server.stop()
})

test('admin lands on user management; a taken username is flagged at the field', async () => {
  const page = await newPage(browser, server.base)
  await login(page, 'adm')
  await page.waitForURL(/\/system\/user$/)
  // No fund pages in an administrator's menu.
  assert.equal(await page.locator('.el-menu-item', { hasText: '儿童档案' }).count(), 0)
  await page.locator('.el-table__row', { hasText: '张经办' }).waitFor()
  await shot(page, 'users', P)

  await page.locator('[data-test=user-add]').click()
  const dlg = dialog(page, '新建用户')
  await dlg.getByLabel('用户名').fill('cw')
  await dlg.getByLabel('姓名').fill('钱经办')
  await pickOption(page, dlg.locator('.el-select').nth(0), '经办人')
  await pickOption(page, dlg.locator('.el-select').nth(1), '峄城区')
  await dlg.getByLabel('初始密码').fill('Yicheng-2026-start')
  await dlg.getByRole('button', { name: '创建' }).click()
  await dlg.locator('.el-form-item__error', { hasText: '用户名已存在' }).waitFor()
  await shot(page, 'user-exists-error', P)

  await dlg.getByLabel('用户名').fill('cw_yc')
  await dlg.getByRole('button', { name: '创建' }).click()
  await expectMessage(page, '用户已创建')
  const row = page.locator('.el-table__row', { hasText: 'cw_yc' })
  await row.waitFor()
  await row.getByRole('button', { name: '停用' }).click()
  await page.locator('.el-message-box').getByRole('button', { name: '停用' }).click()
  await row.locator('.el-tag', { hasText: '已停用' }).waitFor()
  await shot(page, 'user-disabled', P)
  assert.deepEqual(page.errors, [])
  await page.context().close()
})

test('admin loads a holiday year and the deadline calculator uses it', async () => {
  const page = await newPage(browser, server.base)
  await login(page, 'adm')
  await page.goto('/system/calendar')
  await page.locator('[data-test=calendar-load]').click()
  const dlg = dialog(page, '导入年度节假日安排')
  const year = await dlg.locator('.el-input-number input').inputValue()
  // Checked in the browser first: a line from another year.
  await dlg.getByLabel('依据文件').fill(`测试用：${year} 年节假日安排（示例）`)
  await dlg.getByLabel('放假日期').fill(`2001-01-01 元旦`)
  await dlg.getByRole('button', { name: '导入' }).click()
  await dlg.locator('.el-form-item__error', { hasText: `不在 ${year} 年` }).waitFor()
  await dlg
    .getByLabel('放假日期')
    .fill([`${year}-01-01 元旦`, `${year}-01-04 测试假日`, `${year}-01-05 测试假日`].join('\n'))
  await dlg.getByLabel('调休上班').fill(`${year}-01-10 调休上班`)
  await shot(page, 'calendar-load', P)
  await dlg.getByRole('button', { name: '导入' }).click()
  await expectMessage(page, `${year} 年节假日安排已导入`)
  await page.locator('.el-table__row', { hasText: `测试用：${year}` }).waitFor()

  const as = await api(server.base, 'adm')
  const years = (await as('GET', '/calendar/years')).body.items.map((y) => y.year)
  assert.ok(years.includes(Number(year)))
  const d = await (
    await fetch(`${server.base}/api/v1/calendar/deadline?from=${year}-01-01T10:00:00%2B08:00&workdays=7`)
  ).json()
  assert.equal(d.estimated, false)

  // The calculator on the page: 7 working days from New Year’s Day skip the loaded holidays and count the make-up Sunday.
  const from = page.locator('.el-date-editor input').first()
  await from.fill(`${year}-01-01 10:00`)
  await from.press('Enter')
  await page.locator('[data-test=calc-run]').click()
  const result = page.locator('[data-test=calc-result]')
  await result.waitFor()
  assert.equal(await result.locator('.el-tag', { hasText: '预估' }).count(), 0)
  assert.ok((await result.innerText()).includes(formatDue(d.due)), await result.innerText())
  await shot(page, 'calendar', P)
  assert.deepEqual(page.errors, [])
  await page.context().close()
})
