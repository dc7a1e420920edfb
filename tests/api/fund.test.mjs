// The children's care fund end to end: children, applications, the
// 7-working-day clock, review, approval, payment and the books, emergencies,
// roles, district scope, lists, refused input, sensitive views, audit, and
// deadlines becoming overdue when the clock moves on.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startServer, loginAll, expectReply, makeId, sexOf, epoch, assertNoCliSanitizerReports } from './lib.mjs';

const C = '/api/v1/fund/children';
const A = '/api/v1/fund/applications';
const OPENING = 200000000; // ¥2,000,000 in fen

let seq = 100;
/** A valid child of 市中区 (left-behind, born 7 June 2015), with overrides. */
function childBody(over = {}) {
  seq++;
  const birth = over.birth_date ?? '2015-06-07';
  const id = makeId(over.region ?? '370402', birth.replaceAll('-', ''), seq);
  const body = {
    name: `测试儿童${seq}`,
    sex: sexOf(id),
    birth_date: birth,
    id_number: id,
    hukou_district: '370402',
    hukou_evidence: '户口簿第3页',
    categories: ['left_behind'],
    household_status: 'none',
    guardian_name: '张大山',
    guardian_relation: '祖父',
    guardian_phone: '13812345678',
    address: '市中区光明路1号',
    ...over,
  };
  delete body.region;
  return body;
}

/** A valid application for a child, with overrides. */
function appBody(childId, over = {}) {
  return {
    child_id: childId,
    applicant_type: 'guardian',
    applicant_name: '张大山',
    applicant_relation: '祖父',
    aid: { living: 200000, education: 100000 },
    services: ['psych'],
    description: '父母双方外出务工，祖父年迈多病，生活和学习困难。',
    emergency: false,
    ...over,
  };
}

/** Codes of a list in a reply whose items may be codes or {code, name}. */
const codes = (list) => list.map((x) => (typeof x === 'string' ? x : x.code)).sort();
const catCodes = (c) => codes(c.categories);
const masked = (id) => id.slice(0, 4) + '*'.repeat(10) + id.slice(14);
const lastWord = (action) => action.split('.').pop();
/** An application as JSON, minus the fields that change with the clock alone. */
const still = (a) => {
  const { time_left_seconds, ...rest } = a;
  return rest;
};

