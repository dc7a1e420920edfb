// Donations end to end: donors of each kind, donations of each channel and
// their journal entries, the duplicate-reference guard, reversal (冲销),
// receipts numbered without gaps (issue, void, reissue), receipt and
// thank-you PDFs read back with pdftotext, the public honour roll, the tax
// helper, Excel exports read back, refused input that changes nothing,
// roles, and `huimin verify` on the books and audit chain afterwards.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { startServer, loginAll, client, expectReply, runCli, assertNoCliSanitizerReports } from './lib.mjs';

const DONORS = '/api/v1/fund/donors';
const DONATIONS = '/api/v1/fund/donations';
const RECEIPTS = '/api/v1/fund/receipts';
const ROLL = '/api/v1/public/honour-roll';

/** Today in Beijing, YYYY-MM-DD, and its year. */
const TODAY = new Date(Date.now() + 8 * 3600 * 1000).toISOString().slice(0, 10);
const YEAR = Number(TODAY.slice(0, 4));

/** GB 32100-2015 check character for the first 17 characters. */
function usccCheck(first17) {
  const cs = '0123456789ABCDEFGHJKLMNPQRTUWXY';
  const w = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += cs.indexOf(first17[i]) * w[i];
  const c = 31 - (sum % 31);
  return cs[c === 31 ? 0 : c];
}
const USCC = '91370400MA3C1234' + 'X';
const VALID_USCC = USCC + usccCheck(USCC);
const WRONG_USCC = VALID_USCC.slice(0, 17) + (VALID_USCC[17] === '0' ? '1' : '0');

/** Text of a PDF, through pdftotext (poppler-utils). */
function pdfText(bytes, dir) {
  const f = path.join(dir, `t-${process.hrtime.bigint()}.pdf`);
  fs.writeFileSync(f, bytes);
  return execFileSync('pdftotext', ['-enc', 'UTF-8', f, '-'], { encoding: 'utf8' });
}
/** pdftotext may break lines anywhere; compare without white space. */
const squash = (s) => s.replace(/\s+/g, '');

/** The cells of the first sheet of an .xlsx file, row by row, read by Python's zipfile + XML parser. */
function xlsxRows(bytes, dir) {
  const f = path.join(dir, `t-${process.hrtime.bigint()}.xlsx`);
  fs.writeFileSync(f, bytes);
  const py = `
import json, sys, zipfile, xml.etree.ElementTree as ET
ns = {'m': 'http://schemas.openxmlformats.org/spreadsheetml/2006/main'}
z = zipfile.ZipFile(sys.argv[1])
shared = []
if 'xl/sharedStrings.xml' in z.namelist():
    for si in ET.fromstring(z.read('xl/sharedStrings.xml')).findall('m:si', ns):
        shared.append(''.join(t.text or '' for t in si.iter('{%s}t' % ns['m'])))
rows = []
for row in ET.fromstring(z.read('xl/worksheets/sheet1.xml')).iter('{%s}row' % ns['m']):
    cells = []
    for c in row.findall('m:c', ns):
        v = c.find('m:v', ns)
        t = c.get('t')
        if t == 's':
            cells.append(shared[int(v.text)])
        elif t == 'inlineStr':
            cells.append(''.join(x.text or '' for x in c.iter('{%s}t' % ns['m'])))
        else:
            cells.append(None if v is None else float(v.text))
    rows.append(cells)
print(json.dumps(rows, ensure_ascii=False))
`;
  return JSON.parse(execFileSync('python3', ['-c', py, f], { encoding: 'utf8' }));
}

