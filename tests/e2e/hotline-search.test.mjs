// Hotline search and figures in a real browser: an operator types 噪音 in the
// search box of the appeals page and finds the appeal whose department reply
// mentions it, highlighted; a query of punctuation only is refused with the
// server's message; the leader's dashboard draws its charts for the period
// and lists the departments' figures.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { ROOT, PASSWORD, startServer, launchBrowser, newPage, login, shot, api } from './lib/harness.mjs'

// not 'hotline-…': the hotline test's clean-up of its own pictures would take these
const P = 'hlsearch'
const POLICE = 1 // 市公安局 in data/hotline_departments.tsv
let server
let browser
let replied = 0

const MORE = [
  ['op', 'hotline_operator', '370400', '陈话务'],
  ['sup', 'hotline_supervisor', '370400', '郑督办'],
  ['clerk', 'dept_clerk', '370400', '公安局刘经办'],
  ['head', 'dept_head', '370400', '公安局王科长'],
]

before(async () => {
  server = await startServer()
  browser = await launchBrowser()
  const bin = process.env.HUIMIN_BIN || join(ROOT, 'huimin')
  for (const [u, role, org, name] of MORE) {
    const args = ['user', 'add', '--db', server.db, '--username', u, '--role', role, '--org', org, '--name', name]
    const r = spawnSync(bin, [...args, '--password-stdin'], { input: `${PASSWORD}\n`, encoding: 'utf8' })
    assert.equal(r.status, 0, r.stderr)
  }
  const sup = await api(server.base, 'sup')
  assert.equal((await sup('POST', `/hotline/departments/${POLICE}/members`, { username: 'clerk' })).status, 201)
  assert.equal((await sup('POST', `/hotline/departments/${POLICE}/members`, { username: 'head' })).status, 201)
  const op = await api(server.base, 'op')
  const clerk = await api(server.base, 'clerk')
  const head = await api(server.base, 'head')
  const appeal = async (content, place) => {
    const r = await op('POST', '/hotline/appeals', {
      channel: 'wechat',
      kind: 'complaint',
      caller_name: '周女士',
      caller_phone: '13912340000',
      place,
      content,
      category: 'police.public_order',
    })
    assert.equal(r.status, 201, JSON.stringify(r.body))
    return r.body.appeal.id
  }
  replied = await appeal('楼下烧烤店每天营业到凌晨，油烟和吵闹声影响休息', '市中区光明路幸福小区')
  for (const [who, action, body] of [
    [op, 'dispatch', { department_id: POLICE }],
    [clerk, 'sign', {}],
    [clerk, 'reply', { reply: '已责令烧烤店晚十点后停止室外营业，控制噪音，并将持续巡查' }],
    [head, 'reply-review', { decision: 'approve' }],
    [op, 'callback', { result: 'reached', satisfaction: 'satisfied' }],
  ]) {
    const r = await who('POST', `/hotline/appeals/${replied}/${action}`, body)
    assert.equal(r.status, 200, `${action}: ${JSON.stringify(r.body)}`)
  }
  await appeal('小区门口占道经营，车辆无法通行', '薛城区临城街道')
})

after(async () => {
  await browser?.close()
  await server?.stop()
})

test('the search box on the appeals page finds an appeal by its reply, highlighted', async () => {
  const page = await newPage(browser, server.base)
  await login(page, 'op')
  await page.goto('/hotline/appeal')
  const box = page.locator('input[data-test=hotline-search-box]')
  await box.fill('噪音')
  await box.press('Enter')
  await page.waitForURL((u) => u.pathname === '/hotline/search')
  await page.locator('[data-test=search-summary]', { hasText: '共找到 1 件' }).waitFor()
  const hit = page.locator('[data-test=search-hit]')
  assert.equal(await hit.count(), 1)
  assert.equal(await hit.locator('mark').first().textContent(), '噪音')
  assert.match(await hit.locator('[data-test=search-snippet]').textContent(), /控制噪音/)
  assert.ok(!(await page.content()).includes('13912340000'), 'no phone number on the search page')
  await shot(page, 'found', P)
  await hit.locator('[data-test=search-hit-no]').click()
  await page.waitForURL((u) => u.pathname === `/hotline/appeal/${replied}`)
  // a query of punctuation only: the server's message, no hits
  await page.goto('/hotline/search')
  const box2 = page.locator('input[data-test=hotline-search-box]')
  await box2.fill('，，！')
  await box2.press('Enter')
  await page.locator('[data-test=search-error]', { hasText: '没有可检索的汉字、字母或数字' }).waitFor()
  await shot(page, 'refused', P)
  assert.deepEqual(page.errors, [])
  await page.context().close()
})

test("the leader's dashboard draws the figures of the period", async () => {
  const page = await newPage(browser, server.base)
  await login(page, 'lead')
  await page.goto('/hotline/dashboard')
  await page.locator('[data-test=kpi-total]', { hasText: '2' }).waitFor()
  await page.locator('[data-test=kpi-ontime]', { hasText: '按时 1 / 已答复 1' }).waitFor()
  await page.locator('[data-test=kpi-satisfaction]', { hasText: '100.0%' }).waitFor()
  for (const chart of ['by-status', 'by-channel', 'by-category', 'by-district', 'by-department'])
    await page.locator(`[data-test=${chart}] canvas`).first().waitFor()
  const table = page.locator('[data-test=figures-table]')
  await table.locator('tr', { hasText: '市公安局' }).first().waitFor()
  assert.match(await table.locator('tr', { hasText: '市公安局' }).first().textContent(), /100\.0%/)
  await page.waitForTimeout(600) // let the charts finish their entry animation
  await shot(page, 'dashboard', P)
  await table.locator('label', { hasText: '受理渠道' }).click()
  await table.locator('tr', { hasText: '微信' }).first().waitFor()
  assert.deepEqual(page.errors, [])
  await page.context().close()
})
