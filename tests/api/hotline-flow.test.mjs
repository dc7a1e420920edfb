// The hotline's flow of issue 7 beyond the first release: the district of
// an appeal and the category × district dispatch table, a lead department
// (主办) with assisting ones (协办) and the department scope that follows,
// assist opinions, the department head's review of the reply, the callback
// clock and the 待回访 list, live programme tiers, the programme's outcome
// report without personal data (JSON, Excel, PDF read back with
// pdftotext), and attachments on appeals. Every refusal is checked for its
// code, its field and that nothing changed.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { startServer, loginAll, expectReply, epoch, runCli, assertNoCliSanitizerReports, ROOT } from './lib.mjs';

const A = '/api/v1/hotline/appeals';
const P = '/api/v1/hotline/programmes';
const SUGGEST = '/api/v1/hotline/dispatch-suggestion';
const DUE = '/api/v1/hotline/callbacks-due';
// data/hotline_departments.tsv
const POLICE = 1;
const JUSTICE = 2;
const URBAN = 6;
const TRANSPORT = 10;
const GOV_SZ = 21; // 市中区人民政府办公室

const USERS = [
  ['op', 'hotline_operator', '370400', '热线话务员'],
  ['sup', 'hotline_supervisor', '370400', '热线督办员'],
  ['cp', 'dept_clerk', '370400', '公安局经办人'],
  ['hp', 'dept_head', '370400', '公安局负责人'],
  ['ct', 'dept_clerk', '370400', '交通局经办人'],
  ['cj', 'dept_clerk', '370400', '司法局经办人'],
  ['hj', 'dept_head', '370400', '司法局负责人'],
  ['lead', 'leader', '370400', '市领导'],
];

const PDF = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');
const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.from('png body')]);
const EXE = Buffer.from('MZ\x90\x00this is a program');

let seq = 0;
function appealBody(over = {}) {
  seq++;
  return {
    channel: 'phone',
    line: '0632-3311161',
    kind: 'complaint',
    caller_name: '赵女士',
    caller_phone: `1390000${String(1000 + seq).padStart(4, '0')}`,
    place: '市中区建华西路',
    content: `路口信号灯故障，第${seq}次反映`,
    category: 'police.traffic',
    district: '370402',
    ...over,
  };
}
const still = (a) => {
  const { time_left_seconds, warning, callback_warning, ...rest } = a;
  return rest;
};
const sql = (db, q) => execFileSync('sqlite3', [db, q], { encoding: 'utf8' }).trim();

