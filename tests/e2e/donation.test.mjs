// The money side in a real browser: finance registers an enterprise donor
// and records its donation, issues a receipt, opens the PDF, voids and
// reissues it (the voided number stays), reverses a mistaken donation; the
// honour roll without login shows consenting donors and 爱心人士; the trial
// balance shows the bank after the donation; a pasted bank statement shows
// one matched and one unmatched line; an Excel export shows its progress.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { startServer, launchBrowser, newPage, login, shot, dialog, expectMessage, api } from './lib/harness.mjs'

const P = 'money'
const ENTERPRISE = '枣庄鲁南建材有限公司'
const USCC = '91370400MA3C5XY71T' // GB 32100-2015 check character T
const REF = 'HX20260301001'
let server
let browser
let page

before(async () => {
  server = await startServer()
  browser = await launchBrowser()
  // A donor who does not want the name published, with a cash gift.
  const fin = await api(server.base, 'fin')
  const d = await fin('POST', '/fund/donors', {
    kind: 'individual',
    name: '刘不留名',
    publish_name: false,
    publish_amount: true,
  })
  assert.equal(d.status, 201, JSON.stringify(d.body))
  const today = new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 10)
  const g = await fin('POST', '/fund/donations', {
    donor_id: d.body.donor.id,
    amount: 20000,
    received_on: today,
    channel: 'cash',
  })
  assert.equal(g.status, 201, JSON.stringify(g.body))
  page = await newPage(browser, server.base)
  await login(page, 'fin')
})

after(async () => {
  if (browser) await browser.close()
  if (server) await server.stop()
})

test('finance registers an enterprise donor; a wrong credit code is refused in Chinese first', async () => {
  await page.goto('/donation/donor')
  await page.locator('[data-test=donor-add]').click()
  const dlg = dialog(page, '登记捐赠人')
  await dlg.locator('.el-radio-button', { hasText: '企业' }).click()
  await dlg.locator('input[data-test=donor-name-input]').fill(ENTERPRISE)
  await dlg.locator('input[data-test=donor-uscc]').fill(USCC.slice(0, 17) + 'X')
  await dlg.locator('input[data-test=donor-name-input]').click()
  await dlg.locator('.el-form-item__error', { hasText: '校验码不正确' }).waitFor()
  await shot(page, 'donor-uscc-error', P)
  await dlg.locator('input[data-test=donor-uscc]').fill(USCC)
  await dlg.locator('[data-test=donor-save]').click()
  await expectMessage(page, `已登记捐赠人 ${ENTERPRISE}`)
  await page.locator('[data-test=donor-name]', { hasText: ENTERPRISE }).waitFor()
  await shot(page, 'donor-list', P)
})

test('finance records the donation in yuan, issues a receipt and opens its PDF', async () => {
  await page.locator('.el-table__row', { hasText: ENTERPRISE }).locator('[data-test=donor-donate]').click()
  const dlg = dialog(page, '登记捐赠')
  await dlg.waitFor()
  await dlg.locator('.el-select__selected-item', { hasText: ENTERPRISE }).waitFor()
  await dlg.locator('input[data-test=donation-amount]').fill('50,000')
  await dlg.locator('input[data-test=donation-ref]').fill(REF)
  await shot(page, 'donation-form', P)
  await dlg.locator('[data-test=donation-save]').click()
  await expectMessage(page, '¥50,000.00')
  const row = page.locator('.el-table__row', { hasText: ENTERPRISE })
  await row.waitFor()
  await shot(page, 'donation-list', P)

  await row.locator('[data-test=issue-receipt]').click()
  await page.locator('.el-message-box__btns .el-button--primary').click()
  await expectMessage(page, '已开具票据')
  const year = new Date().getFullYear()
  await row.locator('.link-text', { hasText: `${year}-000001` }).click()
  await page.waitForURL(/\/donation\/receipt/)
  const rrow = page.locator('.el-table__row', { hasText: `${year}-000001` })
  await rrow.waitFor()
  const pdf = page.context().waitForEvent('response', (r) => r.url().includes('/pdf'))
  await rrow.locator('[data-test=receipt-pdf]').click()
  const res = await pdf
  assert.equal(res.status(), 200)
  assert.match(res.headers()['content-type'], /^application\/pdf/)
  for (const p of page.context().pages()) if (p !== page) await p.close()
  await rrow.locator('[data-test=receipt-pdf]', { hasText: '补打' }).waitFor()
  await shot(page, 'receipt-printed', P)
})

