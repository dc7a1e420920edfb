// Web security (issue 5 item 4): CSRF on every write of the route table,
// security headers on every kind of reply, sessions that expire and end,
// and no secret or personal value in any log line.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { PASSWORD, ROOT, client, expectReply, loginAll, makeId, sexOf, startServer } from './lib.mjs';

/** [method, path, flags] of every route in src/http/routes.c. */
function routeTable() {
  const src = fs.readFileSync(path.join(ROOT, 'src/http/routes.c'), 'utf8');
  return [...src.matchAll(/\{"(GET|POST|PUT|DELETE|PATCH)",\s*"([^"]+)",\s*\w+,\s*([^,]+),/g)].map((m) => [m[1], m[2], m[3]]);
}

const fill = (p) => p.replace(/\{year\}/g, '2027').replace(/\{[a-z_]+\}/g, '1');

describe('web security', () => {
  let srv;
  let U;
  const ID = makeId('370402', '20130405', 417);
  const PHONE = '13698765432';
  before(async () => {
    srv = await startServer();
    U = await loginAll(srv.base, ['cw', 'adm', 'fin']);
  });
  after(() => srv?.stop());

  it('every write route refuses a signed-in request without the CSRF token, before doing anything', async () => {
    const writes = routeTable().filter(([m, , f]) => m !== 'GET' && /\bW\b/.test(f) && !/R_NOCSRF/.test(f));
    assert.ok(writes.length >= 40, `only ${writes.length} write routes found in routes.c`);
    const wrong = [];
    for (const [method, p] of writes) {
      for (const [name, headers] of [['none', {}], ['wrong', { 'X-CSRF-Token': 'f'.repeat(64) }]]) {
        const r = await U.cw.raw(method, fill(p), { body: {}, noCsrf: true, headers });
        if (r.status !== 403 || r.json?.error?.code !== 'auth.csrf_invalid') wrong.push(`${method} ${p} (${name} token) → ${r.status} ${r.text.slice(0, 120)}`);
      }
    }
    assert.deepEqual(wrong, []);
  });

  it('every kind of reply carries the security headers', async () => {
    const anon = client(srv.base);
    const replies = {
      'JSON 200': await anon.get('/healthz'),
      'JSON 401': await anon.get('/api/v1/session'),
      'JSON 404': await anon.get('/api/v1/nothing'),
      'YAML document': await anon.get('/api/v1/openapi.yaml'),
      'signed-in JSON': await U.cw.get('/api/v1/fund/children'),
      'Excel export': await U.cw.get('/api/v1/fund/children?format=xlsx'),
      'web page or its 404': await anon.raw('GET', '/fund/children'),
    };
    for (const [name, r] of Object.entries(replies)) {
      const h = (k) => r.headers.get(k) || '';
      assert.match(h('content-security-policy'), /default-src 'self'/, `${name}: CSP`);
      assert.match(h('content-security-policy'), /frame-ancestors 'none'/, `${name}: frame-ancestors`);
      assert.equal(h('x-content-type-options'), 'nosniff', `${name}: nosniff`);
      assert.equal(h('x-frame-options'), 'DENY', `${name}: X-Frame-Options`);
      assert.equal(h('referrer-policy'), 'no-referrer', `${name}: Referrer-Policy`);
    }
    assert.match(replies['signed-in JSON'].headers.get('cache-control') || '', /no-store/, 'personal data must not be cached');
  });

  it('a session ends when it expires (8 hours) even if the browser keeps the cookie', async () => {
    const cookie = U.cw.cookie;
    await srv.restart({ offsetSeconds: 8 * 3600 + 60 });
    const stale = client(srv.base);
    stale.cookie = cookie;
    expectReply(await stale.get('/api/v1/session'), 401, 'auth.required');
    await srv.restart();
    U = await loginAll(srv.base, ['cw', 'adm', 'fin']);
  });

  it('no log line carries a password, a token, an ID number or a phone', async () => {
    const child = expectReply(await U.cw.post('/api/v1/fund/children', {
      name: '日志测试', sex: sexOf(ID), birth_date: '2013-04-05', id_number: ID, hukou_district: '370402', hukou_evidence: '户口簿',
      categories: ['left_behind'], household_status: 'none', guardian_name: '某', guardian_relation: '母', guardian_phone: PHONE,
    }), 201).child;
    // the sensitive values travel in queries and bodies and come back in replies
    expectReply(await U.cw.get(`/api/v1/fund/children?id_number=${ID}`), 200);
    expectReply(await U.cw.get(`/api/v1/fund/children/${child.id}/id-number`), 200);
    const bad = client(srv.base);
    await bad.post('/api/v1/session', { username: 'cw', password: `${PASSWORD}-wrong` });
    const log = srv.stderr();
    assert.match(log, /access GET \/api\/v1\/fund\/children /, 'the access log is there');
    for (const secret of [PASSWORD, ID, PHONE, U.cw.csrf, U.cw.cookie.split('=')[1]]) {
      assert.ok(!log.includes(secret), `a log line contains "${secret.slice(0, 6)}…"`);
    }
  });
});
