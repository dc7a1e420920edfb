// The HTTP layer: health, the API description, routing, input limits,
// content types, security headers, query checking, dictionaries.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { startServer, client, login, expectReply, assertNoCliSanitizerReports, ROOT } from './lib.mjs';

/** [method, path] of every route in the table of docs/api-plan.md. */
function planRoutes() {
  const text = fs.readFileSync(path.join(ROOT, 'docs/api-plan.md'), 'utf8');
  const routes = [];
  for (const line of text.split('\n')) {
    const m = /^\|\s*(GET|POST|PUT|DELETE)\s*\|\s*([^|]+?)\s*\|/.exec(line);
    if (!m) continue;
    // "/api/v1/users/{id}/disable , /enable" names two routes
    const [first, ...more] = m[2].split(/\s*,\s*/).map((p) => p.split('?')[0].trim());
    routes.push([m[1], first]);
    for (const tail of more) routes.push([m[1], first.replace(/\/[^/]+$/, '') + tail]);
  }
  return routes;
}

/** [method, path] of every entry of the server's route tables in src/. */
function serverRoutes() {
  const routes = [];
  const walk = (dir) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.c')) {
        for (const m of fs.readFileSync(p, 'utf8').matchAll(/\{\s*"(GET|POST|PUT|DELETE)",\s*"(\/[^"]*)"/g)) routes.push([m[1], m[2]]);
      }
    }
  };
  walk(path.join(ROOT, 'src'));
  return routes;
}

/** Does the YAML text have `path:` under paths with `method:` beneath it? */
function yamlHasRoute(yaml, method, route) {
  const lines = yaml.split('\n');
  const i = lines.findIndex((l) => l === `  ${route}:` || l === `  "${route}":` || l === `  '${route}':`);
  if (i < 0) return false;
  for (let j = i + 1; j < lines.length && !/^ {0,2}\S/.test(lines[j]); j++) {
    if (lines[j] === `    ${method.toLowerCase()}:`) return true;
  }
  return false;
}

