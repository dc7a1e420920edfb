// Deadlines in working days and hours, and loading a year's holiday notice.
// 2026 follows the State Council notice (国办发明电〔2025〕7号); 2027 is not
// built in, so its deadlines are estimates until an admin loads it. The 2027
// calendar below is test data, not the real notice.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, client, login, expectReply, assertNoCliSanitizerReports } from './lib.mjs';

const q = (from, arg) => `/api/v1/calendar/deadline?from=${encodeURIComponent(from)}&${arg}`;

const CAL_2027 = {
  source: '测试数据：2027年节假日安排（非真实通知）',
  holidays: ['2027-01-01 元旦', '2027-02-08 春节', '2027-02-09 春节', '2027-02-10 春节', '2027-02-11 春节', '2027-02-12 春节'],
  workdays: ['2027-02-20 春节调休上班'],
};

describe('calendar', () => {
  let srv, anon, adm, cw;

  before(async () => {
    srv = await startServer({ users: [['adm', 'admin', '370400', '管理员'], ['cw', 'caseworker', '370402', '经办人']] });
    anon = client(srv.base);
    adm = await login(srv.base, 'adm');
    cw = await login(srv.base, 'cw');
  });
  after(() => srv?.stop());

  describe('deadlines (no sign-in needed)', () => {
    const cases = [
      // 7 working days from Friday 13 Feb 2026: 14 Feb (调休 Saturday) counts, 16–23 Feb is the Spring Festival break,
      // then 24, 25, 26, 27, 28 (调休 Saturday), 2 Mar → ends at 24:00 on 2 Mar.
      { from: '2026-02-13T10:00:00+08:00', arg: 'workdays=7', due: '2026-03-03T00:00:00+08:00', estimated: false },
      // hours run on the clock, holidays included
      { from: '2026-02-16T10:00:00+08:00', arg: 'hours=24', due: '2026-02-17T10:00:00+08:00', estimated: false },
      // the day of the event does not count, even when it is a working day at 00:00
      { from: '2026-03-02T00:00:00+08:00', arg: 'workdays=1', due: '2026-03-04T00:00:00+08:00', estimated: false },
      // an ordinary week; late evening Beijing time is still that day
      { from: '2026-03-09T23:30:00+08:00', arg: 'workdays=5', due: '2026-03-17T00:00:00+08:00', estimated: false },
      // the same instant written in UTC
      { from: '2026-03-09T15:30:00Z', arg: 'workdays=5', due: '2026-03-17T00:00:00+08:00', estimated: false },
      // National Day 2026: 1–7 Oct off, 10 Oct (Saturday) worked
      { from: '2026-09-30T09:00:00+08:00', arg: 'workdays=2', due: '2026-10-10T00:00:00+08:00', estimated: false },
      { from: '2026-09-30T09:00:00+08:00', arg: 'workdays=3', due: '2026-10-11T00:00:00+08:00', estimated: false },
      { from: '2026-12-30T09:00:00+08:00', arg: 'hours=48', due: '2027-01-01T09:00:00+08:00', estimated: false },
    ];
    for (const t of cases) {
      it(`${t.from} + ${t.arg} → ${t.due}`, async () => {
        const r = expectReply(await anon.get(q(t.from, t.arg)), 200);
        assert.deepEqual({ due: r.due, estimated: r.estimated }, { due: t.due, estimated: t.estimated });
      });
    }

    it('a year without a loaded notice is an estimate', async () => {
      const r = expectReply(await anon.get(q('2027-03-10T10:00:00+08:00', 'workdays=3')), 200);
      assert.equal(r.estimated, true);
      assert.equal(r.due, '2027-03-16T00:00:00+08:00');
      // a working-day deadline that runs into 2027 is an estimate too
      const r2 = expectReply(await anon.get(q('2026-12-30T10:00:00+08:00', 'workdays=7')), 200);
      assert.equal(r2.estimated, true);
    });

    const bad = [
      { name: 'no from', path: '/api/v1/calendar/deadline?workdays=7', status: 400, codes: ['request.invalid_query', 'request.missing_field'] },
      { name: 'neither workdays nor hours', path: '/api/v1/calendar/deadline?from=2026-02-13T10:00:00%2B08:00', status: 400, codes: ['request.invalid_query', 'request.missing_field'] },
      { name: 'both workdays and hours', path: q('2026-02-13T10:00:00+08:00', 'workdays=7&hours=24'), status: 400, codes: ['request.invalid_query'] },
      { name: 'workdays=0', path: q('2026-02-13T10:00:00+08:00', 'workdays=0'), codes: ['calendar.deadline_out_of_range', 'request.invalid_query', 'request.out_of_range'] },
      { name: 'workdays=-1', path: q('2026-02-13T10:00:00+08:00', 'workdays=-1'), codes: ['calendar.deadline_out_of_range', 'request.invalid_query', 'request.out_of_range'] },
      { name: 'workdays=abc', path: q('2026-02-13T10:00:00+08:00', 'workdays=abc'), status: 400, codes: ['request.invalid_query'] },
      { name: 'workdays=7x', path: q('2026-02-13T10:00:00+08:00', 'workdays=7x'), status: 400, codes: ['request.invalid_query'] },
      { name: 'workdays huge', path: q('2026-02-13T10:00:00+08:00', 'workdays=1000000'), codes: ['calendar.deadline_out_of_range', 'request.invalid_query', 'request.out_of_range'] },
      { name: 'hours=0', path: q('2026-02-13T10:00:00+08:00', 'hours=0'), codes: ['calendar.deadline_out_of_range', 'request.invalid_query', 'request.out_of_range'] },
      { name: 'from without offset', path: q('2026-02-13T10:00:00', 'workdays=7'), codes: ['request.invalid_date', 'request.invalid_query'] },
      { name: 'from a date only', path: q('2026-02-13', 'workdays=7'), codes: ['request.invalid_date', 'request.invalid_query'] },
      { name: 'from not a date', path: q('yesterday', 'workdays=7'), codes: ['request.invalid_date', 'request.invalid_query'] },
      { name: 'from 30 February', path: q('2026-02-30T10:00:00+08:00', 'workdays=7'), codes: ['request.invalid_date', 'request.invalid_query'] },
      { name: 'from in year 1900', path: q('1900-01-02T10:00:00+08:00', 'workdays=7'), codes: ['calendar.year_out_of_range', 'request.invalid_date', 'request.invalid_query'] },
    ];
    for (const t of bad) {
      it(`${t.name} → 4xx ${t.codes.join(' | ')}`, async () => {
        const r = await anon.get(t.path);
        if (t.status) assert.equal(r.status, t.status, `${r.sent} → ${r.status} ${r.text}`);
        assert.ok(r.status >= 400 && r.status < 500, `${r.sent} → ${r.status} ${r.text}`);
        assert.ok(t.codes.includes(r.json?.error?.code), `${r.sent} → ${r.status} ${r.text}`);
      });
    }
  });

  describe('loading a year', () => {
    const probes = [
      // Friday 5 Feb 2027, then the 8–12 Feb holiday: first working day after is Monday 15 Feb
      q('2027-02-05T10:00:00+08:00', 'workdays=1'),
      // Friday 19 Feb; Saturday 20 Feb is a make-up working day
      q('2027-02-19T10:00:00+08:00', 'workdays=1'),
      // 31 Dec 2026; 1 Jan 2027 is off, then the weekend
      q('2026-12-31T10:00:00+08:00', 'workdays=1'),
      q('2027-03-10T10:00:00+08:00', 'workdays=3'),
    ];
    const snapshot = async () => ({
      years: expectReply(await adm.get('/api/v1/calendar/years'), 200),
      deadlines: await Promise.all(probes.map(async (p) => expectReply(await anon.get(p), 200))),
    });

    it('GET /api/v1/calendar/years lists the built-in years (signed in only)', async () => {
      const r = expectReply(await cw.get('/api/v1/calendar/years'), 200);
      const years = r.items.map((y) => y.year);
      for (const y of [2024, 2025, 2026]) assert.ok(years.includes(y), `year ${y} in ${JSON.stringify(years)}`);
      assert.ok(!years.includes(2027));
      assert.match(r.items.find((y) => y.year === 2026).source, /国办发明电/);
      expectReply(await anon.get('/api/v1/calendar/years'), 401, 'auth.required');
    });

    it('refused loads change nothing', async () => {
      const before = await snapshot();
      const cases = [
        { as: cw, body: CAL_2027, status: 403, code: 'auth.forbidden' },
        { as: adm, body: { ...CAL_2027, workdays: ['2027-03-10 周三调休'] }, status: 422, code: 'calendar.invalid_data' },
        { as: adm, body: { ...CAL_2027, holidays: [...CAL_2027.holidays, '2028-01-03 元旦'] }, status: 422, code: 'calendar.invalid_data' },
        { as: adm, body: { ...CAL_2027, holidays: ['2027-02-30 春节'] }, status: 422, code: 'calendar.invalid_data' },
        { as: adm, body: { ...CAL_2027, holidays: ['20270101'] }, status: 422, code: 'calendar.invalid_data' },
        { as: adm, body: { ...CAL_2027, holidays: ['2027-01-01 元旦', '2027-01-01 元旦'] }, status: 422, code: 'calendar.invalid_data' },
        { as: adm, body: { ...CAL_2027, workdays: ['2027-02-08 春节'] }, status: 422, code: 'calendar.invalid_data' },
        { as: adm, body: { ...CAL_2027, holidays: 'all of them' }, status: 400, code: 'request.invalid_type' },
        { as: adm, body: { ...CAL_2027, extra: 1 }, status: 400, code: 'request.unknown_field' },
        { as: adm, body: { holidays: [], workdays: [] }, status: 400, code: 'request.missing_field' },
        { as: adm, body: { ...CAL_2027, source: '源'.repeat(5000) }, status: 422, code: 'request.too_long' },
        { as: adm, body: CAL_2027, noCsrf: true, status: 403, code: 'auth.csrf_invalid' },
      ];
      for (const t of cases) {
        expectReply(await t.as.put('/api/v1/calendar/years/2027', t.body, { noCsrf: t.noCsrf }), t.status, t.code);
      }
      expectReply(await adm.put('/api/v1/calendar/years/1999', { ...CAL_2027, holidays: [], workdays: [] }), 422, 'calendar.year_out_of_range');
      assert.deepEqual(await snapshot(), before);
    });

    it('an admin loads 2027: its deadlines stop being estimates and skip its holidays', async () => {
      const r = expectReply(await adm.put('/api/v1/calendar/years/2027', CAL_2027), 200);
      assert.equal(r.year, 2027);
      const expected = [
        { due: '2027-02-16T00:00:00+08:00', estimated: false },
        { due: '2027-02-21T00:00:00+08:00', estimated: false },
        { due: '2027-01-05T00:00:00+08:00', estimated: false },
        { due: '2027-03-16T00:00:00+08:00', estimated: false },
      ];
      for (let i = 0; i < probes.length; i++) {
        const r = expectReply(await anon.get(probes[i]), 200);
        assert.deepEqual({ due: r.due, estimated: r.estimated }, expected[i], probes[i]);
      }
      const y = expectReply(await cw.get('/api/v1/calendar/years'), 200).items.find((x) => x.year === 2027);
      assert.ok(y, '2027 listed after loading');
      assert.equal(y.source, CAL_2027.source);

      // a bad replacement leaves the loaded year as it was
      const before = await snapshot();
      expectReply(await adm.put('/api/v1/calendar/years/2027', { ...CAL_2027, workdays: ['2027-03-10 周三调休'] }), 422, 'calendar.invalid_data');
      assert.deepEqual(await snapshot(), before);

    });
  });

  it('the server stops cleanly with no sanitizer report', async () => {
    await srv.stop();
    assertNoCliSanitizerReports();
  });
});
