// The hotline's figures (GET /api/v1/hotline/stats) on a small data set built
// through the API, with the exact numbers a leader sees: by channel, first-level
// category, district and department — count, on-time, satisfaction, return,
// extension and repeat rates, mean time to sign and to reply (hours and
// working days); the period filter; department clerks refused; and the public
// statistics (JSON and Excel read back) with no personal data and cells
// under 3 appeals hidden.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { startServer, loginAll, expectReply, epoch, assertNoCliSanitizerReports } from './lib.mjs';

const A = '/api/v1/hotline/appeals';
const ST = '/api/v1/hotline/stats';
const POLICE = 1;
const JUSTICE = 2;
const USERS = [
  ['op', 'hotline_operator', '370400', '热线话务员'],
  ['sup', 'hotline_supervisor', '370400', '热线督办员'],
  ['clerk1', 'dept_clerk', '370400', '公安局经办人'],
  ['clerk2', 'dept_clerk', '370400', '司法局经办人'],
  ['lead', 'leader', '370400', '市领导'],
  ['head1', 'dept_head', '370400', '公安局负责人'],
  ['head2', 'dept_head', '370400', '司法局负责人'],
];
const NAMES = ['赵志刚', '钱秀英', '孙建国', '李桂兰'];
const PHONES = ['13811110001', '13811110002', '13811110003', '13811110004'];

function body(i, over = {}) {
  return {
    channel: 'phone',
    line: '0632-3311161',
    kind: 'complaint',
    caller_name: NAMES[i % NAMES.length],
    caller_phone: PHONES[i % PHONES.length],
    place: '市中区光明路幸福小区',
    content: `诉求${i}：夜间噪音扰民`,
    category: 'police.public_order',
    ...over,
  };
}
const byCode = (list, code) => list.find((x) => x.code === code);
const hours = (a) => epoch(a.replied_at) - epoch(a.dispatched_at);
const round = (x, d) => Math.round(x * 10 ** d) / 10 ** d;