describe('http', () => {
  let srv, anon, cw;

  before(async () => {
    srv = await startServer({ users: [['cw', 'caseworker', '370402', '市中区经办人']] });
    anon = client(srv.base);
    cw = await login(srv.base, 'cw');
  });
  after(() => srv?.stop());

  it('GET /healthz → {status:"ok", schema:N}', async () => {
    const r = expectReply(await anon.get('/healthz'), 200);
    assert.equal(r.status, 'ok');
    assert.ok(Number.isInteger(r.schema) && r.schema >= 1, `schema: ${r.schema}`);
  });

  it('GET /api/v1/openapi.yaml serves docs/openapi.yaml as built in', async () => {
    const r = await anon.get('/api/v1/openapi.yaml');
    assert.equal(r.status, 200);
    assert.match(r.headers.get('content-type') || '', /yaml/);
    const file = fs.readFileSync(path.join(ROOT, 'docs/openapi.yaml'), 'utf8');
    assert.ok(r.text === file, `the served document (${r.text.length} bytes) differs from docs/openapi.yaml (${file.length} bytes): stale build?`);
  });

  it('docs/openapi.yaml lists every route of the plan and of src/, and every code of errors.def', () => {
    const yaml = fs.readFileSync(path.join(ROOT, 'docs/openapi.yaml'), 'utf8');
    const routes = planRoutes();
    assert.ok(routes.length >= 30, `found only ${routes.length} routes in docs/api-plan.md`);
    const missing = routes.filter(([m, p]) => !yamlHasRoute(yaml, m, p)).map((x) => x.join(' '));
    assert.deepEqual(missing, [], 'routes of docs/api-plan.md missing from openapi.yaml');
    const undocumented = serverRoutes().filter(([m, p]) => !yamlHasRoute(yaml, m, p)).map((x) => x.join(' '));
    assert.deepEqual(undocumented, [], 'routes of the server (src/) missing from openapi.yaml');
    const codes = [...fs.readFileSync(path.join(ROOT, 'src/core/errors.def'), 'utf8').matchAll(/^X\(\s*\w+\s*,\s*"([^"]+)"/gm)].map((m) => m[1]);
    const absent = codes.filter((c) => !yaml.includes(`- ${c} `) && !yaml.includes(`- ${c}\n`));
    assert.deepEqual(absent, [], 'error codes of src/core/errors.def missing from openapi.yaml');
  });

  it('every route of the plan is routed (not 404 route.not_found / 405)', async () => {
    for (const [method, p] of planRoutes()) {
      const url = p.replace('{id}', '1').replace('{year}', '2027');
      const r = await anon.raw(method, url, { body: method === 'GET' || method === 'DELETE' ? undefined : {} });
      assert.ok(r.status !== 405 && r.json?.error?.code !== 'route.not_found', `${method} ${url} → ${r.status} ${r.text.slice(0, 200)}`);
    }
  });

  describe('refused requests', () => {
    const big = JSON.stringify({ username: 'x'.repeat(1024 * 1024 + 10), password: 'y' });
    const cases = [
      { name: 'unknown route', method: 'GET', path: '/api/v1/nothing-here', status: 404, code: 'route.not_found' },
      { name: 'unknown sub-route', method: 'GET', path: '/api/v1/fund/children/1/nothing', status: 404, code: 'route.not_found' },
      { name: 'root of nothing', method: 'GET', path: '/api/v2/session', status: 404, code: 'route.not_found' },
      { name: 'wrong method on /healthz', method: 'DELETE', path: '/healthz', status: 405, code: 'route.method_not_allowed' },
      { name: 'wrong method on /session', method: 'PATCH', path: '/api/v1/session', status: 405, code: 'route.method_not_allowed' },
      { name: 'wrong method on pay', method: 'GET', path: '/api/v1/fund/applications/1/pay', status: 405, code: 'route.method_not_allowed' },
      { name: 'malformed JSON', method: 'POST', path: '/api/v1/session', rawBody: '{"username":', contentType: 'application/json', status: 400, code: 'request.malformed_json' },
      { name: 'trailing garbage', method: 'POST', path: '/api/v1/session', rawBody: '{"username":"a","password":"b"} x', contentType: 'application/json', status: 400, code: 'request.malformed_json' },
      { name: 'duplicate keys', method: 'POST', path: '/api/v1/session', rawBody: '{"username":"a","username":"b","password":"c"}', contentType: 'application/json', status: 400, code: 'request.malformed_json' },
      { name: 'invalid UTF-8', method: 'POST', path: '/api/v1/session', rawBody: Buffer.from('{"username":"\xff\xfe","password":"b"}', 'latin1'), contentType: 'application/json', status: 400, code: 'request.malformed_json' },
      { name: 'JSON array', method: 'POST', path: '/api/v1/session', rawBody: '[1,2]', contentType: 'application/json', status: 400, codes: ['request.malformed_json', 'request.invalid_type'] },
      { name: 'JSON string', method: 'POST', path: '/api/v1/session', rawBody: '"hello"', contentType: 'application/json', status: 400, codes: ['request.malformed_json', 'request.invalid_type'] },
      { name: 'text/plain body', method: 'POST', path: '/api/v1/session', rawBody: '{"username":"a","password":"b"}', contentType: 'text/plain', status: 415, code: 'request.unsupported_media' },
      { name: 'form body', method: 'POST', path: '/api/v1/session', rawBody: 'username=a&password=b', contentType: 'application/x-www-form-urlencoded', status: 415, code: 'request.unsupported_media' },
      { name: 'body over 1 MiB', method: 'POST', path: '/api/v1/session', rawBody: big, contentType: 'application/json', status: 413, code: 'request.too_large' },
      { name: 'unknown query argument (public)', method: 'GET', path: '/api/v1/calendar/deadline?from=2026-02-13T10:00:00%2B08:00&workdays=7&x=1', status: 400, code: 'request.invalid_query' },
    ];
    for (const t of cases) {
      it(`${t.name} → ${t.status}`, async () => {
        const r = await anon.raw(t.method, t.path, { rawBody: t.rawBody, contentType: t.contentType });
        if (t.codes) {
          expectReply(r, t.status);
          assert.ok(t.codes.includes(r.json?.error?.code), `${r.sent} → ${r.text}`);
        } else expectReply(r, t.status, t.code);
      });
    }

    it('chunked body over 1 MiB → 413 request.too_large', async () => {
      const chunk = 'x'.repeat(64 * 1024);
      async function* gen() {
        yield '{"username":"';
        for (let i = 0; i < 20; i++) yield chunk;
        yield '","password":"p"}';
      }
      const res = await fetch(srv.base + '/api/v1/session', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: gen(), duplex: 'half' });
      const text = await res.text();
      assert.equal(res.status, 413, text);
      assert.equal(JSON.parse(text).error.code, 'request.too_large');
    });

    it('unknown query arguments on signed-in lists → 400 request.invalid_query', async () => {
      for (const p of ['/api/v1/fund/children?foo=1', '/api/v1/fund/applications?sort=id', '/api/v1/users?x=1', '/api/v1/session?x=1']) {
        const r = await cw.get(p);
        if (p.startsWith('/api/v1/users')) expectReply(r, 403, 'auth.forbidden'); // role first, then arguments
        else expectReply(r, 400, 'request.invalid_query');
      }
    });

    it('a malformed Idempotency-Key → 400 request.invalid_idempotency_key', async () => {
      for (const key of ['short', 'x'.repeat(65), 'has space in it', 'semi;colon-key']) {
        const r = await cw.post('/api/v1/fund/children', { name: 'x' }, { headers: { 'Idempotency-Key': key } });
        expectReply(r, 400, 'request.invalid_idempotency_key');
      }
    });
  });

  it('security headers on JSON, error and YAML replies', async () => {
    for (const p of ['/healthz', '/api/v1/nothing', '/api/v1/openapi.yaml', '/api/v1/session']) {
      const r = await anon.get(p);
      const csp = r.headers.get('content-security-policy') || '';
      assert.match(csp, /frame-ancestors\s+'none'/, `${p}: CSP ${csp}`);
      assert.match(csp, /default-src/, `${p}: CSP ${csp}`);
      assert.equal(r.headers.get('x-content-type-options'), 'nosniff', p);
      assert.ok(r.headers.get('referrer-policy'), `${p}: Referrer-Policy`);
      if (p !== '/api/v1/openapi.yaml') assert.match(r.headers.get('content-type') || '', /^application\/json/, p);
    }
  });

  it('error replies have the shape {error:{code,message,field?}} with a Chinese message', async () => {
    const r = expectReply(await anon.get('/api/v1/nothing'), 404, 'route.not_found');
    assert.deepEqual(Object.keys(r), ['error']);
    assert.match(r.error.message, /[\u4e00-\u9fff]/);
  });

  it('orgs and dictionaries (signed in)', async () => {
    const orgs = expectReply(await cw.get('/api/v1/orgs'), 200).items;
    assert.deepEqual(orgs.map((o) => o.code).sort(), ['370400', '370402', '370403', '370404', '370405', '370406', '370481']);
    assert.equal(orgs.find((o) => o.code === '370400').level, 'city');
    assert.equal(orgs.find((o) => o.code === '370481').level, 'district');

    const d = expectReply(await cw.get('/api/v1/dicts'), 200);
    assert.deepEqual(d.categories.map((c) => c.code).sort(),
      ['aids_affected', 'de_facto_unsupported', 'disabled_low_income', 'ill_low_income', 'key_distress', 'left_behind', 'scattered_orphan']);
    const lb = d.categories.find((c) => c.code === 'left_behind');
    assert.equal(lb.max_age, 16);
    assert.equal(lb.needs_household, false);
    assert.equal(d.categories.find((c) => c.code === 'disabled_low_income').needs_household, true);
    assert.deepEqual(d.aid_kinds.map((a) => a.code).sort(), ['education', 'living', 'medical', 'rehab']);
    assert.deepEqual(d.services.map((a) => a.code).sort(), ['family_edu', 'legal', 'psych']);
    assert.deepEqual(d.statuses.map((s) => s.code).sort(), ['accepted', 'approved', 'paid', 'rejected', 'returned', 'reviewed', 'submitted']);
    assert.deepEqual(d.roles.map((s) => s.code).sort(), ['admin', 'approver', 'butler', 'butler_admin', 'caseworker', 'dept_clerk', 'dept_head', 'finance', 'hotline_operator', 'hotline_supervisor', 'leader', 'reviewer']);
    assert.deepEqual(d.districts.map((s) => s.code).sort(), ['370402', '370403', '370404', '370405', '370406', '370481']);
  });

  // src/main.c: serve starts itself again with glibc's per-thread cache of
  // freed blocks raised to 128 per size (a third more reads at 64 connections,
  // bench/results/notes.md). It must stay the process that was started (it is
  // stopped by that PID) and keep what the caller put in GLIBC_TUNABLES.
  it('serve runs as the started process, with 128 cached blocks per size and the caller\'s own tunables kept', async () => {
    // The process's GLIBC_TUNABLES as it was started; glibc's loader cuts the
    // text at each ':' in place, so the parts after the first follow it.
    const tunables = (pid) => {
      const env = fs.readFileSync(`/proc/${pid}/environ`, 'latin1').split('\0');
      const i = env.findIndex((v) => v.startsWith('GLIBC_TUNABLES='));
      if (i < 0) return undefined;
      let j = i + 1;
      while (j < env.length && env[j].startsWith('glibc.')) j++;
      return env.slice(i, j).join(':');
    };
    expectReply(await anon.get('/healthz'), 200);
    assert.equal(tunables(srv.proc.pid), 'GLIBC_TUNABLES=glibc.malloc.tcache_count=128');

    const saved = process.env.GLIBC_TUNABLES;
    const withTunables = async (value) => {
      process.env.GLIBC_TUNABLES = value;
      try {
        const s = await startServer({ users: [] });
        try {
          expectReply(await client(s.base).get('/healthz'), 200);
          return tunables(s.proc.pid);
        } finally {
          await s.stop();
        }
      } finally {
        if (saved === undefined) delete process.env.GLIBC_TUNABLES;
        else process.env.GLIBC_TUNABLES = saved;
      }
    };
    assert.equal(await withTunables('glibc.malloc.mxfast=64'), 'GLIBC_TUNABLES=glibc.malloc.mxfast=64:glibc.malloc.tcache_count=128');
    assert.equal(await withTunables('glibc.malloc.tcache_count=7'), 'GLIBC_TUNABLES=glibc.malloc.tcache_count=7');
  });

  it('the server stops cleanly with no sanitizer report', async () => {
    await srv.stop();
    assertNoCliSanitizerReports();
  });
});
