// Backup and restore: `huimin backup` taken while the server serves a write
// load, restored by copying the file (and the attachments/ directory beside
// it) into a fresh directory and starting a server there.
//
// What must hold: the backup command succeeds under load; `huimin verify`
// passes on the restored copy (audit chain, balanced ledger, integrity);
// its record counts lie between the counts before and after the load; and
// it is a committed state — for each table the restored ids are exactly the
// live ids up to the restored maximum (no half-written transaction, no
// gap); a server starts on it, signs users in, lists the same records and
// serves an attachment whose file was copied with the database (and the
// key file of the encrypted fields, when the database has one).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startServer, loginAll, client, expectReply, makeId, sexOf, runCli, BIN, ROOT, PASSWORD, assertNoCliSanitizerReports, sanitizerReport } from './lib.mjs';

const TABLES = ['children', 'applications', 'journal_entries', 'audit_log'];
const sql = (db, q) => execFileSync('sqlite3', ['-batch', db, q], { encoding: 'utf8' }).trim();
const counts = (db) => Object.fromEntries(TABLES.map((t) => [t, Number(sql(db, `SELECT count(*) FROM ${t}`))]));
const ids = (db, t, max = null) =>
  sql(db, `SELECT id FROM ${t}${max === null ? '' : ` WHERE id <= ${max}`} ORDER BY id`).split('\n').filter(Boolean).map(Number);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

let seq = 500;
function childBody() {
  seq++;
  const birth = `2014-0${1 + (seq % 9)}-1${seq % 10}`;
  const id = makeId('370402', birth.replaceAll('-', ''), seq % 1000);
  return {
    name: `备份测试${seq}`, sex: sexOf(id), birth_date: birth, id_number: id, hukou_district: '370402',
    hukou_evidence: '户口簿', categories: ['left_behind'], household_status: 'none', guardian_name: '李四',
    guardian_relation: '祖母', guardian_phone: '13912345678',
  };
}

/** Start `huimin serve` on an existing database; resolves {base, proc, log(), stop()}. */
function serveOn(db) {
  return new Promise((resolve, reject) => {
    const proc = spawn(BIN, ['serve', '--db', db, '--listen', '127.0.0.1:0'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let log = '';
    const exited = new Promise((r) => proc.on('exit', (code, signal) => r({ code, signal })));
    proc.stderr.setEncoding('utf8').on('data', (d) => (log += d));
    const timer = setTimeout(() => reject(new Error(`restored server did not start\n${log}`)), 20000);
    proc.on('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`restored server exited (${code ?? signal})\n${log}`));
    });
    proc.stdout.setEncoding('utf8').on('data', (d) => {
      out += d;
      const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({
          base: m[1],
          log: () => log,
          async stop() {
            proc.kill('SIGTERM');
            return exited;
          },
        });
      }
    });
  });
}

