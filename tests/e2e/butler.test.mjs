// The project butler (山亭区 “项目管家”) in a real browser: the bureau's
// administrator registers a ¥50,000,000 key project with buildings 26#, 27#
// and a power room and assigns it to a team; the team's butler sees the
// checklist with the 施工许可证 missing for each building, marks a procedure
// done, issues the 一次性告知书 (a PDF) and records its delivery, records a
// site visit and a question handed to a department through the hotline's
// dispatch; the dashboard counts it; the approval progress ledger.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { deflateSync } from 'node:zlib'
import {
  ROOT,
  PASSWORD,
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

const P = 'butler'
const NAME = '恒海创智园建设项目'
const BUILDINGS = ['26#', '27#', '配电房']
let server
let browser
let projectUrl = ''

const MORE = [
  ['bt', 'butler', '370406', '孙管家'],
  ['badm', 'butler_admin', '370406', '山亭区审批局管理员'],
]

/** 统一社会信用代码 with its GB 32100-2015 check character. */
function uscc(first17) {
  const set = '0123456789ABCDEFGHJKLMNPQRTUWXY'
  const w = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
  let sum = 0
  for (let i = 0; i < 17; i++) sum += set.indexOf(first17[i]) * w[i]
  return first17 + set[(31 - (sum % 31)) % 31]
}

function crc32(buf) {
  let crc = 0xffffffff
  for (const b of buf) {
    crc ^= b
    for (let k = 0; k < 8; k++) crc = (crc >>> 1) ^ (0xedb88320 & -(crc & 1))
  }
  return (crc ^ 0xffffffff) >>> 0
}
function pngChunk(type, data) {
  const len = Buffer.alloc(4)
  len.writeUInt32BE(data.length)
  const td = Buffer.concat([Buffer.from(type, 'ascii'), data])
  const crc = Buffer.alloc(4)
  crc.writeUInt32BE(crc32(td))
  return Buffer.concat([len, td, crc])
}
/** A w×h PNG of one RGB colour. */
function png(w, h, rgb) {
  const ihdr = Buffer.alloc(13)
  ihdr.writeUInt32BE(w, 0)
  ihdr.writeUInt32BE(h, 4)
  ihdr.set([8, 2, 0, 0, 0], 8)
  const row = Buffer.concat([Buffer.from([0]), Buffer.from(Array.from({ length: w }, () => rgb).flat())])
  const raw = Buffer.concat(Array.from({ length: h }, () => row))
  const sig = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])
  return Buffer.concat([sig, pngChunk('IHDR', ihdr), pngChunk('IDAT', deflateSync(raw)), pngChunk('IEND', Buffer.alloc(0))])
}

before(async () => {
  server = await startServer()
  browser = await launchBrowser()
  const bin = process.env.HUIMIN_BIN || join(ROOT, 'huimin')
  for (const [u, role, org, name] of MORE) {
    const args = ['user', 'add', '--db', server.db, '--username', u, '--role', role, '--org', org, '--name', name]
    const r = spawnSync(bin, [...args, '--password-stdin'], { input: `${PASSWORD}\n`, encoding: 'utf8' })
    assert.equal(r.status, 0, r.stderr)
  }
  // bt joins 第一团队 with the phone printed on the 一次性告知书.
  const badm = await api(server.base, 'badm')
  const teams = (await badm('GET', '/butler/teams')).body.items
  const r = await badm('POST', `/butler/teams/${teams[0].id}/members`, {
    username: 'bt',
    phone: '13906321111',
    leader: true,
  })
  assert.equal(r.status, 201, JSON.stringify(r.body))
})

after(async () => {
  if (browser) await browser.close()
  if (server) await server.stop()
})

