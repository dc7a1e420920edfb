// The citizen hotline in a real browser: an operator takes a phone appeal
// with its district and a PDF (the caller's number masked, the audited
// reveal, the dispatch table's suggestion) and dispatches it to 市公安局
// with 市交通运输局 assisting; the assist clerk sees it marked 协办 and gives
// an opinion; the lead clerk signs and replies; the department head sends
// the reply back once and then approves it; the operator finds it on the
// 待回访 list, calls back, the caller is satisfied and the appeal closes. A
// call taken during 《市长上线》 is handed on the spot with a tier of 2
// working days, stays on the board until answered, and appears in the
// programme's outcome report. The leader's hotline dashboard counts both.
// The operator's menu has no 项目管家.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
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

const P = 'hotline'
const POLICE = 1 // 市公安局 in data/hotline_departments.tsv
const TRANSPORT = 10 // 市交通运输局
let server
let browser
let appealUrl = ''
let programmeId = 0

// Users of this file, besides the harness's own (lead is the harness's leader).
const MORE = [
  ['op', 'hotline_operator', '370400', '陈话务'],
  ['sup', 'hotline_supervisor', '370400', '郑督办'],
  ['clerk', 'dept_clerk', '370400', '公安局刘经办'],
  ['head', 'dept_head', '370400', '公安局孙科长'],
  ['tclerk', 'dept_clerk', '370400', '交通局周经办'],
]

// Beijing wall time as ISO 8601 with +08:00, `min` minutes from now.
function beijing(min) {
  const t = new Date(Date.now() + 8 * 3600e3 + min * 60e3).toISOString().slice(0, 16)
  return `${t}:00+08:00`
}

before(async () => {
  server = await startServer()
  browser = await launchBrowser()
  const bin = process.env.HUIMIN_BIN || join(ROOT, 'huimin')
  for (const [u, role, org, name] of MORE) {
    const args = ['user', 'add', '--db', server.db, '--username', u, '--role', role, '--org', org, '--name', name]
    const r = spawnSync(bin, [...args, '--password-stdin'], {
      input: `${PASSWORD}\n`,
      encoding: 'utf8',
    })
    assert.equal(r.status, 0, r.stderr)
  }
  const sup = await api(server.base, 'sup')
  for (const [dept, username] of [
    [POLICE, 'clerk'],
    [POLICE, 'head'],
    [TRANSPORT, 'tclerk'],
  ]) {
    const m = await sup('POST', `/hotline/departments/${dept}/members`, {
      username,
    })
    assert.equal(m.status, 201, JSON.stringify(m.body))
  }
  // The programme is on air now (scheduling one in the browser is a form like any other).
  const op = await api(server.base, 'op')
  const p = await op('POST', '/hotline/programmes', {
    title: '《政风行风热线》·《市长上线》',
    starts_at: beijing(-10),
    ends_at: beijing(60),
    guests: '副市长、市公安局局长',
    scope: ['police', 'justice', 'petition', 'gov'],
  })
  assert.equal(p.status, 201, JSON.stringify(p.body))
  programmeId = p.body.programme.id
})

after(async () => {
  if (browser) await browser.close()
  if (server) await server.stop()
})

