// The command-line tool: help, usage errors, verify (and what it finds in a
// tampered database), backup, and the exit codes of DESIGN's contract:
// 0 ok, 1 failure, 2 usage error, 3 database cannot be opened / is corrupt /
// newer schema, 4 cannot listen.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { startServer, loginAll, runCli, expectReply, makeId, sexOf, assertNoCliSanitizerReports, USERS } from './lib.mjs';

const HAN = /[\u4e00-\u9fff]/;

/** Run one SQL statement with the sqlite3 command-line shell; returns stdout. */
function sql(db, statement) {
  const r = spawnSync('sqlite3', [db, statement], { encoding: 'utf8' });
  assert.equal(r.status, 0, `sqlite3 ${db} "${statement}": ${r.stderr}`);
  return r.stdout.trim();
}

/** A consistent copy of a database, for tampering with. */
function copyDb(db, name) {
  const to = path.join(path.dirname(db), name);
  fs.rmSync(to, { force: true });
  sql(db, `.backup '${to}'`);
  return to;
}

const both = (r) => `${r.stdout}\n${r.stderr}`;
const show = (args, r) => `huimin ${args.join(' ')} → exit ${r.code ?? r.signal}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`;

async function cli(args, code, opts) {
  const r = await runCli(args, opts);
  assert.equal(r.code, code, show(args, r));
  return r;
}

