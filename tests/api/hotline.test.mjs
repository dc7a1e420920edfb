// The citizen hotline end to end: intake from every channel, masked phone
// numbers and the audited reveal, consultations closed at intake, dispatch
// with the 5-working-day clock, sign, reply, callback, rework, extension,
// return and the office's review, repeats, the live programme's board,
// department scope, roles, refused input, Excel export, and warnings and
// 督办单 after the clock moves on.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { startServer, loginAll, expectReply, epoch, runCli, assertNoCliSanitizerReports } from './lib.mjs';

const A = '/api/v1/hotline/appeals';
const P = '/api/v1/hotline/programmes';
const POLICE = 1; // 市公安局 in data/hotline_departments.tsv
const JUSTICE = 2; // 市司法局

const USERS = [
  ['op', 'hotline_operator', '370400', '热线话务员'],
  ['sup', 'hotline_supervisor', '370400', '热线督办员'],
  ['clerk1', 'dept_clerk', '370400', '公安局经办人'],
  ['clerk2', 'dept_clerk', '370400', '司法局经办人'],
  ['lead', 'leader', '370400', '市领导'],
  ['head1', 'dept_head', '370400', '公安局负责人'],
];

let seq = 0;
/** A valid phone appeal, with overrides. */
function appealBody(over = {}) {
  seq++;
  return {
    channel: 'phone',
    line: '0632-3311161',
    kind: 'complaint',
    caller_name: '王先生',
    caller_phone: `1381234${String(5000 + seq).padStart(4, '0')}`,
    place: '市中区光明路',
    content: `夜间噪音扰民，第${seq}次反映`,
    category: 'police.public_order',
    ...over,
  };
}
const still = (a) => {
  const { time_left_seconds, warning, ...rest } = a;
  return rest;
};