test('operator takes a phone appeal, sees the number masked, reveals it, dispatches it', async () => {
  const page = await newPage(browser, server.base)
  await login(page, 'op')
  // The operator's menu: 市民热线 only.
  const menu = page.locator('.sidebar')
  await menu.locator('text=市民热线').waitFor()
  assert.equal(await menu.locator('text=项目管家').count(), 0, 'an operator must not see 项目管家')
  assert.equal(await menu.locator('text=儿童关爱基金').count(), 0)

  await page.goto('/hotline/intake')
  await page.locator('input[data-test=intake-caller-name]').fill('王先生')
  await page.locator('input[data-test=intake-caller-phone]').fill('13812345678')
  await pickOption(page, page.locator('[data-test=intake-district]'), '市中区')
  await page.locator('input[data-test=intake-place]').fill('光明路 18 号')
  await page
    .locator('textarea[data-test=intake-content]')
    .fill('楼下烧烤店每晚营业到凌晨两点，噪音扰民，多次劝说无果。')
  await page.locator('[data-test=intake-category]').click()
  await page.locator('.el-cascader-node', { hasText: '公安' }).first().click()
  await page.locator('.el-cascader-node', { hasText: '社会治安' }).first().click()
  await page.locator('[data-test=intake-suggestion]', { hasText: '主办 市公安局' }).waitFor()
  await page.locator('input[data-test=intake-file]').setInputFiles({
    name: '现场录音整理.pdf',
    mimeType: 'application/pdf',
    buffer: Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n'),
  })
  await page.locator('.el-tag', { hasText: '现场录音整理.pdf' }).waitFor()
  await shot(page, 'intake', P)
  await page.locator('[data-test=intake-submit]').click()
  await page.waitForURL(/\/hotline\/appeal\/\d+$/)
  appealUrl = new URL(page.url()).pathname
  await page.locator('[data-test=appeal-status]', { hasText: '待派单' }).waitFor()
  await page
    .locator('[data-test=appeal-attachment-table]', {
      hasText: '现场录音整理.pdf',
    })
    .waitFor()
  await page.locator('.el-descriptions', { hasText: '市中区 · 光明路 18 号' }).waitFor()
  assert.equal((await page.locator('[data-test=caller-phone]').innerText()).trim(), '138****5678')
  assert.ok(!(await page.content()).includes('13812345678'), 'the full number must not reach the page')
  await shot(page, 'registered', P)

  await page.locator('[data-test=reveal-phone]').click()
  await page.locator('.el-message-box__btns .el-button--primary').click()
  await page.locator('[data-test=caller-phone]', { hasText: '13812345678' }).waitFor()
  await page.locator('[data-test=timeline]', { hasText: '查看完整号码' }).waitFor()

  await page.locator('[data-test=act-dispatch]').click()
  const dlg = dialog(page, '派单')
  // the dispatch table's lead is preselected; the operator adds a helper
  await dlg.locator('[data-test=dispatch-suggestion]', { hasText: '主办 市公安局' }).waitFor()
  await dlg.locator('[data-test=dispatch-department]', { hasText: '市公安局' }).waitFor()
  await pickOption(page, dlg.locator('[data-test=dispatch-assists]'), '市交通运输局')
  await dlg.locator('.el-dialog__title').click() // close the dropdown
  await dlg.locator('textarea[data-test=action-note]').fill('请核查处理并答复来电人')
  await shot(page, 'dispatch-dialog', P)
  await dlg.locator('[data-test=action-confirm]').click()
  await expectMessage(page, '已派单')
  await page.locator('[data-test=appeal-status]', { hasText: '待签收' }).waitFor()
  await page.locator('.due-box', { hasText: '剩余' }).waitFor()
  await page.locator('.sub', { hasText: '协办 市交通运输局' }).waitFor()
  await page.locator('[data-test=assists]', { hasText: '尚未提出意见' }).waitFor()
  await shot(page, 'dispatched', P)

  await page.goto('/hotline/appeal')
  const row = page.locator('.el-table__row', { hasText: '市公安局' }).first()
  await row.locator('.el-tag', { hasText: '待签收' }).waitFor()
  await shot(page, 'list', P)
  assert.deepEqual(page.errors, [])
  await page.context().close()
})

