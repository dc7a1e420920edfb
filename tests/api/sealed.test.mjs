// Personal data at rest: ID numbers, phones, care notes and visit findings
// are sealed in the database file, found by a keyed hash, readable only with
// the key file init made (mode 0600), and survive a key rotation.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { USERS, beijing, expectReply, loginAll, makeId, runCli, sexOf, startServer } from './lib.mjs';

const C = '/api/v1/fund/children';
const ID = makeId('370402', '20140918', 315);
const PHONE = '13963215874';
const DONOR_PHONE = '13751239876';
const NOTES = '孩子反映在校被同学欺负，情绪低落，夜间失眠';
const FINDINGS = '祖母患慢性肾病，每周透析两次';
const CALLER = '13512348765';

/** Every printable run in the database file and its WAL, like strings(1). */
function stringsOf(dbPath) {
  let text = '';
  for (const f of [dbPath, `${dbPath}-wal`]) {
    if (fs.existsSync(f)) text += execFileSync('strings', ['-n', '6', f], { encoding: 'utf8', maxBuffer: 1 << 28 });
  }
  return text;
}

describe('sealed personal data', () => {
  let srv;
  let U;
  let child;
  before(async () => {
    srv = await startServer({ users: [...USERS, ['op', 'hotline_operator', '370400', '热线话务员']] });
    U = await loginAll(srv.base, ['cw', 'cw2', 'fin', 'ap', 'op']);
  });
  after(() => srv?.stop());

  it('init made a key file readable by its owner only', () => {
    const mode = fs.statSync(`${srv.db}.key`).mode & 0o777;
    assert.equal(mode, 0o600, `key file mode ${mode.toString(8)}`);
  });

  it('personal fields are not in the database file, yet the API shows them to who may see them', async () => {
    child = expectReply(await U.cw.post(C, {
      name: '加密测试', sex: sexOf(ID), birth_date: '2014-09-18', id_number: ID, hukou_district: '370402',
      hukou_evidence: '户口簿', categories: ['left_behind'], household_status: 'none', guardian_name: '测试监护人',
      guardian_relation: '祖母', guardian_phone: PHONE,
    }), 201).child;
    expectReply(await U.fin.post('/api/v1/fund/donors', { kind: 'individual', name: '加密捐赠人', phone: DONOR_PHONE, publish_name: false, publish_amount: false }), 201);
    const prov = expectReply(await U.cw.post('/api/v1/fund/care/providers', { name: '心理服务站', kind: 'org', services: ['psych'] }), 201).provider;
    const ref = expectReply(await U.cw.post('/api/v1/fund/care/referrals', { child_id: child.id, provider_id: prov.id, service: 'psych', reason: '情绪困扰' }), 201).referral;
    const at = beijing(Math.floor(Date.now() / 1000) - 600);
    const session = expectReply(await U.cw.post(`/api/v1/fund/care/referrals/${ref.id}/sessions`, { held_at: at, notes: NOTES, outcome: '好转' }), 201).session;
    expectReply(await U.cw.post('/api/v1/fund/care/visits', { child_id: child.id, visited_at: at, visitors: '社工', people_met: '祖母', findings: FINDINGS }), 201);
    const call = { channel: 'phone', line: '0632-3311161', kind: 'complaint', caller_name: '李女士', caller_phone: CALLER, place: '薛城区', content: '小区供暖不热', category: 'police.public_order' };
    const first = expectReply(await U.op.post('/api/v1/hotline/appeals', call), 201).appeal;
    const again = expectReply(await U.op.post('/api/v1/hotline/appeals', { ...call, content: '小区供暖仍然不热' }), 201).appeal;
    // repeat callers are still found, through the phone's keyed hash
    const dups = expectReply(await U.op.get(`/api/v1/hotline/appeals/${again.id}/duplicates`), 200);
    assert.ok(JSON.stringify(dups).includes(`"id":${first.id}`), JSON.stringify(dups).slice(0, 300));

    // through the API: masked in replies, full on the audited routes
    assert.equal(expectReply(await U.cw.get(`${C}/${child.id}/id-number`), 200).id_number, ID);
    assert.equal(expectReply(await U.cw.get(`/api/v1/fund/care/sessions/${session.id}`), 200).session.notes, NOTES);

    // in the file: none of them, in any form a search would find
    const text = stringsOf(srv.db);
    for (const secret of [ID, ID.slice(0, 14), PHONE, DONOR_PHONE, CALLER, NOTES.slice(0, 8), FINDINGS.slice(0, 8)]) {
      assert.ok(!text.includes(secret), `"${secret}" is readable in the database file`);
    }
  });

  it('an exact ID number is found through its keyed hash; duplicates are still refused', async () => {
    const found = expectReply(await U.cw.get(`${C}?id_number=${ID}`), 200);
    assert.deepEqual(found.items.map((c) => c.id), [child.id]);
    assert.equal(expectReply(await U.cw.get(`${C}?id_number=${makeId('370402', '20140918', 317)}`), 200).total, 0);
    assert.equal(expectReply(await U.cw2.get(`${C}?id_number=${ID}`), 200).total, 0, 'another district found the child');
    expectReply(await U.cw.get(`${C}?id_number=12345`), 400, 'request.invalid_query', 'id_number');
    expectReply(await U.cw.post(C, {
      name: '重复', sex: sexOf(ID), birth_date: '2014-09-18', id_number: ID, hukou_district: '370402', hukou_evidence: '户口簿',
      categories: ['left_behind'], household_status: 'none', guardian_name: '某', guardian_relation: '父', guardian_phone: '13800000001',
    }), 409, 'child.duplicate_id_number');
  });

  it('rekey reseals every value with a new key, and the data still reads', async () => {
    const keyBefore = fs.readFileSync(`${srv.db}.key`, 'utf8');
    await srv.stop();
    const r = await runCli(['rekey', '--db', srv.db]);
    assert.equal(r.code, 0, r.stderr);
    const keyAfter = fs.readFileSync(`${srv.db}.key`, 'utf8');
    assert.notEqual(keyAfter, keyBefore);
    assert.match(keyAfter, /^active 2$/m);
    assert.doesNotMatch(keyAfter, /^key 1 /m, 'the old key is still in the file');
    const v = await runCli(['verify', '--db', srv.db]);
    assert.equal(v.code, 0, v.stdout + v.stderr);
    assert.match(v.stdout, /加密字段：全部可用现有密钥解密/);
    await srv.restart();
    U = await loginAll(srv.base, ['cw']);
    assert.equal(expectReply(await U.cw.get(`${C}/${child.id}/id-number`), 200).id_number, ID);
    assert.deepEqual(expectReply(await U.cw.get(`${C}?id_number=${ID}`), 200).items.map((c) => c.id), [child.id]);
  });

  it('a server without its key file refuses to start; verify names damaged ciphertext', async () => {
    await srv.stop();
    const key = `${srv.db}.key`;
    fs.renameSync(key, `${key}.away`);
    const s = await runCli(['serve', '--db', srv.db, '--listen', '127.0.0.1:0'], { timeoutMs: 10000 });
    assert.equal(s.code, 3, s.stderr);
    assert.match(s.stderr, /密钥文件/);
    fs.renameSync(`${key}.away`, key);
    fs.chmodSync(key, 0o644);
    const loose = await runCli(['serve', '--db', srv.db, '--listen', '127.0.0.1:0'], { timeoutMs: 10000 });
    assert.equal(loose.code, 3, loose.stderr);
    assert.match(loose.stderr, /0600/);
    fs.chmodSync(key, 0o600);
    // flip one character inside a sealed phone: the MAC no longer matches
    execFileSync('sqlite3', [srv.db, `UPDATE children SET guardian_phone = substr(guardian_phone, 1, 20) || CASE substr(guardian_phone, 21, 1) WHEN 'A' THEN 'B' ELSE 'A' END || substr(guardian_phone, 22) WHERE id = ${child.id}`]);
    const v = await runCli(['verify', '--db', srv.db]);
    assert.equal(v.code, 1, v.stdout);
    assert.match(v.stdout, /加密字段：失败/);
    await srv.restart();
  });
});
