// The API test harness: start a real huimin server on 127.0.0.1 with a
// fresh database and the test users, talk to it as those users, run the
// command-line tool, and watch the sanitizer build's stderr for reports.
//
// The server binary is $HUIMIN_BIN (scripts/run-tests sets it to the
// AddressSanitizer build), else build/asan/huimin, relative to the repo root.
import { spawn } from 'node:child_process';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const BIN = path.resolve(ROOT, process.env.HUIMIN_BIN || 'build/asan/huimin');
export const PASSWORD = 'Test-pass-2026';

// username, role, org, display name
export const USERS = [
  ['cw', 'caseworker', '370402', '市中区经办人'],
  ['cw2', 'caseworker', '370403', '薛城区经办人'],
  ['rv', 'reviewer', '370402', '市中区审核人'],
  ['rv2', 'reviewer', '370403', '薛城区审核人'],
  ['ap', 'approver', '370400', '市审批人'],
  ['fin', 'finance', '370400', '市财务'],
  ['adm', 'admin', '370400', '系统管理员'],
  ['lead', 'leader', '370400', '市领导'],
];

const SANITIZER = /ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:/;

// Sanitizer reports seen in any command-line run of this test file.
const cliReports = [];

/** The sanitizer report in text, or null. */
export function sanitizerReport(text) {
  const m = SANITIZER.exec(text || '');
  return m ? text.slice(Math.max(0, m.index - 200), m.index + 4000) : null;
}

