// Care beyond cash and attachments: providers, referrals, sessions whose
// notes stay out of lists and are audited when read, home visits, the
// child's timeline in order, uploads checked by their bytes and stored once,
// downloads only for the right roles and districts, Excel exports, refused
// input that changes nothing, and a database that still verifies.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { startServer, loginAll, expectReply, makeId, sexOf, epoch, beijing, runCli, assertNoCliSanitizerReports } from './lib.mjs';

const C = '/api/v1/fund/children';
const A = '/api/v1/fund/applications';
const P = '/api/v1/fund/care/providers';
const R = '/api/v1/fund/care/referrals';
const S = '/api/v1/fund/care/sessions';
const V = '/api/v1/fund/care/visits';
const F = '/api/v1/fund/attachments';
const NOTES = '孩子说在学校被同学欺负，不敢告诉爷爷';

let seq = 500;
function childBody(region = '370402') {
  seq++;
  const id = makeId(region, '20150607', seq);
  return {
    name: `关爱儿童${seq}`, sex: sexOf(id), birth_date: '2015-06-07', id_number: id, hukou_district: region,
    hukou_evidence: '户口簿第3页', categories: ['left_behind'], household_status: 'none',
    guardian_name: '张大山', guardian_relation: '祖父', guardian_phone: '13812345678', address: '光明路1号',
  };
}