describe('cli', () => {
  let srv, db, entryId;

  before(async () => {
    srv = await startServer({ users: USERS.filter(([u]) => ['cw', 'rv', 'ap', 'fin'].includes(u)) });
    db = srv.db;
    // some history: a child, an application paid, so that verify has audit records and postings to check
    const U = await loginAll(srv.base, ['cw', 'rv', 'ap', 'fin']);
    const id = makeId('370402', '20160315', 211);
    const child = expectReply(await U.cw.post('/api/v1/fund/children', {
      name: '李小红', sex: sexOf(id), birth_date: '2016-03-15', id_number: id, hukou_district: '370402',
      hukou_evidence: '户口簿', categories: ['left_behind'], household_status: 'none',
      guardian_name: '李奶奶', guardian_relation: '祖母', guardian_phone: '13900001111', address: '市中区',
    }), 201).child;
    let a = expectReply(await U.cw.post('/api/v1/fund/applications', {
      child_id: child.id, applicant_type: 'guardian', applicant_name: '李奶奶', applicant_relation: '祖母',
      aid: { living: 80000 }, description: '生活困难', emergency: false,
    }), 201).application;
    const A = `/api/v1/fund/applications/${a.id}`;
    expectReply(await U.cw.post(`${A}/accept`, {}), 200);
    expectReply(await U.rv.post(`${A}/review`, { decision: 'pass' }), 200);
    expectReply(await U.ap.post(`${A}/approve`, { approved: { living: 80000 } }), 200);
    const paid = expectReply(await U.fin.post(`${A}/pay`, {}), 200);
    entryId = paid.payment.entry_id;
    await srv.stop();
  });
  after(() => srv?.stop());

  it('huimin --help and each command\'s --help print usage and exit 0', async () => {
    const main = await cli(['--help'], 0);
    assert.match(main.stdout, HAN, 'Chinese usage text');
    for (const cmd of ['init', 'serve', 'user', 'verify', 'backup']) assert.ok(main.stdout.includes(cmd), `--help mentions ${cmd}`);
    for (const args of [['init', '--help'], ['serve', '--help'], ['user', 'add', '--help'], ['verify', '--help'], ['backup', '--help']]) {
      const r = await cli(args, 0);
      assert.match(r.stdout, HAN, show(args, r));
      assert.ok(r.stdout.includes(`huimin ${args[0]}`), `${show(args, r)}\nusage should show the command`);
    }
  });

  describe('usage errors exit 2 with a message', () => {
    const cases = [
      [],
      ['frobnicate'],
      ['verify', '--db'],
      ['verify', '--db', 'x.db', '--bogus'],
      ['backup', '--db', 'x.db'],
      ['serve', '--db', 'x.db', '--listen'],
      ['user', 'fly'],
      ['user', 'add', '--db', 'x.db', '--username', 'u'],
    ];
    for (const args of cases) {
      it(`huimin ${args.join(' ') || '(nothing)'} → 2`, async () => {
        const r = await cli(args, 2);
        assert.ok(r.stderr.trim().length > 0, show(args, r));
      });
    }
  });

  it('init --demo makes one demo user per role, their passwords printed once, and demo records', async () => {
    const dir = fs.mkdtempSync(path.join(srv.dir, 'demo-'));
    const db = path.join(dir, 'h.db');
    const r = await runCli(['init', '--db', db, '--demo']);
    assert.equal(r.code, 0, r.stderr);
    const roles = ['caseworker', 'reviewer', 'approver', 'finance', 'admin', 'leader', 'operator', 'supervisor', 'clerk', 'butler', 'butler_admin'];
    for (const role of roles) assert.match(r.stdout, new RegExp(`demo_${role} +[A-Za-z0-9]{16} `), `no demo user for ${role}`);
    assert.match(r.stdout, /密码只显示这一次/);
    // a second init keeps what is there and prints no passwords
    const again = await runCli(['init', '--db', db, '--demo']);
    assert.equal(again.code, 0, again.stderr);
    assert.doesNotMatch(again.stdout, /demo_admin +[A-Za-z0-9]{16}/);
    const v = await runCli(['verify', '--db', db]);
    assert.equal(v.code, 0, v.stdout);
  });

  it('verify accepts the database after the flow', async () => {
    const r = await cli(['verify', '--db', db], 0);
    assert.ok(both(r).trim().length > 0, 'verify says what it checked');
  });

  it('verify finds a rewritten audit record and names it', async () => {
    const t = copyDb(db, 'tamper-audit.db');
    sql(t, `UPDATE audit_log SET detail='{"x":1}' WHERE id=3`);
    const r = await runCli(['verify', '--db', t]);
    assert.equal(r.code, 1, show(['verify', '--db', t], r));
    assert.match(both(r), /\b3\b/, `${show(['verify'], r)}\nthe report should name record 3`);
  });

  it('verify finds a deleted audit record', async () => {
    const t = copyDb(db, 'tamper-audit-delete.db');
    sql(t, 'DELETE FROM audit_log WHERE id=2');
    const r = await runCli(['verify', '--db', t]);
    assert.equal(r.code, 1, show(['verify', '--db', t], r));
  });

  it('the dashboard counters follow writes made outside the server, and verify checks them', async () => {
    // triggers keep application_counts, so even SQL typed by hand keeps them right
    const t = copyDb(db, 'counters-by-hand.db');
    const app = sql(t, 'SELECT min(id) FROM applications');
    const child = sql(t, `SELECT child_id FROM applications WHERE id=${app}`);
    sql(t, `UPDATE applications SET status='rejected', decided_at=1, decision_due=2 WHERE id=${app}`);
    sql(t, `INSERT INTO child_categories (child_id, category) VALUES (${child}, 'scattered_orphan')`);
    sql(t, `UPDATE child_categories SET category='key_distress' WHERE child_id=${child} AND category='left_behind'`);
    sql(t, `INSERT INTO applications (child_id, org_id, applicant_type, applicant_name, applicant_relation, description,
            emergency, emergency_reason, status, created_at, updated_at)
            SELECT child_id, org_id, 'self', 'x', 'x', 'x', 1, 'x', 'submitted', 1, 1 FROM applications WHERE id=${app}`);
    assert.equal(sql(t, `SELECT n FROM application_counts WHERE kind='status' AND code='rejected'`), '1');
    assert.equal(sql(t, `SELECT sum(n) FROM application_counts WHERE kind='category' AND code='key_distress'`), '2');
    assert.equal(sql(t, `SELECT sum(n) FROM application_counts WHERE kind='category' AND code='left_behind'`), '0');
    sql(t, `DELETE FROM application_aid WHERE application_id=(SELECT max(id) FROM applications)`);
    sql(t, `DELETE FROM applications WHERE id=(SELECT max(id) FROM applications)`);
    const r = await runCli(['verify', '--db', t]);
    assert.equal(r.code, 0, show(['verify', '--db', t], r));
    assert.match(r.stdout, /申请统计：计数与申请记录一致/);
    // the list's category bits followed the same writes (migration 0026)
    assert.match(r.stdout, /申请类别标记：与儿童档案一致/);
  });

  it('verify finds an application whose category bits differ from its child', async () => {
    const t = copyDb(db, 'tamper-cats.db');
    const app = sql(t, `SELECT min(id) FROM applications WHERE cats <> 0`);
    sql(t, `UPDATE applications SET cats = 0 WHERE id=${app}`);
    const r = await runCli(['verify', '--db', t]);
    assert.equal(r.code, 1, show(['verify', '--db', t], r));
    assert.match(r.stdout, new RegExp(`申请类别标记：失败.*#${app}\\b`), show(['verify'], r));
  });

  it('verify finds a changed dashboard counter and a missing one', async () => {
    const t = copyDb(db, 'tamper-counts.db');
    sql(t, `UPDATE application_counts SET n = n + 1 WHERE kind='status' AND code='paid'`);
    const r = await runCli(['verify', '--db', t]);
    assert.equal(r.code, 1, show(['verify', '--db', t], r));
    assert.match(r.stdout, /申请统计：失败.*paid/, show(['verify'], r));
    const t2 = copyDb(db, 'tamper-counts-delete.db');
    sql(t2, `DELETE FROM application_counts WHERE kind='category'`);
    const r2 = await runCli(['verify', '--db', t2]);
    assert.equal(r2.code, 1, show(['verify', '--db', t2], r2));
    assert.match(r2.stdout, /申请统计：失败.*left_behind/, show(['verify'], r2));
  });

  it('verify finds a changed posting amount and names the journal entry', async () => {
    const t = copyDb(db, 'tamper-posting.db');
    const pid = sql(t, `SELECT min(id) FROM postings WHERE entry_id=${entryId}`);
    sql(t, `UPDATE postings SET amount = amount + 1 WHERE id=${pid}`);
    const r = await runCli(['verify', '--db', t]);
    assert.equal(r.code, 1, show(['verify', '--db', t], r));
    assert.match(both(r), new RegExp(`\\b${entryId}\\b`), `${show(['verify'], r)}\nthe report should name entry ${entryId}`);
  });

  it('backup makes a copy that verify accepts with the same counts', async () => {
    const to = path.join(srv.dir, 'backup.db');
    await cli(['backup', '--db', db, '--to', to], 0);
    assert.ok(fs.statSync(to).size > 0);
    const a = await cli(['verify', '--db', db], 0);
    const b = await cli(['verify', '--db', to], 0);
    const numbers = (r, p) => both(r).replaceAll(p, '').match(/\d+/g);
    assert.deepEqual(numbers(b, to), numbers(a, db), `counts differ:\n${both(a)}\n---\n${both(b)}`);
  });

  describe('a database that cannot be used exits 3', () => {
    it('missing file', async () => {
      const r = await cli(['verify', '--db', path.join(srv.dir, 'no-such-dir', 'x.db')], 3);
      assert.match(r.stderr, HAN, show(['verify'], r));
    });
    it('not a database', async () => {
      const junk = path.join(srv.dir, 'junk.db');
      fs.writeFileSync(junk, 'this is not an SQLite database, just text. '.repeat(200));
      await cli(['verify', '--db', junk], 3);
      await cli(['serve', '--db', junk, '--listen', '127.0.0.1:0'], 3, { timeoutMs: 15000 });
    });
    it('a newer schema than this program', async () => {
      const t = copyDb(db, 'future.db');
      sql(t, `INSERT INTO schema_version (version, name, applied_at) VALUES (9999, 'future', 0)`);
      const r = await cli(['serve', '--db', t, '--listen', '127.0.0.1:0'], 3, { timeoutMs: 15000 });
      assert.match(r.stderr, HAN, show(['serve'], r));
      await cli(['verify', '--db', t], 3);
    });
  });

  it('serve on a port in use exits 4 and says the port is occupied (端口)', async () => {
    const blocker = net.createServer();
    await new Promise((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = blocker.address().port;
    try {
      const r = await cli(['serve', '--db', db, '--listen', `127.0.0.1:${port}`], 4, { timeoutMs: 15000 });
      assert.match(r.stderr, /端口/, show(['serve'], r));
    } finally {
      blocker.close();
    }
  });

  it('user add refuses a weak password with a message', async () => {
    const r = await runCli(['user', 'add', '--db', db, '--username', 'weak', '--role', 'caseworker', '--org', '370402', '--name', '弱密码', '--password-stdin'], { input: 'short\n' });
    assert.notEqual(r.code, 0, show(['user', 'add'], r));
    assert.match(r.stderr, HAN, show(['user', 'add'], r));
    assert.equal(sql(db, "SELECT count(*) FROM users WHERE username='weak'"), '0');
  });

  it('no sanitizer report from any command', () => {
    assertNoCliSanitizerReports();
  });
});