describe('donations, receipts, acknowledgment, tax', () => {
  let srv, U, anon;
  const donors = {};
  const gifts = {};
  const receipts = {};

  before(async () => {
    srv = await startServer();
    U = await loginAll(srv.base, ['cw', 'ap', 'fin', 'lead']);
    anon = client(srv.base);
  });
  after(async () => {
    await srv?.stop();
    assertNoCliSanitizerReports();
  });

  const balance = async () => expectReply(await U.fin.get('/api/v1/fund/balance'), 200);
  const count = async () => expectReply(await U.fin.get(`${DONATIONS}?page_size=100`), 200).total;
  /** GET as a user, the body as bytes. */
  async function bytes(c, p) {
    const res = await fetch(srv.base + p, { headers: { Cookie: c.cookie } });
    return { status: res.status, type: res.headers.get('content-type'), disposition: res.headers.get('content-disposition'), body: Buffer.from(await res.arrayBuffer()) };
  }
  async function pdfOf(c, p) {
    const r = await bytes(c, p);
    assert.equal(r.status, 200, `${p}: ${r.body.toString('utf8').slice(0, 300)}`);
    assert.match(r.type, /^application\/pdf/);
    assert.equal(r.body.subarray(0, 5).toString('latin1'), '%PDF-');
    return squash(pdfText(r.body, srv.dir));
  }

  it('finance registers donors of each kind; replies mask the phone', async () => {
    const table = [
      ['wang', { kind: 'individual', name: '王爱心', phone: '13912345678', publish_name: true, publish_amount: true }],
      ['zhao', { kind: 'individual', name: '赵默默', phone: '13700001111', publish_name: false, publish_amount: false }],
      ['ent', { kind: 'enterprise', name: '枣庄市爱心科技有限公司', uscc: VALID_USCC.toLowerCase(), contact_name: '孙经理', phone: '0632-3311161', publish_name: true, publish_amount: false }],
      ['anon', { kind: 'anonymous', phone: '13600002222', publish_name: false, publish_amount: true }],
    ];
    for (const [key, body] of table) {
      const r = await U.fin.post(DONORS, body);
      const d = expectReply(r, 201).donor;
      assert.equal(d.kind, body.kind);
      assert.ok(!r.text.includes(body.phone), `full phone in the reply: ${r.text}`);
      assert.match(d.phone, /\*{4}/);
      donors[key] = d;
    }
    assert.equal(donors.ent.uscc, VALID_USCC, 'the code is stored in upper case');
    assert.equal(donors.anon.display_name, '匿名');
    assert.equal(donors.wang.phone, '139****5678');
    const g = expectReply(await U.lead.get(`${DONORS}/${donors.wang.id}`), 200).donor;
    assert.equal(g.name, '王爱心');
    const list = expectReply(await U.fin.get(`${DONORS}?kind=individual`), 200);
    assert.deepEqual(list.items.map((x) => x.name).sort(), ['王爱心', '赵默默'].sort());
    assert.ok(!JSON.stringify(list).includes('13912345678'));
  });

  it('refused donors change nothing', async () => {
    const before = expectReply(await U.fin.get(DONORS), 200).total;
    const table = [
      [{ kind: 'enterprise', name: '某公司', uscc: WRONG_USCC, publish_name: true, publish_amount: true }, 422, 'donor.invalid_uscc', 'uscc'],
      [{ kind: 'enterprise', name: '某公司', uscc: VALID_USCC.slice(0, 17), publish_name: true, publish_amount: true }, 422, 'donor.invalid_uscc', 'uscc'],
      [{ kind: 'enterprise', name: '同一家公司', uscc: VALID_USCC, publish_name: true, publish_amount: true }, 409, 'donor.duplicate_uscc', 'uscc'],
      [{ kind: 'individual', name: '某人', uscc: VALID_USCC, publish_name: true, publish_amount: true }, 422, 'request.invalid_value', 'uscc'],
      [{ kind: 'individual', publish_name: true, publish_amount: true }, 422, 'donor.name_required', 'name'],
      [{ kind: 'anonymous', publish_name: true, publish_amount: true }, 422, 'request.invalid_value', 'publish_name'],
      [{ kind: 'club', name: 'x', publish_name: true, publish_amount: true }, 422, 'donor.invalid_kind', 'kind'],
      [{ kind: 'individual', name: 'x', phone: '12ab', publish_name: true, publish_amount: true }, 422, 'donor.invalid_phone', 'phone'],
      [{ kind: 'individual', name: 'x', publish_name: true }, 400, 'request.missing_field', 'publish_amount'],
      [{ kind: 'individual', name: 'x', publish_name: 'yes', publish_amount: true }, 400, 'request.invalid_type', 'publish_name'],
      [{ kind: 'individual', name: 'x', publish_name: true, publish_amount: true, email: 'a@b.c' }, 400, 'request.unknown_field', 'email'],
      [{ kind: 'individual', name: '名'.repeat(101), publish_name: true, publish_amount: true }, 422, 'request.too_long', 'name'],
    ];
    for (const [body, status, code, field] of table) expectReply(await U.fin.post(DONORS, body), status, code, field);
    expectReply(await U.fin.raw('POST', DONORS, { rawBody: '{"kind":', contentType: 'application/json' }), 400, 'request.malformed_json');
    expectReply(await U.fin.post(DONORS, { kind: 'individual', name: '无令牌', publish_name: true, publish_amount: true }, { noCsrf: true }), 403, 'auth.csrf_invalid');
    expectReply(await U.cw.post(DONORS, { kind: 'individual', name: '经办人', publish_name: true, publish_amount: true }), 403, 'auth.forbidden');
    expectReply(await U.cw.get(DONORS), 403, 'auth.forbidden');
    expectReply(await anon.get(DONORS), 401, 'auth.required');
    expectReply(await U.fin.get(`${DONORS}/999999`), 404, 'donor.not_found');
    expectReply(await U.fin.get(`${DONORS}?kind=club`), 400, 'request.invalid_query', 'kind');
    assert.equal(expectReply(await U.fin.get(DONORS), 200).total, before);
  });

  it('a donor changes contact and consent; kind and name stay', async () => {
    const r = await U.fin.put(`${DONORS}/${donors.zhao.id}`, { phone: '13700003333', publish_amount: false });
    const d = expectReply(r, 200).donor;
    assert.equal(d.phone, '137****3333');
    assert.equal(d.name, '赵默默');
    expectReply(await U.fin.put(`${DONORS}/${donors.zhao.id}`, { name: '改名' }), 400, 'request.unknown_field', 'name');
    expectReply(await U.fin.put(`${DONORS}/${donors.anon.id}`, { publish_name: true }), 422, 'request.invalid_value', 'publish_name');
    expectReply(await U.fin.put(`${DONORS}/${donors.zhao.id}`, {}), 400, 'request.missing_field');
    expectReply(await U.lead.put(`${DONORS}/${donors.zhao.id}`, { note: 'x' }), 403, 'auth.forbidden');
  });

  it('donations of each channel post balanced entries into the bank', async () => {
    const table = [
      ['wang', 'bank_transfer', 1234567, 'BT20260301001'],
      ['zhao', 'wechat_pay', 50000, 'WX4200001'],
      ['ent', 'alipay', 10000000, 'ALI-2026-001'],
      ['entCheque', 'cheque', 2000000, 'CHQ/88'],
      ['anon', 'cash', 30000, ''],
    ];
    for (const [key, channel, amount, ref] of table) {
      const before = await balance();
      const donor = donors[key === 'entCheque' ? 'ent' : key];
      const body = { donor_id: donor.id, amount, received_on: TODAY, channel, note: `${channel} 测试` };
      if (ref) body.bank_ref = ref;
      const d = expectReply(await U.fin.post(DONATIONS, body), 201).donation;
      assert.equal(d.amount, amount);
      assert.equal(d.channel, channel);
      assert.equal(d.status, 'active');
      assert.equal(d.purpose, '枣慈留香·孤困和留守儿童关爱帮扶基金');
      assert.ok(Number.isInteger(d.entry_id) && d.entry_id > 0);
      const after = await balance();
      assert.equal(after.bank, before.bank + amount, `${channel}: bank`);
      assert.equal(after.income, before.income + amount, `${channel}: income`);
      gifts[key] = d;
    }
    assert.equal(gifts.anon.donor.name, '匿名');
    const ent = expectReply(await U.lead.get(`${DONATIONS}?donor_id=${donors.ent.id}`), 200);
    assert.equal(ent.total, 2);
    const d = expectReply(await U.ap.get(`${DONATIONS}/${gifts.wang.id}`), 200).donation;
    assert.equal(d.bank_ref, 'BT20260301001');
  });

  it('a second active donation with the same reference is refused and changes nothing', async () => {
    const n = await count();
    const b = await balance();
    const r = await U.fin.post(DONATIONS, { donor_id: donors.zhao.id, amount: 1234567, received_on: TODAY, channel: 'bank_transfer', bank_ref: 'BT20260301001' });
    expectReply(r, 409, 'donation.duplicate_reference', 'bank_ref');
    assert.equal(await count(), n);
    assert.deepEqual(await balance(), b);
  });

  it('the same request sent twice with an Idempotency-Key books once', async () => {
    const n = await count();
    const body = { donor_id: donors.zhao.id, amount: 100, received_on: TODAY, channel: 'alipay', bank_ref: 'IDEM-1' };
    const h = { 'Idempotency-Key': 'donation-idem-0001' };
    const a = expectReply(await U.fin.post(DONATIONS, body, { headers: h }), 201).donation;
    const b = expectReply(await U.fin.post(DONATIONS, body, { headers: h }), 201).donation;
    assert.equal(a.id, b.id);
    assert.equal(await count(), n + 1);
    gifts.idem = a;
  });

  it('refused donations change nothing', async () => {
    const n = await count();
    const b = await balance();
    const tomorrow = new Date(Date.parse(TODAY) + 86400000).toISOString().slice(0, 10);
    const ok = { donor_id: donors.wang.id, amount: 100, received_on: TODAY, channel: 'bank_transfer', bank_ref: 'OK-1' };
    const table = [
      [{ ...ok, amount: 0 }, 422, 'request.out_of_range', 'amount'],
      [{ ...ok, amount: -5 }, 422, 'request.out_of_range', 'amount'],
      [{ ...ok, amount: '100' }, 400, 'request.invalid_type', 'amount'],
      [{ ...ok, amount: 1.5 }, 400, 'request.invalid_type', 'amount'],
      [{ ...ok, channel: 'paypal' }, 422, 'donation.invalid_channel', 'channel'],
      [{ ...ok, received_on: tomorrow }, 422, 'donation.invalid_received_date', 'received_on'],
      [{ ...ok, received_on: '2024-02-29' }, 422, 'donation.invalid_received_date', 'received_on'],
      [{ ...ok, received_on: '2026-02-30' }, 422, 'request.invalid_date', 'received_on'],
      [{ ...ok, bank_ref: undefined }, 422, 'donation.reference_required', 'bank_ref'],
      [{ ...ok, bank_ref: '流水 1' }, 422, 'request.invalid_value', 'bank_ref'],
      [{ ...ok, bank_ref: 'R'.repeat(65) }, 422, 'request.too_long', 'bank_ref'],
      [{ ...ok, purpose: '修缮办公楼' }, 422, 'donation.purpose_not_allowed', 'purpose'],
      [{ ...ok, donor_id: 999999 }, 404, 'donor.not_found', 'donor_id'],
      [{ ...ok, unknown: 1 }, 400, 'request.unknown_field', 'unknown'],
      [{ ...ok, donor_id: undefined }, 400, 'request.missing_field', 'donor_id'],
    ];
    for (const [body, status, code, field] of table) {
      const clean = JSON.parse(JSON.stringify(body));
      expectReply(await U.fin.post(DONATIONS, clean), status, code, field);
    }
    expectReply(await U.fin.raw('POST', DONATIONS, { rawBody: '[1,2', contentType: 'application/json' }), 400, 'request.malformed_json');
    expectReply(await U.fin.post(DONATIONS, ok, { noCsrf: true }), 403, 'auth.csrf_invalid');
    expectReply(await U.cw.post(DONATIONS, ok), 403, 'auth.forbidden');
    expectReply(await U.lead.post(DONATIONS, ok), 403, 'auth.forbidden');
    expectReply(await U.ap.post(DONATIONS, ok), 403, 'auth.forbidden');
    expectReply(await U.fin.get(`${DONATIONS}/999999`), 404, 'donation.not_found');
    expectReply(await U.fin.get(`${DONATIONS}?channel=paypal`), 400, 'request.invalid_query', 'channel');
    expectReply(await U.fin.get(`${DONATIONS}?from=2026-13-01`), 400, 'request.invalid_query', 'from');
    expectReply(await U.fin.get(`${DONATIONS}?colour=red`), 400, 'request.invalid_query');
    assert.equal(await count(), n);
    assert.deepEqual(await balance(), b);
  });

  it('a reversal (冲销) books the opposite entry, marks the donation, and happens once', async () => {
    const b0 = await balance();
    const d = expectReply(await U.fin.post(DONATIONS, { donor_id: donors.wang.id, amount: 77700, received_on: TODAY, channel: 'bank_transfer', bank_ref: 'REV-1' }), 201).donation;
    assert.equal((await balance()).bank, b0.bank + 77700);
    expectReply(await U.fin.post(`${DONATIONS}/${d.id}/reverse`, {}), 400, 'request.missing_field', 'reason');
    expectReply(await U.cw.post(`${DONATIONS}/${d.id}/reverse`, { reason: '录错' }), 403, 'auth.forbidden');
    const r = expectReply(await U.fin.post(`${DONATIONS}/${d.id}/reverse`, { reason: '金额录错，应为 777 元' }), 200).donation;
    assert.equal(r.status, 'reversed');
    assert.equal(r.reversal.reason, '金额录错，应为 777 元');
    assert.ok(r.reversal.entry_id > d.entry_id);
    assert.deepEqual(await balance(), b0, 'bank and income back where they were');
    expectReply(await U.fin.post(`${DONATIONS}/${d.id}/reverse`, { reason: '再冲一次' }), 409, 'donation.already_reversed');
    assert.deepEqual(await balance(), b0);
    // still listed, never deleted
    const got = expectReply(await U.fin.get(`${DONATIONS}/${d.id}`), 200).donation;
    assert.equal(got.status, 'reversed');
    assert.ok(expectReply(await U.fin.get(`${DONATIONS}?status=reversed`), 200).items.some((x) => x.id === d.id));
    // the reference is free again for the corrected entry
    const fixed = expectReply(await U.fin.post(DONATIONS, { donor_id: donors.wang.id, amount: 77700 * 100, received_on: TODAY, channel: 'bank_transfer', bank_ref: 'REV-1' }), 201).donation;
    expectReply(await U.fin.post(`${DONATIONS}/${fixed.id}/reverse`, { reason: '测试后冲销' }), 200);
    gifts.reversed = d;
  });

  it('receipts are numbered per year without gaps; void keeps the number; reissue takes the next', async () => {
    const no = (n) => `${YEAR}-${String(n).padStart(6, '0')}`;
    const issue = async (gift, body = {}) => expectReply(await U.fin.post(`${DONATIONS}/${gift.id}/receipt`, body), 201).receipt;
    receipts.wang = await issue(gifts.wang, { remarks: '感谢支持' });
    receipts.ent = await issue(gifts.ent);
    receipts.entCheque = await issue(gifts.entCheque);
    receipts.anon = await issue(gifts.anon);
    assert.deepEqual([receipts.wang, receipts.ent, receipts.entCheque, receipts.anon].map((x) => x.no), [no(1), no(2), no(3), no(4)]);
    assert.equal(receipts.wang.payer_name, '王爱心');
    assert.equal(receipts.wang.amount_chinese, '壹万贰仟叁佰肆拾伍元陆角柒分');
    assert.equal(receipts.wang.handler_name, '市财务');
    assert.match(receipts.wang.check_code, /^\d{10}$/);
    assert.equal(receipts.ent.payer_uscc, VALID_USCC);
    assert.equal(receipts.anon.payer_name, '匿名');
    const d = expectReply(await U.fin.get(`${DONATIONS}/${gifts.wang.id}`), 200).donation;
    assert.equal(d.receipt.no, no(1));

    // refused: a second receipt, a receipt for a reversed donation, reversing a receipted donation
    expectReply(await U.fin.post(`${DONATIONS}/${gifts.wang.id}/receipt`, {}), 409, 'receipt.already_issued');
    expectReply(await U.fin.post(`${DONATIONS}/${gifts.reversed.id}/receipt`, {}), 409, 'donation.already_reversed');
    expectReply(await U.fin.post(`${DONATIONS}/${gifts.wang.id}/reverse`, { reason: '试试' }), 409, 'donation.receipt_outstanding');
    expectReply(await U.lead.post(`${DONATIONS}/${gifts.zhao.id}/receipt`, {}), 403, 'auth.forbidden');
    expectReply(await U.fin.post(`${DONATIONS}/999999/receipt`, {}), 404, 'donation.not_found');
    expectReply(await U.fin.post(`${DONATIONS}/${gifts.zhao.id}/receipt`, { remarks: 'x'.repeat(201) }), 422, 'request.too_long', 'remarks');

    // void keeps the number
    expectReply(await U.fin.post(`${RECEIPTS}/${receipts.ent.id}/void`, {}), 400, 'request.missing_field', 'reason');
    const v = expectReply(await U.fin.post(`${RECEIPTS}/${receipts.ent.id}/void`, { reason: '捐赠人名称有误' }), 200).receipt;
    assert.equal(v.no, no(2));
    assert.equal(v.status, 'void');
    assert.equal(v.void_reason, '捐赠人名称有误');
    expectReply(await U.fin.post(`${RECEIPTS}/${receipts.ent.id}/void`, { reason: '再作废' }), 409, 'receipt.already_void');

    // reissue of the void receipt: the next number, linked both ways
    const re = expectReply(await U.fin.post(`${RECEIPTS}/${receipts.ent.id}/reissue`, { reason: '更正名称后重开' }), 201).receipt;
    assert.equal(re.no, no(5));
    assert.equal(re.replaces.no, no(2));
    assert.equal(re.status, 'valid');
    assert.equal(expectReply(await U.fin.get(`${RECEIPTS}/${receipts.ent.id}`), 200).receipt.replaced_by.no, no(5));
    expectReply(await U.fin.post(`${RECEIPTS}/${receipts.ent.id}/reissue`, { reason: '又一次' }), 409, 'receipt.already_issued');
    // reissue of a valid receipt voids it in the same step
    const re2 = expectReply(await U.fin.post(`${RECEIPTS}/${receipts.entCheque.id}/reissue`, { reason: '备注有误', remarks: '支票捐赠' }), 201).receipt;
    assert.equal(re2.no, no(6));
    assert.equal(expectReply(await U.fin.get(`${RECEIPTS}/${receipts.entCheque.id}`), 200).receipt.status, 'void');
    receipts.entRe = re;
    receipts.entChequeRe = re2;

    // the whole year: 1..6, no gaps, voids still there
    const list = expectReply(await U.lead.get(`${RECEIPTS}?year=${YEAR}&page_size=100`), 200);
    const sorted = list.items.map((x) => [x.seq, x.status]).sort((a, b) => a[0] - b[0]);
    assert.deepEqual(sorted, [[1, 'valid'], [2, 'void'], [3, 'void'], [4, 'valid'], [5, 'valid'], [6, 'valid']]);
    assert.equal(expectReply(await U.lead.get(`${RECEIPTS}?status=void`), 200).total, 2);
    expectReply(await U.fin.get(`${RECEIPTS}?status=lost`), 400, 'request.invalid_query', 'status');
    expectReply(await U.fin.get(`${RECEIPTS}/999999`), 404, 'receipt.not_found');
    expectReply(await U.cw.get(RECEIPTS), 403, 'auth.forbidden');
  });

  it('the receipt PDF carries every field; a reprint says 补打; a void one says 作废', async () => {
    const first = await pdfOf(U.fin, `${RECEIPTS}/${receipts.wang.id}/pdf`);
    for (const s of ['公益事业捐赠票据', '王爱心', '¥12,345.67', '壹万贰仟叁佰肆拾伍元陆角柒分', receipts.wang.no, receipts.wang.check_code, '37040124',
      '枣庄市慈善总会', '枣慈留香·孤困和留守儿童关爱帮扶基金', '市财务', '存根联', '捐赠人联', '会计联', '感谢支持'])
      assert.ok(first.includes(squash(s)), `receipt PDF lacks ${s}:\n${first}`);
    assert.ok(!first.includes('补打'), 'the first print is not a reprint');
    assert.ok(!first.includes('13912345678'), 'no phone on a receipt');
    const again = await pdfOf(U.fin, `${RECEIPTS}/${receipts.wang.id}/pdf`);
    assert.ok(again.includes('补打'), `a reprint says 补打:\n${again}`);
    assert.equal(expectReply(await U.fin.get(`${RECEIPTS}/${receipts.wang.id}`), 200).receipt.prints, 2);
    const ent = await pdfOf(U.fin, `${RECEIPTS}/${receipts.entRe.id}/pdf`);
    assert.ok(ent.includes(VALID_USCC) && ent.includes('枣庄市爱心科技有限公司') && ent.includes('¥100,000.00') && ent.includes('壹拾万元整'), ent);
    const v = await pdfOf(U.fin, `${RECEIPTS}/${receipts.ent.id}/pdf`);
    assert.ok(v.includes('作废') && v.includes('捐赠人名称有误'), `void receipt PDF:\n${v}`);
    const a = await pdfOf(U.fin, `${RECEIPTS}/${receipts.anon.id}/pdf`);
    assert.ok(a.includes('匿名'), a);
    // printing is finance's job; a leader may read receipts but not print them
    assert.equal((await bytes(U.lead, `${RECEIPTS}/${receipts.wang.id}/pdf`)).status, 403);
    assert.equal((await bytes(U.fin, `${RECEIPTS}/999999/pdf`)).status, 404);
  });

  it('a thank-you letter per donation; anonymous donors are 爱心人士; none for a reversed gift', async () => {
    const t = await pdfOf(U.lead, `${DONATIONS}/${gifts.wang.id}/thanks.pdf`);
    for (const s of ['感谢信', '尊敬的王爱心', '¥12,345.67', '壹万贰仟叁佰肆拾伍元陆角柒分', '枣庄市慈善总会', receipts.wang.no])
      assert.ok(t.includes(squash(s)), `letter lacks ${s}:\n${t}`);
    const a = await pdfOf(U.fin, `${DONATIONS}/${gifts.anon.id}/thanks.pdf`);
    assert.ok(a.includes('尊敬的爱心人士') && a.includes('¥300.00') && a.includes('叁佰元整'), a);
    const r = await U.fin.get(`${DONATIONS}/${gifts.reversed.id}/thanks.pdf`);
    expectReply(r, 409, 'donation.already_reversed');
    assert.equal((await bytes(U.cw, `${DONATIONS}/${gifts.wang.id}/thanks.pdf`)).status, 403);
  });

  it('the public honour roll: consenting names, 爱心人士 for the rest, no contact data, no reversed gifts', async () => {
    const r = await anon.get(`${ROLL}?year=${YEAR}`);
    const roll = expectReply(r, 200);
    const active = expectReply(await U.fin.get(`${DONATIONS}?status=active&page_size=100`), 200).items;
    assert.equal(roll.total, active.reduce((s, x) => s + x.amount, 0));
    assert.equal(roll.count, active.length);
    const byName = (n) => roll.items.filter((x) => x.name === n);
    assert.deepEqual(byName('王爱心').map((x) => x.amount), [1234567], 'consents to name and amount (the reversed gift is not counted)');
    assert.deepEqual(byName('枣庄市爱心科技有限公司').map((x) => x.amount), [null], 'name yes, amount no');
    const kind = byName('爱心人士');
    assert.equal(kind.length, 2, 'the non-consenting individual and the anonymous donor');
    assert.deepEqual(kind.map((x) => x.amount).sort(), [30000, null].sort());
    for (const secret of ['赵默默', '13912345678', '13700003333', '13600002222', '0632-3311161', '孙经理', 'phone', VALID_USCC])
      assert.ok(!r.text.includes(secret), `the honour roll shows ${secret}`);
    const empty = expectReply(await anon.get(`${ROLL}?year=2024`), 200);
    assert.deepEqual([empty.items.length, empty.total], [0, 0]);
    expectReply(await anon.get(`${ROLL}?year=abc`), 400, 'request.invalid_query', 'year');
    expectReply(await anon.get(`${ROLL}?year=1999`), 400, 'request.invalid_query', 'year');
    expectReply(await anon.get(`${ROLL}?who=all`), 400, 'request.invalid_query');
  });

  it('the tax helper: an individual at 30% of taxable income', async () => {
    const t = expectReply(await U.fin.get(`${DONORS}/${donors.wang.id}/tax?year=${YEAR}&taxable_income=3000000`), 200);
    assert.equal(t.receipted_total, 1234567, 'the receipted gift; the reversed one and the unreceipted one do not count');
    assert.deepEqual(t.receipts.map((x) => x.no), [receipts.wang.no]);
    assert.equal(t.rate_percent, 30);
    assert.equal(t.limit, 900000);
    assert.equal(t.deductible_now, 900000);
    assert.equal(t.not_deductible, 334567);
    assert.equal(t.qualification.status, '待确认');
    assert.equal(t.qualification.holder, '枣庄市慈善总会');
    assert.ok(t.rules.some((s) => s.includes('个人所得税法') && s.includes('第六条')));
    // 30% of 333 fen rounds down
    assert.equal(expectReply(await U.fin.get(`${DONORS}/${donors.wang.id}/tax?year=${YEAR}&taxable_income=333`), 200).limit, 99);
    // no receipts that year
    assert.equal(expectReply(await U.fin.get(`${DONORS}/${donors.wang.id}/tax?year=2024&taxable_income=3000000`), 200).receipted_total, 0);
  });

  it('the tax helper: an enterprise at 12% of profit, carried amounts first, oldest first', async () => {
    const q = `year=${YEAR}&accounting_profit=100000000&carry_${YEAR - 3}=1000000&carry_${YEAR - 2}=2000000&carry_${YEAR - 1}=500000`;
    const t = expectReply(await U.lead.get(`${DONORS}/${donors.ent.id}/tax?${q}`), 200);
    assert.equal(t.receipted_total, 12000000, 'the two reissued receipts; the void ones do not count');
    assert.equal(t.rate_percent, 12);
    assert.equal(t.limit, 12000000);
    assert.deepEqual(t.carried_in.map((x) => [x.from_year, x.amount, x.deducted]), [[YEAR - 3, 1000000, 1000000], [YEAR - 2, 2000000, 2000000], [YEAR - 1, 500000, 500000]]);
    assert.equal(t.current_deducted, 8500000);
    assert.equal(t.deductible_now, 12000000);
    assert.deepEqual(t.carry_forward, [{ from_year: YEAR, amount: 3500000, usable_until: YEAR + 3 }]);
    assert.equal(t.expired.amount, 0);
    assert.ok(t.rules.some((s) => s.includes('企业所得税法') && s.includes('第九条')));
    // a small profit: part of the oldest carried amount expires
    const s = expectReply(await U.lead.get(`${DONORS}/${donors.ent.id}/tax?year=${YEAR}&accounting_profit=10000000&carry_${YEAR - 3}=2000000`), 200);
    assert.equal(s.limit, 1200000);
    assert.equal(s.expired.amount, 800000);
    assert.equal(s.deductible_now, 1200000);
    assert.deepEqual(s.carry_forward, [{ from_year: YEAR, amount: 12000000, usable_until: YEAR + 3 }]);
  });

  it('the tax helper refuses what does not fit', async () => {
    const T = (id, q) => U.fin.get(`${DONORS}/${id}/tax?${q}`);
    expectReply(await T(donors.wang.id, `year=${YEAR}`), 400, 'request.invalid_query');
    expectReply(await T(donors.wang.id, `year=${YEAR}&taxable_income=1&accounting_profit=1`), 400, 'request.invalid_query');
    expectReply(await T(donors.wang.id, `year=${YEAR}&taxable_income=-1`), 400, 'request.invalid_query', 'taxable_income');
    expectReply(await T(donors.wang.id, `year=${YEAR}&taxable_income=1e6`), 400, 'request.invalid_query', 'taxable_income');
    expectReply(await T(donors.wang.id, `year=${YEAR}&accounting_profit=100`), 400, 'request.invalid_query', 'taxable_income');
    expectReply(await T(donors.wang.id, `year=${YEAR}&taxable_income=100&carry_${YEAR - 1}=5`), 400, 'request.invalid_query');
    expectReply(await T(donors.ent.id, `year=${YEAR}&taxable_income=100`), 400, 'request.invalid_query', 'accounting_profit');
    expectReply(await T(donors.ent.id, `year=${YEAR}&accounting_profit=100&carry_${YEAR - 4}=5`), 400, 'request.invalid_query');
    expectReply(await T(donors.anon.id, `year=${YEAR}&taxable_income=100`), 422, 'tax.anonymous_donor');
    expectReply(await T(999999, `year=${YEAR}&taxable_income=100`), 404, 'donor.not_found');
    expectReply(await U.cw.get(`${DONORS}/${donors.wang.id}/tax?taxable_income=1`), 403, 'auth.forbidden');
  });

  it('lists export to Excel with Chinese headers and money in yuan', async () => {
    const table = [
      [DONORS, ['编号', '类型', '捐赠人', '统一社会信用代码'], '捐赠总额（元）'],
      [DONATIONS, ['编号', '到账日期', '捐赠人', '金额（元）', '渠道', '流水号', '状态', '票据号码'], '金额（元）'],
      [RECEIPTS, ['票据号码', '票据代码', '校验码', '开票日期', '捐赠人'], '金额（元）'],
    ];
    for (const [p, headers, moneyCol] of table) {
      const r = await bytes(U.lead, `${p}?format=xlsx`);
      assert.equal(r.status, 200, `${p}: ${r.body.toString('utf8').slice(0, 200)}`);
      assert.match(r.type, /spreadsheetml/);
      assert.equal(r.body.subarray(0, 2).toString('latin1'), 'PK');
      const rows = xlsxRows(r.body, srv.dir);
      for (const h of headers) assert.ok(rows[0].includes(h), `${p}: header ${h} missing in ${JSON.stringify(rows[0])}`);
      const json = expectReply(await U.lead.get(`${p}?page_size=100`), 200);
      assert.equal(rows.length - 1, json.total, `${p}: one row per record`);
      const col = rows[0].indexOf(moneyCol);
      assert.ok(col >= 0, `${p}: ${moneyCol}`);
      assert.ok(!rows.slice(1).some((row) => JSON.stringify(row).includes('13912345678')), 'no full phone in an export');
      if (p === DONATIONS) assert.ok(rows.slice(1).some((row) => row[col] === 12345.67), `${p}: ¥12,345.67 as a number`);
    }
    expectReply(await U.lead.get(`${DONATIONS}?format=pdf`), 400, 'request.invalid_query', 'format');
  });

  it('every write left its audit record, and `huimin verify` accepts the books and the chain', async () => {
    const out = execFileSync('sqlite3', ['-readonly', srv.db, "SELECT action, count(*) FROM audit_log WHERE action LIKE 'donor.%' OR action LIKE 'donation.%' OR action LIKE 'receipt.%' GROUP BY action ORDER BY action"], { encoding: 'utf8' });
    const got = Object.fromEntries(out.trim().split('\n').map((l) => l.split('|')).map(([a, n]) => [a, Number(n)]));
    assert.deepEqual(got, {
      'donation.create': 8,
      'donation.reverse': 2,
      'donor.create': 4,
      'donor.update': 1,
      'receipt.issue': 4,
      'receipt.print': 5, // wang twice, the reissued, the void and the anonymous one; refused requests print nothing
      'receipt.reissue': 2,
      'receipt.void': 2,
    });
    const v = await runCli(['verify', '--db', srv.db]);
    assert.equal(v.code, 0, `verify: ${v.stdout}\n${v.stderr}`);
  });
});
