// The crash test: the real server under write load, killed with SIGKILL at
// random moments and restarted on the same database, again and again.
//
//   node tests/crash/crash.mjs [KILLS]     (default $CRASH_KILLS or 5)
//
// Server: $HUIMIN_CRASH_BIN, default ./huimin (the release build: faster
// than the sanitizer build, so more writes are in flight at each kill).
// Load: $CRASH_CLIENTS (default 4) pipelines, each taking a new child
// through create → application → accept → review → approve → pay, as the
// caseworker, reviewer, approver and finance users. Every write carries its
// own Idempotency-Key and is sent again with the same key on a connection
// error or a 5xx until the server answers; a 2xx answer is "acknowledged".
//
// After each kill, with the server down, on the crashed database file:
//   - `huimin verify --db` exits 0 (audit chain, every journal entry
//     balanced, SQLite integrity);
//   - every acknowledged child exists, every acknowledged application
//     exists in the acknowledged state or a later one;
//   - no application has more than one 'payment' journal entry, and the
//     paid applications are exactly those with one;
//   - bank account (1001) = 200000000 − sum of approved amounts of paid
//     applications, to the fen.
// One TAP line per kill, then one for the final state after the clients
// finished their retries (every write acknowledged by then, a final SIGTERM).
import { spawn, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const BIN = path.resolve(ROOT, process.env.HUIMIN_CRASH_BIN || 'huimin');
const KILLS = Number(process.argv[2] || process.env.CRASH_KILLS || 5);
const CLIENTS = Number(process.env.CRASH_CLIENTS || 4);
const PASSWORD = 'Crash-test-2026';
const OPENING = 200000000;
const RANK = { submitted: 0, returned: 0, accepted: 1, reviewed: 2, approved: 3, rejected: 3, paid: 4 };

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'huimin-crash-'));
const db = path.join(dir, 'huimin.db');
let tap = 0;
let failures = 0;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const rand = (a, b) => a + Math.floor(Math.random() * (b - a + 1));

function ok(pass, what, detail = '') {
  tap++;
  if (!pass) failures++;
  console.log(`${pass ? 'ok' : 'not ok'} ${tap} - ${what}`);
  if (!pass && detail) console.log(detail.split('\n').map((l) => `# ${l}`).join('\n'));
}

function cli(args, input) {
  return execFileSync(BIN, args, { cwd: ROOT, input: input ?? '', encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] });
}

function sql(q) {
  const out = execFileSync('sqlite3', ['-batch', '-separator', '|', db, q], { encoding: 'utf8' });
  return out.split('\n').filter((l) => l !== '').map((l) => l.split('|'));
}

function freePort() {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

// ---- the server ----------------------------------------------------------
let port;
let proc = null;
let serverLog = '';
function startServer() {
  return new Promise((resolve, reject) => {
    const p = spawn(BIN, ['serve', '--db', db, '--listen', `127.0.0.1:${port}`], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    proc = p;
    p.exited = new Promise((r) => p.on('exit', (code, signal) => r({ code, signal })));
    let out = '';
    const timer = setTimeout(() => reject(new Error(`server did not start in 20 s\n${serverLog.slice(-2000)}`)), 20000);
    p.stderr.setEncoding('utf8').on('data', (d) => (serverLog = (serverLog + d).slice(-200000)));
    p.stdout.setEncoding('utf8').on('data', (d) => {
      out += d;
      if (out.includes('listening on')) {
        clearTimeout(timer);
        resolve();
      }
    });
    p.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (!out.includes('listening on')) reject(new Error(`server exited at start (${code ?? signal})\n${serverLog.slice(-2000)}`));
    });
  });
}

// ---- clients -------------------------------------------------------------
const base = () => `http://127.0.0.1:${port}`;
const deadline = { ms: 180000 };

async function login(username) {
  const r = await fetch(`${base()}/api/v1/session`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username, password: PASSWORD }),
  });
  if (r.status !== 201) throw new Error(`login ${username}: ${r.status} ${await r.text()}`);
  const cookie = r.headers.get('set-cookie').split(';')[0];
  const { csrf_token: csrf } = await r.json();
  return { username, cookie, csrf };
}

