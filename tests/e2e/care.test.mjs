// Care beyond cash in a real browser: a caseworker refers a child to a
// provider, records a session and a home visit; the child's timeline shows
// them with the application steps; a PNG attachment is uploaded and
// downloaded; the caseworker has no 财务报表 menu.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { deflateSync } from 'node:zlib'
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

const P = 'care'
const CHILD = '陈小安'
const PROVIDER = '枣庄市阳光心理服务中心'
let server
let browser
let page
let childId

// A valid 1×1 PNG, made here so the test needs no fixture file.
function png() {
  const table = []
  for (let n = 0; n < 256; n++) {
    let c = n
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
    table[n] = c >>> 0
  }
  const crc = (b) => {
    let x = 0xffffffff
    for (const v of b) x = table[(x ^ v) & 255] ^ (x >>> 8)
    return (x ^ 0xffffffff) >>> 0
  }
  const chunk = (type, data) => {
    const len = Buffer.alloc(4)
    len.writeUInt32BE(data.length)
    const td = Buffer.concat([Buffer.from(type), data])
    const c = Buffer.alloc(4)
    c.writeUInt32BE(crc(td))
    return Buffer.concat([len, td, c])
  }
  const ihdr = Buffer.alloc(13)
  ihdr.writeUInt32BE(1, 0)
  ihdr.writeUInt32BE(1, 4)
  ihdr[8] = 8
  ihdr[9] = 6
  return Buffer.concat([
    Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(Buffer.from([0, 255, 0, 0, 255]))),
    chunk('IEND', Buffer.alloc(0)),
  ])
}

before(async () => {
  server = await startServer()
  browser = await launchBrowser()
  const cw = await api(server.base, 'cw')
  const c = await cw('POST', '/fund/children', {
    name: CHILD,
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
    services: ['psych'],
    description: '父母外出务工，孩子情绪低落',
  })
  assert.equal(a.status, 201, JSON.stringify(a.body))
  const p = await cw('POST', '/fund/care/providers', {
    name: PROVIDER,
    kind: 'org',
    services: ['psych', 'family_edu'],
    contact_name: '刘老师',
    contact_phone: '0632-3310000',
  })
  assert.equal(p.status, 201, JSON.stringify(p.body))
  page = await newPage(browser, server.base)
  await login(page, 'cw')
})

after(async () => {
  if (browser) await browser.close()
  if (server) await server.stop()
})

test('a caseworker refers the child to a provider and records a session', async () => {
  await page.goto('/care/referral')
  await page.locator('[data-test=referral-add]').click()
  const dlg = dialog(page, '转介服务')
  await dlg.locator('[data-test=referral-save]').click()
  await dlg.locator('.el-form-item__error', { hasText: '请选择儿童' }).waitFor()
  await pickOption(page, dlg.locator('[data-test=referral-child]').first(), CHILD)
  await pickOption(page, dlg.locator('[data-test=referral-provider]').first(), PROVIDER)
  await dlg.locator('textarea[data-test=referral-reason]').fill('父母长期在外，孩子情绪低落、不愿与人交流')
  await shot(page, 'referral-form', P)
  await dlg.locator('[data-test=referral-save]').click()
  await expectMessage(page, `已转介 ${CHILD}`)
  const row = page.locator('.el-table__row', { hasText: PROVIDER })
  await row.locator('[data-test=referral-status]', { hasText: '已转介' }).waitFor()

  await row.locator('[data-test=session-add]').click()
  const s = dialog(page, '记录服务')
  await s.locator('input[data-test=session-outcome]').fill('情绪明显好转，约定下周继续')
  await s.locator('textarea[data-test=session-notes-input]').fill('孩子谈到想念在外打工的妈妈。')
  await s.locator('[data-test=session-save]').click()
  await expectMessage(page, '已记录服务')
  await row.locator('[data-test=referral-status]', { hasText: '服务中' }).waitFor()
  await shot(page, 'referral-in-service', P)

  // Lists never show the notes; the detail does, and says it is audited.
  await page.goto('/care/session')
  const table = page.locator('[data-test=session-table]')
  await table.locator('.el-table__row', { hasText: '情绪明显好转' }).waitFor()
  assert.equal(await table.getByText('想念在外打工').count(), 0)
  await table.locator('[data-test=session-view]').first().click()
  await page.locator('[data-test=session-notes]', { hasText: '想念在外打工的妈妈' }).waitFor()
  await shot(page, 'session-notes', P)
  await page.keyboard.press('Escape')
})