test('finance voids the receipt and reissues: the voided number is kept', async () => {
  const year = new Date().getFullYear()
  const first = page
    .locator('.el-table__row')
    .filter({ has: page.locator('[data-test=receipt-no]', { hasText: `${year}-000001` }) })
  await first.locator('[data-test=receipt-void]').click()
  const v = dialog(page, '作废票据')
  await v.locator('[data-test=reason-confirm]').click()
  await v.locator('.el-form-item__error', { hasText: '请填写作废原因' }).waitFor()
  await v.locator('textarea[data-test=reason]').fill('抬头填写有误')
  await v.locator('[data-test=reason-confirm]').click()
  await expectMessage(page, '已作废')
  await first.locator('[data-test=receipt-status]', { hasText: '已作废' }).waitFor()
  // A void receipt cannot be reissued from the list; reissue from a fresh one:
  // issue again from the donation, then reissue that one.
  await page.goto('/donation/donation')
  const row = page.locator('.el-table__row', { hasText: ENTERPRISE })
  await row.locator('[data-test=issue-receipt]').click()
  await page.locator('.el-message-box__btns .el-button--primary').click()
  await expectMessage(page, `已开具票据 ${year}-000002`)
  await page.goto('/donation/receipt')
  const second = page
    .locator('.el-table__row')
    .filter({ has: page.locator('[data-test=receipt-no]', { hasText: `${year}-000002` }) })
  await second.locator('[data-test=receipt-reissue]').click()
  const r = dialog(page, '重开票据')
  await r.locator('textarea[data-test=reason]').fill('捐赠人要求更正地址')
  await r.locator('[data-test=reason-confirm]').click()
  await expectMessage(page, `已重开票据 ${year}-000003`)
  await page.locator('[data-test=receipt-no]', { hasText: `${year}-000003` }).waitFor()
  const text = await page.locator('[data-test=receipt-table]').innerText()
  assert.match(text, new RegExp(`${year}-000001[\\s\\S]*已作废`))
  assert.match(text, new RegExp(`重开，原票据 ${year}-000002`))
  await shot(page, 'receipts-void-reissued', P)
})

test('finance reverses the cash donation with a reason', async () => {
  await page.goto('/donation/donation')
  const row = page.locator('.el-table__row', { hasText: '刘不留名' })
  await row.locator('[data-test=reverse]').click()
  const dlg = dialog(page, '冲销捐赠')
  await dlg.locator('textarea[data-test=reason]').fill('重复登记')
  await shot(page, 'reverse-dialog', P)
  await dlg.locator('[data-test=reason-confirm]').click()
  await expectMessage(page, '已冲销')
  await row.locator('[data-test=donation-status]', { hasText: '已冲销' }).waitFor()
  await shot(page, 'donation-reversed', P)
})

test('the honour roll opens without login: consenting donors by name, others 爱心人士', async () => {
  const anon = await newPage(browser, server.base)
  const fin = await api(server.base, 'fin')
  const d = await fin('POST', '/fund/donors', { kind: 'anonymous', publish_name: false, publish_amount: false })
  const today = new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 10)
  await fin('POST', '/fund/donations', { donor_id: d.body.donor.id, amount: 8800, received_on: today, channel: 'cash' })
  await anon.goto('/public/honour-roll')
  assert.equal(new URL(anon.url()).pathname, '/public/honour-roll')
  await anon.locator('[data-test=honour-item]', { hasText: ENTERPRISE }).waitFor()
  await anon.locator('[data-test=honour-item]', { hasText: '爱心人士' }).first().waitFor()
  assert.match(await anon.locator('[data-test=honour-item]', { hasText: ENTERPRISE }).innerText(), /¥50,000\.00/)
  assert.equal(await anon.getByText('刘不留名').count(), 0)
  await shot(anon, 'honour-roll-public', P)
  assert.deepEqual(anon.errors, [])
  await anon.context().close()
})

test('the trial balance shows the bank after the donation', async () => {
  await page.goto('/books/report')
  const tb = page.locator('[data-test=trial-balance]')
  const bank = tb.locator('.el-table__row', { hasText: '银行存款' })
  await bank.waitFor()
  // 2,000,000 opening capital + 50,000 + 88 (the reversed 200 nets to zero).
  assert.match(await bank.innerText(), /2,050,088\.00/)
  await shot(page, 'trial-balance', P)
  await page.locator('[data-test=books-tab] .el-radio-button', { hasText: '业务活动表' }).click()
  await page.locator('[data-test=income-statement] .el-table__row', { hasText: '捐赠收入-企业' }).waitFor()
  await shot(page, 'income-statement', P)
})

test('a pasted bank statement shows one matched and one unmatched line', async () => {
  await page.goto('/books/bank')
  const today = new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 10)
  const csv = [
    '交易日期,摘要,收入金额,支出金额,对方户名,交易流水号/参考号',
    `${today},捐赠,50000.00,,${ENTERPRISE},${REF}`,
    `${today},利息,12.34,,银行,INT0001`,
  ].join('\n')
  await page.locator('textarea[data-test=bank-csv]').fill(csv)
  await page.locator('[data-test=bank-import]').click()
  await expectMessage(page, '匹配 1 行，未匹配 1 行')
  assert.equal(await page.locator('[data-test=bank-matched]').innerText(), '1')
  assert.equal(await page.locator('[data-test=bank-unmatched]').innerText(), '1')
  await page.locator('[data-test=bank-line-match]', { hasText: '捐赠' }).waitFor()
  await page.locator('[data-test=bank-line-match]', { hasText: '未匹配' }).waitFor()
  await shot(page, 'bank-import', P)
})

test('an Excel export downloads with a visible progress indicator', async () => {
  await page.goto('/donation/donation')
  await page.locator('.el-table__row', { hasText: ENTERPRISE }).waitFor()
  const dl = page.waitForEvent('download')
  await page.locator('[data-test=export-btn]').click()
  await page.locator('[data-test=export-progress]').waitFor()
  const download = await dl
  assert.match(download.suggestedFilename(), /\.xlsx$/)
  const bytes = readFileSync(await download.path())
  assert.ok(bytes.length > 100, 'empty export')
  assert.equal(bytes.subarray(0, 2).toString(), 'PK')
  await page.locator('[data-test=export-progress]', { hasText: '已下载' }).waitFor()
  await shot(page, 'export-progress', P)
  assert.deepEqual(page.errors, [])
})
