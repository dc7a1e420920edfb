// A district user sees only its district: a 薛城区 caseworker who opens a
// 市中区 child's address directly gets the "not found" page, not the child,
// and the application list does not show it either.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { startServer, launchBrowser, newPage, login, shot, idNumber, api } from './lib/harness.mjs'

const P = 'scope'
let server
let browser
let childId
let appId

before(async () => {
  server = await startServer()
  browser = await launchBrowser()
  const cw = await api(server.base, 'cw')
  const c = await cw('POST', '/fund/children', {
    name: '陈小安',
    sex: 'M',
    birth_date: '2016-05-01',
    id_number: idNumber('370402', '2016-05-01', '015'),
    hukou_district: '370402',
    hukou_evidence: '户口簿',
    categories: ['left_behind'],
    household_status: 'none',
    guardian_name: '陈奶奶',
    guardian_relation: '祖母',
    guardian_phone: '13906320000',
  })
  assert.equal(c.status, 201, JSON.stringify(c.body))
  childId = c.body.child.id
  const a = await cw('POST', '/fund/applications', {
    child_id: childId,
    applicant_type: 'guardian',
    applicant_name: '陈奶奶',
    applicant_relation: '祖母',
    aid: { living: 100000 },
    description: '父母外出务工',
  })
  assert.equal(a.status, 201, JSON.stringify(a.body))
  appId = a.body.application.id
})

after(async () => {
  if (browser) await browser.close()
  if (server) await server.stop()
})

test('the own-district caseworker sees the child', async () => {
  const page = await newPage(browser, server.base)
  await login(page, 'cw')
  await page.goto(`/fund/child/${childId}`)
  await page.locator('[data-test=child-detail-name]', { hasText: '陈小安' }).waitFor()
  await shot(page, 'own-district-child', P)
  await page.context().close()
})

test('a 薛城区 caseworker opening the 市中区 child URL sees "not found"', async () => {
  const page = await newPage(browser, server.base)
  await login(page, 'cw2')
  await page.goto(`/fund/child/${childId}`)
  await page.locator('[data-test=not-found]').waitFor()
  assert.equal(await page.getByText('陈小安').count(), 0)
  assert.equal(await page.locator('[data-test=child-detail-name]').count(), 0)
  await shot(page, 'other-district-child-not-found', P)

  await page.goto(`/fund/application/${appId}`)
  await page.locator('[data-test=not-found]').waitFor()
  await shot(page, 'other-district-application-not-found', P)

  await page.goto('/fund/application')
  await page.locator('.el-table__empty-text', { hasText: '暂无帮扶申请' }).waitFor()
  await shot(page, 'other-district-list-empty', P)
  assert.deepEqual(page.errors, [])
  await page.context().close()

  const cw2 = await api(server.base, 'cw2')
  assert.equal((await cw2('GET', `/fund/children/${childId}`)).status, 404)
})

test('a page the role may not open is "not found" too (caseworker → 用户管理)', async () => {
  const page = await newPage(browser, server.base)
  await login(page, 'cw2')
  await page.goto('/system/user')
  await page.locator('[data-test=not-found]').waitFor()
  assert.equal(await page.locator('.el-menu-item', { hasText: '用户管理' }).count(), 0)
  await shot(page, 'no-user-admin-menu', P)
  await page.context().close()
})