test('the bureau registers a ¥50,000,000 project with three buildings and assigns a team', async () => {
  const page = await newPage(browser, server.base)
  await login(page, 'badm')
  await page.goto('/butler/project')
  await page.locator('[data-test=project-add]').click()
  const dlg = dialog(page, '登记重点项目')
  await dlg.waitFor()
  await dlg.locator('input[data-test=project-name]').fill(NAME)
  await dlg.locator('input[data-test=project-town]').fill('山城街道')
  await dlg.locator('input[data-test=project-industry]').fill('先进制造')
  await dlg.locator('input[data-test=project-investment]').fill('50000000')
  await dlg.locator('.el-input-group__append', { hasText: '5,000 万元' }).waitFor()
  await dlg.locator('input[data-test=project-area]').fill('12000')
  const start = dlg.locator('.el-form-item', { hasText: '计划开工' }).locator('input')
  await start.fill('2026-05-01')
  await start.press('Enter')
  for (const b of BUILDINGS) {
    await dlg.locator('input[data-test=project-building-input]').fill(b)
    await dlg.locator('input[data-test=project-building-input]').press('Enter')
  }
  await dlg.locator('input[data-test=project-enterprise]').fill('恒海聚硕（枣庄）科技发展有限责任公司')
  await dlg.locator('input[data-test=project-uscc]').fill('91370406MA3C00001X')
  await dlg.locator('input[data-test=project-contact]').fill('高经理')
  await dlg.locator('input[data-test=project-contact-phone]').fill('0632-8812345')
  await dlg.locator('[data-test=project-save]').click()
  await dlg.locator('.el-form-item__error', { hasText: '统一社会信用代码不正确' }).waitFor()
  await shot(page, 'register-uscc-error', P)
  await dlg.locator('input[data-test=project-uscc]').fill(uscc('91370406MA3C00001'))
  await shot(page, 'register-form', P)
  await dlg.locator('[data-test=project-save]').click()
  await page.waitForURL(/\/butler\/project\/\d+$/)
  projectUrl = new URL(page.url()).pathname
  await page.locator('[data-test=project-investment]', { hasText: '¥50,000,000.00' }).waitFor()

  await page.locator('[data-test=project-assign]').click()
  const as = dialog(page, '分配帮包团队')
  await pickOption(page, as.locator('[data-test=assign-team]'), '山亭区项目管家第一团队')
  await as.locator('[data-test=assign-save]').click()
  await expectMessage(page, '已分配给山亭区项目管家第一团队')
  await page.locator('[data-test=project-team]', { hasText: '第一团队' }).waitFor()
  await shot(page, 'registered', P)

  const badm = await api(server.base, 'badm')
  const id = Number(projectUrl.split('/').pop())
  const p = (await badm('GET', `/butler/projects/${id}`)).body.project
  assert.equal(p.investment, 5000000000, 'investment in fen')
  assert.equal(p.floor_area, 1200000, 'floor area in 0.01 m²')
  assert.deepEqual(
    p.procedures.filter((x) => x.code === 'construction_permit').map((x) => x.item),
    BUILDINGS,
  )
  assert.deepEqual(page.errors, [])
  await page.context().close()
})

