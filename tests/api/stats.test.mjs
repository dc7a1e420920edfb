// The fund dashboard's figures (GET /api/v1/fund/stats) come from counters
// kept by triggers (migration 0018). They must equal what the application
// list counts live, for the whole city and within a district's scope, after
// submits, status changes and a change of a child's categories.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, loginAll, runCli, expectReply, makeId, sexOf } from './lib.mjs';

const C = '/api/v1/fund/children';
const A = '/api/v1/fund/applications';

let seq = 300;
function childBody(region, categories) {
  seq++;
  const id = makeId(region, '20140509', seq);
  return {
    name: `统计儿童${seq}`, sex: sexOf(id), birth_date: '2014-05-09', id_number: id, hukou_district: region,
    hukou_evidence: '户口簿', categories, household_status: 'none', guardian_name: '王大妈',
    guardian_relation: '祖母', guardian_phone: '13800002222', address: '枣庄',
  };
}
const appBody = (childId) => ({
  child_id: childId, applicant_type: 'guardian', applicant_name: '王大妈', applicant_relation: '祖母',
  aid: { living: 100000 }, description: '生活困难', emergency: false,
});
const asMap = (list) => Object.fromEntries(list.map((x) => [x.code, x.count]));

describe('fund dashboard counters', () => {
  let srv, U;
  before(async () => {
    srv = await startServer();
    U = await loginAll(srv.base, ['cw', 'cw2', 'rv', 'ap', 'fin', 'lead']);
    // 市中区: three applications of left-behind children, one accepted and reviewed;
    // 薛城区: two of a child in distress
    const kids = [];
    const bodies = [];
    for (let i = 0; i < 3; i++) {
      bodies.push(childBody('370402', ['left_behind']));
      kids.push(expectReply(await U.cw.post(C, bodies[i]), 201).child);
    }
    const other = expectReply(await U.cw2.post(C, childBody('370403', ['key_distress', 'left_behind'])), 201).child;
    const apps = [];
    for (const k of kids) apps.push(expectReply(await U.cw.post(A, appBody(k.id)), 201).application);
    for (let i = 0; i < 2; i++) expectReply(await U.cw2.post(A, appBody(other.id)), 201);
    expectReply(await U.cw.post(`${A}/${apps[0].id}/accept`, {}), 200);
    expectReply(await U.cw.post(`${A}/${apps[1].id}/accept`, {}), 200);
    expectReply(await U.rv.post(`${A}/${apps[1].id}/review`, { decision: 'pass' }), 200);
    // a child's categories change: its application moves with them
    const { id_number, ...rest } = bodies[2];
    expectReply(await U.cw.put(`${C}/${kids[2].id}`, { ...rest, categories: ['key_distress'] }), 200);
  });
  after(() => srv?.stop());

  for (const who of ['lead', 'cw', 'cw2']) {
    it(`${who}: by status equals the list's count per status, by district and category within scope`, async () => {
      const s = expectReply(await U[who].get('/api/v1/fund/stats'), 200);
      const byStatus = asMap(s.by_status);
      for (const st of ['submitted', 'accepted', 'reviewed', 'approved', 'paid', 'rejected', 'returned']) {
        const total = expectReply(await U[who].get(`${A}?status=${st}&page_size=1`), 200).total;
        assert.equal(byStatus[st] ?? 0, total, `${who} ${st}: stats ${byStatus[st]} vs list ${total}`);
      }
      for (const cat of ['left_behind', 'key_distress']) {
        const total = expectReply(await U[who].get(`${A}?category=${cat}&page_size=1`), 200).total;
        assert.equal(asMap(s.by_category)[cat] ?? 0, total, `${who} ${cat}`);
      }
      const all = expectReply(await U[who].get(`${A}?page_size=1`), 200).total;
      const districts = asMap(s.by_district);
      assert.equal(Object.values(districts).reduce((a, b) => a + b, 0), all, `${who}: by district adds up`);
      if (who === 'cw') assert.deepEqual(Object.keys(districts), ['370402'], 'a district sees itself only');
      if (who === 'cw2') assert.deepEqual(Object.keys(districts), ['370403']);
      if (who === 'lead') assert.equal(Object.keys(districts).length, 6, 'the city sees every district');
    });
  }

  it('exact figures: 市中区 has 1 submitted, 1 accepted, 1 reviewed; the changed child counts as key_distress', async () => {
    const s = expectReply(await U.cw.get('/api/v1/fund/stats'), 200);
    const st = asMap(s.by_status);
    assert.equal(st.submitted, 1);
    assert.equal(st.accepted, 1);
    assert.equal(st.reviewed, 1);
    assert.deepEqual(asMap(s.by_category), { key_distress: 1, left_behind: 2 });
    const s2 = expectReply(await U.cw2.get('/api/v1/fund/stats'), 200);
    assert.deepEqual(asMap(s2.by_category), { key_distress: 2, left_behind: 2 });
  });

  it('monthly: twelve months ending with this one; a donation is city income, a payment its district\'s expense', async () => {
    const now = new Date(Date.now() + 8 * 3600 * 1000); // Beijing wall clock
    const today = now.toISOString().slice(0, 10);
    const months = [];
    for (let i = 11; i >= 0; i--) {
      const d = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - i, 1));
      months.push(d.toISOString().slice(0, 7));
    }
    const get = async (who) => expectReply(await U[who].get('/api/v1/fund/stats'), 200).monthly;
    const before = { lead: await get('lead'), cw: await get('cw'), cw2: await get('cw2') };
    for (const who of ['lead', 'cw', 'cw2']) assert.deepEqual(before[who].map((m) => m.month), months, who);
    // a donation today and a payment of 1,000 yuan to a child of 市中区
    const donor = expectReply(await U.fin.post('/api/v1/fund/donors', { kind: 'individual', name: '钱善人', phone: '13700003333',
      publish_name: false, publish_amount: false }), 201).donor;
    expectReply(await U.fin.post('/api/v1/fund/donations', { donor_id: donor.id, amount: 50000, received_on: today,
      channel: 'bank_transfer', bank_ref: 'BR-STATS-001' }), 201);
    const kid = expectReply(await U.cw.post(C, childBody('370402', ['left_behind'])), 201).child;
    const app = expectReply(await U.cw.post(A, appBody(kid.id)), 201).application;
    const step = async (as, action, body = {}) => expectReply(await as.post(`${A}/${app.id}/${action}`, body), 200);
    await step(U.cw, 'accept');
    await step(U.rv, 'review', { decision: 'pass' });
    await step(U.ap, 'approve', { approved: { living: 100000 } });
    await step(U.fin, 'pay');
    const after = { lead: await get('lead'), cw: await get('cw'), cw2: await get('cw2') };
    const delta = (who, k) => after[who].map((m, i) => m[k] - before[who][i][k]);
    const only = (v) => [...Array(11).fill(0), v];
    assert.deepEqual(delta('lead', 'income'), only(50000), 'the city: the donation in this month');
    assert.deepEqual(delta('lead', 'expense'), only(100000), 'the city: the payment in this month');
    assert.deepEqual(delta('cw', 'expense'), only(100000), '市中区 sees its payment');
    assert.deepEqual(after.cw.map((m) => m.income), Array(12).fill(0), 'a district sees no income');
    assert.deepEqual(delta('cw2', 'expense'), Array(12).fill(0), '薛城区 sees no other district\'s payment');
  });

  it('a month later the two open applications of 市中区 are overdue, for the city and the district only', async () => {
    await srv.restart({ offsetSeconds: 30 * 86400 });
    U = await loginAll(srv.base, ['cw', 'cw2', 'lead']);
    const mine = expectReply(await U.cw.get('/api/v1/fund/stats'), 200);
    assert.equal(mine.overdue_total, 2);
    assert.deepEqual(mine.overdue.map((a) => a.status).sort(), ['accepted', 'reviewed']);
    assert.equal(expectReply(await U.cw.get(`${A}?overdue=true`), 200).total, 2);
    assert.equal(expectReply(await U.cw.get(`${A}?overdue=true&status=accepted`), 200).total, 1);
    assert.equal(expectReply(await U.cw2.get('/api/v1/fund/stats'), 200).overdue_total, 0);
    const city = expectReply(await U.lead.get('/api/v1/fund/stats'), 200);
    assert.equal(city.overdue_total, 2);
    assert.deepEqual(city.overdue.map((a) => a.id), mine.overdue.map((a) => a.id), 'newest first, the same two');
  });

  it('huimin verify finds the counters equal to the applications', async () => {
    await srv.stop();
    const r = await runCli(['verify', '--db', srv.db]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /申请统计：计数与申请记录一致/);
  });
});