test('the assisting department sees it marked 协办 and gives its opinion; it cannot sign', async () => {
  const page = await newPage(browser, server.base)
  await login(page, 'tclerk')
  await page.goto('/hotline/appeal')
  await page.locator('[data-test=row-assist]').first().waitFor()
  await shot(page, 'assist-queue', P)
  await page.locator('[data-test=appeal-row-no]').first().click()
  await page.waitForURL(appealUrl)
  await page.locator('[data-test=my-role]', { hasText: '本单位协办' }).waitFor()
  assert.equal(await page.locator('[data-test=act-sign]').count(), 0, 'only the lead signs')
  await page.locator('[data-test=act-assist-opinion]').click()
  const dlg = dialog(page, '协办意见')
  await dlg.locator('[data-test=action-confirm]').click()
  await dlg.locator('.el-form-item__error', { hasText: '请填写协办意见' }).waitFor()
  await dlg.locator('textarea[data-test=action-opinion]').fill('该烧烤店占用人行道经营，已通知城管执法中队配合整治。')
  await dlg.locator('[data-test=action-confirm]').click()
  await expectMessage(page, '协办意见已提交')
  await page.locator('[data-test=assist-opinion]', { hasText: '城管执法中队' }).waitFor()
  await shot(page, 'assist-opinion', P)
  assert.deepEqual(page.errors, [])
  await page.context().close()
})

test('the department clerk signs and replies', async () => {
  const page = await newPage(browser, server.base)
  await login(page, 'clerk')
  await page.goto('/hotline/appeal')
  await page.locator('[data-test=appeal-row-no]').first().click()
  await page.waitForURL(appealUrl)
  // A clerk sees the number masked and has no reveal button.
  assert.equal(await page.locator('[data-test=reveal-phone]').count(), 0)
  await page.locator('[data-test=my-role]', { hasText: '本单位主办' }).waitFor()
  // the lead sees the assist's opinion
  await page.locator('[data-test=assist-opinion]', { hasText: '城管执法中队' }).waitFor()
  await page.locator('[data-test=act-sign]').click()
  await dialog(page, '签收').locator('[data-test=action-confirm]').click()
  await expectMessage(page, '已签收')
  await page.locator('[data-test=appeal-status]', { hasText: '办理中' }).waitFor()
  await page.locator('[data-test=act-reply]').click()
  const dlg = dialog(page, '答复')
  await dlg.locator('[data-test=action-confirm]').click()
  await dlg.locator('.el-form-item__error', { hasText: '请填写答复内容' }).waitFor()
  await dlg
    .locator('textarea[data-test=action-reply]')
    .fill('光明路派出所已出警，责令烧烤店晚 10 时后停止室外经营，并已向来电人反馈。')
  await shot(page, 'reply-dialog', P)
  await dlg.locator('[data-test=action-confirm]').click()
  await expectMessage(page, '已提交答复')
  await page.locator('[data-test=appeal-status]', { hasText: '答复待审核' }).waitFor()
  assert.equal(await page.locator('[data-test=act-reply-review]').count(), 0, 'a clerk does not review')
  await shot(page, 'reply-review-waiting', P)
  assert.deepEqual(page.errors, [])
  await page.context().close()
})

test('the department head sends the reply back once, then approves it', async () => {
  const page = await newPage(browser, server.base)
  await login(page, 'head')
  await page.goto(appealUrl)
  await page.locator('[data-test=act-reply-review]').click()
  let dlg = dialog(page, '审核答复')
  await dlg.locator('.el-radio', { hasText: '退回修改' }).click()
  await dlg.locator('[data-test=action-confirm]').click()
  await dlg.locator('.el-form-item__error', { hasText: '退回修改须写明意见' }).waitFor()
  await dlg.locator('textarea[data-test=action-note]').fill('请写明整改期限')
  await shot(page, 'reply-review-dialog', P)
  await dlg.locator('[data-test=action-confirm]').click()
  await expectMessage(page, '已审核')
  await page.locator('[data-test=appeal-status]', { hasText: '办理中' }).waitFor()
  await page.locator('[data-test=timeline]', { hasText: '负责人退回答复' }).waitFor()
  // the clerk rewrites through the API (its page was shown above); the head approves in the browser
  const clerk = await api(server.base, 'clerk')
  const id = Number(appealUrl.split('/').pop())
  const r = await clerk('POST', `/hotline/appeals/${id}/reply`, {
    reply: '光明路派出所已出警，责令烧烤店晚 10 时后停止室外经营，限 3 日内整改，并已向来电人反馈。',
  })
  assert.equal(r.status, 200, JSON.stringify(r.body))
  await page.reload()
  await page.locator('[data-test=act-reply-review]').click()
  dlg = dialog(page, '审核答复')
  await dlg.locator('[data-test=action-confirm]').click()
  await expectMessage(page, '已审核')
  await page.locator('[data-test=appeal-status]', { hasText: '待回访' }).waitFor()
  await page.locator('[data-test=callback-due] .el-tag').waitFor()
  await shot(page, 'replied', P)
  assert.deepEqual(page.errors, [])
  await page.context().close()
})