describe('backup under load and restore', () => {
  let srv, U;
  let before0, after0, restored, attachment;
  const backupFile = () => path.join(srv.dir, 'backup.db');
  const restoreDir = fs.mkdtempSync(path.join(os.tmpdir(), 'huimin-restore-'));
  const restoredDb = path.join(restoreDir, 'huimin.db');
  const stats = { writes: 0 };

  before(async () => {
    srv = await startServer();
    U = await loginAll(srv.base, ['cw', 'rv']);
    // one child with an attachment before the load: its file lives beside the database
    const child = expectReply(await U.cw.post('/api/v1/fund/children', childBody()), 201).child;
    const pdf = Buffer.from(`%PDF-1.4\n% backup test ${Date.now()}\n%%EOF\n`);
    const a = await U.cw.raw('POST', `/api/v1/fund/children/${child.id}/attachments?filename=hukou.pdf`, { rawBody: pdf, contentType: 'application/pdf' });
    attachment = { id: expectReply(a, 201).attachment.id, bytes: pdf };
  });
  after(() => {
    srv?.stop();
    fs.rmSync(restoreDir, { recursive: true, force: true });
  });

  it('huimin backup succeeds while four clients write', async () => {
    before0 = counts(srv.db);
    let stop = false;
    const writer = async () => {
      while (!stop) {
        const c = expectReply(await U.cw.post('/api/v1/fund/children', childBody()), 201).child;
        const app = expectReply(await U.cw.post('/api/v1/fund/applications', {
          child_id: c.id, applicant_type: 'guardian', applicant_name: '李四', applicant_relation: '祖母',
          aid: { living: 50000 }, services: [], description: '备份测试',
        }), 201).application;
        expectReply(await U.cw.post(`/api/v1/fund/applications/${app.id}/accept`), 200);
        stats.writes += 3;
      }
    };
    const writers = [writer(), writer(), writer(), writer()];
    await sleep(1200);
    const b = await runCli(['backup', '--db', srv.db, '--to', backupFile()], { timeoutMs: 60000 });
    await sleep(800);
    stop = true;
    await Promise.all(writers);
    after0 = counts(srv.db);
    assert.equal(b.code, 0, `backup exited ${b.code}: ${b.stdout}${b.stderr}`);
    assert.ok(stats.writes >= 12, `the load made only ${stats.writes} writes`);
    assert.ok(fs.statSync(backupFile()).size > 0);
  });

  it('the restored copy verifies and holds a committed state between before and after the load', async () => {
    fs.copyFileSync(backupFile(), restoredDb);
    // attachments are files beside the database: a restore copies them too
    fs.cpSync(path.join(srv.dir, 'attachments'), path.join(restoreDir, 'attachments'), { recursive: true });
    // so is the key file of the encrypted fields, when there is one (kept apart
    // from the backup in real life: whoever has both can read the records)
    if (fs.existsSync(`${srv.db}.key`)) fs.copyFileSync(`${srv.db}.key`, `${restoredDb}.key`);
    const v = await runCli(['verify', '--db', restoredDb]);
    assert.equal(v.code, 0, `verify on the restored copy exited ${v.code}:\n${v.stdout}${v.stderr}`);
    restored = counts(restoredDb);
    for (const t of TABLES) {
      assert.ok(restored[t] >= before0[t] && restored[t] <= after0[t], `${t}: restored ${restored[t]}, before the load ${before0[t]}, after ${after0[t]}`);
      const r = ids(restoredDb, t);
      const max = r.length ? r[r.length - 1] : 0;
      assert.deepEqual(r, ids(srv.db, t, max), `${t}: the restored ids are not the live ids up to ${max}`);
    }
    // the backup was taken in the middle of the load, not before or after it
    assert.ok(restored.children > before0.children || restored.children < after0.children, JSON.stringify({ before0, restored, after0 }));
    console.log(`backup: before ${JSON.stringify(before0)}, restored ${JSON.stringify(restored)}, after ${JSON.stringify(after0)}, ${stats.writes} writes during the load`);
  });

  it('a server on the restored copy signs users in and serves the records and the attachment', async () => {
    const r = await serveOn(restoredDb);
    try {
      const c = client(r.base);
      expectReply(await c.login('cw', PASSWORD), 201);
      const list = expectReply(await c.get('/api/v1/fund/children?page_size=1'), 200);
      assert.equal(list.total, restored.children);
      const got = await c.raw('GET', `/api/v1/fund/attachments/${attachment.id}/content`);
      assert.equal(got.status, 200, got.text.slice(0, 300));
      assert.equal(got.text, attachment.bytes.toString());
    } finally {
      const { code } = await r.stop();
      assert.equal(code, 0, `restored server exit ${code}\n${r.log().slice(-2000)}`);
      assert.equal(sanitizerReport(r.log()), null, sanitizerReport(r.log()));
    }
  });

  it('the command-line tools and the server left no sanitizer report', async () => {
    assertNoCliSanitizerReports();
    await srv.stop();
  });
});