test('the butler sees what is missing, marks a procedure done, issues and delivers the 一次性告知书', async () => {
  const page = await newPage(browser, server.base)
  await login(page, 'bt')
  const menu = page.locator('.sidebar')
  await menu.locator('text=项目管家').waitFor()
  assert.equal(await menu.locator('text=市民热线').count(), 0, 'a butler must not see 市民热线')

  await page.goto('/butler/project')
  await page.locator('[data-test=project-row-name]', { hasText: NAME }).click()
  await page.waitForURL(projectUrl)
  for (const b of BUILDINGS)
    await page.locator('[data-test=missing-item]', { hasText: `建筑工程施工许可证（${b}）` }).waitFor()
  const permits = page.locator('[data-test=checklist] .el-table__row', { hasText: '建筑工程施工许可证' })
  assert.equal(await permits.count(), 3)
  for (let i = 0; i < 3; i++) {
    assert.equal((await permits.nth(i).locator('[data-test=proc-item]').innerText()).trim(), BUILDINGS[i])
    assert.equal((await permits.nth(i).locator('[data-test=proc-status]').innerText()).trim(), '待办')
  }
  await shot(page, 'checklist', P)

  const filing = page.locator('[data-test=checklist] .el-table__row', { hasText: '项目立项' })
  await filing.locator('[data-test=proc-done]').click()
  const dd = dialog(page, '办结')
  await dd.locator('input[data-test=proc-doc-no]').fill('2605-370406-04-01-123456')
  await dd.locator('[data-test=proc-confirm]').click()
  await expectMessage(page, '办结：已保存')
  await filing.locator('[data-test=proc-status]', { hasText: '已办结' }).waitFor()
  assert.equal(await page.locator('[data-test=missing-item]', { hasText: '项目立项' }).count(), 0)
  await page.locator('[data-test=approval-progress]', { hasText: '/ 120 个工作日' }).waitFor()
  await shot(page, 'procedure-done', P)

  await page.locator('[data-test=notice-create]').click()
  await dialog(page, '出具一次性告知书').locator('[data-test=notice-confirm]').click()
  await expectMessage(page, '已出具')
  const row = page.locator('[data-test=notice-table] .el-table__row').first()
  await row.waitFor()
  const pdf = page.context().waitForEvent('response', (r) => /\/butler\/notices\/\d+\/pdf$/.test(r.url()))
  await row.locator('[data-test=notice-pdf]').click()
  const res = await pdf
  assert.equal(res.status(), 200)
  assert.match(res.headers()['content-type'], /^application\/pdf/)
  for (const p of page.context().pages()) if (p !== page) await p.close()

  await row.locator('[data-test=notice-deliver]').click()
  const dl = dialog(page, '登记告知书送达')
  await dl.locator('input[data-test=deliver-recipient]').fill('高经理')
  await shot(page, 'notice-delivery', P)
  await dl.locator('[data-test=deliver-save]').click()
  await expectMessage(page, '送达已登记')
  await row.locator('[data-test=notice-delivered]', { hasText: '当面送达' }).waitFor()
  await shot(page, 'notice-delivered', P)
  assert.deepEqual(page.errors, [])
  await page.context().close()
})

test('the butler records a visit and a question handed to a department; the dashboard counts it', async () => {
  const page = await newPage(browser, server.base)
  await login(page, 'bt')
  await page.goto(projectUrl)
  await page.locator('.el-tabs__item', { hasText: '走访记录' }).click()
  await page.locator('[data-test=visit-add]').click()
  const v = dialog(page, '记录实地走访')
  await v.locator('input[data-test=visit-people]').fill('企业负责人高经理')
  await v
    .locator('textarea[data-test=visit-notes]')
    .fill('仅 26#、27# 厂房和配电房施工许可证未办理；企业询问取水许可办理。')
  await v.locator('[data-test=visit-save]').click()
  await expectMessage(page, '走访已记录')
  const vrow = page.locator('[data-test=visit-table] .el-table__row', { hasText: '配电房' })
  await vrow.waitFor()
  // photos of the visit: upload two, see their thumbnails
  await vrow.locator('[data-test=visit-photos]', { hasText: '0 张' }).click()
  const ph = dialog(page, '走访照片')
  await ph.locator('text=暂无照片').waitFor()
  await ph.locator('input[data-test=photo-file]').setInputFiles([
    { name: '26#厂房基础.png', mimeType: 'image/png', buffer: png(160, 120, [0x2e, 0x8b, 0x57]) },
    { name: '配电房.png', mimeType: 'image/png', buffer: png(160, 120, [0x1f, 0x5f, 0xa8]) },
  ])
  await expectMessage(page, '已上传 2 张照片')
  await ph.locator('[data-test=photo-item]').nth(1).waitFor()
  assert.equal(await ph.locator('[data-test=photo-item]').count(), 2)
  const img = ph.locator('[data-test=photo-item] img').first()
  await img.waitFor()
  await page.waitForFunction((el) => el.complete && el.naturalWidth === 160, await img.elementHandle())
  await shot(page, 'visit-photos', P)
  await ph.locator('.el-dialog__headerbtn').click()
  await vrow.locator('[data-test=visit-photos]', { hasText: '2 张' }).waitFor()

  await page.locator('.el-tabs__item', { hasText: '企业问题' }).click()
  await page.locator('[data-test=question-add]').click()
  const q = dialog(page, '记录企业问题')
  await q.locator('textarea[data-test=question-content]').fill('项目取水许可如何办理，需要多长时间？')
  await q.locator('.el-radio-button', { hasText: '转交部门' }).click()
  await q.locator('[data-test=question-save]').click()
  await q.locator('.el-form-item__error', { hasText: '请选择承办单位' }).waitFor()
  await pickOption(page, q.locator('[data-test=question-department]'), '市城乡水务局')
  await shot(page, 'question-form', P)
  await q.locator('[data-test=question-save]').click()
  await expectMessage(page, '问题已经市民热线转交')
  const qr = page.locator('[data-test=question-table] .el-table__row', { hasText: '取水许可' })
  await qr.locator('[data-test=question-status]', { hasText: '已转交部门' }).waitFor()
  await qr.locator('[data-test=question-appeal]', { hasText: '待签收' }).waitFor()
  assert.match(await qr.locator('[data-test=question-appeal]').innerText(), /热线工单 RX\d{10}/)
  assert.equal(await qr.locator('[data-test=question-answer]').count(), 0, 'answered in the hotline, not here')
  await shot(page, 'question-handed', P)

  await page.goto('/butler/dashboard')
  const year = new Intl.DateTimeFormat('en', { timeZone: 'Asia/Shanghai', year: 'numeric' }).format(new Date())
  assert.equal(await page.locator('[data-test=kpi-answered] input').inputValue(), `${year}-02-01`)
  await page.locator('[data-test=kpi-open-questions]', { hasText: '1' }).waitFor()
  await page.locator('[data-test=kpi-lacking]', { hasText: '1' }).waitFor()
  const teamRow = page.locator('[data-test=team-table] .el-table__row', { hasText: '第一团队' })
  assert.deepEqual(
    (await teamRow.locator('td').allInnerTexts()).slice(0, 4).map((s) => s.trim()),
    ['山亭区项目管家第一团队', '0', '1', '0'],
  )
  await shot(page, 'dashboard', P)
  assert.deepEqual(page.errors, [])
  await page.context().close()
})