test('the operator calls back; the caller is satisfied and the appeal closes', async () => {
  const page = await newPage(browser, server.base)
  await login(page, 'op')
  await page.goto('/hotline/callback')
  await page.locator('[data-test=due-table] .el-table__row', { hasText: '市公安局' }).first().waitFor()
  await page.locator('[data-test=due-table] [data-test=warn-yellow]').first().waitFor()
  await shot(page, 'callbacks-due', P)
  await page.locator('[data-test=due-callback]').first().click()
  await page.waitForURL(appealUrl)
  await page.locator('[data-test=act-callback]').click()
  const dlg = dialog(page, '回访')
  await dlg.locator('.el-radio-button', { hasText: '满意' }).first().click()
  await dlg.locator('textarea[data-test=action-note]').fill('来电人表示噪音已明显减少')
  await shot(page, 'callback-dialog', P)
  await dlg.locator('[data-test=action-confirm]').click()
  await expectMessage(page, '回访已记录')
  await page.locator('[data-test=appeal-status]', { hasText: '已办结' }).waitFor()
  await page.locator('[data-test=appeal-satisfaction]', { hasText: '满意' }).waitFor()
  await shot(page, 'closed', P)
  assert.deepEqual(page.errors, [])
  await page.context().close()
})

test('a call taken on air stays on the programme board until the department answers', async () => {
  const page = await newPage(browser, server.base)
  await login(page, 'op')
  await page.goto('/hotline/programme')
  await page.locator('[data-test=programme-title]', { hasText: '市长上线' }).waitFor()
  await page.locator('.el-tag', { hasText: '直播中' }).waitFor()
  await shot(page, 'programmes', P)
  await page.locator('[data-test=programme-board]').first().click()
  await page.waitForURL(`/hotline/programme/${programmeId}/board`)
  await page.locator('[data-test=board-take-call]').click()
  const dlg = dialog(page, '登记节目来电')
  await dlg.locator('input[data-test=intake-caller-name]').fill('李女士')
  await dlg
    .locator('textarea[data-test=intake-content]')
    .fill('孩子上户口需要哪些材料，派出所说要出生医学证明原件，已遗失怎么办？')
  await dlg.locator('[data-test=intake-category]').click()
  await page.locator('.el-cascader-node', { hasText: '公安' }).first().click()
  await page.locator('.el-cascader-node', { hasText: '户籍和身份证' }).first().click()
  await dlg.locator('[data-test=intake-submit]').click()
  await expectMessage(page, '已登记')
  await page.locator('[data-test=board-card]', { hasText: '出生医学证明' }).waitFor()
  assert.equal((await page.locator('[data-test=board-open]').innerText()).trim(), '1')
  await shot(page, 'board-on-air', P)

  // handed to the department on the spot, with a tier of 2 working days
  await page.locator('[data-test=board-handoff]').first().click()
  const hand = dialog(page, '派单')
  await hand.locator('[data-test=dispatch-department]', { hasText: '市公安局' }).waitFor()
  await hand
    .locator('[data-test=dispatch-tier] .el-radio-button', {
      hasText: '2 个工作日',
    })
    .click()
  await shot(page, 'board-handoff', P)
  await hand.locator('[data-test=action-confirm]').click()
  await expectMessage(page, '已派单')
  await page.locator('[data-test=board-card]', { hasText: '2 个工作日' }).waitFor()

  // The department handles it (through the API: the clerk's pages were shown above).
  const op = await api(server.base, 'op')
  const clerk = await api(server.base, 'clerk')
  const head = await api(server.base, 'head')
  const list = await op('GET', `/hotline/appeals?programme_id=${programmeId}`)
  const id = list.body.items[0].id
  assert.equal(list.body.items[0].programme_tier, 2)
  assert.equal((await clerk('POST', `/hotline/appeals/${id}/sign`, {})).status, 200)
  await page.reload()
  await page.locator('[data-test=board-card]', { hasText: '出生医学证明' }).waitFor()
  const r = await clerk('POST', `/hotline/appeals/${id}/reply`, {
    reply: '可凭医院出具的出生证明补发件办理，已电话告知。',
  })
  assert.equal(r.status, 200)
  assert.equal(
    (
      await head('POST', `/hotline/appeals/${id}/reply-review`, {
        decision: 'approve',
      })
    ).status,
    200,
  )
  await page.reload()
  await page.locator('[data-test=board-answered]', { hasText: '1' }).waitFor()
  assert.equal(await page.locator('[data-test=board-card]').count(), 0)
  assert.equal((await page.locator('[data-test=board-open]').innerText()).trim(), '0')
  await shot(page, 'board-answered', P)

  // after the programme: the outcome report, without the caller's name
  await page.locator('[data-test=board-outcome]').click()
  await page.waitForURL(`/hotline/programme/${programmeId}/outcome`)
  await page.locator('[data-test=outcome-table]', { hasText: '出生医学证明' }).waitFor()
  await page.locator('[data-test=outcome-answer]', { hasText: '出生证明补发件' }).waitFor()
  assert.ok(!(await page.locator('[data-test=outcome-table]').innerText()).includes('李女士'))
  const [pdf] = await Promise.all([page.waitForEvent('download'), page.locator('[data-test=outcome-pdf]').click()])
  assert.match(pdf.suggestedFilename(), /\.pdf$/)
  await shot(page, 'outcome', P)
  assert.deepEqual(page.errors, [])
  await page.context().close()
})