// ---- minimal valid files, made here so that nothing binary is checked in ----
function crc32(buf) {
  let c, crc = 0xffffffff;
  for (const b of buf) {
    c = (crc ^ b) & 0xff;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    crc = (crc >>> 8) ^ c;
  }
  return (crc ^ 0xffffffff) >>> 0;
}
function pngChunk(type, data) {
  const len = Buffer.alloc(4); len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4); crc.writeUInt32BE(crc32(td));
  return Buffer.concat([len, td, crc]);
}
/** A 1×1 grey PNG of the given grey level. */
function png(grey = 0x80) {
  const ihdr = Buffer.from([0, 0, 0, 1, 0, 0, 0, 1, 8, 0, 0, 0, 0]);
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), pngChunk('IHDR', ihdr),
    pngChunk('IDAT', zlib.deflateSync(Buffer.from([0, grey]))), pngChunk('IEND', Buffer.alloc(0))]);
}
/** A JPEG stream: SOI, JFIF APP0, EOI. */
function jpeg() {
  return Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 16, 0x4a, 0x46, 0x49, 0x46, 0, 1, 1, 0, 0, 1, 0, 1, 0, 0, 0xff, 0xd9]);
}
/** A one-page PDF with a correct cross-reference table; `tag` makes distinct files. */
function pdf(tag = '') {
  const objs = ['<< /Type /Catalog /Pages 2 0 R >>', '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Title (${tag}) >>`];
  let out = '%PDF-1.4\n';
  const offs = [];
  objs.forEach((o, i) => { offs.push(out.length); out += `${i + 1} 0 obj\n${o}\nendobj\n`; });
  const xref = out.length;
  out += `xref\n0 ${objs.length + 1}\n0000000000 65535 f \n`;
  for (const o of offs) out += `${String(o).padStart(10, '0')} 00000 n \n`;
  out += `trailer\n<< /Size ${objs.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, 'latin1');
}

/** The first sheet of an .xlsx read with unzip: its XML, and the text of
 * its cells (inline strings, as the exporter writes in constant memory). */
function xlsxText(buf, dir) {
  const f = path.join(dir, `export-${Date.now()}-${Math.random()}.xlsx`);
  fs.writeFileSync(f, buf);
  const list = execFileSync('unzip', ['-l', f]).toString('utf8');
  const sheet = execFileSync('unzip', ['-p', f, 'xl/worksheets/sheet1.xml']).toString('utf8');
  const shared = list.includes('xl/sharedStrings.xml') ? execFileSync('unzip', ['-p', f, 'xl/sharedStrings.xml']).toString('utf8') : '';
  fs.unlinkSync(f);
  const strings = [...(sheet + shared).matchAll(/<t[^>]*>([^<]*)<\/t>/g)].map((m) => m[1]).join('\n');
  return { strings, sheet };
}

function storedFiles(dir) {
  const root = path.join(dir, 'attachments');
  if (!fs.existsSync(root)) return [];
  return fs.readdirSync(root).flatMap((d) => fs.readdirSync(path.join(root, d)).filter((n) => !n.startsWith('.')));
}

describe('care and attachments', () => {
  let srv, U;
  let child, childB, prov, provB, ref, sess, visit;

  before(async () => {
    srv = await startServer();
    U = await loginAll(srv.base);
    child = expectReply(await U.cw.post(C, childBody()), 201).child;
    childB = expectReply(await U.cw2.post(C, childBody('370403')), 201).child;
  });
  after(() => srv?.stop());

  const audit = async (entity, id) => expectReply(await U.cw.get(`/api/v1/audit?entity=${entity}&id=${id}`), 200).items;
  async function upload(as, url, bytes, type, q = 'filename=' + encodeURIComponent('户口簿.pdf'), o = {}) {
    return as.raw('POST', `${url}?${q}`, { rawBody: bytes, contentType: type, ...o });
  }

  it('a caseworker registers providers; lists filter by service and export to Excel', async () => {
    const r = expectReply(await U.cw.post(P, {
      name: '枣庄心语心理咨询中心', kind: 'org', services: ['psych', 'family_edu'], contact_name: '王老师',
      contact_phone: '0632-3311161', address: '市中区文化路8号', note: '国家二级心理咨询师 3 名',
    }), 201).provider;
    assert.equal(r.kind_name, '服务机构');
    assert.equal(r.org.code, '370402');
    assert.deepEqual(r.services.map((s) => s.code), ['family_edu', 'psych']);
    assert.equal(r.active, true);
    prov = r;
    const v = expectReply(await U.cw.post(P, { name: '李律师（志愿者）', kind: 'volunteer', services: ['legal'] }), 201).provider;
    assert.equal(v.kind_name, '志愿者');
    provB = expectReply(await U.cw2.post(P, { name: '薛城区社工站', kind: 'org', services: ['psych'] }), 201).provider;

    const legal = expectReply(await U.cw.get(`${P}?service=legal`), 200);
    assert.deepEqual(legal.items.map((x) => x.id), [v.id]);
    const all = expectReply(await U.cw.get(P), 200);
    assert.ok(!all.items.some((x) => x.id === provB.id), 'another district\'s provider in the list');
    // city approver sees all districts
    const city = expectReply(await U.ap.get(`${P}?page_size=100`), 200);
    assert.ok(city.items.some((x) => x.id === provB.id) && city.items.some((x) => x.id === prov.id));

    const x = await U.cw.get(`${P}?format=xlsx`);
    assert.equal(x.status, 200);
    assert.match(x.headers.get('content-type'), /spreadsheetml/);
    const buf = Buffer.from(await (await fetch(`${srv.base}${P}?format=xlsx`, { headers: { Cookie: U.cw.cookie } })).arrayBuffer());
    const { strings } = xlsxText(buf, srv.dir);
    for (const h of ['名称', '类型', '提供的服务', '联系电话', '枣庄心语心理咨询中心', '家庭教育、心理关爱']) assert.ok(strings.includes(h), `xlsx lacks ${h}`);

    expectReply(await U.cw2.get(`${P}/${prov.id}`), 404, 'provider.not_found');
    expectReply(await U.cw.get(`${P}?service=cooking`), 400, 'request.invalid_query', 'service');
  });

  it('a provider is updated and can be stopped from taking referrals', async () => {
    const body = { name: '李律师（志愿者）', kind: 'volunteer', services: ['legal'], active: false };
    const list = expectReply(await U.cw.get(`${P}?kind=volunteer`), 200).items;
    const v = expectReply(await U.cw.put(`${P}/${list[0].id}`, body), 200).provider;
    assert.equal(v.active, false);
    expectReply(await U.cw.post(R, { child_id: child.id, provider_id: v.id, service: 'legal', reason: '遭遇网络诈骗' }), 409, 'provider.inactive');
    expectReply(await U.cw2.put(`${P}/${prov.id}`, body), 404, 'provider.not_found');
  });

  it('a child is referred; the same open referral twice and services the provider lacks are refused', async () => {
    const r = expectReply(await U.cw.post(R, { child_id: child.id, provider_id: prov.id, service: 'psych', reason: '情绪低落，不愿与人交流' }), 201).referral;
    assert.equal(r.status, 'referred');
    assert.equal(r.status_name, '已转介');
    assert.equal(r.service_name, '心理关爱');
    assert.equal(r.provider.name, prov.name);
    assert.equal(r.child.id, child.id);
    ref = r;
    expectReply(await U.cw.post(R, { child_id: child.id, provider_id: prov.id, service: 'psych', reason: '再次' }), 409, 'referral.duplicate');
    expectReply(await U.cw.post(R, { child_id: child.id, provider_id: prov.id, service: 'legal', reason: '法律' }), 422, 'provider.service_not_offered');
    expectReply(await U.cw.post(R, { child_id: child.id, provider_id: prov.id, service: 'cooking', reason: 'x' }), 422, 'provider.unknown_service');
    // another district: its child and its provider do not exist for this caseworker
    expectReply(await U.cw.post(R, { child_id: childB.id, provider_id: prov.id, service: 'psych', reason: 'x' }), 404, 'child.not_found');
    expectReply(await U.cw.post(R, { child_id: child.id, provider_id: provB.id, service: 'psych', reason: 'x' }), 404, 'provider.not_found');
    expectReply(await U.cw2.get(`${R}/${ref.id}`), 404, 'referral.not_found');
    const l = expectReply(await U.cw.get(`${R}?child_id=${child.id}&status=referred`), 200);
    assert.deepEqual(l.items.map((x) => x.id), [ref.id]);
    assert.equal(expectReply(await U.cw2.get(`${R}?child_id=${child.id}`), 200).total, 0);
    expectReply(await U.cw.get(`${R}?status=done`), 400, 'request.invalid_query', 'status');
  });

  it('a session keeps its notes out of lists; the detail shows them and is audited on the child', async () => {
    const held = beijing(Math.floor(Date.now() / 1000) - 60);
    const s = expectReply(await U.cw.post(`${R}/${ref.id}/sessions`, { held_at: held, notes: NOTES, outcome: '情绪有所好转' }), 201);
    assert.ok(!JSON.stringify(s).includes(NOTES), 'notes in the create reply');
    sess = s.session;
    assert.equal(sess.has_notes, true);
    assert.equal(epoch(sess.held_at), epoch(held));
    // the first session starts the service
    assert.equal(expectReply(await U.cw.get(`${R}/${ref.id}`), 200).referral.status, 'in_service');

    const before = (await audit('child', child.id)).filter((a) => a.action === 'care_session.view_notes').length;
    for (const url of [`${S}?child_id=${child.id}`, `${R}/${ref.id}`, `${C}/${child.id}/timeline`, `${S}?format=xlsx`, `${R}?format=xlsx`]) {
      const r = await U.cw.get(url);
      assert.equal(r.status, 200, url);
      assert.ok(!r.text.includes(NOTES), `notes leak in ${url}`);
    }
    const list = expectReply(await U.cw.get(`${S}?referral_id=${ref.id}`), 200);
    assert.equal(list.items.length, 1);
    assert.equal(list.items[0].notes, undefined);
    assert.equal(list.items[0].outcome, '情绪有所好转');
    assert.equal(list.items[0].has_notes, true);

    const d = expectReply(await U.cw.get(`${S}/${sess.id}`), 200).session;
    assert.equal(d.notes, NOTES);
    expectReply(await U.rv.get(`${S}/${sess.id}`), 200); // the district reviewer may read them too
    const views = (await audit('child', child.id)).filter((a) => a.action === 'care_session.view_notes');
    assert.equal(views.length, before + 2, 'each full view is one audit record');
    assert.equal(views.at(-1).detail.session_id, sess.id);
    assert.ok(!JSON.stringify(views).includes(NOTES), 'notes in the audit trail');

    expectReply(await U.fin.get(`${S}/${sess.id}`), 403, 'auth.forbidden');
    expectReply(await U.lead.get(`${S}?child_id=${child.id}`), 403, 'auth.forbidden');
    expectReply(await U.cw2.get(`${S}/${sess.id}`), 404, 'session.not_found');
    assert.equal((await audit('child', child.id)).filter((a) => a.action === 'care_session.view_notes').length, before + 2,
      'refused views are not recorded as views');
  });

  it('sessions in the future or before the referral are refused; closing needs a note and ends the sessions', async () => {
    const future = beijing(Math.floor(Date.now() / 1000) + 2 * 86400);
    expectReply(await U.cw.post(`${R}/${ref.id}/sessions`, { held_at: future, outcome: 'x' }), 422, 'care.time_in_future', 'held_at');
    expectReply(await U.cw.post(`${R}/${ref.id}/sessions`, { held_at: '2020-01-01', outcome: 'x' }), 422, 'request.invalid_date', 'held_at');
    expectReply(await U.cw.post(`${R}/${ref.id}/sessions`, { held_at: '2026-13-01', outcome: 'x' }), 422, 'request.invalid_date', 'held_at');
    expectReply(await U.cw.post(`${R}/${ref.id}/status`, { status: 'closed' }), 422, 'referral.note_required', 'note');
    expectReply(await U.cw.post(`${R}/${ref.id}/status`, { status: 'referred' }), 422, 'request.invalid_value', 'status');
    expectReply(await U.cw.post(`${R}/${ref.id}/status`, { status: 'in_service' }), 409, 'referral.invalid_state');
    const closed = expectReply(await U.cw.post(`${R}/${ref.id}/status`, { status: 'closed', note: '服务目标达成，结案' }), 200).referral;
    assert.equal(closed.status_name, '已结束');
    assert.ok(closed.closed_at);
    expectReply(await U.cw.post(`${R}/${ref.id}/sessions`, { held_at: beijing(Math.floor(Date.now() / 1000)), outcome: 'x' }), 409, 'referral.invalid_state');
    expectReply(await U.cw2.post(`${R}/${ref.id}/status`, { status: 'closed', note: 'x' }), 404, 'referral.not_found');
    const hist = (await audit('child', child.id)).map((a) => a.action);
    for (const a of ['care_referral.create', 'care_session.create', 'care_referral.status']) assert.ok(hist.includes(a), `audit lacks ${a}`);
  });

  it('home visits are recorded, listed by child and exported; another district gets 404', async () => {
    const at = beijing(Math.floor(Date.now() / 1000) - 3600);
    const v = expectReply(await U.cw.post(V, {
      child_id: child.id, visited_at: at, visitors: '王社工、刘干事', people_met: '儿童本人、祖父',
      findings: '住房简陋，冬季取暖不足；孩子学习用品缺乏', follow_up: '联系学校提供学习用品', follow_up_due: '2099-01-01',
    }), 201).visit;
    assert.equal(v.child.id, child.id);
    assert.equal(v.recorded_by, '市中区经办人');
    visit = v;
    assert.deepEqual(expectReply(await U.cw.get(`${V}?child_id=${child.id}`), 200).items.map((x) => x.id), [v.id]);
    expectReply(await U.cw2.get(`${V}/${v.id}`), 404, 'visit.not_found');
    expectReply(await U.cw2.post(V, { ...v, id: undefined }), 400); // shape of a reply is not an input
    expectReply(await U.cw.post(V, { child_id: child.id, visited_at: at, visitors: 'a', people_met: 'b', findings: 'c', follow_up_due: '2000-01-01', follow_up: 'x' }),
      422, 'request.invalid_date', 'follow_up_due');
    expectReply(await U.cw.post(V, { child_id: child.id, visited_at: beijing(Math.floor(Date.now() / 1000) + 86400), visitors: 'a', people_met: 'b', findings: 'c' }),
      422, 'care.time_in_future', 'visited_at');
    expectReply(await U.cw2.post(V, { child_id: child.id, visited_at: at, visitors: 'a', people_met: 'b', findings: 'c' }), 404, 'child.not_found');
    const buf = Buffer.from(await (await fetch(`${srv.base}${V}?format=xlsx`, { headers: { Cookie: U.cw.cookie } })).arrayBuffer());
    const { strings } = xlsxText(buf, srv.dir);
    for (const h of ['家访时间', '走访人员', '了解到的情况', '王社工、刘干事']) assert.ok(strings.includes(h), `xlsx lacks ${h}`);
    expectReply(await U.cw.get(`${V}?from=2026-02-30`), 400, 'request.invalid_query', 'from');
  });

  it('refused input on every write route changes nothing', async () => {
    const count = async () => [
      expectReply(await U.cw.get(P), 200).total, expectReply(await U.cw.get(R), 200).total,
      expectReply(await U.cw.get(S), 200).total, expectReply(await U.cw.get(V), 200).total,
      (await audit('child', child.id)).length,
    ];
    const was = await count();
    const routes = [
      ['POST', P, { name: 'x', kind: 'org', services: ['psych'] }, 'name', 65],
      ['PUT', `${P}/${prov.id}`, { name: 'x', kind: 'org', services: ['psych'] }, 'name', 65],
      ['POST', R, { child_id: child.id, provider_id: prov.id, service: 'family_edu', reason: 'x' }, 'reason', 501],
      ['POST', `${R}/${ref.id}/status`, { status: 'closed', note: 'x' }, 'note', 501],
      ['POST', `${R}/${ref.id}/sessions`, { held_at: '2026-03-20', outcome: 'x' }, 'outcome', 501],
      ['POST', V, { child_id: child.id, visited_at: '2026-03-20', visitors: 'a', people_met: 'b', findings: 'c' }, 'findings', 4001],
    ];
    for (const [m, url, good, longField, longLen] of routes) {
      const send = (as, body, o = {}) => as.raw(m, url, { body, ...o });
      expectReply(await U.cw.raw(m, url, { rawBody: '{"name":', contentType: 'application/json' }), 400, 'request.malformed_json');
      expectReply(await U.cw.raw(m, url, { rawBody: 'name=x', contentType: 'application/x-www-form-urlencoded' }), 415, 'request.unsupported_media');
      const wrong = { ...good, [longField]: 12 };
      expectReply(await send(U.cw, wrong), 400, 'request.invalid_type', longField);
      expectReply(await send(U.cw, { ...good, extra: 1 }), 400, 'request.unknown_field', 'extra');
      expectReply(await send(U.cw, { ...good, [longField]: '字'.repeat(longLen) }), 422, 'request.too_long', longField);
      expectReply(await send(U.cw, good, { noCsrf: true }), 403, 'auth.csrf_invalid');
      expectReply(await send(U.fin, good), 403, 'auth.forbidden');
      expectReply(await send(U.rv, good), 403, 'auth.forbidden');
    }
    expectReply(await U.cw.post(R, { child_id: '1', provider_id: prov.id, service: 'psych', reason: 'x' }), 400, 'request.invalid_type', 'child_id');
    expectReply(await U.cw.post(R, { provider_id: prov.id, service: 'psych', reason: 'x' }), 400, 'request.missing_field', 'child_id');
    expectReply(await U.cw.post(P, { name: 'x', kind: 'robot', services: ['psych'] }), 422, 'request.invalid_value', 'kind');
    expectReply(await U.cw.post(P, { name: 'x', kind: 'org', services: ['psych', 'psych'] }), 422, 'request.invalid_value', 'services');
    expectReply(await U.cw.post(P, { name: 'x', kind: 'org', services: ['psych'], contact_phone: 'call me' }), 422, 'request.invalid_value', 'contact_phone');
    expectReply(await U.ap.post(P, { name: 'x', kind: 'org', services: ['psych'] }), 403, 'auth.forbidden');
    expectReply(await U.cw.get(`${R}/abc`), 404, 'referral.not_found');
    expectReply(await U.cw.get(`${P}?bogus=1`), 400, 'request.invalid_query', 'bogus');
    assert.deepEqual(await count(), was);
  });

  it('uploads: PDF, PNG and JPEG by their bytes; a program renamed .pdf, a lie about the type, too large, bad names are refused', async () => {
    const url = `${C}/${child.id}/attachments`;
    const files0 = storedFiles(srv.dir).length;
    const p = expectReply(await upload(U.cw, url, pdf('a'), 'application/pdf', `filename=${encodeURIComponent('户口簿.pdf')}&doc_type=hukou`), 201);
    assert.equal(p.duplicate, false);
    assert.equal(p.attachment.content_type, 'application/pdf');
    assert.equal(p.attachment.doc_type_name, '户口簿');
    assert.equal(p.attachment.filename, '户口簿.pdf');
    assert.equal(p.attachment.size, pdf('a').length);
    assert.match(p.attachment.hash, /^[0-9a-f]{64}$/);
    const g = expectReply(await upload(U.cw, url, png(), 'image/png', 'filename=photo.png&doc_type=photo'), 201).attachment;
    assert.equal(g.content_type, 'image/png');
    const j = expectReply(await upload(U.cw, url, jpeg(), 'image/jpeg', 'filename=scan.jpg'), 201).attachment;
    assert.equal(j.content_type, 'image/jpeg');
    assert.equal(j.doc_type, 'other');
    // the stored type comes from the bytes, whatever the name says
    const named = expectReply(await upload(U.cw, url, png(0x10), 'application/octet-stream', 'filename=not-a.pdf'), 201).attachment;
    assert.equal(named.content_type, 'image/png');
    assert.equal(storedFiles(srv.dir).length, files0 + 4, 'four distinct contents, four files');

    // scans are larger than a JSON body: 2 MiB is taken, just over 10 MiB is not
    const scan = Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(2 * 1024 * 1024, 0x20)]);
    expectReply(await upload(U.cw, url, scan, 'application/pdf', 'filename=scan.pdf'), 201);
    const listBefore = expectReply(await U.cw.get(`${F}?child_id=${child.id}`), 200).total;
    const exe = Buffer.concat([Buffer.from('MZ\x90\x00\x03\x00', 'latin1'), Buffer.alloc(200, 0x41)]);
    expectReply(await upload(U.cw, url, exe, 'application/pdf', 'filename=invoice.pdf'), 415, 'attachment.unsupported_type');
    expectReply(await upload(U.cw, url, exe, 'application/octet-stream', 'filename=invoice.pdf'), 415, 'attachment.unsupported_type');
    expectReply(await upload(U.cw, url, png(), 'application/pdf', 'filename=x.pdf'), 415, 'attachment.type_mismatch');
    expectReply(await upload(U.cw, url, pdf('b'), 'text/html', 'filename=x.pdf'), 415, 'attachment.unsupported_type');
    expectReply(await upload(U.cw, url, Buffer.alloc(0), 'application/pdf', 'filename=x.pdf'), 422, 'attachment.empty');
    const big = Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(10 * 1024 * 1024, 0x20)]);
    const tooBig = await upload(U.cw, url, big, 'application/pdf', 'filename=big.pdf');
    assert.equal(tooBig.status, 413, tooBig.text);
    assert.ok(['request.too_large', 'attachment.too_large'].includes(tooBig.json.error.code), tooBig.text);
    expectReply(await upload(U.cw, url, pdf('c'), 'application/pdf', 'doc_type=hukou'), 400, 'request.missing_field', 'filename');
    expectReply(await upload(U.cw, url, pdf('c'), 'application/pdf', `filename=${encodeURIComponent('../../etc/passwd')}`), 422, 'attachment.invalid_filename');
    expectReply(await upload(U.cw, url, pdf('c'), 'application/pdf', `filename=${encodeURIComponent('a"\r\nX: y.pdf')}`), 422, 'attachment.invalid_filename');
    expectReply(await upload(U.cw, url, pdf('c'), 'application/pdf', `filename=${'档'.repeat(101)}.pdf`), 422, 'attachment.invalid_filename');
    expectReply(await upload(U.cw, url, pdf('c'), 'application/pdf', 'filename=x.pdf&doc_type=exe'), 422, 'attachment.unknown_doc_type');
    expectReply(await upload(U.cw, url, pdf('c'), 'application/pdf', 'filename=x.pdf&size=1'), 400, 'request.invalid_query', 'size');
    expectReply(await upload(U.cw, url, pdf('c'), 'application/pdf', 'filename=x.pdf', { noCsrf: true }), 403, 'auth.csrf_invalid');
    expectReply(await upload(U.fin, url, pdf('c'), 'application/pdf', 'filename=x.pdf'), 403, 'auth.forbidden');
    expectReply(await upload(U.cw2, url, pdf('c'), 'application/pdf', 'filename=x.pdf'), 404, 'child.not_found');
    expectReply(await upload(U.cw, `${C}/999999/attachments`, pdf('c'), 'application/pdf', 'filename=x.pdf'), 404, 'child.not_found');
    assert.equal(expectReply(await U.cw.get(`${F}?child_id=${child.id}`), 200).total, listBefore, 'a refused upload files nothing');
    assert.equal(storedFiles(srv.dir).length, files0 + 5, 'a refused upload stores nothing');
    fs.writeFileSync(path.join(srv.dir, 'p.pdf'), pdf('a'));
  });

  it('the same bytes are stored once: again for the child is the same record, for an application a new record on one file', async () => {
    const url = `${C}/${child.id}/attachments`;
    const files = storedFiles(srv.dir).length;
    const first = expectReply(await U.cw.get(`${F}?child_id=${child.id}&doc_type=hukou`), 200).items[0];
    const again = expectReply(await upload(U.cw, url, pdf('a'), 'application/pdf', 'filename=copy.pdf&doc_type=hukou'), 200);
    assert.equal(again.duplicate, true);
    assert.equal(again.attachment.id, first.id);
    const app = expectReply(await U.cw.post(A, {
      child_id: child.id, applicant_type: 'guardian', applicant_name: '张大山', applicant_relation: '祖父',
      aid: { living: 50000 }, description: '生活困难', emergency: false,
    }), 201).application;
    const onApp = expectReply(await upload(U.cw, `${A}/${app.id}/attachments`, pdf('a'), 'application/pdf', 'filename=hukou.pdf&doc_type=hukou'), 201).attachment;
    assert.notEqual(onApp.id, first.id);
    assert.equal(onApp.hash, first.hash);
    assert.equal(onApp.application_id, app.id);
    assert.equal(storedFiles(srv.dir).length, files, 'no second copy of the same bytes');
    assert.ok(storedFiles(srv.dir).includes(first.hash));
    // the child's list includes the documents of its applications
    assert.ok(expectReply(await U.cw.get(`${F}?child_id=${child.id}`), 200).items.some((x) => x.id === onApp.id));
    assert.deepEqual(expectReply(await U.cw.get(`${F}?application_id=${app.id}`), 200).items.map((x) => x.id), [onApp.id]);
    expectReply(await upload(U.cw2, `${A}/${app.id}/attachments`, pdf('a'), 'application/pdf', 'filename=x.pdf'), 404, 'application.not_found');
  });

  it('downloads: the caseworker gets the bytes with the stored type, audited; finance 403; another district 404', async () => {
    const a = expectReply(await U.cw.get(`${F}?child_id=${child.id}&doc_type=hukou`), 200).items.find((x) => x.child_id === child.id);
    const views = async () => (await audit('child', child.id)).filter((x) => x.action === 'attachment.download').length;
    const before = await views();
    const res = await fetch(`${srv.base}${F}/${a.id}/content`, { headers: { Cookie: U.cw.cookie } });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'application/pdf');
    const cd = res.headers.get('content-disposition');
    assert.match(cd, /^attachment; filename="attachment-\d+\.pdf"/);
    assert.ok(cd.includes(`filename*=UTF-8''${encodeURIComponent('户口簿.pdf')}`), cd);
    assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
    assert.ok(Buffer.from(await res.arrayBuffer()).equals(pdf('a')));
    assert.equal(await views(), before + 1);
    const rec = (await audit('child', child.id)).filter((x) => x.action === 'attachment.download').at(-1);
    assert.equal(rec.detail.attachment_id, a.id);
    assert.equal(rec.actor, '市中区经办人');

    const png1 = expectReply(await U.cw.get(`${F}?child_id=${child.id}&doc_type=photo`), 200).items[0];
    const pr = await fetch(`${srv.base}${F}/${png1.id}/content`, { headers: { Cookie: U.rv.cookie } });
    assert.equal(pr.status, 200, 'the district reviewer may download');
    assert.equal(pr.headers.get('content-type'), 'image/png');
    assert.ok(Buffer.from(await pr.arrayBuffer()).equals(png()));

    expectReply(await U.fin.get(`${F}/${a.id}/content`), 403, 'auth.forbidden');
    expectReply(await U.fin.get(`${F}?child_id=${child.id}`), 403, 'auth.forbidden');
    expectReply(await U.lead.get(`${F}/${a.id}`), 403, 'auth.forbidden');
    expectReply(await U.cw2.get(`${F}/${a.id}/content`), 404, 'attachment.not_found');
    expectReply(await U.cw2.get(`${F}/${a.id}`), 404, 'attachment.not_found');
    assert.equal(expectReply(await U.cw2.get(`${F}?child_id=${child.id}`), 200).total, 0);
    expectReply(await U.cw.get(`${F}/0/content`), 404, 'attachment.not_found');
    assert.equal(await views(), before + 2, 'only the two allowed downloads are recorded');
    // the city approver, in scope everywhere, may fetch it
    expectReply(await U.ap.get(`${F}/${a.id}`), 200);
    const { strings } = xlsxText(Buffer.from(await (await fetch(`${srv.base}${F}?format=xlsx`, { headers: { Cookie: U.cw.cookie } })).arrayBuffer()), srv.dir);
    for (const h of ['文件名', '材料类型', '户口簿.pdf']) assert.ok(strings.includes(h), `xlsx lacks ${h}`);
  });

  it('the timeline shows application steps, payment, referral, session and visit in time order; other district 404', async () => {
    const t = expectReply(await U.cw.post(C, childBody()), 201).child;
    const prov2 = expectReply(await U.cw.post(P, { name: '家庭教育指导站', kind: 'org', services: ['family_edu'] }), 201).provider;
    let app = expectReply(await U.cw.post(A, {
      child_id: t.id, applicant_type: 'guardian', applicant_name: '张大山', applicant_relation: '祖父',
      aid: { living: 80000 }, services: ['family_edu'], description: '父母外出务工，祖父多病', emergency: false,
    }), 201).application;
    expectReply(await U.cw.post(`${A}/${app.id}/accept`, {}), 200);

    // an hour later: the referral
    await srv.restart({ offsetSeconds: 3600 });
    U = await loginAll(srv.base, ['cw', 'cw2', 'rv', 'ap', 'fin']);
    const r = expectReply(await U.cw.post(R, { child_id: t.id, provider_id: prov2.id, service: 'family_edu', reason: '祖辈教养方式单一', application_id: app.id }), 201).referral;
    assert.equal(r.application_id, app.id);

    // two hours later: review and approval, then a home visit
    await srv.restart({ offsetSeconds: 7200 });
    U = await loginAll(srv.base, ['cw', 'cw2', 'rv', 'ap', 'fin']);
    expectReply(await U.rv.post(`${A}/${app.id}/review`, { decision: 'pass', opinion: '情况属实' }), 200);
    app = expectReply(await U.ap.post(`${A}/${app.id}/approve`, { approved: { living: 60000 } }), 200).application;
    const approvedAt = epoch(app.events.at(-1).at);
    const v = expectReply(await U.cw.post(V, { child_id: t.id, visited_at: beijing(approvedAt + 60), visitors: '王社工', people_met: '祖父', findings: '家中整洁，孩子按时上学' }), 201).visit;

    // three hours later: payment, then a session
    await srv.restart({ offsetSeconds: 10800 });
    U = await loginAll(srv.base, ['cw', 'cw2', 'rv', 'ap', 'fin', 'lead']);
    app = expectReply(await U.fin.post(`${A}/${app.id}/pay`, {}), 200).application;
    const paidAt = epoch(app.paid_at);
    const s = expectReply(await U.cw.post(`${R}/${r.id}/sessions`, { held_at: beijing(paidAt + 60), notes: '家长课堂：如何与孩子沟通', outcome: '祖父学会倾听' }), 201).session;

    const tl = expectReply(await U.cw.get(`${C}/${t.id}/timeline`), 200);
    const seqOf = tl.items.map((x) => (x.kind === 'application' ? `application:${x.action}` : x.kind));
    assert.deepEqual(seqOf, [
      'application:create', 'application:accept', 'referral', 'application:review_pass', 'application:approve',
      'visit', 'application:pay', 'payment', 'session',
    ]);
    const times = tl.items.map((x) => epoch(x.at));
    assert.deepEqual(times, [...times].sort((a, b) => a - b), 'oldest first');
    const pay = tl.items.find((x) => x.kind === 'payment');
    assert.equal(pay.amount, 60000);
    assert.equal(pay.ref.id, app.id);
    assert.equal(tl.items.find((x) => x.kind === 'session').ref.id, s.id);
    assert.equal(tl.items.find((x) => x.kind === 'visit').ref.id, v.id);
    assert.equal(tl.items.find((x) => x.kind === 'referral').title, '转介家庭教育服务');
    assert.ok(!JSON.stringify(tl).includes('家长课堂'), 'session notes in the timeline');
    assert.ok(tl.items.find((x) => x.kind === 'session').text.includes('祖父学会倾听'));

    const { strings, sheet } = xlsxText(Buffer.from(await (await fetch(`${srv.base}${C}/${t.id}/timeline?format=xlsx`, { headers: { Cookie: U.cw.cookie } })).arrayBuffer()), srv.dir);
    for (const h of ['时间', '类别', '事项', '金额（元）', '资金发放', '家访']) assert.ok(strings.includes(h), `xlsx lacks ${h}`);
    assert.ok(sheet.includes('<v>600</v>'), 'the payment as a number of yuan');

    expectReply(await U.cw2.get(`${C}/${t.id}/timeline`), 404, 'child.not_found');
    expectReply(await U.fin.get(`${C}/${t.id}/timeline`), 403, 'auth.forbidden');
    expectReply(await U.cw.get(`${C}/999999/timeline`), 404, 'child.not_found');
    expectReply(await U.cw.get(`${C}/${t.id}/timeline?page=1`), 400, 'request.invalid_query');
    expectReply(await U.ap.get(`${C}/${t.id}/timeline`), 200);
  });

  it('dictionaries and the audit trail still verify; the server stops cleanly', async () => {
    await srv.stop();
    const v = await runCli(['verify', '--db', srv.db]);
    assert.equal(v.code, 0, `huimin verify: ${v.stdout}\n${v.stderr}`);
    assertNoCliSanitizerReports();
  });
});