test('the butler keeps the approval progress ledger: problems and measures with who and when', async () => {
  const page = await newPage(browser, server.base)
  await login(page, 'bt')
  await page.goto(projectUrl)
  await page.locator('.el-tabs__item', { hasText: '审批进度台账' }).click()
  await page.locator('[data-test=ledger-add]').click()
  const d = dialog(page, '增加审批事项')
  await d.locator('[data-test=ledger-save]').click()
  await d.locator('.el-form-item__error', { hasText: '请填写审批事项' }).waitFor()
  await d.locator('.el-form-item__error', { hasText: '请填写责任单位' }).waitFor()
  await shot(page, 'ledger-form-errors', P)
  await pickOption(page, d.locator('[data-test=ledger-approval]'), '建筑工程施工许可证（26#）')
  // picking a checklist procedure brings its department along
  assert.match(await d.locator('input[data-test=ledger-department]').inputValue(), /住房城乡建设主管部门/)
  await d.locator('input[data-test=ledger-department]').fill('区行政审批服务局')
  await d.locator('textarea[data-test=ledger-progress]').fill('已受理，待施工图审查合格书')
  await d.locator('textarea[data-test=ledger-problems]').fill('施工图审查未完成')
  await d.locator('[data-test=ledger-save]').click()
  await expectMessage(page, '已增加审批事项')
  const row = page.locator('[data-test=ledger-table] .el-table__row', { hasText: '26#' })
  await row.waitFor()
  await row.locator('text=施工图审查未完成').waitFor()
  assert.equal(await row.locator('.by', { hasText: '孙管家' }).count(), 2, 'progress and problems signed by the butler')

  await row.locator('[data-test=ledger-edit]').click()
  const e = dialog(page, '更新审批进度')
  await e.locator('textarea[data-test=ledger-measures]').fill('协调审查机构加快审查，预计下周出具合格书')
  await e.locator('[data-test=ledger-save]').click()
  await expectMessage(page, '审批进度已更新')
  await row.locator('text=协调审查机构加快审查').waitFor()
  assert.equal(await row.locator('.by', { hasText: '孙管家' }).count(), 3)
  await shot(page, 'ledger', P)

  const bt = await api(server.base, 'bt')
  const id = Number(projectUrl.split('/').pop())
  const items = (await bt('GET', `/butler/ledger?project_id=${id}`)).body.items
  assert.deepEqual(
    items.map((x) => [x.approval, x.department, x.problems, x.measures]),
    [['建筑工程施工许可证（26#）', '区行政审批服务局', '施工图审查未完成', '协调审查机构加快审查，预计下周出具合格书']],
  )
  assert.deepEqual(page.errors, [])
  await page.context().close()
})