test("the leader's hotline dashboard counts both appeals (read-only)", async () => {
  const page = await newPage(browser, server.base)
  await login(page, 'lead')
  await page.goto('/hotline/dashboard')
  await page.locator('[data-test=kpi-total]', { hasText: '2' }).waitFor()
  await page.locator('[data-test=kpi-satisfaction]', { hasText: '100.0%' }).waitFor()
  await page.locator('[data-test=kpi-ontime]', { hasText: '按时 2 / 已答复 2' }).waitFor()
  const menu = page.locator('.sidebar')
  await menu.locator('text=热线看板').waitFor()
  assert.equal(await menu.locator('text=诉求受理').count(), 0, 'the leader takes no calls')
  await shot(page, 'dashboard', P)
  await page.goto(appealUrl)
  await page.locator('[data-test=appeal-status]', { hasText: '已办结' }).waitFor()
  assert.equal(await page.locator('[data-test=appeal-actions] button').count(), 0, 'read-only')
  assert.deepEqual(page.errors, [])
  await page.context().close()
})

test('a repeat is suggested with its reasons, merged, answered by the main and called back on its own', async () => {
  // after the dashboard's counts: these two appeals are the repeats' own
  const op = await api(server.base, 'op')
  const clerk = await api(server.base, 'clerk')
  const head = await api(server.base, 'head')
  const base = { channel: 'phone', line: '0632-3311161', kind: 'complaint', category: 'gov.urban', district: '370404' }
  const m = await op('POST', '/hotline/appeals', {
    ...base,
    caller_name: '赵先生',
    caller_phone: '13700002222',
    place: '峄城区坛山街道榴园路',
    content: '榴园路夜市摊位占道，晚上车辆无法通行',
  })
  assert.equal(m.status, 201, JSON.stringify(m.body))
  const main = m.body.appeal
  assert.equal((await op('POST', `/hotline/appeals/${main.id}/dispatch`, { department_id: POLICE })).status, 200)
  const r = await op('POST', '/hotline/appeals', {
    ...base,
    caller_name: '钱女士',
    caller_phone: '13700003333',
    place: '峄城区 坛山街道 榴园路',
    content: '榴园路夜市占道严重，车辆过不去',
  })
  assert.equal(r.status, 201, JSON.stringify(r.body))
  const rep = r.body.appeal

  const page = await newPage(browser, server.base)
  await login(page, 'op')
  await page.goto(`/hotline/appeal/${rep.id}`)
  const row = page.locator('[data-test=dup-table] .el-table__row', { hasText: main.no })
  await row.locator('[data-test=dup-reason]', { hasText: '同一地点' }).waitFor()
  await row.locator('[data-test=dup-reason]', { hasText: /内容相近 \d+%/ }).waitFor()
  assert.ok(Number(await row.locator('[data-test=dup-score]').innerText()) >= 30)
  assert.ok(!(await page.content()).includes('13700002222'), "the other caller's number must not reach the page")
  await row.scrollIntoViewIfNeeded()
  await shot(page, 'repeat-suggestions', P)
  await row.locator('[data-test=dup-merge]').click()
  await page.locator('.el-message-box__btns .el-button--primary').click()
  await expectMessage(page, '已把')
  await page.locator('[data-test=appeal-status]', { hasText: '已合并' }).waitFor()
  await page.locator('[data-test=main-link]', { hasText: main.no }).waitFor()
  await page.locator('[data-test=main-link]').scrollIntoViewIfNeeded()
  await shot(page, 'repeat-merged', P)

  // the department answers the main (its pages were shown above)
  assert.equal((await clerk('POST', `/hotline/appeals/${main.id}/sign`, {})).status, 200)
  assert.equal(
    (await clerk('POST', `/hotline/appeals/${main.id}/reply`, { reply: '已清理占道摊位并设置限时经营区域' })).status,
    200,
  )
  assert.equal((await head('POST', `/hotline/appeals/${main.id}/reply-review`, { decision: 'approve' })).status, 200)

  await page.goto('/hotline/callback')
  const due = page.locator('[data-test=due-table] .el-table__row', { hasText: rep.no })
  await due.locator('[data-test=due-merged]', { hasText: '合并件' }).waitFor()
  await page.locator('[data-test=due-table] .el-table__row', { hasText: main.no }).waitFor()
  await shot(page, 'callbacks-due-merged', P)
  await due.locator('[data-test=due-callback]').click()
  await page.waitForURL(`/hotline/appeal/${rep.id}`)
  await page.locator('.el-descriptions', { hasText: '主诉求答复' }).waitFor()
  await page.locator('[data-test=appeal-reply]', { hasText: '限时经营区域' }).waitFor()
  await page.locator('[data-test=act-callback]').click()
  const dlg = dialog(page, '回访')
  await dlg.locator('.el-radio-button', { hasText: '基本满意' }).click()
  await dlg.locator('[data-test=action-confirm]').click()
  await expectMessage(page, '回访已记录')
  await page.locator('[data-test=appeal-status]', { hasText: '已办结' }).waitFor()
  await page.locator('[data-test=appeal-satisfaction]', { hasText: '基本满意' }).waitFor()
  await page.locator('[data-test=timeline]', { hasText: '主诉求答复' }).waitFor()
  await shot(page, 'repeat-callback', P)
  // the main's own caller is still to be called back, its rating untouched
  const after = await op('GET', `/hotline/appeals/${main.id}`)
  assert.equal(after.body.appeal.status, 'replied')
  assert.equal(after.body.appeal.satisfaction, '')
  // the main's page lists its merged callers with their own ratings
  await page.goto(`/hotline/appeal/${main.id}`)
  const merged = page.locator('[data-test=merged-list] .el-table__row', { hasText: rep.no })
  await merged.locator('.el-tag', { hasText: '基本满意' }).waitFor()
  assert.ok((await merged.innerText()).includes('137****3333'))
  await merged.scrollIntoViewIfNeeded()
  await shot(page, 'repeat-main', P)
  assert.deepEqual(page.errors, [])
  await page.context().close()
})