describe('fund', () => {
  let srv, U;
  // records made along the way
  let child1, child1Body, app1, app1Paid, emerg;

  before(async () => {
    srv = await startServer();
    U = await loginAll(srv.base);
  });
  after(() => srv?.stop());

  async function newChild(as = U.cw, over = {}) {
    const body = childBody(over);
    const r = expectReply(await as.post(C, body), 201);
    return { ...r.child, body };
  }
  async function newApp(as, childId, over = {}) {
    return expectReply(await as.post(A, appBody(childId, over)), 201).application;
  }
  const getApp = async (as, id) => expectReply(await as.get(`${A}/${id}`), 200).application;
  /** A step of an application; a step that succeeds replies with the
   * application exactly as a read of it right after shows it (the time left
   * counts down between the two). */
  async function act(as, id, action, body = {}, status = 200, code) {
    const r = expectReply(await as.post(`${A}/${id}/${action}`, body), status, code);
    if (status === 200) {
      const { time_left_seconds: t1, ...replied } = r.application;
      const { time_left_seconds: t2, ...read } = await getApp(as, id);
      assert.deepEqual(replied, read, `the reply of ${action} is the application as read after it`);
      assert.ok(t1 === t2 || Math.abs(t1 - t2) <= 2, `time left ${t1} then ${t2}`);
    }
    return r?.application;
  }
  const balance = async () => expectReply(await U.lead.get('/api/v1/fund/balance'), 200);
  async function deadline(from, arg) {
    return expectReply(await U.cw.get(`/api/v1/calendar/deadline?from=${encodeURIComponent(from)}&${arg}`), 200);
  }
  /** An application of a new child of cw, driven to a state. */
  async function appIn(state, over = {}) {
    const ch = await newChild(U.cw);
    let a = await newApp(U.cw, ch.id, over);
    const path = {
      submitted: [],
      accepted: [['cw', 'accept']],
      returned: [['cw', 'accept'], ['rv', 'return', { reason: '材料不全' }]],
      reviewed: [['cw', 'accept'], ['rv', 'review', { decision: 'pass' }]],
      approved: [['cw', 'accept'], ['rv', 'review', { decision: 'pass' }], ['ap', 'approve', { approved: { living: 1000 } }]],
    }[state];
    for (const [who, action, body] of path) a = await act(U[who], a.id, action, body);
    assert.equal(a.status, state);
    return a;
  }

  it('the fund opens with ¥2,000,000 booked as income', async () => {
    assert.deepEqual(await balance(), { bank: OPENING, income: OPENING, expense: 0 });
  });

  it('a caseworker registers a child; replies mask the ID number and phone', async () => {
    child1Body = childBody({ name: '张小明' });
    const r = await U.cw.post(C, child1Body);
    const c = expectReply(r, 201).child;
    assert.ok(Number.isInteger(c.id));
    assert.equal(c.name, '张小明');
    assert.equal(c.sex, child1Body.sex);
    assert.equal(c.birth_date, '2015-06-07');
    assert.equal(c.hukou_district, '370402');
    assert.deepEqual(catCodes(c), ['left_behind']);
    assert.equal(c.household_status, 'none');
    assert.equal(c.org.code, '370402');
    assert.equal(c.id_number, masked(child1Body.id_number));
    assert.equal(c.guardian_phone, '138****5678');
    assert.ok(!r.text.includes(child1Body.id_number), 'full ID number in the reply');
    assert.ok(!r.text.includes('13812345678'), 'full phone number in the reply');
    child1 = c;

    const g = await U.cw.get(`${C}/${c.id}`);
    assert.deepEqual(expectReply(g, 200).child, c);
    assert.ok(!g.text.includes(child1Body.id_number));
    const list = await U.cw.get(`${C}?q=${encodeURIComponent('张小明')}`);
    assert.ok(expectReply(list, 200).items.some((x) => x.id === c.id));
    assert.ok(!list.text.includes(child1Body.id_number), 'full ID number in the list');
  });

  it('names are counted in characters: 32 Chinese characters fit', async () => {
    await newChild(U.cw, { name: '张'.repeat(32) });
  });

  describe('refused child registrations change nothing', () => {
    const id = (region, birth, s) => makeId(region, birth, s);
    const broken = (good) => good.slice(0, 17) + (good[17] === '0' ? '1' : '0');
    // a child whose ID number ends in the check character X
    let xBody;
    const xChild = () => {
      if (!xBody) {
        let s = 500;
        while (makeId('370402', '20140101', s).at(-1) !== 'X') s++;
        const id_number = makeId('370402', '20140101', s);
        xBody = childBody({ birth_date: '2014-01-01', id_number, sex: sexOf(id_number) });
      }
      return { ...xBody };
    };
    const cases = [
      { name: 'duplicate ID number', body: () => childBody({ id_number: child1Body.id_number, sex: child1Body.sex }), status: 409, code: 'child.duplicate_id_number' },
      { name: 'duplicate ID number, lower-case x', body: () => ({ ...xChild(), id_number: xChild().id_number.toLowerCase() }), pre: true, status: 409, code: 'child.duplicate_id_number' },
      { name: 'wrong check digit', body: () => { const b = childBody(); return { ...b, id_number: broken(b.id_number) }; }, status: 422, code: 'idcard.invalid_check_digit', field: 'id_number' },
      { name: '17 characters', body: () => { const b = childBody(); return { ...b, id_number: b.id_number.slice(0, 17) }; }, status: 422, code: 'idcard.invalid_length', field: 'id_number' },
      { name: 'letters inside', body: () => { const b = childBody(); return { ...b, id_number: b.id_number.slice(0, 10) + 'AB' + b.id_number.slice(12) }; }, status: 422, code: 'idcard.invalid_chars', field: 'id_number' },
      { name: 'no such province', body: () => childBody({ region: '990101' }), status: 422, code: 'idcard.invalid_region', field: 'id_number' },
      { name: '30 February inside', body: () => ({ ...childBody(), id_number: id('370402', '20150230', 777) }), status: 422, code: 'idcard.invalid_birth_date', field: 'id_number' },
      { name: 'birth date differs from the ID', body: () => ({ ...childBody(), birth_date: '2015-06-08' }), status: 422, code: 'child.birth_date_mismatch' },
      { name: 'sex differs from the ID', body: () => { const b = childBody(); return { ...b, sex: b.sex === 'M' ? 'F' : 'M' }; }, status: 422, code: 'child.sex_mismatch' },
      { name: 'hukou outside Zaozhuang', body: () => childBody({ hukou_district: '370102' }), status: 422, code: 'child.unknown_district', field: 'hukou_district' },
      { name: 'hukou is the city, not a district', body: () => childBody({ hukou_district: '370400' }), status: 422, code: 'child.unknown_district', field: 'hukou_district' },
      { name: 'no category', body: () => childBody({ categories: [] }), status: 422, code: 'child.no_category' },
      { name: 'unknown category', body: () => childBody({ categories: ['vip'] }), status: 422, code: 'child.unknown_category' },
      { name: 'disabled_low_income without a certificate', body: () => childBody({ categories: ['disabled_low_income'] }), status: 422, code: 'child.household_certificate' },
      { name: 'dibao without certificate fields', body: () => childBody({ categories: ['ill_low_income'], household_status: 'dibao' }), status: 422, code: 'child.household_certificate' },
      { name: 'sex X', body: () => ({ ...childBody(), sex: 'X' }), status: 422, code: 'request.invalid_value', field: 'sex' },
      { name: 'household status unknown', body: () => childBody({ household_status: 'rich' }), status: 422, code: 'request.invalid_value', field: 'household_status' },
      { name: 'birth date with slashes', body: () => ({ ...childBody(), birth_date: '2015/06/07' }), status: 422, code: 'request.invalid_date', field: 'birth_date' },
      { name: 'name missing', body: () => { const b = childBody(); delete b.name; return b; }, status: 400, code: 'request.missing_field', field: 'name' },
      { name: 'name 33 characters', body: () => childBody({ name: '张'.repeat(33) }), status: 422, code: 'request.too_long', field: 'name' },
      { name: 'categories not an array', body: () => childBody({ categories: 'left_behind' }), status: 400, code: 'request.invalid_type', field: 'categories' },
      { name: 'unknown field', body: () => childBody({ nickname: '小明' }), status: 400, code: 'request.unknown_field', field: 'nickname' },
      { name: 'phone too short', body: () => childBody({ guardian_phone: '139' }), status: 422, code: 'request.invalid_value', field: 'guardian_phone' },
      { name: 'a masked phone', body: () => childBody({ guardian_phone: '139****5678' }), status: 422, code: 'request.invalid_value', field: 'guardian_phone' },
    ];
    for (const t of cases) {
      it(`${t.name} → ${t.status} ${t.code}`, async () => {
        if (t.pre) {
          // a first child whose number ends in X; the lower-case copy is the same person
          expectReply(await U.cw.post(C, xChild()), 201);
        }
        const before = expectReply(await U.lead.get(`${C}?page_size=1`), 200).total;
        expectReply(await U.cw.post(C, t.body()), t.status, t.code, t.field);
        assert.equal(expectReply(await U.lead.get(`${C}?page_size=1`), 200).total, before, 'a refused registration created a child');
      });
    }
  });

  it('a child of a 低保 family with a certificate is accepted', async () => {
    const c = await newChild(U.cw, {
      categories: ['disabled_low_income', 'left_behind'],
      household_status: 'dibao',
      household_cert_no: '枣民低保2025-0123',
      household_cert_from: '2025-01-01',
      household_cert_to: '2027-12-31',
    });
    assert.deepEqual(catCodes(c), ['disabled_low_income', 'left_behind']);
    assert.equal(c.household_status, 'dibao');
  });

  it('a caseworker updates a child, but not its ID number', async () => {
    const { id_number, ...rest } = child1Body;
    const r = expectReply(await U.cw.put(`${C}/${child1.id}`, { ...rest, address: '市中区光明路2号' }), 200);
    assert.equal(r.child.address, '市中区光明路2号');
    assert.equal(r.child.id_number, masked(id_number));
    expectReply(await U.cw.put(`${C}/${child1.id}`, { ...rest, id_number: makeId('370402', '20150607', 999) }), 400, 'request.unknown_field', 'id_number');
    assert.equal(expectReply(await U.cw.get(`${C}/${child1.id}`), 200).child.id_number, masked(id_number));
    expectReply(await U.cw.put(`${C}/999999`, rest), 404, 'child.not_found');
    // replies show the phone masked: an edit that leaves it out keeps it, and
    // the masked value sent back is refused rather than stored
    const { guardian_phone, ...noPhone } = rest;
    expectReply(await U.cw.put(`${C}/${child1.id}`, noPhone), 200);
    expectReply(await U.cw.put(`${C}/${child1.id}`, { ...rest, guardian_phone: r.child.guardian_phone }), 422, 'request.invalid_value', 'guardian_phone');
    const full = expectReply(await U.cw.put(`${C}/${child1.id}`, { ...noPhone, guardian_phone: '0632-3311161' }), 200);
    assert.equal(full.child.guardian_phone, '063****1161');
    expectReply(await U.cw.put(`${C}/${child1.id}`, { ...noPhone, guardian_phone }), 200);
    assert.equal(expectReply(await U.cw.get(`${C}/${child1.id}`), 200).child.guardian_phone, r.child.guardian_phone);
  });

  it('a caseworker files an application → 201 submitted, no clock yet', async () => {
    const a = await newApp(U.cw, child1.id);
    assert.equal(a.status, 'submitted');
    assert.equal(a.status_name, '已提交');
    assert.deepEqual(a.child, { id: child1.id, name: '张小明' });
    assert.equal(a.org.code, '370402');
    assert.equal(a.emergency, false);
    assert.equal(a.requested_total, 300000);
    const living = a.aid.find((x) => x.kind === 'living');
    assert.equal(living.requested, 200000);
    assert.equal(a.aid.find((x) => x.kind === 'education').requested, 100000);
    assert.deepEqual(codes(a.services), ['psych']);
    assert.equal(a.clock_start, null);
    assert.equal(a.decision_due, null);
    assert.equal(a.due, null);
    assert.equal(a.overdue, false);
    assert.equal(typeof a.no, 'string');
    assert.ok(a.no.length > 0);
    app1 = a;
  });

  describe('refused applications change nothing', () => {
    const cases = [
      { name: 'relative without relation', over: { applicant_type: 'relative', applicant_relation: '' }, status: 422, code: 'application.invalid_applicant' },
      { name: 'unknown applicant type', over: { applicant_type: 'neighbour' }, status: 422, codes: ['application.invalid_applicant', 'request.invalid_value'] },
      { name: 'no aid and no service', over: { aid: {}, services: [] }, status: 422, code: 'application.no_aid_requested' },
      { name: 'unknown aid kind', over: { aid: { gold: 100 } }, codes: ['application.unknown_aid_kind', 'request.unknown_field'] },
      { name: 'unknown service', over: { services: ['spa'] }, status: 422, code: 'application.unknown_service' },
      { name: 'negative amount', over: { aid: { living: -5 } }, status: 422, codes: ['request.invalid_money', 'request.out_of_range'] },
      { name: 'amount not an integer', over: { aid: { living: 12.5 } }, codes: ['request.invalid_money', 'request.invalid_type'] },
      { name: 'amount as a string', over: { aid: { living: '100' } }, codes: ['request.invalid_money', 'request.invalid_type'] },
      { name: 'emergency without a reason', over: { emergency: true }, status: 422, code: 'application.emergency_reason_required' },
      { name: 'emergency with an empty reason', over: { emergency: true, emergency_reason: '' }, status: 422, code: 'application.emergency_reason_required' },
      { name: 'no such child', over: { child_id: 999999 }, status: 404, code: 'child.not_found' },
      { name: 'description 2001 characters', over: { description: '困'.repeat(2001) }, status: 422, code: 'request.too_long', field: 'description' },
      { name: 'child_id as a string', over: { child_id: '1' }, status: 400, code: 'request.invalid_type', field: 'child_id' },
      { name: 'unknown field', over: { priority: 'high' }, status: 400, code: 'request.unknown_field', field: 'priority' },
    ];
    for (const t of cases) {
      it(`${t.name} → ${t.codes ? t.codes.join(' | ') : `${t.status} ${t.code}`}`, async () => {
        const before = expectReply(await U.lead.get(`${A}?page_size=1`), 200).total;
        const r = await U.cw.post(A, appBody(child1.id, t.over));
        if (t.codes) {
          if (t.status) assert.equal(r.status, t.status, `${r.sent} → ${r.text}`);
          assert.ok(t.codes.includes(r.json?.error?.code), `${r.sent} → ${r.status} ${r.text}`);
        } else expectReply(r, t.status, t.code, t.field);
        assert.equal(expectReply(await U.lead.get(`${A}?page_size=1`), 200).total, before, 'a refused application was created');
      });
    }
  });

  it('accept starts the 7-working-day clock', async () => {
    const a = await act(U.cw, app1.id, 'accept', { note: '材料齐全' });
    assert.equal(a.status, 'accepted');
    assert.match(a.clock_start, /\+08:00$/);
    const d = await deadline(a.clock_start, 'workdays=7');
    assert.equal(a.decision_due, d.due);
    assert.equal(a.estimated, d.estimated);
    assert.equal(a.due, a.decision_due);
    assert.equal(a.payment_due, null);
    assert.equal(a.overdue, false);
    const left = epoch(a.due) - Math.floor(Date.now() / 1000);
    assert.ok(Math.abs(a.time_left_seconds - left) < 120, `time_left_seconds ${a.time_left_seconds}, expected about ${left}`);
    await act(U.cw, app1.id, 'accept', {}, 409, 'application.invalid_state');
    app1 = a;
  });

  it('return stops the clock; resubmit restarts it', async () => {
    await act(U.rv, app1.id, 'return', {}, 400, 'request.missing_field');
    const r = await act(U.rv, app1.id, 'return', { reason: '缺少户口簿复印件' });
    assert.equal(r.status, 'returned');
    assert.equal(r.due, null);
    assert.equal(r.decision_due, null);
    assert.equal(r.time_left_seconds, null);
    assert.equal(r.overdue, false);
    await act(U.rv, app1.id, 'return', { reason: '再次退回' }, 409, 'application.invalid_state');
    await act(U.rv, app1.id, 'review', { decision: 'pass' }, 409, 'application.invalid_state');

    const s = await act(U.cw, app1.id, 'resubmit', { note: '已补充户口簿复印件' });
    assert.equal(s.status, 'accepted');
    assert.ok(epoch(s.clock_start) >= epoch(app1.clock_start));
    const last = s.events[s.events.length - 1];
    assert.equal(last.to_status, 'accepted');
    assert.equal(epoch(s.clock_start), epoch(last.at), 'the clock restarts at the resubmission');
    assert.equal(s.decision_due, (await deadline(s.clock_start, 'workdays=7')).due);
    assert.equal(s.due, s.decision_due);
    app1 = s;
  });

  it('review, then approval with amounts', async () => {
    await act(U.rv, app1.id, 'review', { decision: 'maybe' }, 422, 'request.invalid_value');
    const v = await act(U.rv, app1.id, 'review', { decision: 'pass', opinion: '情况属实' });
    assert.equal(v.status, 'reviewed');
    assert.equal(v.status_name, '初审通过');
    assert.equal(v.due, v.decision_due, 'the decision clock still runs until approval');

    await act(U.ap, app1.id, 'approve', { approved: { living: 0 } }, 422, 'application.approved_amount_invalid');
    await act(U.ap, app1.id, 'approve', { approved: {} }, 422, 'application.approved_amount_invalid');
    const p = await act(U.ap, app1.id, 'approve', { approved: { living: 150000, education: 100000 }, opinion: '同意' });
    assert.equal(p.status, 'approved');
    assert.equal(p.approved_total, 250000);
    assert.equal(p.aid.find((x) => x.kind === 'living').approved, 150000);
    assert.equal(p.aid.find((x) => x.kind === 'education').approved, 100000);
    assert.ok(p.decided_at);
    assert.equal(p.overdue, false);
    await act(U.ap, app1.id, 'approve', { approved: { living: 1 } }, 409, 'application.invalid_state');
    app1 = p;
  });

  it('only an emergency may be approved straight from accepted → 409 application.not_emergency', async () => {
    const a = await appIn('accepted');
    await act(U.ap, a.id, 'approve', { approved: { living: 1000 } }, 409, 'application.not_emergency');
    assert.equal((await getApp(U.ap, a.id)).status, 'accepted');
  });

  it('payment with an Idempotency-Key pays once and replays its reply', async () => {
    const b0 = await balance();
    const key = { headers: { 'Idempotency-Key': 'pay-app1-0001' } };
    const r1 = await U.fin.post(`${A}/${app1.id}/pay`, {}, key);
    const j1 = expectReply(r1, 200);
    assert.equal(j1.application.status, 'paid');
    assert.equal(j1.application.status_name, '已发放');
    assert.equal(j1.payment.amount, 250000);
    assert.ok(Number.isInteger(j1.payment.entry_id));
    assert.ok(j1.application.paid_at);
    const b1 = await balance();
    assert.deepEqual(b1, { bank: b0.bank - 250000, income: b0.income, expense: b0.expense + 250000 });

    const r2 = await U.fin.post(`${A}/${app1.id}/pay`, {}, key);
    assert.equal(r2.status, r1.status);
    assert.deepEqual(r2.json, j1, 'the replay differs from the first reply');
    assert.deepEqual(await balance(), b1);

    expectReply(await U.fin.post(`${A}/${app1.id}/pay`, { note: 'again' }, key), 422, 'request.idempotency_mismatch');
    expectReply(await U.fin.post(`${A}/${app1.id + 1000}/pay`, {}, key), 422, 'request.idempotency_mismatch');
    expectReply(await U.fin.post(`${A}/${app1.id}/pay`, {}), 409, 'application.invalid_state');
    expectReply(await U.fin.post(`${A}/${app1.id}/pay`, {}, { headers: { 'Idempotency-Key': 'pay-app1-0002' } }), 409, 'application.invalid_state');
    assert.deepEqual(await balance(), b1);
    app1Paid = j1.application;
  });

  it('the applications list exports to Excel with the rows the page shows', async () => {
    const page = expectReply(await U.lead.get(`${A}?status=paid&page_size=100`), 200);
    const row = page.items.find((a) => a.id === app1Paid.id);
    assert.ok(row, 'the paid application is on the page');
    assert.equal(row.status_name, '已发放');
    assert.equal(row.approved_total, 250000);
    const res = await fetch(`${U.lead.base}${A}?status=paid&format=xlsx`, { headers: { Cookie: U.lead.cookie } });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') || '', /spreadsheetml/);
    const f = path.join(os.tmpdir(), `huimin-apps-${process.pid}.xlsx`);
    fs.writeFileSync(f, Buffer.from(await res.arrayBuffer()));
    const text = execFileSync('unzip', ['-p', f], { encoding: 'utf8' });
    fs.unlinkSync(f);
    for (const want of ['申请编号', '核定金额（元）', app1Paid.no, app1Paid.child.name, '已发放', '2500'])
      assert.ok(text.includes(want), `the export lacks ${want}`);
  });

  it('emergency: accepted → approved in one step, paid within 24 h of acceptance', async () => {
    const ch = await newChild(U.cw);
    const a = await newApp(U.cw, ch.id, { emergency: true, emergency_reason: '家中突发火灾，无处居住', aid: { living: 500000 } });
    assert.equal(a.emergency, true);
    assert.equal(a.emergency_reason, '家中突发火灾，无处居住');
    const acc = await act(U.cw, a.id, 'accept');
    assert.equal(epoch(acc.payment_due), epoch(acc.clock_start) + 24 * 3600);
    assert.equal(acc.due, acc.payment_due, 'an emergency is due for payment');
    const ok = await act(U.ap, a.id, 'approve', { approved: { living: 500000 }, opinion: '紧急，同意' });
    assert.equal(ok.status, 'approved');
    assert.equal(ok.due, ok.payment_due, 'after approval the payment deadline still applies');
    const b0 = await balance();
    const paid = expectReply(await U.fin.post(`${A}/${a.id}/pay`, {}, { headers: { 'Idempotency-Key': `emerg-${a.id}-pay` } }), 200);
    assert.deepEqual(paid.application, await getApp(U.fin, a.id), 'the reply of pay is the application as read after it');
    assert.equal(paid.application.status, 'paid');
    assert.equal(paid.application.overdue, false);
    assert.equal((await balance()).bank, b0.bank - 500000);
    emerg = paid.application;
  });

  it('paying more than the fund holds → 409 ledger.insufficient_funds, nothing booked', async () => {
    const ch = await newChild(U.cw, { categories: ['de_facto_unsupported'] });
    const a = await newApp(U.cw, ch.id, { aid: { medical: OPENING } });
    await act(U.cw, a.id, 'accept');
    await act(U.rv, a.id, 'review', { decision: 'pass' });
    const ok = await act(U.ap, a.id, 'approve', { approved: { medical: OPENING } });
    assert.equal(ok.approved_total, OPENING);
    const b0 = await balance();
    assert.ok(b0.bank < OPENING);
    expectReply(await U.fin.post(`${A}/${a.id}/pay`, {}), 409, 'ledger.insufficient_funds');
    assert.deepEqual(await balance(), b0);
    assert.equal((await getApp(U.fin, a.id)).status, 'approved');
  });

  it('rejection by the approver ends an application', async () => {
    const a = await appIn('reviewed');
    await act(U.ap, a.id, 'reject', {}, 400, 'request.missing_field');
    const r = await act(U.ap, a.id, 'reject', { reason: '不符合帮扶条件' });
    assert.equal(r.status, 'rejected');
    assert.equal(r.status_name, '不予帮扶');
    assert.ok(r.decided_at);
    assert.equal(r.due, null);
    expectReply(await U.fin.post(`${A}/${a.id}/pay`, {}), 409, 'application.invalid_state');
  });

  it('roles: each may do only its own steps', async () => {
    const a = await appIn('accepted');
    const cases = [
      ['rv', 'POST', C, childBody()],
      ['ap', 'POST', C, childBody()],
      ['lead', 'POST', C, childBody()],
      ['adm', 'GET', C],
      ['adm', 'GET', A],
      ['rv', 'POST', A, appBody(child1.id)],
      ['cw', 'POST', `${A}/${a.id}/approve`, { approved: { living: 1 } }],
      ['cw', 'POST', `${A}/${a.id}/review`, { decision: 'pass' }],
      ['fin', 'POST', `${A}/${a.id}/accept`, {}],
      ['fin', 'POST', `${A}/${a.id}/review`, { decision: 'pass' }],
      ['rv', 'POST', `${A}/${a.id}/pay`, {}],
      ['ap', 'POST', `${A}/${a.id}/pay`, {}],
      ['ap', 'POST', `${A}/${a.id}/review`, { decision: 'pass' }],
      ['lead', 'POST', `${A}/${a.id}/accept`, {}],
      ['lead', 'POST', `${A}/${a.id}/return`, { reason: '领导退回' }],
      ['lead', 'POST', `${A}/${a.id}/pay`, {}],
      ['cw', 'GET', '/api/v1/fund/balance'],
      ['rv', 'GET', '/api/v1/fund/balance'],
      ['fin', 'GET', `${C}/${child1.id}/id-number`],
      ['lead', 'GET', `${C}/${child1.id}/id-number`],
      ['lead', 'PUT', `${C}/${child1.id}`, { ...childBody(), id_number: undefined }],
    ];
    for (const [who, method, path, body] of cases) expectReply(await U[who].raw(method, path, { body }), 403, 'auth.forbidden');
    assert.equal((await getApp(U.cw, a.id)).status, 'accepted', 'refused steps changed the application');

    // leadership reads everything
    expectReply(await U.lead.get(`${C}/${child1.id}`), 200);
    expectReply(await U.lead.get(`${A}/${app1.id}`), 200);
    expectReply(await U.lead.get(A), 200);
    expectReply(await U.lead.get('/api/v1/fund/balance'), 200);
    expectReply(await U.lead.get(`/api/v1/audit?entity=application&id=${app1.id}`), 200);
  });

  it('district scope: another district sees 404 and cannot act', async () => {
    const sub = await appIn('submitted');
    const acc = await appIn('accepted');
    const cases = [
      ['cw2', 'GET', `${C}/${child1.id}`, undefined, 'child.not_found'],
      ['cw2', 'GET', `${C}/${child1.id}/id-number`, undefined, 'child.not_found'],
      ['rv2', 'GET', `${C}/${child1.id}/id-number`, undefined, 'child.not_found'],
      ['cw2', 'PUT', `${C}/${child1.id}`, (({ id_number, ...r }) => r)(child1Body), 'child.not_found'],
      ['cw2', 'GET', `${A}/${app1.id}`, undefined, 'application.not_found'],
      ['rv2', 'GET', `${A}/${app1.id}`, undefined, 'application.not_found'],
      ['cw2', 'POST', `${A}/${sub.id}/accept`, {}, 'application.not_found'],
      ['cw2', 'POST', `${A}/${acc.id}/return`, { reason: '越权' }, 'application.not_found'],
      ['rv2', 'POST', `${A}/${acc.id}/review`, { decision: 'pass' }, 'application.not_found'],
      ['rv2', 'POST', `${A}/${acc.id}/return`, { reason: '越权' }, 'application.not_found'],
      ['cw2', 'GET', `/api/v1/audit?entity=application&id=${app1.id}`, undefined, null],
    ];
    for (const [who, method, path, body, code] of cases) {
      const r = await U[who].raw(method, path, { body });
      expectReply(r, 404, code ?? undefined);
    }
    // filing for another district's child
    const r = await U.cw2.post(A, appBody(child1.id));
    assert.ok([404, 403].includes(r.status) && ['child.not_found', 'child.out_of_scope'].includes(r.json?.error?.code), `${r.sent} → ${r.status} ${r.text}`);
    assert.equal((await getApp(U.cw, sub.id)).status, 'submitted');
    assert.equal((await getApp(U.cw, acc.id)).status, 'accepted');

    // lists hold only one's own district; city roles see all
    const c2 = await newChild(U.cw2, { hukou_district: '370403', region: '370403' });
    const a2 = await newApp(U.cw2, c2.id);
    assert.equal(a2.org.code, '370403');
    const ids = async (as, path) => expectReply(await as.get(path), 200).items.map((x) => x.id);
    const cw2Children = await ids(U.cw2, `${C}?page_size=100`);
    assert.ok(cw2Children.includes(c2.id) && !cw2Children.includes(child1.id));
    const cw2Apps = await ids(U.cw2, `${A}?page_size=100`);
    assert.ok(cw2Apps.includes(a2.id) && !cw2Apps.includes(app1.id) && !cw2Apps.includes(sub.id));
    const cwApps = await ids(U.cw, `${A}?page_size=100`);
    assert.ok(!cwApps.includes(a2.id) && cwApps.includes(app1.id));
    const rv2Apps = await ids(U.rv2, `${A}?page_size=100`);
    assert.ok(!rv2Apps.includes(app1.id));
    // a district user asking for another district gets nothing of it
    const r2 = await U.cw2.get(`${A}?district=370402`);
    assert.ok(r2.status === 403 || (r2.status === 200 && !r2.json.items.some((x) => x.org.code === '370402')), `${r2.sent} → ${r2.status} ${r2.text.slice(0, 300)}`);
    const leadApps = await ids(U.lead, `${A}?page_size=100`);
    assert.ok(leadApps.includes(a2.id) && leadApps.includes(app1.id));
  });

  it('lists filter by status, emergency, district and category, and page', async () => {
    const list = async (query) => {
      const r = expectReply(await U.ap.get(`${A}?${query}`), 200);
      r.brief = `${query} → ${JSON.stringify(r.items.map((x) => [x.id, x.status, x.emergency, x.org?.code]))}`;
      return r;
    };
    const paid = await list('status=paid&page_size=100');
    assert.ok(paid.items.length >= 2 && paid.items.every((x) => x.status === 'paid'), paid.brief);
    // one child's applications, for the child's page
    const mine = await list(`child_id=${paid.items[0].child.id}&page_size=100`);
    assert.ok(mine.total >= 1 && mine.items.every((x) => x.child.id === paid.items[0].child.id), mine.brief);
    expectReply(await U.ap.get(`${A}?child_id=abc`), 400, 'request.invalid_query', 'child_id');
    assert.ok(paid.items.some((x) => x.id === app1.id), paid.brief);
    const em = await list('emergency=true&page_size=100');
    assert.ok(em.items.every((x) => x.emergency === true) && em.items.some((x) => x.id === emerg.id), em.brief);
    assert.ok(!em.items.some((x) => x.id === app1.id), em.brief);
    const d = await list('district=370403&page_size=100');
    assert.ok(d.items.length >= 1 && d.items.every((x) => x.org.code === '370403'), d.brief);
    const cat = await list('category=de_facto_unsupported&page_size=100');
    assert.ok(cat.items.length >= 1 && !cat.items.some((x) => x.id === app1.id), cat.brief);
    const both = await list('status=paid&emergency=true&district=370402&page_size=100');
    assert.deepEqual(both.items.map((x) => x.id), [emerg.id], both.brief);

    // category with status and district: the total comes from counters
    // (migration 0021), the items from the rows; both must be exactly the
    // applications of the category's children with that status and district
    const exact = async (status, category, district) => {
      const kids = expectReply(await U.lead.get(`${C}?category=${category}&page_size=100`), 200);
      const kidIds = new Set(kids.items.map((x) => x.id));
      const everything = await list('page_size=100');
      assert.ok(everything.total <= 100, 'the small data set fits one page');
      const want = everything.items
        .filter((x) => x.status === status && x.org.code === district && kidIds.has(x.child.id))
        .map((x) => x.id);
      const got = await list(`district=${district}&status=${status}&category=${category}&page_size=100`);
      assert.deepEqual(got.items.map((x) => x.id), want, got.brief);
      assert.equal(got.total, want.length, got.brief);
      // the same total on every page, and the pages make up the whole
      const paged = [];
      for (let p = 1; p <= Math.max(1, want.length); p++) {
        const r = await list(`district=${district}&status=${status}&category=${category}&page=${p}&page_size=1`);
        assert.equal(r.total, want.length, r.brief);
        paged.push(...r.items.map((x) => x.id));
      }
      assert.deepEqual(paged, want);
      // without the status, and without the district too: the category
      // is tested on the bits each application keeps of its child's
      // categories (migration 0026), which must follow the child
      for (const [query, keep] of [
        [`district=${district}&category=${category}`, (x) => x.org.code === district],
        [`category=${category}`, () => true],
      ]) {
        const r = await list(`${query}&page_size=100`);
        const expected = everything.items.filter((x) => keep(x) && kidIds.has(x.child.id)).map((x) => x.id);
        assert.deepEqual(r.items.map((x) => x.id), expected, r.brief);
        assert.equal(r.total, expected.length, r.brief);
      }
      return want;
    };
    const paidLeft = await exact('paid', 'left_behind', '370402');
    assert.ok(paidLeft.includes(app1.id), `app1 is a paid left_behind application of 370402: ${paidLeft}`);
    assert.deepEqual(await exact('paid', 'de_facto_unsupported', '370402'), []);
    await exact('submitted', 'left_behind', '370402');
    // a child's categories change: its applications move between the totals
    const before = await exact('paid', 'de_facto_unsupported', '370402');
    assert.ok(!before.includes(app1.id));
    const { id_number, ...child1Rest } = child1Body;
    const moved = { ...child1Rest, categories: ['de_facto_unsupported', 'left_behind'] };
    expectReply(await U.cw.put(`${C}/${child1.id}`, moved), 200);
    const after = await exact('paid', 'de_facto_unsupported', '370402');
    assert.ok(after.includes(app1.id) && after.length === before.length + 1, `${before} → ${after}`);
    expectReply(await U.cw.put(`${C}/${child1.id}`, { ...child1Rest, categories: ['left_behind'] }), 200);
    assert.deepEqual(await exact('paid', 'de_facto_unsupported', '370402'), before);

    const all = await list('page_size=100');
    const p1 = await list('page=1&page_size=2');
    const p2 = await list('page=2&page_size=2');
    assert.equal(p1.total, all.total);
    assert.equal(p1.page, 1);
    assert.equal(p1.page_size, 2);
    assert.equal(p2.page, 2);
    assert.equal(p1.items.length, 2);
    assert.ok(!p2.items.some((x) => p1.items.some((y) => y.id === x.id)), 'pages overlap');
    const far = await list('page=999&page_size=10');
    assert.deepEqual(far.items, []);

    const children = expectReply(await U.lead.get(`${C}?category=de_facto_unsupported&district=370402`), 200);
    assert.ok(children.items.length >= 1 && children.items.every((x) => catCodes(x).includes('de_facto_unsupported') && x.org.code === '370402'));

    const bad = ['page_size=101', 'page_size=0', 'page=0', 'page=-1', 'page=abc', 'emergency=maybe', 'overdue=2', 'status=lost', 'district=abc'];
    for (const q of bad) {
      const r = await U.ap.get(`${A}?${q}`);
      assert.equal(r.status, 400, `${r.sent} → ${r.status} ${r.text}`);
      assert.equal(r.json?.error?.code, 'request.invalid_query', `${r.sent} → ${r.text}`);
    }
    expectReply(await U.ap.get(`${C}?page_size=101`), 400, 'request.invalid_query');
  });

  describe('bad input to every write route is refused and changes nothing', () => {
    // target states are made in the first test of this group
    const T = {};
    const routes = [
      { name: 'POST /children', as: 'cw', method: 'POST', path: () => C, body: () => childBody(), wrongType: ['name', 123], tooLong: ['guardian_name', '张'.repeat(33)], status: 201 },
      { name: 'PUT /children/{id}', as: 'cw', method: 'PUT', path: () => `${C}/${T.child.id}`, body: () => (({ id_number, ...r }) => ({ ...r, address: '新地址' }))(T.child.body), wrongType: ['sex', 1], tooLong: ['address', '路'.repeat(201)] },
      { name: 'POST /applications', as: 'cw', method: 'POST', path: () => A, body: () => appBody(T.child.id), wrongType: ['emergency', 'yes'], tooLong: ['description', '困'.repeat(2001)], status: 201 },
      { name: 'accept', as: 'cw', method: 'POST', path: () => `${A}/${T.submitted.id}/accept`, body: () => ({ note: '受理' }), wrongType: ['note', 5], tooLong: ['note', 'x'.repeat(5000)] },
      { name: 'return', as: 'rv', method: 'POST', path: () => `${A}/${T.accepted.id}/return`, body: () => ({ reason: '补正' }), wrongType: ['reason', 5], tooLong: ['reason', 'x'.repeat(5000)] },
      { name: 'resubmit', as: 'cw', method: 'POST', path: () => `${A}/${T.returned.id}/resubmit`, body: () => ({ note: '已补正' }), wrongType: ['note', false], tooLong: ['note', 'x'.repeat(5000)] },
      { name: 'review', as: 'rv', method: 'POST', path: () => `${A}/${T.accepted2.id}/review`, body: () => ({ decision: 'pass', opinion: '属实' }), wrongType: ['decision', true], tooLong: ['opinion', 'x'.repeat(5000)] },
      { name: 'approve', as: 'ap', method: 'POST', path: () => `${A}/${T.reviewed.id}/approve`, body: () => ({ approved: { living: 1000 }, opinion: '同意' }), wrongType: ['approved', 'lots'], tooLong: ['opinion', 'x'.repeat(5000)] },
      { name: 'reject', as: 'ap', method: 'POST', path: () => `${A}/${T.reviewed2.id}/reject`, body: () => ({ reason: '不符合' }), wrongType: ['reason', []], tooLong: ['reason', 'x'.repeat(5000)] },
      { name: 'pay', as: 'fin', method: 'POST', path: () => `${A}/${T.approved.id}/pay`, body: () => ({}) },
    ];
    /** Everything a write could have changed. */
    async function snapshot() {
      const apps = await Promise.all(['submitted', 'accepted', 'returned', 'accepted2', 'reviewed', 'reviewed2', 'approved'].map((k) => getApp(U.lead, T[k].id)));
      return {
        child: expectReply(await U.lead.get(`${C}/${T.child.id}`), 200),
        children: expectReply(await U.lead.get(`${C}?page_size=1`), 200).total,
        applications: expectReply(await U.lead.get(`${A}?page_size=1`), 200).total,
        apps: apps.map(still),
        balance: await balance(),
      };
    }

    it('set up records in each state', async () => {
      T.child = await newChild(U.cw);
      T.submitted = await appIn('submitted');
      T.accepted = await appIn('accepted');
      T.accepted2 = await appIn('accepted');
      T.returned = await appIn('returned');
      T.reviewed = await appIn('reviewed');
      T.reviewed2 = await appIn('reviewed');
      T.approved = await appIn('approved');
    });

    for (const rt of routes) {
      it(rt.name, async () => {
        const c = U[rt.as];
        const send = (opts) => c.raw(rt.method, rt.path(), opts);
        const cases = [
          { what: 'malformed JSON', opts: { rawBody: '{"note": "unterminated', contentType: 'application/json' }, status: 400, code: 'request.malformed_json' },
          { what: 'unknown field', opts: { body: { ...rt.body(), zzz: 1 } }, status: 400, code: 'request.unknown_field', field: 'zzz' },
          { what: 'missing CSRF token', opts: { body: rt.body(), noCsrf: true }, status: 403, code: 'auth.csrf_invalid' },
          { what: 'text/plain', opts: { rawBody: JSON.stringify(rt.body()), contentType: 'text/plain' }, status: 415, code: 'request.unsupported_media' },
        ];
        if (rt.wrongType) cases.push({ what: `${rt.wrongType[0]} of the wrong type`, opts: { body: { ...rt.body(), [rt.wrongType[0]]: rt.wrongType[1] } }, status: 400, code: 'request.invalid_type', field: rt.wrongType[0] });
        if (rt.tooLong) cases.push({ what: `${rt.tooLong[0]} too long`, opts: { body: { ...rt.body(), [rt.tooLong[0]]: rt.tooLong[1] } }, status: 422, code: 'request.too_long', field: rt.tooLong[0] });
        const before = await snapshot();
        for (const t of cases) {
          const r = await send(t.opts);
          expectReply(r, t.status, t.code, t.field);
        }
        assert.deepEqual(await snapshot(), before, `${rt.name}: a refused request changed something`);
        // and the same request done right goes through
        expectReply(await send({ body: rt.body() }), rt.status ?? 200);
      });
    }
  });

  it('the full ID number: shown to the district caseworker and audited; refused to finance', async () => {
    const r = expectReply(await U.cw.get(`${C}/${child1.id}/id-number`), 200);
    assert.deepEqual(r, { id_number: child1Body.id_number });
    expectReply(await U.rv.get(`${C}/${child1.id}/id-number`), 200);
    expectReply(await U.fin.get(`${C}/${child1.id}/id-number`), 403, 'auth.forbidden');
    const audit = expectReply(await U.cw.get(`/api/v1/audit?entity=child&id=${child1.id}`), 200);
    const views = audit.items.filter((x) => x.action === 'child.view_sensitive');
    assert.equal(views.length, 2, JSON.stringify(audit.items));
    assert.ok(!JSON.stringify(audit).includes(child1Body.id_number), 'the audit trail must not hold the ID number');
  });

  it('the audit trail and the timeline of an application record every step in order', async () => {
    const audit = expectReply(await U.ap.get(`/api/v1/audit?entity=application&id=${app1.id}`), 200);
    const items = [...audit.items].sort((x, y) => x.id - y.id);
    const steps = items.map((x) => lastWord(x.action));
    const want = ['accept', 'return', 'resubmit', 'review', 'approve', 'pay'];
    let i = 0;
    // actions may carry a detail after an underscore (review_pass)
    for (const s of steps) if (s === want[i] || s.startsWith(`${want[i]}_`)) i++;
    assert.equal(i, want.length, `audit actions ${JSON.stringify(steps)} should contain ${JSON.stringify(want)} in order`);
    for (const x of items) {
      assert.match(x.at, /\+08:00$/);
      assert.ok(x.actor, 'audit record names its actor');
    }
    assert.match(items.find((x) => lastWord(x.action) === 'pay').actor, /fin|市财务/);
    assert.match(items.find((x) => lastWord(x.action) === 'approve').actor, /ap|市审批人/);

    const a = await getApp(U.ap, app1.id);
    assert.deepEqual(a.events.map((e) => e.to_status), ['submitted', 'accepted', 'returned', 'accepted', 'reviewed', 'approved', 'paid']);
    assert.equal(a.events[2].note, '缺少户口簿复印件');
    expectReply(await U.ap.get('/api/v1/audit?entity=application'), 400, 'request.invalid_query');
    expectReply(await U.ap.get('/api/v1/audit?entity=application&id=abc'), 400, 'request.invalid_query');
  });

  it('30 days later, undecided applications are overdue and decided ones are not', async () => {
    const undecided = await appIn('accepted');
    const reviewed = await appIn('reviewed');
    const returned = await appIn('returned');
    const emergUnpaid = await appIn('accepted', { emergency: true, emergency_reason: '突发重病住院' });
    await act(U.ap, emergUnpaid.id, 'approve', { approved: { living: 10000 } });
    const undecidedDue = undecided.decision_due;

    await srv.restart({ offsetSeconds: 30 * 24 * 3600 });
    U = await loginAll(srv.base, ['cw', 'lead']);

    const u = await getApp(U.cw, undecided.id);
    assert.equal(u.overdue, true);
    assert.equal(u.decision_due, undecidedDue, 'the deadline itself does not move');
    assert.ok(u.time_left_seconds < 0, `time_left_seconds ${u.time_left_seconds}`);
    assert.equal((await getApp(U.cw, reviewed.id)).overdue, true, 'reviewed but not approved is still undecided');
    assert.equal((await getApp(U.cw, emergUnpaid.id)).overdue, true, 'an unpaid emergency is overdue after 24 h');
    assert.equal((await getApp(U.cw, returned.id)).overdue, false, 'the clock is stopped while returned');
    assert.equal((await getApp(U.cw, app1.id)).overdue, false);
    assert.equal((await getApp(U.cw, emerg.id)).overdue, false);

    const over = expectReply(await U.lead.get(`${A}?overdue=true&page_size=100`), 200).items.map((x) => x.id);
    for (const id of [undecided.id, reviewed.id, emergUnpaid.id]) assert.ok(over.includes(id), `${id} in overdue list ${JSON.stringify(over)}`);
    for (const id of [returned.id, app1.id, emerg.id]) assert.ok(!over.includes(id), `${id} must not be in the overdue list`);
    assert.deepEqual(still(await getApp(U.lead, app1.id)), still({ ...app1Paid, overdue: false }));
  });

  it('the server stops cleanly with no sanitizer report', async () => {
    await srv.stop();
    assertNoCliSanitizerReports();
  });
});