describe('hotline figures', () => {
  let srv, U;
  const ap = {};
  let workdaysA3;

  const act = async (as, id, action, b = {}) => expectReply(await as.post(`${A}/${id}/${action}`, b), 200).appeal;

  before(async () => {
    srv = await startServer({ users: USERS });
    U = await loginAll(srv.base, USERS.map((u) => u[0]));
    expectReply(await U.sup.post(`/api/v1/hotline/departments/${POLICE}/members`, { username: 'clerk1' }), 201);
    expectReply(await U.sup.post(`/api/v1/hotline/departments/${JUSTICE}/members`, { username: 'clerk2' }), 201);
    expectReply(await U.sup.post(`/api/v1/hotline/departments/${POLICE}/members`, { username: 'head1' }), 201);
    expectReply(await U.sup.post(`/api/v1/hotline/departments/${JUSTICE}/members`, { username: 'head2' }), 201);
    const create = async (i, over) => expectReply(await U.op.post(A, body(i, over)), 201).appeal;
    // police, phone: replied on time, 满意
    let a1 = await create(0, { district: '370402' });
    // a repeat of a1, merged into it (never dispatched)
    const b2 = await create(0, { content: '又一次反映夜间噪音' });
    await act(U.op, b2.id, 'merge', { main_id: a1.id });
    await act(U.op, a1.id, 'dispatch', { department_id: POLICE });
    await act(U.clerk1, a1.id, 'sign');
    await act(U.clerk1, a1.id, 'reply', { reply: '已处理' });
    await act(U.head1, a1.id, 'reply-review', { decision: 'approve' });
    a1 = await act(U.op, a1.id, 'callback', { result: 'reached', satisfaction: 'satisfied' });
    // police, web: replied late (below), 基本满意
    let a3 = await create(1, { channel: 'web', line: undefined, district: '370402' });
    a3 = await act(U.op, a3.id, 'dispatch', { department_id: POLICE });
    await act(U.clerk1, a3.id, 'sign');
    // police, WeChat: 不满意, reworked, replied on time again, still 不满意 → closed unsatisfied
    let a4 = await create(2, { channel: 'wechat', line: undefined, district: '370403' });
    await act(U.op, a4.id, 'dispatch', { department_id: POLICE });
    await act(U.clerk1, a4.id, 'sign');
    await act(U.clerk1, a4.id, 'reply', { reply: '已处理' });
    await act(U.head1, a4.id, 'reply-review', { decision: 'approve' });
    await act(U.op, a4.id, 'callback', { result: 'reached', satisfaction: 'unsatisfied' });
    await act(U.clerk1, a4.id, 'reply', { reply: '已重新处理' });
    await act(U.head1, a4.id, 'reply-review', { decision: 'approve' });
    a4 = await act(U.op, a4.id, 'callback', { result: 'reached', satisfaction: 'unsatisfied' });
    assert.equal(a4.status, 'closed');
    // justice, phone: returned once (office insists), extended, replied on time, 满意
    let b1 = await create(3, { category: 'justice.mediation', district: '370481' });
    await act(U.op, b1.id, 'dispatch', { department_id: JUSTICE });
    await act(U.clerk2, b1.id, 'return', { reason: '不属于本单位职责' });
    await act(U.sup, b1.id, 'return-review', { decision: 'insist', note: '属于人民调解范围' });
    await act(U.clerk2, b1.id, 'sign');
    await act(U.clerk2, b1.id, 'extension', { workdays: 8, reason: '需要组织双方调解' });
    await act(U.sup, b1.id, 'extension-review', { decision: 'approve' });
    await act(U.clerk2, b1.id, 'reply', { reply: '已组织调解' });
    await act(U.head2, b1.id, 'reply-review', { decision: 'approve' });
    b1 = await act(U.op, b1.id, 'callback', { result: 'reached', satisfaction: 'satisfied' });
    // two days after a3's deadline: its reply is late
    await srv.restart({ offsetSeconds: epoch(a3.due) + 2 * 86400 - Math.floor(Date.now() / 1000) });
    U = await loginAll(srv.base, USERS.map((u) => u[0]));
    await act(U.clerk1, a3.id, 'reply', { reply: '已处理，答复较晚' });
    await act(U.head1, a3.id, 'reply-review', { decision: 'approve' });
    a3 = await act(U.op, a3.id, 'callback', { result: 'reached', satisfaction: 'basically' });
    Object.assign(ap, { a1, a3, a4, b1, b2 });
    // a3's working days from dispatch to reply, by the calendar's own deadlines:
    // the n-th working day after the dispatch day ends on or before the reply day
    const replyDay = a3.replied_at.slice(0, 10);
    const nextDayStart = epoch(`${replyDay}T00:00:00+08:00`) + 86400;
    workdaysA3 = 0;
    for (let n = 1; n < 40; n++) {
      const due = expectReply(await U.op.get(`/api/v1/calendar/deadline?from=${encodeURIComponent(a3.dispatched_at)}&workdays=${n}`), 200).due;
      if (epoch(due) > nextDayStart) break;
      workdaysA3 = n;
    }
    assert.ok(workdaysA3 >= 2, `a3 took ${workdaysA3} working days`);
  });
  after(() => srv?.stop());

  it('overall: the counts and rates a leader sees', async () => {
    const s = expectReply(await U.lead.get(ST), 200);
    assert.equal(s.total, 5);
    const o = s.overall;
    assert.deepEqual(
      [o.count, o.dispatched, o.replied, o.on_time, o.rated, o.satisfied, o.basically, o.unsatisfied, o.returned, o.extended, o.repeats],
      [5, 4, 4, 3, 4, 2, 1, 1, 1, 1, 1],
    );
    assert.equal(o.on_time_rate, 0.75);
    assert.equal(o.satisfaction_rate, 0.75);
    assert.equal(o.return_rate, 0.25);
    assert.equal(o.extension_rate, 0.25);
    assert.equal(o.repeat_rate, 0.2);
    assert.equal(s.on_time_rate, 0.75);
    assert.equal(s.satisfaction_rate, 0.75);
    assert.deepEqual(s.replied, { total: 4, on_time: 3 });
    assert.equal(byCode(s.by_status, 'closed').count, 4);
    // the merged repeat took its main's approved reply and waits for its own callback
    assert.equal(byCode(s.by_status, 'replied').count, 1);
    assert.equal(byCode(s.by_status, 'merged').count, 0);
    assert.equal(byCode(s.by_status, 'closed').name, '已办结');
    assert.equal(o.mean_sign_hours, 0);
    const { a1, a3, a4, b1 } = ap;
    assert.equal(o.mean_reply_hours, round((hours(a1) + hours(a3) + hours(a4) + hours(b1)) / 4 / 3600, 1));
    assert.equal(o.mean_reply_workdays, round(workdaysA3 / 4, 2));
  });

  it('by department: 2 on time of 3 is 0.6667; the code is the department code', async () => {
    const s = expectReply(await U.lead.get(ST), 200);
    const police = s.by_department.find((d) => d.id === POLICE);
    assert.equal(police.code, 'city_police');
    assert.equal(police.name, '市公安局');
    assert.deepEqual([police.count, police.replied, police.on_time, police.rated], [3, 3, 2, 3]);
    assert.equal(police.on_time_rate, 0.6667);
    assert.equal(police.satisfaction_rate, 0.6667);
    assert.equal(police.return_rate, 0);
    assert.equal(police.extension_rate, 0);
    assert.equal(police.repeat_rate, 0);
    const { a1, a3, a4 } = ap;
    assert.equal(police.mean_reply_hours, round((hours(a1) + hours(a3) + hours(a4)) / 3 / 3600, 1));
    assert.ok(police.mean_reply_hours > 48);
    assert.equal(police.mean_reply_workdays, round(workdaysA3 / 3, 2));
    const justice = s.by_department.find((d) => d.id === JUSTICE);
    assert.equal(justice.code, 'city_justice');
    assert.deepEqual([justice.count, justice.on_time_rate, justice.satisfaction_rate, justice.return_rate, justice.extension_rate], [1, 1, 1, 1, 1]);
    const idle = s.by_department.find((d) => d.code === 'city_health');
    assert.deepEqual([idle.count, idle.on_time_rate, idle.satisfaction_rate, idle.mean_reply_hours], [0, null, null, null]);
  });

  it('by channel, first-level category and district', async () => {
    const s = expectReply(await U.lead.get(ST), 200);
    const phone = byCode(s.by_channel, 'phone');
    assert.equal(phone.name, '电话');
    assert.deepEqual([phone.count, phone.dispatched, phone.replied, phone.on_time], [3, 2, 2, 2]);
    assert.deepEqual([phone.on_time_rate, phone.satisfaction_rate, phone.return_rate, phone.extension_rate, phone.repeat_rate], [1, 1, 0.5, 0.5, 0.3333]);
    assert.equal(byCode(s.by_channel, 'web').count, 1);
    assert.equal(byCode(s.by_channel, 'web').on_time_rate, 0);
    assert.equal(byCode(s.by_channel, 'wechat').satisfaction_rate, 0);
    assert.equal(byCode(s.by_channel, 'programme').count, 0);
    // first level only: police.public_order counts under police
    assert.ok(!s.by_category.some((c) => c.code.includes('.')), JSON.stringify(s.by_category.map((c) => c.code)));
    const police = byCode(s.by_category, 'police');
    assert.equal(police.name, '公安');
    assert.deepEqual([police.count, police.replied, police.on_time, police.repeats], [4, 3, 2, 1]);
    assert.equal(police.repeat_rate, 0.25);
    assert.equal(byCode(s.by_category, 'justice').count, 1);
    assert.equal(byCode(s.by_category, 'petition').count, 0);
    assert.deepEqual(
      s.by_district.map((d) => [d.code, d.name, d.count]),
      [['370402', '市中区', 2], ['370403', '薛城区', 1], ['370481', '滕州市', 1], ['', '未注明区（市）', 1]],
    );
    assert.equal(byCode(s.by_district, '370402').on_time_rate, 0.5);
  });

  it('the period filter (Beijing dates) and bad periods', async () => {
    const today = ap.a1.created_at.slice(0, 10);
    const s = expectReply(await U.lead.get(`${ST}?from=${today}&to=${today}`), 200);
    assert.equal(s.total, 5);
    assert.deepEqual(s.period, { from: today, to: today });
    const before = new Date(epoch(`${today}T00:00:00+08:00`) * 1000 - 86400000).toISOString().slice(0, 10);
    const none = expectReply(await U.lead.get(`${ST}?to=${before}`), 200);
    assert.equal(none.total, 0);
    assert.equal(none.overall.on_time_rate, null);
    assert.equal(expectReply(await U.lead.get(`${ST}?from=${before}`), 200).total, 5);
    expectReply(await U.lead.get(`${ST}?from=2026-13-01`), 400, 'stats.invalid_period', 'from');
    expectReply(await U.lead.get(`${ST}?to=yesterday`), 400, 'stats.invalid_period', 'to');
    expectReply(await U.lead.get(`${ST}?from=${today}&to=${before}`), 400, 'stats.invalid_period', 'to');
    expectReply(await U.lead.get(`${ST}?district=370402`), 400, 'request.invalid_query', 'district');
    expectReply(await U.lead.get(`${ST}/public?format=pdf`), 400, 'request.invalid_query', 'format');
  });

  it('department clerks are refused the figures; no personal data in them', async () => {
    for (const u of ['clerk1', 'clerk2']) {
      expectReply(await U[u].get(ST), 403, 'auth.forbidden');
      expectReply(await U[u].get(`${ST}/public`), 403, 'auth.forbidden');
    }
    for (const as of [U.op, U.sup, U.lead]) expectReply(await as.get(ST), 200);
    const r = await U.lead.get(ST);
    for (const secret of [...NAMES, ...PHONES, '幸福小区', '夜间噪音']) assert.ok(!r.text.includes(secret), `${secret} in the figures`);
  });

  it('public statistics: no personal data, cells under 3 hidden, the rest exact', async () => {
    const r = await U.lead.get(`${ST}/public`);
    const p = expectReply(r, 200);
    for (const secret of [...NAMES, ...PHONES, '幸福小区', '噪音']) assert.ok(!r.text.includes(secret), `${secret} in the public figures`);
    assert.equal(p.min_cell, 3);
    assert.equal(p.overall.count, 5);
    assert.equal(p.overall.on_time_rate, 0.75);
    assert.ok(!('replied' in p.overall) && !('on_time' in p.overall), 'no underlying counts');
    const phone = byCode(p.by_channel, 'phone');
    assert.deepEqual([phone.count, phone.suppressed, phone.repeat_rate], [3, false, 0.3333]);
    for (const code of ['web', 'wechat']) {
      const c = byCode(p.by_channel, code);
      assert.deepEqual([c.count, c.suppressed, c.on_time_rate, c.satisfaction_rate], ['<3', true, null, null]);
    }
    assert.deepEqual([byCode(p.by_channel, 'programme').count, byCode(p.by_channel, 'programme').suppressed], [0, false]);
    // justice (1) is hidden; police (4) with it, or 5 − 4 would give it away
    assert.equal(byCode(p.by_category, 'justice').count, '<3');
    assert.equal(byCode(p.by_category, 'police').count, '<3');
    assert.equal(byCode(p.by_category, 'police').suppressed, true);
    assert.ok(p.by_district.every((d) => d.count === '<3'));
    assert.equal(byCode(p.by_department, 'city_police').count, '<3');
    assert.equal(byCode(p.by_department, 'city_health').count, 0);
    assert.ok(p.notes.length >= 2);
  });

  it('public statistics as Excel, read back', async () => {
    const res = await fetch(`${srv.base}${ST}/public?format=xlsx`, { headers: { Cookie: U.lead.cookie } });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type'), /spreadsheetml/);
    const file = path.join(srv.dir, 'public.xlsx');
    fs.writeFileSync(file, Buffer.from(await res.arrayBuffer()));
    const py = `import sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
print(''.join(z.read(n).decode('utf-8') for n in z.namelist() if n.startswith('xl/')))`;
    const xml = execFileSync('python3', ['-c', py, file], { encoding: 'utf8' });
    for (const secret of [...NAMES, ...PHONES, '幸福小区', '噪音']) assert.ok(!xml.includes(secret), `${secret} in the Excel file`);
    for (const text of ['按时答复率（%）', '受理渠道', '电话', '少于 3 件，不公开', '市公安局']) assert.ok(xml.includes(text), `${text} missing`);
    // the overall row: 5 appeals, on-time 75.00 %, satisfaction 75.00 %, repeats 20.00 %
    assert.match(xml, /<c r="C2"[^>]*><v>5<\/v><\/c><c r="D2"[^>]*><v>75<\/v><\/c><c r="E2"[^>]*><v>75<\/v><\/c><c r="F2"[^>]*><v>25<\/v><\/c><c r="G2"[^>]*><v>20<\/v>/);
  });

  it('no sanitizer reports from command-line runs', () => {
    assertNoCliSanitizerReports();
  });
});