let keySeq = 0;
const stats = { writes: 0, retries: 0, replays: 0 };
/** Send a write until the server answers (not a connection error, not 5xx). */
async function write(c, method, p, body) {
  const key = `crash-${process.pid}-${++keySeq}-${Date.now().toString(36)}`;
  const t0 = Date.now();
  for (let attempt = 0; ; attempt++) {
    if (Date.now() - t0 > deadline.ms) throw new Error(`${method} ${p}: no answer for ${deadline.ms / 1000} s`);
    try {
      const headers = { Cookie: c.cookie, 'X-CSRF-Token': c.csrf, 'Idempotency-Key': key };
      if (body !== undefined) headers['Content-Type'] = 'application/json';
      const r = await fetch(base() + p, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(20000),
      });
      const text = await r.text();
      if (r.status >= 500) {
        stats.retries++;
        await sleep(30);
        continue;
      }
      stats.writes++;
      if (attempt > 0) stats.replays++;
      let json = null;
      try {
        json = JSON.parse(text);
      } catch {
        /* not JSON */
      }
      return { status: r.status, json, text, attempts: attempt + 1 };
    } catch {
      stats.retries++;
      await sleep(30);
    }
  }
}

function idCheckChar(first17) {
  const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * w[i];
  return '10X98765432'[sum % 11];
}
let childSeq = 0;
function childBody() {
  const n = childSeq++;
  // a different birth day for every 1000 children, so ID numbers stay unique
  const d = new Date(Date.UTC(2012, 0, 1) + Math.floor(n / 900) * 86400000);
  const ymd = d.toISOString().slice(0, 10);
  const first17 = `370402${ymd.replaceAll('-', '')}${String(100 + (n % 900)).padStart(3, '0')}`;
  const id = first17 + idCheckChar(first17);
  return {
    name: `压测儿童${n}`,
    sex: Number(id[16]) % 2 === 1 ? 'M' : 'F',
    birth_date: ymd,
    id_number: id,
    hukou_district: '370402',
    hukou_evidence: '户口簿',
    categories: ['left_behind'],
    household_status: 'none',
    guardian_name: '张大山',
    guardian_relation: '祖父',
    guardian_phone: '13812345678',
  };
}

// what the clients saw acknowledged
const acked = { children: new Set(), apps: new Map(), approved: new Map() };
const problems = [];
let stopping = false;

async function pipeline(U) {
  const step = async (c, method, p, body, want) => {
    const r = await write(c, method, p, body);
    if (r.status !== want) {
      problems.push(`${c.username} ${method} ${p} → ${r.status} ${r.text.slice(0, 300)} (after ${r.attempts} attempts)`);
      return null;
    }
    return r.json;
  };
  while (!stopping && problems.length === 0) {
    const ch = await step(U.cw, 'POST', '/api/v1/fund/children', childBody(), 201);
    if (!ch) return;
    acked.children.add(ch.child.id);
    if (stopping) return;
    // at most ¥500 each, so that the ¥2,000,000 lasts for thousands of payments
    const living = rand(1, 500) * 100;
    const a = await step(U.cw, 'POST', '/api/v1/fund/applications', {
      child_id: ch.child.id,
      applicant_type: 'guardian',
      applicant_name: '张大山',
      applicant_relation: '祖父',
      aid: { living },
      services: [],
      description: '父母外出务工，祖父年迈。',
    }, 201);
    if (!a) return;
    const id = a.application.id;
    acked.apps.set(id, 'submitted');
    const A = `/api/v1/fund/applications/${id}`;
    const moves = [
      [U.cw, 'accept', undefined, 'accepted'],
      [U.rv, 'review', { decision: 'pass', opinion: '情况属实' }, 'reviewed'],
      [U.ap, 'approve', { approved: { living }, opinion: '同意' }, 'approved'],
      [U.fin, 'pay', undefined, 'paid'],
    ];
    for (const [c, verb, body, state] of moves) {
      if (stopping) return;
      const r = await step(c, 'POST', `${A}/${verb}`, body, 200);
      if (!r) return;
      acked.apps.set(id, state);
      if (state === 'approved') acked.approved.set(id, living);
    }
  }
}

