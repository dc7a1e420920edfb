// Sign-in, sessions, CSRF, throttling, passwords and user administration.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, client, login, expectReply, assertNoCliSanitizerReports, runCli, PASSWORD, USERS, setCookies } from './lib.mjs';

describe('auth', () => {
  let srv, adm, cw;
  const NEW_PASSWORD = 'Changed-pass-2027';

  before(async () => {
    srv = await startServer({ users: USERS.filter(([u]) => ['cw', 'rv', 'ap', 'fin', 'adm', 'lead'].includes(u)) });
    adm = await login(srv.base, 'adm');
    cw = await login(srv.base, 'cw');
  });
  after(() => srv?.stop());

  /** Admin creates a user for one test, so tests do not disturb each other. */
  async function newUser(username, role = 'caseworker', org = '370402') {
    const r = await adm.post('/api/v1/users', { username, display_name: `测试${username}`, role, org, password: PASSWORD });
    expectReply(r, 201);
    assert.equal(r.json.user.username, username);
    assert.equal(typeof r.json.user.id, 'number');
    return r.json.user;
  }

  it('signs in: 201, HttpOnly SameSite=Strict cookie, 64-hex CSRF token', async () => {
    const c = client(srv.base);
    const r = await c.login('rv');
    expectReply(r, 201);
    assert.match(c.setCookie, /^hm_session=[^;]{16,}/);
    assert.match(c.setCookie, /;\s*HttpOnly/i);
    assert.match(c.setCookie, /;\s*SameSite=Strict/i);
    assert.match(c.setCookie, /;\s*Path=\//i);
    assert.match(r.json.csrf_token, /^[0-9a-f]{64}$/);
    assert.equal(r.json.user.username, 'rv');
    assert.equal(r.json.user.role, 'reviewer');
    assert.match(r.json.expires_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00$/);
    assert.ok(!/pw_hash|password/.test(r.text), 'the reply must not carry password material');

    const me = expectReply(await c.get('/api/v1/session'), 200);
    assert.equal(me.user.username, 'rv');
    assert.equal(me.csrf_token, r.json.csrf_token);
  });

  describe('refused sign-ins', () => {
    const cases = [
      { name: 'wrong password', body: { username: 'ap', password: 'Wrong-pass-2026' }, status: 401, code: 'auth.invalid_credentials' },
      { name: 'unknown user', body: { username: 'nobody', password: PASSWORD }, status: 401, code: 'auth.invalid_credentials' },
      { name: 'missing password', body: { username: 'ap' }, status: 400, code: 'request.missing_field' },
      { name: 'unknown field', body: { username: 'ap', password: PASSWORD, remember: true }, status: 400, code: 'request.unknown_field' },
      { name: 'password not a string', body: { username: 'ap', password: 12345 }, status: 400, code: 'request.invalid_type' },
    ];
    for (const t of cases) {
      it(`${t.name} → ${t.status} ${t.code}`, async () => {
        const c = client(srv.base);
        const r = await c.raw('POST', '/api/v1/session', { body: t.body });
        expectReply(r, t.status, t.code);
        assert.equal(setCookies(r.headers).filter((s) => /^hm_session=[^;]/.test(s)).length, 0, 'no session cookie on failure');
      });
    }
  });

  it('five failures lock the user name: 429 auth.throttled even with the right password', async () => {
    await newUser('throttled1');
    for (let i = 1; i <= 5; i++) {
      const r = await client(srv.base).login('throttled1', `Wrong-pass-${i}00`);
      expectReply(r, 401, 'auth.invalid_credentials');
    }
    expectReply(await client(srv.base).login('throttled1', PASSWORD), 429, 'auth.throttled');
    // other user names are not affected
    expectReply(await client(srv.base).login('lead'), 201);
  });

  it('a write without the CSRF token → 403 auth.csrf_invalid, and nothing happens', async () => {
    const c = await login(srv.base, 'cw');
    const cases = [
      { send: () => c.raw('DELETE', '/api/v1/session', { noCsrf: true }) },
      { send: () => c.raw('DELETE', '/api/v1/session', { noCsrf: true, headers: { 'X-CSRF-Token': '0'.repeat(64) } }) },
      { send: () => c.put('/api/v1/session/password', { old_password: PASSWORD, new_password: NEW_PASSWORD }, { noCsrf: true }) },
      { send: () => c.post('/api/v1/fund/children', { name: '无令牌' }, { noCsrf: true }) },
      { send: () => c.post('/api/v1/fund/children', { name: '错令牌' }, { noCsrf: true, headers: { 'X-CSRF-Token': cw.csrf } }) },
    ];
    for (const t of cases) expectReply(await t.send(), 403, 'auth.csrf_invalid');
    // the session survived and the password is unchanged
    expectReply(await c.get('/api/v1/session'), 200);
    expectReply(await client(srv.base).login('cw', PASSWORD), 201);
  });

  it('without a session → 401 auth.required', async () => {
    const anon = client(srv.base);
    const forged = client(srv.base);
    forged.cookie = 'hm_session=' + 'a'.repeat(64);
    forged.csrf = 'b'.repeat(64);
    const cases = [
      [anon, 'GET', '/api/v1/session'],
      [anon, 'DELETE', '/api/v1/session'],
      [anon, 'GET', '/api/v1/users'],
      [anon, 'GET', '/api/v1/orgs'],
      [anon, 'GET', '/api/v1/dicts'],
      [anon, 'GET', '/api/v1/fund/children'],
      [anon, 'POST', '/api/v1/fund/children', {}],
      [anon, 'GET', '/api/v1/audit?entity=child&id=1'],
      [forged, 'GET', '/api/v1/session'],
      [forged, 'POST', '/api/v1/fund/applications', {}],
    ];
    for (const [c, method, path, body] of cases) expectReply(await c.raw(method, path, { body }), 401, 'auth.required');
  });

  it('sign-out ends the session', async () => {
    const c = await login(srv.base, 'ap');
    const r = expectReply(await c.del('/api/v1/session'), 200);
    assert.deepEqual(r, { ok: true });
    expectReply(await c.get('/api/v1/session'), 401, 'auth.required');
    expectReply(await c.del('/api/v1/session'), 401, 'auth.required');
  });

  it('password change: weak and wrong-old refused; success ends the other sessions, keeps this one', async () => {
    await newUser('pwuser');
    const a = await login(srv.base, 'pwuser');
    const b = await login(srv.base, 'pwuser');
    const cases = [
      { body: { old_password: PASSWORD, new_password: 'Short1' }, status: 422, code: 'auth.weak_password' },
      { body: { old_password: PASSWORD, new_password: 'onlyletterslong' }, status: 422, code: 'auth.weak_password' },
      { body: { old_password: PASSWORD, new_password: '12345678901234' }, status: 422, code: 'auth.weak_password' },
      { body: { old_password: 'Not-my-pass-1', new_password: NEW_PASSWORD }, status: 422, code: 'auth.wrong_password' },
      { body: { old_password: PASSWORD }, status: 400, code: 'request.missing_field' },
      { body: { old_password: PASSWORD, new_password: NEW_PASSWORD, x: 1 }, status: 400, code: 'request.unknown_field' },
    ];
    for (const t of cases) expectReply(await a.put('/api/v1/session/password', t.body), t.status, t.code);
    // all refused: b still signed in, old password still works
    expectReply(await b.get('/api/v1/session'), 200);

    expectReply(await a.put('/api/v1/session/password', { old_password: PASSWORD, new_password: NEW_PASSWORD }), 200);
    expectReply(await b.get('/api/v1/session'), 401, 'auth.required');
    expectReply(await a.get('/api/v1/session'), 200);
    // a still writes (its CSRF token still holds)
    expectReply(await a.put('/api/v1/session/password', { old_password: NEW_PASSWORD, new_password: NEW_PASSWORD + 'x' }), 200);
    expectReply(await client(srv.base).login('pwuser', PASSWORD), 401, 'auth.invalid_credentials');
    expectReply(await client(srv.base).login('pwuser', NEW_PASSWORD + 'x'), 201);
  });

  it('admin disables a user: its open session gets 401 at once, sign-in 403 auth.user_disabled; enable restores', async () => {
    const u = await newUser('disme');
    const c = await login(srv.base, 'disme');
    expectReply(await c.get('/api/v1/fund/children'), 200);

    const d = expectReply(await adm.post(`/api/v1/users/${u.id}/disable`, {}), 200);
    assert.equal(d.user.disabled, true);
    expectReply(await c.get('/api/v1/fund/children'), 401, 'auth.required');
    expectReply(await c.get('/api/v1/session'), 401, 'auth.required');
    expectReply(await client(srv.base).login('disme'), 403, 'auth.user_disabled');

    const list = expectReply(await adm.get('/api/v1/users'), 200);
    assert.equal(list.items.find((x) => x.username === 'disme')?.disabled, true);

    const e = expectReply(await adm.post(`/api/v1/users/${u.id}/enable`, {}), 200);
    assert.equal(e.user.disabled, false);
    expectReply(await client(srv.base).login('disme'), 201);
    expectReply(await adm.post('/api/v1/users/999999/disable', {}), 404, 'user.not_found');
  });

  it('a user disabled by `huimin user disable` beside the running server: the open session is refused at once', async () => {
    // the request threads keep sessions they found until anyone commits; a
    // commit by another process must end that too
    await newUser('clidis');
    const c = await login(srv.base, 'clidis');
    for (let i = 0; i < 3; i++) expectReply(await c.get('/api/v1/session'), 200);
    const r = await runCli(['user', 'disable', '--db', srv.db, '--username', 'clidis']);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    for (let i = 0; i < 3; i++) expectReply(await c.get('/api/v1/session'), 401, 'auth.required');
  });

  it('user administration is for admins only, and its input is checked', async () => {
    const body = { username: 'newbie', display_name: '新人', role: 'caseworker', org: '370402', password: PASSWORD };
    for (const name of ['cw', 'rv', 'ap', 'fin', 'lead']) {
      const c = await login(srv.base, name);
      expectReply(await c.post('/api/v1/users', body), 403, 'auth.forbidden');
      expectReply(await c.get('/api/v1/users'), 403, 'auth.forbidden');
      expectReply(await c.post('/api/v1/users/1/disable', {}), 403, 'auth.forbidden');
    }
    const cases = [
      { body: { ...body, username: 'cw' }, status: 409, code: 'user.exists' },
      { body: { ...body, role: 'king' }, status: 422, code: 'user.unknown_role' },
      { body: { ...body, org: '999999' }, status: 404, code: 'org.not_found' },
      { body: { ...body, org: '370400' }, status: 422, code: 'user.org_role_mismatch' },
      { body: { ...body, role: 'approver' }, status: 422, code: 'user.org_role_mismatch' },
      { body: { ...body, password: 'weak' }, status: 422, code: 'auth.weak_password' },
      { body: { ...body, is_admin: true }, status: 400, code: 'request.unknown_field' },
      { body: { ...body, display_name: 7 }, status: 400, code: 'request.invalid_type' },
    ];
    for (const t of cases) expectReply(await adm.post('/api/v1/users', t.body), t.status, t.code);
    const list = expectReply(await adm.get('/api/v1/users'), 200);
    assert.ok(!list.items.some((u) => u.username === 'newbie'), 'refused requests created no user');
    for (const u of list.items) assert.ok(!('pw_hash' in u) && !('password' in u), 'user list must not carry password hashes');
  });

  it('the server stops cleanly with no sanitizer report', async () => {
    await srv.stop();
    assertNoCliSanitizerReports();
  });
});