describe('hotline', () => {
  let srv, U;

  before(async () => {
    srv = await startServer({ users: USERS });
    U = await loginAll(srv.base, USERS.map((u) => u[0]));
    expectReply(await U.sup.post(`/api/v1/hotline/departments/${POLICE}/members`, { username: 'clerk1' }), 201);
    expectReply(await U.sup.post(`/api/v1/hotline/departments/${JUSTICE}/members`, { username: 'clerk2' }), 201);
    expectReply(await U.sup.post(`/api/v1/hotline/departments/${POLICE}/members`, { username: 'head1' }), 201);
  });
  after(() => srv?.stop());

  const create = async (over, as = U.op) => expectReply(await as.post(A, appealBody(over)), 201).appeal;
  const get = async (as, id) => expectReply(await as.get(`${A}/${id}`), 200).appeal;
  async function act(as, id, action, body = {}, status = 200, code) {
    return expectReply(await as.post(`${A}/${id}/${action}`, body), status, code)?.appeal;
  }
  async function deadline(fromIso, arg) {
    return expectReply(await U.op.get(`/api/v1/calendar/deadline?from=${encodeURIComponent(fromIso)}&${arg}`), 200).due;
  }
  /** An appeal driven to a state (with POLICE handling it). */
  async function appealIn(state, over = {}) {
    let a = await create(over);
    const steps = {
      registered: [],
      dispatched: [['op', 'dispatch', { department_id: POLICE }]],
      signed: [['op', 'dispatch', { department_id: POLICE }], ['clerk1', 'sign']],
      replied: [['op', 'dispatch', { department_id: POLICE }], ['clerk1', 'sign'], ['clerk1', 'reply', { reply: '已处理' }], ['head1', 'reply-review', { decision: 'approve' }]],
    }[state];
    for (const [who, action, body] of steps) a = await act(U[who], a.id, action, body);
    assert.equal(a.status, state);
    return a;
  }

  it('membership: only dept_clerk users join a department; unknown departments are 404', async () => {
    expectReply(await U.sup.post(`/api/v1/hotline/departments/${POLICE}/members`, { username: 'op' }), 422, 'department.invalid_member');
    expectReply(await U.sup.post(`/api/v1/hotline/departments/${POLICE}/members`, { username: 'clerk1' }), 409, 'department.member_exists');
    expectReply(await U.sup.post('/api/v1/hotline/departments/999/members', { username: 'clerk1' }), 404, 'department.not_found');
    expectReply(await U.op.post(`/api/v1/hotline/departments/${POLICE}/members`, { username: 'clerk2' }), 403, 'auth.forbidden');
    const m = expectReply(await U.sup.get(`/api/v1/hotline/departments/${POLICE}/members`), 200);
    assert.deepEqual(m.items.map((x) => x.username), ['clerk1', 'head1']);
    const d = expectReply(await U.clerk1.get('/api/v1/hotline/departments'), 200);
    assert.deepEqual(d.mine, [POLICE]);
  });

  it('intake from each channel; the phone number is masked in every reply', async () => {
    const phone = await create({ caller_phone: '13812345678' });
    assert.equal(phone.caller_phone, '138****5678');
    assert.equal(phone.status, 'registered');
    assert.equal(phone.line, '0632-3311161');
    assert.equal(phone.category.code, 'police.public_order');
    assert.equal(phone.category.path, '公安 / 社会治安');
    assert.equal(phone.catalog_version, 1);
    assert.match(phone.no, /^RX\d{10}$/);
    assert.equal(phone.events[0].action, 'create');
    const wechat = await create({ channel: 'wechat', line: undefined, category: 'gov.environment' });
    assert.equal(wechat.channel_name, '微信留言');
    const web = await create({ channel: 'web', line: undefined, anonymous: true, caller_name: undefined });
    assert.equal(web.anonymous, true);
    for (const body of [appealBody({ caller_phone: '13812345678' })]) {
      const r = await U.op.post(A, body);
      expectReply(r, 201);
      assert.ok(!r.text.includes('13812345678'), 'full phone number in the reply');
    }
    for (const as of [U.op, U.lead]) {
      const g = await as.get(`${A}/${phone.id}`);
      assert.ok(!g.text.includes('13812345678'));
      const l = await as.get(`${A}?page_size=100`);
      assert.ok(!l.text.includes('13812345678'), 'full phone number in the list');
    }
    // channel rules
    expectReply(await U.op.post(A, appealBody({ line: undefined })), 422, 'appeal.invalid_line', 'line');
    expectReply(await U.op.post(A, appealBody({ line: '0632-1234567' })), 422, 'appeal.invalid_line', 'line');
    expectReply(await U.op.post(A, appealBody({ channel: 'fax' })), 422, 'appeal.invalid_channel', 'channel');
    expectReply(await U.op.post(A, appealBody({ channel: 'programme', line: undefined })), 422, 'appeal.programme_required', 'programme_id');
    expectReply(await U.op.post(A, appealBody({ category: 'police.nothing' })), 422, 'appeal.unknown_category', 'category');
    expectReply(await U.op.post(A, appealBody({ caller_phone: '12ab' })), 422, 'appeal.invalid_phone', 'caller_phone');
    expectReply(await U.op.post(A, appealBody({ caller_name: '' })), 422, 'appeal.caller_required', 'caller_name');
  });

  it('the full number: shown to the operator and audited; refused to a department clerk', async () => {
    const a = await create({ caller_phone: '13912345678' });
    await act(U.op, a.id, 'dispatch', { department_id: POLICE });
    expectReply(await U.clerk1.post(`${A}/${a.id}/caller-phone`, {}), 403, 'auth.forbidden');
    const r = expectReply(await U.op.post(`${A}/${a.id}/caller-phone`, {}), 200);
    assert.deepEqual(r, { caller_phone: '13912345678' });
    const n = execFileSync('sqlite3', [srv.db, `SELECT count(*) FROM audit_log WHERE action = 'appeal.view_phone' AND entity_id = ${a.id}`], { encoding: 'utf8' });
    assert.equal(n.trim(), '1');
    const audit = execFileSync('sqlite3', [srv.db, 'SELECT detail FROM audit_log'], { encoding: 'utf8' });
    assert.ok(!audit.includes('13912345678'), 'the audit trail must not hold the phone number');
    assert.ok((await get(U.op, a.id)).events.some((e) => e.action === 'view_phone'), 'the reveal is in the timeline');
  });

  it('a consultation answered at once is closed at intake; other kinds cannot be', async () => {
    const a = await create({ kind: 'consultation', category: 'police.household', answer: '携带户口簿到派出所办理' });
    assert.equal(a.status, 'closed');
    assert.ok(a.closed_at);
    assert.deepEqual(a.events.map((e) => e.to_status), ['registered', 'closed']);
    expectReply(await U.op.post(A, appealBody({ answer: '已答复' })), 422, 'appeal.invalid_answer', 'answer');
  });

  it('dispatch: due is 5 working days after dispatch; sign, reply, satisfied callback closes it', async () => {
    let a = await create();
    a = await act(U.op, a.id, 'dispatch', { department_id: POLICE, note: '请核查' });
    assert.equal(a.status, 'dispatched');
    assert.equal(a.department.name, '市公安局');
    assert.equal(a.due, await deadline(a.dispatched_at, 'workdays=5'));
    assert.equal(a.sign_due, await deadline(a.dispatched_at, 'workdays=1'));
    assert.equal(a.warning, 'none');
    a = await act(U.clerk1, a.id, 'sign');
    assert.equal(a.status, 'signed');
    await act(U.clerk1, a.id, 'reply', { reply: '' }, 400, 'request.missing_field');
    a = await act(U.clerk1, a.id, 'reply', { reply: '已出警处理，噪音源已关闭' });
    assert.equal(a.status, 'reply_review', "the head reviews the department's reply first");
    a = await act(U.head1, a.id, 'reply-review', { decision: 'approve' });
    assert.equal(a.status, 'replied');
    assert.equal(a.replied_on_time, true);
    a = await act(U.op, a.id, 'callback', { result: 'no_answer' });
    assert.equal(a.status, 'replied', 'an unanswered callback only logs the attempt');
    a = await act(U.op, a.id, 'callback', { result: 'reached', satisfaction: 'satisfied' });
    assert.equal(a.status, 'closed');
    assert.equal(a.satisfaction_name, '满意');
    assert.deepEqual(a.callbacks.map((c) => c.result), ['no_answer', 'reached']);
    assert.deepEqual(a.events.map((e) => e.action), ['create', 'dispatch', 'sign', 'reply', 'reply_approve', 'callback_attempt', 'callback']);
    await act(U.op, a.id, 'callback', { result: 'reached', satisfaction: 'satisfied' }, 409, 'appeal.invalid_state');
  });

  it('unsatisfied: rework once with a new deadline, then closed unsatisfied and supervised', async () => {
    let a = await appealIn('replied');
    a = await act(U.op, a.id, 'callback', { result: 'reached', satisfaction: 'unsatisfied', note: '仍有噪音' });
    assert.equal(a.status, 'rework');
    assert.equal(a.rework_count, 1);
    const at = a.events.at(-1).at;
    assert.equal(a.due, await deadline(at, 'workdays=5'));
    a = await act(U.clerk1, a.id, 'reply', { reply: '再次处理' });
    a = await act(U.head1, a.id, 'reply-review', { decision: 'approve' });
    a = await act(U.op, a.id, 'callback', { result: 'reached', satisfaction: 'unsatisfied' });
    assert.equal(a.status, 'closed', 'rework happens once');
    await act(U.clerk1, a.id, 'supervision-response', { response: '无' }, 409, 'appeal.no_open_supervision');
    const r = expectReply(await U.sup.post(`${A}/${a.id}/supervise`, { note: '请三日内反馈整改情况' }), 201);
    assert.ok(r.supervision_id);
    assert.equal(r.appeal.supervisions[0].reason, 'unsatisfied');
    a = await act(U.clerk1, a.id, 'supervision-response', { response: '已约谈物业并整改' });
    assert.equal(a.supervisions[0].response, '已约谈物业并整改');
    // a satisfied, on-time appeal cannot be supervised
    const ok = await appealIn('dispatched');
    await act(U.sup, ok.id, 'supervise', { note: '督办' }, 409, 'appeal.supervision_not_due');
  });

  it('extension: at most 10 working days in total, approved by the supervisor', async () => {
    let a = await appealIn('signed');
    await act(U.clerk1, a.id, 'extension', { workdays: 11, reason: '情况复杂' }, 422, 'appeal.extension_over_limit');
    await act(U.clerk1, a.id, 'extension', { workdays: 5, reason: '情况复杂' }, 422, 'appeal.extension_over_limit');
    a = await act(U.clerk1, a.id, 'extension', { workdays: 8, reason: '需多部门联合处置' });
    assert.equal(a.extensions[0].status, 'pending');
    await act(U.clerk1, a.id, 'extension', { workdays: 9, reason: '再延' }, 409, 'appeal.extension_pending');
    await act(U.clerk1, a.id, 'extension-review', { decision: 'approve' }, 403, 'auth.forbidden');
    a = await act(U.sup, a.id, 'extension-review', { decision: 'approve', note: '同意' });
    assert.equal(a.extended_workdays, 8);
    assert.equal(a.due, await deadline(a.dispatched_at, 'workdays=8'));
    await act(U.sup, a.id, 'extension-review', { decision: 'approve' }, 409, 'appeal.invalid_state');
  });

  it('return within 2 working days; the office re-dispatches or insists', async () => {
    let a = await appealIn('dispatched');
    await act(U.clerk1, a.id, 'return', { reason: '' }, 400, 'request.missing_field');
    a = await act(U.clerk1, a.id, 'return', { reason: '不属于公安职责，应由司法局调解' });
    assert.equal(a.status, 'return_requested');
    assert.equal(a.return_count, 1);
    await act(U.op, a.id, 'return-review', { decision: 'insist' }, 403, 'auth.forbidden');
    await act(U.sup, a.id, 'return-review', { decision: 'redispatch' }, 400, 'request.missing_field');
    a = await act(U.sup, a.id, 'return-review', { decision: 'redispatch', department_id: JUSTICE, note: '改派司法局' });
    assert.equal(a.status, 'dispatched');
    assert.equal(a.department.id, JUSTICE);
    // the first department no longer sees it; the second does
    expectReply(await U.clerk1.get(`${A}/${a.id}`), 404, 'appeal.not_found');
    assert.equal((await get(U.clerk2, a.id)).id, a.id);

    let b = await appealIn('signed');
    b = await act(U.clerk1, b.id, 'return', { reason: '非本单位职责' });
    b = await act(U.sup, b.id, 'return-review', { decision: 'insist', note: '属公安职责，请继续办理' });
    assert.equal(b.status, 'signed');
    assert.equal(b.department.id, POLICE);
  });

  it('department scope: another department gets 404 and its list excludes the appeal', async () => {
    const a = await appealIn('dispatched');
    expectReply(await U.clerk2.get(`${A}/${a.id}`), 404, 'appeal.not_found');
    expectReply(await U.clerk2.post(`${A}/${a.id}/sign`, {}), 404, 'appeal.not_found');
    expectReply(await U.clerk2.get(`${A}/${a.id}/duplicates`), 404, 'appeal.not_found');
    const l2 = expectReply(await U.clerk2.get(`${A}?page_size=100`), 200);
    assert.ok(!l2.items.some((x) => x.id === a.id));
    assert.ok(l2.items.every((x) => x.department?.id === JUSTICE), 'clerk2 sees only 司法局 appeals');
    const l1 = expectReply(await U.clerk1.get(`${A}?page_size=100`), 200);
    assert.ok(l1.items.some((x) => x.id === a.id));
    // undispatched appeals are nobody's
    const reg = await create();
    expectReply(await U.clerk1.get(`${A}/${reg.id}`), 404, 'appeal.not_found');
  });

  it('wrong role: 403', async () => {
    const a = await appealIn('dispatched');
    expectReply(await U.op.post(`${A}/${a.id}/sign`, {}), 403, 'auth.forbidden');
    expectReply(await U.clerk1.post(A, appealBody()), 403, 'auth.forbidden');
    expectReply(await U.lead.post(`${A}/${a.id}/dispatch`, { department_id: POLICE }), 403, 'auth.forbidden');
    expectReply(await U.clerk1.get('/api/v1/hotline/stats'), 403, 'auth.forbidden');
  });

  it('repeats: same phone and category suggested; merged ones point to the main appeal', async () => {
    const main = await appealIn('dispatched', { caller_phone: '13700001111', category: 'gov.urban' });
    const again = await create({ caller_phone: '13700001111', category: 'gov.urban', channel: 'wechat', line: undefined });
    // the same caller on another matter, elsewhere, in other words: not a repeat
    const other = await create({ caller_phone: '13700001111', category: 'gov.health', place: '薛城区医院', content: '医保报销材料咨询' });
    const d = expectReply(await U.op.get(`${A}/${again.id}/duplicates`), 200);
    assert.deepEqual(d.items.map((x) => x.appeal.id), [main.id]);
    assert.ok(d.items[0].reasons.some((r) => r.text === '同一来电号码'));
    assert.ok(!d.items.some((x) => x.appeal.id === other.id));
    await act(U.op, again.id, 'merge', { main_id: again.id }, 409, 'appeal.invalid_merge');
    const m = await act(U.op, again.id, 'merge', { main_id: main.id });
    assert.equal(m.status, 'merged');
    assert.equal(m.main_id, main.id);
    await act(U.op, main.id, 'merge', { main_id: again.id }, 409, 'appeal.invalid_merge');
    assert.ok((await get(U.op, main.id)).events.some((e) => e.action === 'merged_in'));
    assert.deepEqual(expectReply(await U.op.get(`${A}/${main.id}/duplicates`), 200).items, [], 'merged ones are no longer suggested');
  });

  it('a live programme: calls taken on air stay on its board until answered', async () => {
    const p = expectReply(
      await U.op.post(P, {
        title: '《政风行风热线》·《市长上线》',
        starts_at: '2024-03-20T07:20:00+08:00',
        ends_at: '2024-03-20T08:30:00+08:00',
        guests: '副市长、市公安局局长',
        scope: ['police', 'justice', 'petition', 'gov'],
      }),
      201,
    ).programme;
    assert.equal(p.starts_at, '2024-03-20T07:20:00+08:00');
    assert.equal(p.scope.length, 4);
    expectReply(await U.op.post(P, { title: 'x', starts_at: '2024-03-20T08:30:00+08:00', ends_at: '2024-03-20T07:20:00+08:00', guests: 'x', scope: ['police'] }), 422, 'programme.invalid_time');
    const narrow = expectReply(await U.op.post(P, { title: '公安专场', starts_at: '2024-03-21T07:20:00+08:00', ends_at: '2024-03-21T08:30:00+08:00', guests: '市公安局', scope: ['police'] }), 201).programme;
    expectReply(await U.op.post(A, appealBody({ channel: 'programme', line: undefined, programme_id: narrow.id, category: 'gov.education' })), 422, 'appeal.out_of_programme_scope');
    const onAir = await create({ channel: 'programme', line: undefined, programme_id: p.id });
    const onAir2 = await create({ channel: 'programme', line: undefined, programme_id: p.id, category: 'justice.mediation', kind: 'request' });
    let b = expectReply(await U.op.get(`${P}/${p.id}/board`), 200);
    assert.deepEqual(b.waiting.map((x) => x.id).sort(), [onAir.id, onAir2.id].sort());
    assert.equal(b.answered, 0);
    await act(U.op, onAir.id, 'dispatch', { department_id: POLICE });
    await act(U.clerk1, onAir.id, 'sign');
    b = expectReply(await U.op.get(`${P}/${p.id}/board`), 200);
    assert.equal(b.waiting.length, 2, 'signed is not yet answered');
    await act(U.clerk1, onAir.id, 'reply', { reply: '已安排巡逻' });
    b = expectReply(await U.op.get(`${P}/${p.id}/board`), 200);
    assert.equal(b.waiting.length, 2, 'a reply under the head review is not yet answered');
    await act(U.head1, onAir.id, 'reply-review', { decision: 'approve' });
    b = expectReply(await U.op.get(`${P}/${p.id}/board`), 200);
    assert.deepEqual(b.waiting.map((x) => x.id), [onAir2.id]);
    assert.equal(b.answered, 1);
    assert.equal(b.total, 2);
    const l = expectReply(await U.op.get(`${A}?programme_id=${p.id}&channel=programme`), 200);
    assert.equal(l.total, 2);
  });

  it('missed calls: logged and called back', async () => {
    const m = expectReply(await U.op.post('/api/v1/hotline/missed-calls', { line: '0632-3312400', caller_phone: '13655556666', missed_at: '2024-03-20T07:25:00+08:00' }), 201).missed_call;
    assert.equal(m.caller_phone, '136****6666');
    let x = expectReply(await U.op.post(`/api/v1/hotline/missed-calls/${m.id}/attempts`, { result: 'busy' }), 200).missed_call;
    assert.equal(x.status, 'open');
    x = expectReply(await U.op.post(`/api/v1/hotline/missed-calls/${m.id}/attempts`, { result: 'reached', note: '已登记诉求' }), 200).missed_call;
    assert.equal(x.status, 'reached');
    assert.equal(x.callbacks.length, 2);
    const l = expectReply(await U.op.get('/api/v1/hotline/missed-calls?status=open'), 200);
    assert.ok(!l.items.some((y) => y.id === m.id));
  });

  it('lists filter and export to Excel', async () => {
    const l = expectReply(await U.op.get(`${A}?status=dispatched&department_id=${POLICE}&page_size=100`), 200);
    assert.ok(l.total > 0);
    assert.ok(l.items.every((x) => x.status === 'dispatched' && x.department.id === POLICE));
    const cat = expectReply(await U.op.get(`${A}?category=police&page_size=100`), 200);
    assert.ok(cat.items.every((x) => x.category.code.startsWith('police')));
    const wc = expectReply(await U.op.get(`${A}?channel=wechat`), 200);
    assert.ok(wc.items.every((x) => x.channel === 'wechat'));
    const today = new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 10);
    assert.equal(expectReply(await U.op.get(`${A}?from=${today}&to=${today}&page_size=1`), 200).total, expectReply(await U.op.get(`${A}?page_size=1`), 200).total);
    assert.equal(expectReply(await U.op.get(`${A}?to=2000-01-01`), 200).total, 0);
    for (const q of ['status=nope', 'channel=fax', 'warning=blue', 'department_id=abc', 'from=2024-13-01', 'zzz=1', 'page_size=101'])
      expectReply(await U.op.get(`${A}?${q}`), 400, 'request.invalid_query');
    const res = await fetch(`${srv.base}${A}?format=xlsx&status=dispatched`, { headers: { Cookie: U.op.cookie } });
    assert.equal(res.status, 200);
    const f = path.join(srv.dir, 'appeals.xlsx');
    fs.writeFileSync(f, Buffer.from(await res.arrayBuffer()));
    const py = "import sys,zipfile;z=zipfile.ZipFile(sys.argv[1]);print(''.join(z.read(n).decode('utf8','replace') for n in z.namelist() if n.endswith('.xml')))";
    const text = execFileSync('python3', ['-c', py, f], { encoding: 'utf8' });
    for (const want of ['诉求编号', '承办单位', '市公安局', '138****']) assert.ok(text.includes(want), `xlsx lacks ${want}`);
    assert.ok(!/1381234\d{4}/.test(text), 'full phone numbers in the export');
    // the programme list and the missed calls export too, phones masked
    for (const [url, want] of [[`${P}?format=xlsx`, '上线嘉宾'], ['/api/v1/hotline/missed-calls?format=xlsx', '回拨次数']]) {
      const r = await fetch(`${srv.base}${url}`, { headers: { Cookie: U.op.cookie } });
      assert.equal(r.status, 200, url);
      const g = path.join(srv.dir, 'list.xlsx');
      fs.writeFileSync(g, Buffer.from(await r.arrayBuffer()));
      const t = execFileSync('python3', ['-c', py, g], { encoding: 'utf8' });
      assert.ok(t.includes(want), `${url}: xlsx lacks ${want}`);
      assert.ok(!/1365555\d{4}/.test(t), `${url}: a full phone number in the export`);
    }
  });

  it('stats: counts, on-time and satisfaction rates', async () => {
    const s = expectReply(await U.lead.get('/api/v1/hotline/stats'), 200);
    assert.ok(s.total > 10);
    assert.ok(s.by_status.some((x) => x.code === 'closed' && x.name === '已办结'));
    assert.ok(s.by_channel.some((x) => x.code === 'programme'));
    assert.ok(s.by_department.some((x) => x.name === '市公安局'));
    assert.ok(s.replied.total >= 3);
    assert.equal(s.on_time_rate, 1);
    assert.ok(s.satisfaction_rate > 0 && s.satisfaction_rate < 1);
    assert.equal(s.warnings.red, 0);
  });

  describe('bad input to every write route is refused and changes nothing', () => {
    const T = {};
    const routes = [
      { name: 'POST /appeals', as: 'op', path: () => A, body: () => appealBody(), wrongType: ['emergency', 'yes'], tooLong: ['content', '噪'.repeat(2001)], status: 201 },
      { name: 'dispatch', as: 'op', path: () => `${A}/${T.registered.id}/dispatch`, body: () => ({ department_id: POLICE }), wrongType: ['department_id', '1'], tooLong: ['note', 'x'.repeat(501)] },
      { name: 'sign', as: 'clerk1', path: () => `${A}/${T.dispatched.id}/sign`, body: () => ({ note: '签收' }), wrongType: ['note', 5], tooLong: ['note', 'x'.repeat(501)] },
      { name: 'reply', as: 'clerk1', path: () => `${A}/${T.signed.id}/reply`, body: () => ({ reply: '已办' }), wrongType: ['reply', 5], tooLong: ['reply', 'x'.repeat(2001)] },
      { name: 'extension', as: 'clerk1', path: () => `${A}/${T.signed2.id}/extension`, body: () => ({ workdays: 10, reason: '复杂' }), wrongType: ['workdays', '10'], tooLong: ['reason', 'x'.repeat(501)] },
      { name: 'return', as: 'clerk1', path: () => `${A}/${T.dispatched2.id}/return`, body: () => ({ reason: '非本单位' }), wrongType: ['reason', 1], tooLong: ['reason', 'x'.repeat(501)] },
      { name: 'callback', as: 'op', path: () => `${A}/${T.replied.id}/callback`, body: () => ({ result: 'reached', satisfaction: 'satisfied' }), wrongType: ['satisfaction', 1], tooLong: ['note', 'x'.repeat(501)] },
      { name: 'reply-review', as: 'head1', path: () => `${A}/${T.review.id}/reply-review`, body: () => ({ decision: 'approve', note: '同意' }), wrongType: ['decision', 1], tooLong: ['note', 'x'.repeat(501)] },
      { name: 'assist-opinion', as: 'clerk2', path: () => `${A}/${T.assisted.id}/assist-opinion`, body: () => ({ opinion: '司法所可参与调解' }), wrongType: ['opinion', 1], tooLong: ['opinion', 'x'.repeat(1001)], status: 201 },
      { name: 'merge', as: 'op', path: () => `${A}/${T.registered2.id}/merge`, body: () => ({ main_id: T.registered.id }), wrongType: ['main_id', 'x'] },
      { name: 'caller-phone', as: 'op', path: () => `${A}/${T.registered.id}/caller-phone`, body: () => ({}) },
      { name: 'POST /programmes', as: 'op', path: () => P, body: () => ({ title: '节目', starts_at: '2024-03-20T07:20:00+08:00', ends_at: '2024-03-20T08:30:00+08:00', guests: '嘉宾', scope: ['police'] }), wrongType: ['scope', 'police'], tooLong: ['title', '节'.repeat(61)], status: 201 },
      { name: 'POST /missed-calls', as: 'op', path: () => '/api/v1/hotline/missed-calls', body: () => ({ line: '0632-3311161', caller_phone: '13800001234', missed_at: '2024-03-20T07:21:00+08:00' }), wrongType: ['caller_phone', 13800001234], tooLong: ['caller_phone', '1'.repeat(21)], status: 201 },
    ];
    async function snapshot() {
      const ids = ['registered', 'registered2', 'dispatched', 'dispatched2', 'signed', 'signed2', 'replied', 'review', 'assisted'].map((k) => T[k].id);
      return {
        appeals: await Promise.all(ids.map(async (id) => still(await get(U.sup, id)))),
        total: expectReply(await U.sup.get(`${A}?page_size=1`), 200).total,
        programmes: expectReply(await U.sup.get(`${P}?page_size=1`), 200).total,
        missed: expectReply(await U.op.get('/api/v1/hotline/missed-calls?page_size=1'), 200).total,
      };
    }
    it('set up appeals in each state', async () => {
      T.registered = await appealIn('registered');
      T.registered2 = await appealIn('registered');
      T.dispatched = await appealIn('dispatched');
      T.dispatched2 = await appealIn('dispatched');
      T.signed = await appealIn('signed');
      T.signed2 = await appealIn('signed');
      T.replied = await appealIn('replied');
      T.review = await appealIn('signed');
      T.review = await act(U.clerk1, T.review.id, 'reply', { reply: '待负责人审核' });
      T.assisted = await create();
      T.assisted = await act(U.op, T.assisted.id, 'dispatch', { department_id: POLICE, assists: ['city_justice'] });
    });
    for (const rt of routes) {
      it(rt.name, async () => {
        const send = (opts) => U[rt.as].raw('POST', rt.path(), opts);
        const cases = [
          { opts: { rawBody: '{"note": "unterminated', contentType: 'application/json' }, status: 400, code: 'request.malformed_json' },
          { opts: { body: { ...rt.body(), zzz: 1 } }, status: 400, code: 'request.unknown_field', field: 'zzz' },
          { opts: { body: rt.body(), noCsrf: true }, status: 403, code: 'auth.csrf_invalid' },
        ];
        if (rt.wrongType) cases.push({ opts: { body: { ...rt.body(), [rt.wrongType[0]]: rt.wrongType[1] } }, status: 400, code: 'request.invalid_type', field: rt.wrongType[0] });
        if (rt.tooLong) cases.push({ opts: { body: { ...rt.body(), [rt.tooLong[0]]: rt.tooLong[1] } }, status: 422, code: 'request.too_long', field: rt.tooLong[0] });
        const before = await snapshot();
        for (const t of cases) expectReply(await send(t.opts), t.status, t.code, t.field);
        assert.deepEqual(await snapshot(), before, `${rt.name}: a refused request changed something`);
        expectReply(await send({ body: rt.body() }), rt.status ?? 200);
      });
    }
  });

  it('as the clock moves: yellow the working day before due, red once overdue; late returns refused; 督办单', async () => {
    const a = await appealIn('dispatched');
    const b = await appealIn('signed');
    const later = await create(); // dispatched after the first restart
    const due = epoch(a.due);
    // noon of the day before the due day (due is 24:00 of the due day)
    const noonBefore = due - 36 * 3600;
    await srv.restart({ offsetSeconds: noonBefore - Math.floor(Date.now() / 1000) });
    U = await loginAll(srv.base, USERS.map((u) => u[0]));
    assert.equal((await get(U.op, a.id)).warning, 'yellow');
    const fresh = await act(U.op, later.id, 'dispatch', { department_id: POLICE });
    assert.equal(fresh.warning, 'none', 'a fresh dispatch has 5 working days ahead');
    const yl = expectReply(await U.op.get(`${A}?warning=yellow&page_size=100`), 200).items.map((x) => x.id);
    assert.ok(yl.includes(a.id) && !yl.includes(fresh.id), JSON.stringify(yl));
    await act(U.clerk1, a.id, 'return', { reason: '非本单位职责' }, 409, 'appeal.return_too_late');
    await act(U.sup, a.id, 'supervise', { note: '请抓紧' }, 409, 'appeal.supervision_not_due');

    await srv.restart({ offsetSeconds: due + 3600 - Math.floor(Date.now() / 1000) });
    U = await loginAll(srv.base, ['op', 'sup', 'clerk1', 'lead', 'head1']);
    const ra = await get(U.op, a.id);
    assert.equal(ra.warning, 'red');
    assert.ok(ra.time_left_seconds < 0);
    assert.equal((await get(U.op, b.id)).warning, 'red');
    const red = expectReply(await U.sup.get(`${A}?warning=red&page_size=100`), 200).items.map((x) => x.id);
    assert.ok(red.includes(a.id) && red.includes(b.id));
    await act(U.clerk1, b.id, 'extension', { workdays: 8, reason: '来不及了' }, 409, 'appeal.extension_too_late');
    const s = expectReply(await U.sup.post(`${A}/${a.id}/supervise`, { note: '已超期，请当日办结' }), 201);
    assert.equal(s.appeal.supervisions[0].reason, 'overdue');
    const fin = await act(U.clerk1, a.id, 'supervision-response', { response: '已加派警力，今日办结' });
    assert.ok(fin.supervisions[0].responded_at);
    await act(U.clerk1, b.id, 'reply', { reply: '已办' });
    const late = await act(U.head1, b.id, 'reply-review', { decision: 'approve' });
    assert.equal(late.replied_on_time, false);
    const st = expectReply(await U.lead.get('/api/v1/hotline/stats'), 200);
    assert.ok(st.warnings.red >= 1);
    assert.ok(st.overdue.some((x) => x.id === a.id));
    assert.ok(st.on_time_rate < 1);
  });

  it('huimin verify passes and the server stops cleanly', async () => {
    await srv.stop();
    const v = await runCli(['verify', '--db', srv.db]);
    assert.equal(v.code, 0, `verify: ${v.stdout}\n${v.stderr}`);
    assertNoCliSanitizerReports();
  });
});