// ---- the checks ----------------------------------------------------------
function check(label) {
  const errs = [];
  let verify = '';
  try {
    verify = cli(['verify', '--db', db]);
  } catch (e) {
    errs.push(`huimin verify exited ${e.status}: ${e.stdout}${e.stderr}`);
  }
  const children = new Set(sql('SELECT id FROM children').map((r) => Number(r[0])));
  const apps = new Map(sql('SELECT id, status FROM applications').map((r) => [Number(r[0]), r[1]]));
  for (const id of acked.children) if (!children.has(id)) errs.push(`acknowledged child ${id} is missing`);
  for (const [id, st] of acked.apps) {
    const now = apps.get(id);
    if (!now) errs.push(`acknowledged application ${id} (${st}) is missing`);
    else if (RANK[now] < RANK[st]) errs.push(`application ${id}: acknowledged ${st}, found ${now}`);
  }
  const doubled = sql("SELECT source_id, count(*) FROM journal_entries WHERE source = 'payment' GROUP BY source_id HAVING count(*) > 1");
  for (const [id, n] of doubled) errs.push(`application ${id} paid ${n} times`);
  const paidIds = new Set(sql("SELECT id FROM applications WHERE status = 'paid'").map((r) => Number(r[0])));
  const payIds = new Set(sql("SELECT source_id FROM journal_entries WHERE source = 'payment'").map((r) => Number(r[0])));
  for (const id of paidIds) if (!payIds.has(id)) errs.push(`application ${id} is paid without a payment entry`);
  for (const id of payIds) if (!paidIds.has(id)) errs.push(`payment entry for application ${id}, which is not paid`);
  const [[bankS]] = sql("SELECT coalesce(sum(p.amount), 0) FROM postings p JOIN accounts a ON a.id = p.account_id WHERE a.code = '1001'");
  const [[paidS]] = sql("SELECT coalesce(sum(x.approved), 0) FROM application_aid x JOIN applications a ON a.id = x.application_id WHERE a.status = 'paid'");
  const bank = Number(bankS);
  const paid = Number(paidS);
  if (bank !== OPENING - paid) errs.push(`bank ${bank} ≠ ${OPENING} − ${paid} paid`);
  // acknowledged approvals paid must match what the client approved
  const approvedIn = new Map(sql('SELECT application_id, coalesce(sum(approved), 0) FROM application_aid GROUP BY application_id').map((r) => [Number(r[0]), Number(r[1])]));
  for (const id of paidIds) {
    const want = acked.approved.get(id);
    if (want === undefined) continue; // approval in flight at a kill: its answer was lost, and the retry got the replay
    if (approvedIn.get(id) !== want) errs.push(`application ${id}: approved ${approvedIn.get(id)}, client approved ${want}`);
  }
  const summary = `${label}: ${acked.children.size} acked children / ${children.size} in db, ${acked.apps.size} acked applications / ${apps.size} in db, ${paidIds.size} paid once each, bank ${bank} = opening − ${paid}, verify ${errs.some((e) => e.startsWith('huimin verify')) ? 'FAILED' : 'ok'}`;
  ok(errs.length === 0, summary, errs.slice(0, 20).join('\n') + (errs.length ? `\n${verify}` : ''));
  return errs.length === 0;
}

// ---- main ----------------------------------------------------------------
async function main() {
  console.log(`# crash test: ${KILLS} kills, ${CLIENTS} client pipelines, server ${path.relative(ROOT, BIN) || BIN}, db ${db}`);
  cli(['init', '--db', db]);
  const users = [['cw', 'caseworker', '370402'], ['rv', 'reviewer', '370402'], ['ap', 'approver', '370400'], ['fin', 'finance', '370400']];
  for (const [u, role, org] of users) cli(['user', 'add', '--db', db, '--username', u, '--role', role, '--org', org, '--password-stdin'], `${PASSWORD}\n`);
  port = await freePort();
  await startServer();
  const U = {};
  for (const [u] of users) U[u] = await login(u);
  const workers = Array.from({ length: CLIENTS }, () => pipeline(U));
  const t0 = Date.now();
  for (let k = 1; k <= KILLS && problems.length === 0; k++) {
    await sleep(rand(150, 1200));
    const p = proc;
    const at = Date.now() - t0;
    p.kill('SIGKILL');
    const { signal } = await p.exited;
    if (signal !== 'SIGKILL') ok(false, `kill ${k}: the server had already exited (${signal})`, serverLog.slice(-2000));
    check(`kill ${k} at +${at} ms`);
    await startServer();
  }
  stopping = true;
  await Promise.all(workers);
  for (const p of problems) ok(false, 'a write was refused', p);
  proc.kill('SIGTERM');
  const { code } = await proc.exited;
  ok(code === 0, `final SIGTERM: exit ${code}`);
  check(`final (${stats.writes} writes answered, ${stats.retries} retries after connection errors or 5xx)`);
  console.log(`1..${tap}`);
  console.log(`# ${KILLS} kills; ${stats.writes} writes answered (${stats.replays} after a retry); ${stats.retries} retries; ${acked.children.size} children, ${acked.apps.size} applications, ${[...acked.apps.values()].filter((s) => s === 'paid').length} paid acknowledged`);
  if (failures === 0 && !process.env.HUIMIN_KEEP_TMP) fs.rmSync(dir, { recursive: true, force: true });
  else console.log(`# kept ${dir}`);
  process.exit(failures ? 1 : 0);
}

main().catch((e) => {
  ok(false, 'crash test aborted', `${e.stack}\n${serverLog.slice(-3000)}`);
  console.log(`1..${tap}`);
  console.log(`# kept ${dir}`);
  try {
    proc?.kill('SIGKILL');
  } catch {
    /* gone */
  }
  process.exit(1);
});