describe('hotline flow', () => {
  let srv, U;

  before(async () => {
    // the outcome PDF: cairo and fontconfig keep font caches for the life of
    // the process, which LeakSanitizer reports at exit; those two libraries
    // only (tests/lsan.supp), so a leak of ours is still reported
    if (!/suppressions=/.test(process.env.LSAN_OPTIONS || ''))
      process.env.LSAN_OPTIONS = [process.env.LSAN_OPTIONS, `suppressions=${path.join(ROOT, 'tests/lsan.supp')}`, 'print_suppressions=0'].filter(Boolean).join(':');
    srv = await startServer({ users: USERS });
    U = await loginAll(srv.base, USERS.map((u) => u[0]));
    for (const [dept, who] of [[POLICE, 'cp'], [POLICE, 'hp'], [TRANSPORT, 'ct'], [JUSTICE, 'cj'], [JUSTICE, 'hj']])
      expectReply(await U.sup.post(`/api/v1/hotline/departments/${dept}/members`, { username: who }), 201);
  });
  after(() => srv?.stop());

  const create = async (over, as = U.op) => expectReply(await as.post(A, appealBody(over)), 201).appeal;
  const get = async (as, id) => expectReply(await as.get(`${A}/${id}`), 200).appeal;
  async function act(as, id, action, body = {}, status = 200, code, field) {
    return expectReply(await as.post(`${A}/${id}/${action}`, body), status, code, field)?.appeal;
  }
  async function deadline(fromIso, arg) {
    return expectReply(await U.op.get(`/api/v1/calendar/deadline?from=${encodeURIComponent(fromIso)}&${arg}`), 200).due;
  }
  const total = async () => expectReply(await U.sup.get(`${A}?page_size=1`), 200).total;
  /** Lead 公安局, assist 交通局, signed by the lead. */
  async function withAssist(over = {}) {
    const a = await create(over);
    await act(U.op, a.id, 'dispatch', { department_id: POLICE, assists: ['city_transport'] });
    return act(U.cp, a.id, 'sign');
  }

  it('dispatch suggestion from the table: category × district, the district row before *, parents cover children', async () => {
    let s = expectReply(await U.op.get(`${SUGGEST}?category=police.traffic&district=370403`), 200);
    assert.equal(s.lead.id, POLICE);
    assert.deepEqual(s.assists.map((d) => d.id), [TRANSPORT]);
    assert.deepEqual(s.rule, { category: 'police.traffic', district: '*' });
    s = expectReply(await U.op.get(`${SUGGEST}?category=gov.urban&district=370402`), 200);
    assert.equal(s.lead.id, GOV_SZ, 'the district government leads urban matters in its own district');
    assert.deepEqual(s.assists.map((d) => d.id), [URBAN]);
    s = expectReply(await U.op.get(`${SUGGEST}?category=gov.urban`), 200);
    assert.equal(s.lead.id, URBAN, 'without a district the * row applies');
    assert.deepEqual(s.assists, []);
    s = expectReply(await U.op.get(`${SUGGEST}?category=police.household`), 200);
    assert.equal(s.lead.id, POLICE, 'a second level without its own row takes its parent');
    assert.equal(s.rule.category, 'police');
    expectReply(await U.op.get(`${SUGGEST}?category=police.nothing`), 400, 'request.invalid_query', 'category');
    expectReply(await U.op.get(`${SUGGEST}?category=police&district=370401`), 400, 'request.invalid_query', 'district');
    expectReply(await U.op.get(`${SUGGEST}`), 400, 'request.invalid_query', 'category');
    expectReply(await U.op.get(`${SUGGEST}?category=police&x=1`), 400, 'request.invalid_query');
    expectReply(await U.cp.get(`${SUGGEST}?category=police`), 403, 'auth.forbidden');
  });

  it('intake records the district, checked against the Zaozhuang districts', async () => {
    const a = await create({ district: '370481' });
    assert.equal(a.district, '370481');
    assert.equal(a.district_name, '滕州市');
    const none = await create({ district: undefined });
    assert.equal(none.district, '');
    const before = await total();
    for (const d of ['370401', '110000', '370400', '37040'])
      expectReply(await U.op.post(A, appealBody({ district: d })), 422, 'appeal.invalid_district', 'district');
    expectReply(await U.op.post(A, appealBody({ district: 370402 })), 400, 'request.invalid_type', 'district');
    assert.equal(await total(), before, 'a refused intake saved something');
    const l = expectReply(await U.op.get(`${A}?district=370481&page_size=100`), 200);
    assert.ok(l.items.some((x) => x.id === a.id) && l.items.every((x) => x.district === '370481'));
    expectReply(await U.op.get(`${A}?district=999999`), 400, 'request.invalid_query', 'district');
  });

  it('dispatch to a lead and assists: one lead and N assist rows; bad assists and tiers refused, nothing changed', async () => {
    const a = await create();
    const before = still(await get(U.op, a.id));
    const bad = [
      [{ department_id: POLICE, assists: ['city_nothing'] }, 422, 'appeal.unknown_department', 'assists'],
      [{ department_id: POLICE, assists: ['city_police'] }, 422, 'appeal.invalid_assist', 'assists'],
      [{ department_id: POLICE, assists: ['city_transport', 'city_transport'] }, 422, 'appeal.invalid_assist', 'assists'],
      [{ department_id: POLICE, assists: 'city_transport' }, 400, 'request.invalid_type', 'assists'],
      [{ department_id: POLICE, assists: Array(9).fill('city_transport') }, 422, 'request.too_long', 'assists'],
      [{ department_id: POLICE, tier: 5 }, 422, 'appeal.invalid_tier', 'tier'],
      [{ department_id: POLICE, tier: 11 }, 422, 'request.out_of_range', 'tier'],
      [{ department_id: 999, assists: ['city_transport'] }, 422, 'appeal.unknown_department', 'department_id'],
    ];
    for (const [body, status, code, field] of bad) await act(U.op, a.id, 'dispatch', body, status, code, field);
    assert.deepEqual(still(await get(U.op, a.id)), before, 'a refused dispatch changed the appeal');
    assert.equal(sql(srv.db, `SELECT count(*) FROM hotline_dispatches WHERE appeal_id = ${a.id}`), '0');
    const d = await act(U.op, a.id, 'dispatch', { department_id: POLICE, assists: ['city_transport', 'city_urban'], note: '请公安牵头' });
    assert.equal(d.department.id, POLICE);
    assert.deepEqual(d.assists.map((x) => x.department.id), [TRANSPORT, URBAN]);
    assert.equal(d.my_role, null, 'hotline staff are neither lead nor assist');
    assert.equal(sql(srv.db, `SELECT group_concat(role || ':' || department_id, ',') FROM (SELECT role, department_id FROM hotline_dispatches WHERE appeal_id = ${a.id} AND active = 1 ORDER BY id)`), 'lead:1,assist:10,assist:6');
    assert.match(d.events.at(-1).note, /协办：市交通运输局、市城市管理局/);
  });

  it('department scope includes assists and nobody else; only the lead signs, returns, replies', async () => {
    const a = await create();
    await act(U.op, a.id, 'dispatch', { department_id: POLICE, assists: ['city_transport'] });
    assert.equal((await get(U.cp, a.id)).my_role, 'lead');
    assert.equal((await get(U.ct, a.id)).my_role, 'assist');
    expectReply(await U.cj.get(`${A}/${a.id}`), 404, 'appeal.not_found');
    const lt = expectReply(await U.ct.get(`${A}?page_size=100`), 200).items;
    assert.equal(lt.find((x) => x.id === a.id)?.my_role, 'assist', 'the assist queue marks it 协办');
    const lp = expectReply(await U.cp.get(`${A}?page_size=100`), 200).items;
    assert.equal(lp.find((x) => x.id === a.id)?.my_role, 'lead');
    const lj = expectReply(await U.cj.get(`${A}?page_size=100`), 200).items;
    assert.ok(!lj.some((x) => x.id === a.id), 'an unrelated department lists it');
    expectReply(await U.cj.get(`${A}/${a.id}/attachments`), 404, 'appeal.not_found');
    await act(U.ct, a.id, 'sign', {}, 403, 'appeal.assist_only');
    await act(U.ct, a.id, 'return', { reason: '不是交通局的事' }, 403, 'appeal.assist_only');
    await act(U.cp, a.id, 'sign');
    await act(U.ct, a.id, 'reply', { reply: '已处理' }, 403, 'appeal.assist_only');
    await act(U.ct, a.id, 'extension', { workdays: 8, reason: '复杂' }, 403, 'appeal.assist_only');
    await act(U.cj, a.id, 'sign', {}, 404, 'appeal.not_found');
    const after = await get(U.op, a.id);
    assert.equal(after.status, 'signed');
    assert.equal(after.return_count, 0);
    assert.equal(after.reply, '');
    assert.deepEqual(after.extensions, []);
    assert.deepEqual(after.events.map((e) => e.action), ['create', 'dispatch', 'sign'], 'the refused steps left no trace');
  });

  it('assist opinions: written by the assist, seen by the lead; refused to others', async () => {
    const a = await withAssist();
    await act(U.ct, a.id, 'assist-opinion', { opinion: '' }, 400, 'request.missing_field', 'opinion');
    await act(U.ct, a.id, 'assist-opinion', { opinion: 'x'.repeat(1001) }, 422, 'request.too_long', 'opinion');
    await act(U.ct, a.id, 'assist-opinion', { opinion: 1 }, 400, 'request.invalid_type', 'opinion');
    await act(U.ct, a.id, 'assist-opinion', { opinion: '意见', zzz: 1 }, 400, 'request.unknown_field', 'zzz');
    await act(U.cp, a.id, 'assist-opinion', { opinion: '我是主办' }, 403, 'appeal.not_assist');
    await act(U.cj, a.id, 'assist-opinion', { opinion: '无关' }, 404, 'appeal.not_found');
    await act(U.op, a.id, 'assist-opinion', { opinion: '话务员' }, 403, 'auth.forbidden');
    assert.equal(sql(srv.db, `SELECT count(*) FROM hotline_assist_opinions WHERE appeal_id = ${a.id}`), '0');
    const r = await act(U.ct, a.id, 'assist-opinion', { opinion: '该路口信号灯属交警支队维护，已通知养护单位配合' }, 201);
    assert.equal(r.assists[0].opinions.length, 1);
    const seen = await get(U.cp, a.id);
    assert.equal(seen.assists[0].department.id, TRANSPORT);
    assert.equal(seen.assists[0].opinions[0].opinion, '该路口信号灯属交警支队维护，已通知养护单位配合');
    assert.equal(seen.assists[0].opinions[0].by, '交通局经办人');
    assert.ok(seen.events.some((e) => e.action === 'assist_opinion' && e.department?.id === TRANSPORT));
    // once the office re-dispatches, the old assist no longer sees it
    const b = await withAssist();
    await act(U.cp, b.id, 'return', { reason: '应由司法局调解' });
    await act(U.sup, b.id, 'return-review', { decision: 'redispatch', department_id: JUSTICE });
    expectReply(await U.ct.get(`${A}/${b.id}`), 404, 'appeal.not_found');
    expectReply(await U.cp.get(`${A}/${b.id}`), 404, 'appeal.not_found');
    assert.equal((await get(U.cj, b.id)).my_role, 'lead');
  });

  it("the head reviews the department's reply: send back with a note, approve; never their own reply", async () => {
    const a = await withAssist();
    let r = await act(U.cp, a.id, 'reply', { reply: '已联系养护单位' });
    assert.equal(r.status, 'reply_review');
    assert.equal(r.replied_at, null, 'the hotline has no answer before the head approves');
    await act(U.cp, a.id, 'reply-review', { decision: 'approve' }, 403, 'auth.forbidden');
    await act(U.ct, a.id, 'reply-review', { decision: 'approve' }, 403, 'auth.forbidden');
    await act(U.hj, a.id, 'reply-review', { decision: 'approve' }, 404, 'appeal.not_found');
    const before = still(await get(U.op, a.id));
    await act(U.hp, a.id, 'reply-review', { decision: 'maybe' }, 422, 'request.invalid_value', 'decision');
    await act(U.hp, a.id, 'reply-review', { decision: 'send_back' }, 422, 'appeal.reason_required', 'note');
    await act(U.hp, a.id, 'reply-review', { decision: 'approve', note: 'x'.repeat(501) }, 422, 'request.too_long', 'note');
    await act(U.hp, a.id, 'reply-review', { decision: 1 }, 400, 'request.invalid_type', 'decision');
    assert.deepEqual(still(await get(U.op, a.id)), before, 'a refused review changed the appeal');
    r = await act(U.hp, a.id, 'reply-review', { decision: 'send_back', note: '请写明修复时间' });
    assert.equal(r.status, 'signed');
    assert.equal(r.events.at(-1).action, 'reply_send_back');
    assert.equal(r.events.at(-1).note, '请写明修复时间');
    await act(U.hp, a.id, 'reply-review', { decision: 'approve' }, 409, 'appeal.invalid_state');
    await act(U.cp, a.id, 'reply', { reply: '已联系养护单位，今日18时前修复' });
    r = await act(U.hp, a.id, 'reply-review', { decision: 'approve', note: '同意' });
    assert.equal(r.status, 'replied');
    assert.equal(r.replied_on_time, true);
    assert.ok(r.replied_at && r.reply_reviewed_at);
    assert.equal(r.callback_due, await deadline(r.reply_reviewed_at, 'workdays=1'), 'callback by the end of the next working day');
    assert.deepEqual(r.events.map((e) => e.action).slice(-4), ['reply', 'reply_send_back', 'reply', 'reply_approve']);
    // a head who writes the reply cannot approve it
    const b = await create();
    await act(U.op, b.id, 'dispatch', { department_id: POLICE });
    await act(U.hp, b.id, 'sign');
    await act(U.hp, b.id, 'reply', { reply: '负责人亲自答复' });
    await act(U.hp, b.id, 'reply-review', { decision: 'approve' }, 403, 'appeal.self_review');
    const c = await act(U.cp, b.id, 'reply-review', { decision: 'approve' }, 403, 'auth.forbidden');
    assert.equal(c, undefined);
  });

  it('attachments: PDF/JPEG/PNG by their bytes, listed and downloaded within scope, each download audited', async () => {
    const a = await withAssist();
    const up = (as, id, body, name = '现场照片.png', type = 'application/octet-stream') =>
      as.raw('POST', `${A}/${id}/attachments?filename=${encodeURIComponent(name)}`, { rawBody: body, contentType: type });
    const count = () => sql(srv.db, `SELECT count(*) FROM hotline_attachments WHERE appeal_id = ${a.id}`);
    expectReply(await up(U.op, a.id, EXE, 'a.pdf'), 415, 'attachment.unsupported_type');
    expectReply(await up(U.op, a.id, PDF, 'a.pdf', 'image/png'), 415, 'attachment.type_mismatch', 'Content-Type');
    expectReply(await up(U.op, a.id, Buffer.alloc(0), 'a.pdf'), 422, 'attachment.empty');
    expectReply(await up(U.op, a.id, PDF, 'a/b.pdf'), 422, 'attachment.invalid_filename', 'filename');
    expectReply(await U.op.raw('POST', `${A}/${a.id}/attachments`, { rawBody: PDF, contentType: 'application/pdf' }), 400, 'request.missing_field', 'filename');
    expectReply(await up(U.cj, a.id, PDF, 'a.pdf'), 404, 'appeal.not_found');
    expectReply(await up(U.lead, a.id, PDF, 'a.pdf'), 403, 'auth.forbidden');
    expectReply(await U.op.raw('POST', `${A}/${a.id}/attachments?filename=a.pdf`, { rawBody: PDF, contentType: 'application/pdf', noCsrf: true }), 403, 'auth.csrf_invalid');
    expectReply(await U.op.raw('POST', `${A}/${a.id}/attachments?filename=a.pdf&doc_type=x`, { rawBody: PDF, contentType: 'application/pdf' }), 400, 'request.invalid_query');
    assert.equal(count(), '0', 'a refused upload stored a row');
    const pdf = expectReply(await up(U.op, a.id, PDF, '来电记录.pdf', 'application/pdf'), 201).attachment;
    assert.equal(pdf.content_type, 'application/pdf');
    assert.equal(pdf.filename, '来电记录.pdf');
    const again = expectReply(await up(U.op, a.id, PDF, '再传一次.pdf'), 200);
    assert.equal(again.duplicate, true);
    assert.equal(again.attachment.id, pdf.id);
    const png = expectReply(await up(U.cp, a.id, PNG), 201).attachment;
    assert.equal(png.content_type, 'image/png');
    assert.equal(count(), '2');
    const detail = await get(U.ct, a.id);
    assert.deepEqual(detail.attachments.map((x) => x.filename), ['来电记录.pdf', '现场照片.png']);
    assert.ok(detail.events.some((e) => e.action === 'attachment'));
    const l = expectReply(await U.ct.get(`${A}/${a.id}/attachments`), 200);
    assert.equal(l.items.length, 2);
    const audits = () => Number(sql(srv.db, `SELECT count(*) FROM audit_log WHERE action = 'appeal.attachment_download' AND entity_id = ${a.id}`));
    const n0 = audits();
    for (const as of [U.ct, U.op]) {
      const res = await fetch(`${srv.base}${A}/${a.id}/attachments/${png.id}/content`, { headers: { Cookie: as.cookie } });
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('content-type'), 'image/png');
      assert.match(res.headers.get('content-disposition') || '', /attachment/);
      assert.deepEqual(Buffer.from(await res.arrayBuffer()), PNG);
    }
    assert.equal(audits(), n0 + 2, 'each download is audited');
    expectReply(await U.cj.get(`${A}/${a.id}/attachments/${png.id}/content`), 404, 'appeal.not_found');
    const other = await create();
    expectReply(await U.op.get(`${A}/${other.id}/attachments/${png.id}/content`), 404, 'appeal_attachment.not_found');
    assert.equal(audits(), n0 + 2, 'a refused download is not audited as one');
    // the bytes live once in the shared store that the fund uses too
    assert.equal(sql(srv.db, `SELECT count(*) FROM attachment_blobs WHERE hash = '${pdf.hash}'`), '1');
    assert.ok(fs.existsSync(path.join(srv.dir, 'attachments', pdf.hash.slice(0, 2), pdf.hash)));
  });

  describe('live programme: tiers on the spot and the outcome report without personal data', () => {
    let prog, onAir, onAir2, onAir3;
    it('a tier of 2, 5 or 10 working days sets the reply due; out of scope goes to the normal flow', async () => {
      prog = expectReply(await U.op.post(P, { title: '《政风行风热线》·《市长上线》', starts_at: '2024-03-20T07:20:00+08:00', ends_at: '2024-03-20T08:30:00+08:00', guests: '副市长、市公安局', scope: ['police', 'justice', 'petition', 'gov'] }), 201).programme;
      const narrow = expectReply(await U.op.post(P, { title: '公安专场', starts_at: '2024-03-21T07:20:00+08:00', ends_at: '2024-03-21T08:30:00+08:00', guests: '市公安局', scope: ['police'] }), 201).programme;
      expectReply(await U.op.post(A, appealBody({ channel: 'programme', line: undefined, programme_id: narrow.id, category: 'gov.education' })), 422, 'appeal.out_of_programme_scope');
      const normal = await create({ category: 'gov.education', district: '370403' });
      assert.equal(normal.channel, 'phone', 'an out-of-scope call is taken as an ordinary one');
      onAir = await create({
        channel: 'programme', line: undefined, programme_id: prog.id, caller_name: '李建国',
        caller_phone: '13912345678', place: '薛城区临山路12号',
        content: '我是李建国，电话13912345678，身份证370402201503041234，小区门口违章停车堵路', district: '370403',
      });
      onAir2 = await create({ channel: 'programme', line: undefined, programme_id: prog.id, category: 'justice.mediation', kind: 'request', caller_name: '周先生', content: '邻居装修纠纷，联系电话 0632-3319988', district: '370404' });
      onAir3 = await create({ channel: 'programme', line: undefined, programme_id: prog.id, category: 'police.household', kind: 'consultation', answer: '携带户口簿到派出所办理', caller_name: '孙女士', district: '370481' });
      await act(U.op, onAir.id, 'dispatch', { department_id: POLICE, tier: 3 }, 422, 'appeal.invalid_tier', 'tier');
      assert.equal((await get(U.op, onAir.id)).status, 'registered');
      let d = await act(U.op, onAir.id, 'dispatch', { department_id: POLICE, assists: ['city_transport'], tier: 2 });
      assert.equal(d.programme_tier, 2);
      assert.equal(d.due, await deadline(d.dispatched_at, 'workdays=2'));
      d = await act(U.op, onAir2.id, 'dispatch', { department_id: JUSTICE, tier: 10 });
      assert.equal(d.due, await deadline(d.dispatched_at, 'workdays=10'));
      assert.match(d.events.at(-1).note, /10 个工作日内答复/);
      const em = await create({ channel: 'programme', line: undefined, programme_id: prog.id, emergency: true });
      await act(U.op, em.id, 'dispatch', { department_id: POLICE, tier: 2 }, 422, 'appeal.invalid_tier', 'tier');
      await act(U.cp, onAir.id, 'sign');
      await act(U.cp, onAir.id, 'reply', { reply: '已对李建国反映的路段清理违停，如有问题请拨打13912345678联系' });
      await act(U.hp, onAir.id, 'reply-review', { decision: 'approve' });
      await act(U.cj, onAir2.id, 'sign');
      await act(U.cj, onAir2.id, 'reply', { reply: '尚未审核的答复不应出现在报告里' });
    });

    it('outcome report: JSON, Excel and PDF, with no name, phone or ID number', async () => {
      const j = expectReply(await U.op.get(`${P}/${prog.id}/outcome`), 200);
      assert.equal(j.programme.id, prog.id);
      assert.equal(j.total, 4);
      const text = JSON.stringify(j);
      for (const bad of ['13912345678', '370402201503041234', '李建国', '0632-3319988', '3319988', '周先生', '孙女士', 'caller_phone', 'caller_name'])
        assert.ok(!text.includes(bad), `the report holds ${bad}`);
      const first = j.items.find((x) => x.no === onAir.no);
      assert.equal(first.content, '我是某某，电话＊＊＊，身份证＊＊＊，小区门口违章停车堵路');
      assert.equal(first.answer, '已对某某反映的路段清理违停，如有问题请拨打＊＊＊联系');
      assert.equal(first.district_name, '薛城区');
      assert.equal(first.department_name, '市公安局');
      assert.equal(first.place, '薛城区临山路12号', 'short numbers such as a house number stay');
      assert.equal(first.programme_tier, 2);
      const second = j.items.find((x) => x.no === onAir2.no);
      assert.equal(second.answer, '', 'a reply still under the head review is not an answer');
      assert.equal(second.status_name, '答复待审核');
      assert.equal(j.items.find((x) => x.no === onAir3.no).answer, '携带户口簿到派出所办理');

      const x = await fetch(`${srv.base}${P}/${prog.id}/outcome?format=xlsx`, { headers: { Cookie: U.op.cookie } });
      assert.equal(x.status, 200);
      const f = path.join(srv.dir, 'outcome.xlsx');
      fs.writeFileSync(f, Buffer.from(await x.arrayBuffer()));
      const py = "import sys,zipfile;z=zipfile.ZipFile(sys.argv[1]);print(''.join(z.read(n).decode('utf8','replace') for n in z.namelist() if n.endswith('.xml')))";
      const xt = execFileSync('python3', ['-c', py, f], { encoding: 'utf8' });
      for (const want of ['诉求内容', '承办单位', '市公安局', '违章停车']) assert.ok(xt.includes(want), `xlsx lacks ${want}`);
      for (const bad of ['13912345678', '370402201503041234', '李建国']) assert.ok(!xt.includes(bad), `xlsx holds ${bad}`);

      const p = await fetch(`${srv.base}${P}/${prog.id}/outcome?format=pdf`, { headers: { Cookie: U.sup.cookie } });
      assert.equal(p.status, 200);
      assert.equal(p.headers.get('content-type'), 'application/pdf');
      const pf = path.join(srv.dir, 'outcome.pdf');
      fs.writeFileSync(pf, Buffer.from(await p.arrayBuffer()));
      const pt = execFileSync('pdftotext', ['-layout', pf, '-'], { encoding: 'utf8' });
      for (const want of ['直播节目诉求办理结果', '市长上线', '违章停车', '市公安局', '薛城区', '某某']) assert.ok(pt.includes(want), `PDF lacks ${want}:\n${pt}`);
      for (const bad of ['13912345678', '370402201503041234', '李建国', '3319988', '周先生']) assert.ok(!pt.replace(/\s/g, '').includes(bad), `PDF holds ${bad}`);

      expectReply(await U.op.get(`${P}/${prog.id}/outcome?format=doc`), 400, 'request.invalid_query', 'format');
      expectReply(await U.op.get(`${P}/${prog.id}/outcome?x=1`), 400, 'request.invalid_query');
      expectReply(await U.op.get(`${P}/99999/outcome`), 404, 'programme.not_found');
      expectReply(await U.cp.get(`${P}/${prog.id}/outcome`), 403, 'auth.forbidden');
    });
  });

  it('callback clock: yellow until the callback due, red after it; 待回访 sorted by callback due', async () => {
    const later = await withAssist(); // approved after the clock moves: a later callback due
    const first = await withAssist();
    await act(U.cp, first.id, 'reply', { reply: '已修复' });
    const a = await act(U.hp, first.id, 'reply-review', { decision: 'approve' });
    assert.equal(a.callback_warning, 'yellow', 'the day before the callback day is already the yellow day');
    let q = expectReply(await U.op.get(`${DUE}?page_size=100`), 200);
    assert.ok(q.items.every((x) => x.status === 'replied'));
    assert.ok(q.items.some((x) => x.id === first.id));
    expectReply(await U.op.get(`${DUE}?warning=blue`), 400, 'request.invalid_query', 'warning');
    expectReply(await U.cp.get(DUE), 403, 'auth.forbidden');
    // the day after the callback due: red
    const due = epoch(a.callback_due);
    await srv.restart({ offsetSeconds: due + 3600 - Math.floor(Date.now() / 1000) });
    U = await loginAll(srv.base, USERS.map((u) => u[0]));
    assert.equal((await get(U.op, first.id)).callback_warning, 'red');
    await act(U.cp, later.id, 'reply', { reply: '已修复' });
    const b = await act(U.hp, later.id, 'reply-review', { decision: 'approve' });
    assert.ok(epoch(b.callback_due) > due);
    q = expectReply(await U.op.get(`${DUE}?page_size=100`), 200);
    const ids = q.items.map((x) => x.id);
    assert.ok(ids.indexOf(first.id) < ids.indexOf(later.id), 'sooner callback due first, whatever the appeal number');
    const dues = q.items.map((x) => epoch(x.callback_due));
    assert.deepEqual(dues, [...dues].sort((x, y) => x - y));
    const red = expectReply(await U.op.get(`${DUE}?warning=red&page_size=100`), 200);
    assert.ok(red.items.some((x) => x.id === first.id) && !red.items.some((x) => x.id === later.id));
    assert.equal(red.total, red.items.length);
    const res = await fetch(`${srv.base}${DUE}?format=xlsx`, { headers: { Cookie: U.op.cookie } });
    assert.equal(res.status, 200);
    const f = path.join(srv.dir, 'due.xlsx');
    fs.writeFileSync(f, Buffer.from(await res.arrayBuffer()));
    const py = "import sys,zipfile;z=zipfile.ZipFile(sys.argv[1]);print(''.join(z.read(n).decode('utf8','replace') for n in z.namelist() if n.endswith('.xml')))";
    const t = execFileSync('python3', ['-c', py, f], { encoding: 'utf8' });
    assert.ok(t.includes('回访期限') && t.includes('red'));
    assert.ok(!/1390000\d{4}/.test(t), 'full phone numbers in the export');
    // the callback closes it and takes it off the list
    await act(U.op, first.id, 'callback', { result: 'reached', satisfaction: 'satisfied' });
    q = expectReply(await U.op.get(`${DUE}?page_size=100`), 200);
    assert.ok(!q.items.some((x) => x.id === first.id));
  });

  it('huimin verify passes and the server stops cleanly', async () => {
    await srv.stop();
    const v = await runCli(['verify', '--db', srv.db]);
    assert.equal(v.code, 0, `verify: ${v.stdout}\n${v.stderr}`);
    assertNoCliSanitizerReports();
  });
});