test('a caseworker records a home visit', async () => {
  await page.goto('/care/visit')
  await page.locator('[data-test=visit-add]').click()
  const dlg = dialog(page, '记录家访')
  await pickOption(page, dlg.locator('[data-test=visit-child]').first(), CHILD)
  await dlg.locator('input[data-test=visit-visitors]').fill('张经办、社区网格员')
  await dlg.locator('input[data-test=visit-people]').fill('儿童本人、祖母')
  await dlg.locator('textarea[data-test=visit-findings]').fill('居住条件尚可，学习用品不足，祖母身体欠佳')
  await shot(page, 'visit-form', P)
  await dlg.locator('[data-test=visit-save]').click()
  await expectMessage(page, '已记录家访')
  await page.locator('.el-table__row', { hasText: '张经办、社区网格员' }).waitFor()
  await shot(page, 'visit-list', P)
})

test("the child's timeline shows the application, referral, session and visit", async () => {
  await page.goto(`/fund/child/${childId}`)
  await page.locator('[data-test=child-apps] .el-table__row', { hasText: '已提交' }).waitFor()
  await page.locator('[data-test=child-tabs] .el-tabs__item', { hasText: '时间线' }).click()
  const tl = page.locator('[data-test=child-timeline]')
  for (const t of ['提交申请', '转介心理关爱服务', '心理关爱服务', '家访'])
    await tl.locator('[data-test=timeline-item]', { hasText: t }).first().waitFor()
  assert.equal(await tl.getByText('想念在外打工').count(), 0)
  await shot(page, 'child-timeline', P)
})

test('an attachment (a PNG) is uploaded to the child and downloads', async () => {
  await page.locator('[data-test=child-tabs] .el-tabs__item', { hasText: '附件' }).click()
  const panel = page.locator('[data-test=attachments]')
  await pickOption(page, panel.locator('[data-test=doc-type]').first(), '户口簿')
  await panel.locator('input[data-test=attachment-file]').setInputFiles({
    name: '户口簿本人页.png',
    mimeType: 'image/png',
    buffer: png(),
  })
  await expectMessage(page, '已上传 户口簿本人页.png')
  const row = panel.locator('.el-table__row', { hasText: '户口簿本人页.png' })
  await row.waitFor()
  assert.match(await row.innerText(), /户口簿/)
  const dl = page.waitForEvent('download')
  await row.locator('[data-test=attachment-download]').click()
  const d = await dl
  assert.equal(d.suggestedFilename(), '户口簿本人页.png')
  const bytes = readFileSync(await d.path())
  assert.deepEqual([...bytes.subarray(0, 4)], [137, 80, 78, 71])
  await shot(page, 'child-attachments', P)
})

test('a caseworker has no 财务报表 menu and cannot open the books by URL', async () => {
  await page.goto('/fund/child')
  await page.locator('.el-sub-menu__title', { hasText: '关爱服务' }).waitFor()
  assert.equal(await page.locator('.el-sub-menu__title', { hasText: '财务报表' }).count(), 0)
  assert.equal(await page.locator('.el-sub-menu__title', { hasText: '捐赠管理' }).count(), 0)
  await shot(page, 'caseworker-menus', P)
  await page.goto('/books/report')
  await page.locator('[data-test=not-found]').waitFor()
  assert.deepEqual(page.errors, [])
})