test('the bureau edits the procedure catalogue: add, edit to a new version, history, retire', async () => {
  const page = await newPage(browser, server.base)
  await login(page, 'badm')
  await page.goto('/butler/catalogue')
  await page.locator('.el-tabs__item', { hasText: '工程建设许可' }).click()
  await page.locator('[data-test=catalogue-table] .el-table__row', { hasText: '施工图设计文件审查' }).waitFor()
  await page.locator('[data-test=catalogue-add]').click()
  const d = dialog(page, '新增审批事项')
  await d.locator('[data-test=cat-save]').click()
  for (const m of ['请填写事项代码', '请填写事项名称', '请填写主管部门', '请至少填写一项所需材料', '请填写依据'])
    await d.locator('.el-form-item__error', { hasText: m }).waitFor()
  await shot(page, 'catalogue-form-errors', P)
  await d.locator('input[data-test=cat-code]').fill('construction_permit')
  await d.locator('input[data-test=cat-name]').fill('取水许可')
  await d.locator('input[data-test=cat-department]').fill('市城乡水务局')
  await d.locator('textarea[data-test=cat-materials]').fill('取水许可申请书\n建设项目水资源论证报告书（表）')
  await d.locator('textarea[data-test=cat-flow]').fill('申请\n受理\n审查\n决定')
  await d.locator('input[data-test=cat-source]').fill('《取水许可和水资源费征收管理条例》第十一条、第十八条')
  await d.locator('[data-test=cat-save]').click()
  // the server's refusal is shown next to the field
  await d.locator('.el-form-item__error', { hasText: '目录中已有该事项代码' }).waitFor()
  await d.locator('input[data-test=cat-code]').fill('water_permit')
  await d.locator('[data-test=cat-save]').click()
  await expectMessage(page, '已新增“取水许可”')
  const row = page.locator('[data-test=catalogue-table] .el-table__row', { hasText: '取水许可' })
  await row.locator('text=v1').waitFor()

  await row.locator('[data-test=catalogue-edit]').click()
  const e = dialog(page, '修改审批事项')
  assert.equal(await e.locator('input[data-test=cat-code]').isDisabled(), true, 'the code never changes')
  await e.locator('[data-test=cat-days] input').fill('15')
  await e.locator('[data-test=cat-save]').click()
  await expectMessage(page, '已保存为 v2')
  await row.locator('text=15 个工作日').waitFor()
  await row.locator('text=v2').waitFor()
  await shot(page, 'catalogue', P)

  await row.locator('[data-test=catalogue-history]').click()
  const h = dialog(page, '修改历史')
  const hr = h.locator('[data-test=catalogue-history-table] .el-table__row')
  await hr.nth(1).waitFor()
  assert.deepEqual(
    (await hr.allInnerTexts()).map((t) => t.split('\t').slice(0, 3).map((s) => s.trim())),
    [
      ['v1', '新增', '山亭区审批局管理员'],
      ['v2', '修改', '山亭区审批局管理员'],
    ],
  )
  await shot(page, 'catalogue-history', P)
  await h.locator('.el-dialog__headerbtn').click()

  await row.locator('[data-test=catalogue-retire]').click()
  await page.locator('.el-message-box__btns button', { hasText: '停用' }).click()
  await expectMessage(page, '已停用')
  await row.locator('[data-test=catalogue-status]', { hasText: '已停用' }).waitFor()
  const badm = await api(server.base, 'badm')
  const p = (await badm('GET', '/butler/catalogue')).body.butler_procedures.find((x) => x.code === 'water_permit')
  assert.deepEqual([p.version, p.retired, p.time_limit_workdays], [3, true, 15])
  assert.deepEqual(page.errors, [])
  await page.context().close()
})