/** Run `huimin ARGS` to completion: {code, signal, stdout, stderr}. */
export function runCli(args, { input, env, timeoutMs = 60000 } = {}) {
  return new Promise((resolve, reject) => {
    const p = spawn(BIN, args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    p.stdout.setEncoding('utf8').on('data', (d) => (stdout += d));
    p.stderr.setEncoding('utf8').on('data', (d) => (stderr += d));
    const timer = setTimeout(() => p.kill('SIGKILL'), timeoutMs);
    p.on('error', (e) => {
      clearTimeout(timer);
      reject(new Error(`cannot run ${BIN}: ${e.message}`));
    });
    p.on('close', (code, signal) => {
      clearTimeout(timer);
      const report = sanitizerReport(stderr);
      if (report) cliReports.push(`huimin ${args.join(' ')}:\n${report}`);
      resolve({ code, signal, stdout, stderr });
    });
    p.stdin.on('error', () => {}); // the program may exit before reading stdin
    p.stdin.end(input ?? '');
  });
}

/** Assert that no command-line run so far produced a sanitizer report. */
export function assertNoCliSanitizerReports() {
  assert.equal(cliReports.length, 0, `sanitizer report from the command-line tool:\n${cliReports.join('\n')}`);
}

async function cliOk(args, opts) {
  const r = await runCli(args, opts);
  assert.equal(r.code, 0, `huimin ${args.join(' ')} exited ${r.code ?? r.signal}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
  return r;
}

/**
 * A fresh database with the test users, and a server on it.
 * Returns {base, dir, db, proc, stderr(), stop(), restart({offsetSeconds})}.
 */
export async function startServer({ offsetSeconds, users = USERS, args = [] } = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'huimin-api-'));
  tempDirs.add(dir);
  const db = path.join(dir, 'huimin.db');
  await cliOk(['init', '--db', db]);
  // argon2id is slow on purpose (more so under ASan): create users once per server.
  for (const [username, role, org, name] of users) {
    await cliOk(['user', 'add', '--db', db, '--username', username, '--role', role, '--org', org, '--name', name, '--password-stdin'], {
      input: `${PASSWORD}\n`,
    });
  }
  const srv = { dir, db, base: null, proc: null, log: '', args };
  await spawnServer(srv, offsetSeconds);

  srv.stderr = () => srv.log;
  srv.stop = () => stopServer(srv);
  srv.restart = async ({ offsetSeconds: off } = {}) => {
    await stopServer(srv);
    await spawnServer(srv, off);
  };
  return srv;
}

// Servers still running when this process ends (a crash, an abort) are killed,
// so that no orphan keeps a port and a temp directory.
// Temp directories go too, unless a test failed (then they are kept for a
// look, and their paths are in the failure messages) or HUIMIN_KEEP_TMP is set.
const running = new Set();
const tempDirs = new Set();
process.on('exit', (code) => {
  for (const p of running) p.kill('SIGKILL');
  if (code === 0 && !process.env.HUIMIN_KEEP_TMP) for (const d of tempDirs) fs.rmSync(d, { recursive: true, force: true });
});

function spawnServer(srv, offsetSeconds) {
  const env = { ...process.env };
  if (offsetSeconds !== undefined) env.HUIMIN_CLOCK_OFFSET = String(offsetSeconds);
  else delete env.HUIMIN_CLOCK_OFFSET;
  const proc = spawn(BIN, ['serve', '--db', srv.db, '--listen', '127.0.0.1:0', ...srv.args], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  srv.proc = proc;
  running.add(proc);
  srv.exited = new Promise((resolve) =>
    proc.on('exit', (code, signal) => {
      running.delete(proc);
      resolve({ code, signal });
    }),
  );
  proc.stderr.setEncoding('utf8').on('data', (d) => (srv.log += d));
  return new Promise((resolve, reject) => {
    let out = '';
    const fail = (why) => {
      clearTimeout(timer);
      proc.kill('SIGKILL');
      reject(new Error(`huimin serve ${why}\nstdout: ${out}\nstderr: ${srv.log}`));
    };
    const timer = setTimeout(() => fail('did not print "huimin: listening on http://127.0.0.1:PORT" within 20 s'), 20000);
    proc.on('error', (e) => fail(`could not start: ${e.message}`));
    const early = (code, signal) => fail(`exited early (${code ?? signal})`);
    proc.on('exit', early);
    proc.stdout.setEncoding('utf8').on('data', (d) => {
      out += d;
      const m = /huimin: listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (m && !srv.base?.startsWith(m[1])) {
        clearTimeout(timer);
        proc.removeListener('exit', early);
        srv.base = m[1];
        resolve();
      }
    });
  });
}

/** Keep the server's stderr in $HUIMIN_TEST_OUTPUT/server-<test file>.stderr. */
function keepLog(srv) {
  const out = process.env.HUIMIN_TEST_OUTPUT;
  if (!out) return;
  try {
    fs.mkdirSync(out, { recursive: true });
    const name = path.basename(process.argv[1] || 'api', '.mjs').replace(/\.test$/, '');
    fs.writeFileSync(path.join(out, `server-${name}.stderr`), srv.log);
  } catch {
    /* only a copy for reading; the test result does not depend on it */
  }
}

async function stopServer(srv) {
  const proc = srv.proc;
  if (!proc) return;
  srv.proc = null;
  srv.base = null;
  let killed = false;
  if (proc.exitCode === null && proc.signalCode === null) {
    proc.kill('SIGTERM');
    const t = setTimeout(() => {
      killed = true;
      proc.kill('SIGKILL');
    }, 20000);
    await srv.exited;
    clearTimeout(t);
  }
  const { code, signal } = await srv.exited;
  keepLog(srv);
  const report = sanitizerReport(srv.log);
  assert.equal(report, null, `sanitizer report in the server's stderr:\n${report}`);
  assert.ok(!killed, 'the server did not stop within 20 s of SIGTERM');
  assert.equal(code, 0, `the server exited with ${code ?? signal} after SIGTERM\nstderr tail:\n${srv.log.slice(-3000)}`);
}

/** The Set-Cookie headers of a reply (Headers.getSetCookie is Node ≥ 19.7). */
export function setCookies(headers) {
  if (headers.getSetCookie) return headers.getSetCookie();
  const one = headers.get('set-cookie');
  return one ? [one] : [];
}

/** An HTTP client with its own session cookie and CSRF token. */
export function client(base) {
  const c = {
    base,
    cookie: null,
    csrf: null,
    async raw(method, urlPath, { body, rawBody, contentType, headers = {}, noCsrf = false } = {}) {
      const h = { ...headers };
      let payload;
      if (rawBody !== undefined) {
        payload = rawBody;
        if (contentType) h['Content-Type'] = contentType;
      } else if (body !== undefined) {
        payload = JSON.stringify(body);
        h['Content-Type'] = contentType || 'application/json';
      }
      if (c.cookie) h.Cookie = c.cookie;
      if (c.csrf && !noCsrf && method !== 'GET' && method !== 'HEAD') h['X-CSRF-Token'] = c.csrf;
      const res = await fetch(c.base + urlPath, { method, headers: h, body: payload, redirect: 'manual' });
      const text = await res.text();
      let json = null;
      try {
        json = JSON.parse(text);
      } catch {
        /* not JSON */
      }
      return { status: res.status, json, text, headers: res.headers, sent: `${method} ${urlPath} ${body !== undefined ? JSON.stringify(body) : String(rawBody ?? '')}`.slice(0, 400) };
    },
    get: (p, o) => c.raw('GET', p, o),
    post: (p, body = {}, o = {}) => c.raw('POST', p, { ...o, body }),
    put: (p, body = {}, o = {}) => c.raw('PUT', p, { ...o, body }),
    del: (p, o) => c.raw('DELETE', p, o),
    /** Sign in; keeps the cookie and CSRF token on success. Returns the reply. */
    async login(username, password = PASSWORD) {
      const r = await c.raw('POST', '/api/v1/session', { body: { username, password } });
      if (r.status === 201) {
        const sc = setCookies(r.headers).find((s) => s.startsWith('hm_session='));
        c.cookie = sc ? sc.split(';')[0] : null;
        c.csrf = r.json?.csrf_token ?? null;
        c.setCookie = sc;
      }
      return r;
    },
  };
  return c;
}

/** A signed-in client; throws when sign-in fails. */
export async function login(base, username, password = PASSWORD) {
  const c = client(base);
  const r = await c.login(username, password);
  assert.equal(r.status, 201, `login ${username}: ${r.status} ${r.text}`);
  assert.ok(c.cookie, `login ${username}: no hm_session cookie`);
  return c;
}

/** Sign in every test user: {cw: client, cw2: client, ...}. */
export async function loginAll(base, names = USERS.map((u) => u[0])) {
  const out = {};
  for (const n of names) out[n] = await login(base, n);
  return out;
}

/**
 * Assert a reply's status and (for errors) error code and field, with a
 * message that shows what was sent and what came back.
 */
export function expectReply(res, status, code, field) {
  const msg = `${res.sent}\n→ ${res.status} ${res.text.slice(0, 600)}`;
  assert.equal(res.status, status, `status: ${msg}`);
  if (code !== undefined) assert.equal(res.json?.error?.code, code, `error code: ${msg}`);
  if (field !== undefined) assert.equal(res.json?.error?.field, field, `error field: ${msg}`);
  if (status >= 400) {
    assert.equal(typeof res.json?.error?.message, 'string', `error message: ${msg}`);
  }
  return res.json;
}

/** GB 11643 check character for the first 17 digits. */
export function idCheckChar(first17) {
  const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * w[i];
  return '10X98765432'[sum % 11];
}

/** A valid 18-character ID number: makeId('370402', '20150607', '123'). */
export function makeId(region6, yyyymmdd, seq3) {
  const first17 = `${region6}${yyyymmdd}${String(seq3).padStart(3, '0')}`;
  assert.match(first17, /^\d{17}$/);
  return first17 + idCheckChar(first17);
}

/** Sex that matches an ID's sequence number (odd = male). */
export function sexOf(id) {
  return Number(id[16]) % 2 === 1 ? 'M' : 'F';
}

/** Seconds since the epoch of an ISO 8601 time. */
export function epoch(iso) {
  const t = Date.parse(iso);
  assert.ok(!Number.isNaN(t), `not a time: ${iso}`);
  return Math.floor(t / 1000);
}

/** An ISO 8601 time at +08:00 (Beijing), second precision. */
export function beijing(unixSeconds) {
  const d = new Date((unixSeconds + 8 * 3600) * 1000);
  return d.toISOString().replace(/\.\d{3}Z$/, '+08:00');
}
