// Browser-test harness: a real huimin server on 127.0.0.1 with a fresh
// database and the built web UI, and Debian's chromium driven by
// playwright-core. Each test file starts its own server and stops it by PID.
import { spawn, spawnSync } from 'node:child_process'
import { mkdtempSync, mkdirSync, existsSync, rmSync, readdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, dirname, resolve } from 'node:path'
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'
import assert from 'node:assert/strict'

const here = dirname(fileURLToPath(import.meta.url))
export const ROOT = resolve(here, '../../..')
export const WEB_DIST = join(ROOT, 'web/dist')
export const OUT = join(ROOT, 'build/test-output/e2e')
export const PASSWORD = 'Test-pass-2026'
const BIN = process.env.HUIMIN_BIN || join(ROOT, 'huimin')
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium'

// playwright-core is a devDependency of web/ (one lock file for the front end).
const requireFromWeb = createRequire(join(ROOT, 'web/package.json'))
const { chromium } = requireFromWeb('playwright-core')

export const USERS = [
  ['cw', 'caseworker', '370402', '张经办'],
  ['rv', 'reviewer', '370402', '李审核'],
  ['ap', 'approver', '370400', '王审批'],
  ['fin', 'finance', '370400', '赵财务'],
  ['cw2', 'caseworker', '370403', '孙经办'],
  ['lead', 'leader', '370400', '周领导'],
  ['adm', 'admin', '370400', '吴管理'],
]

function run(args, input) {
  const r = spawnSync(BIN, args, { cwd: ROOT, input, encoding: 'utf8' })
  assert.equal(r.status, 0, `huimin ${args.join(' ')} failed (${r.status}):\n${r.stdout}\n${r.stderr}`)
  return r.stdout
}

/** Starts a server with a fresh database and the test users. */
export async function startServer() {
  assert.ok(existsSync(BIN), `no server binary at ${BIN}: run "make huimin" first`)
  assert.ok(
    existsSync(join(WEB_DIST, 'index.html')),
    'web/dist is missing: run "npm --prefix web ci && npm --prefix web run build"',
  )
  const dir = mkdtempSync(join(tmpdir(), 'huimin-e2e-'))
  const db = join(dir, 'h.db')
  run(['init', '--db', db])
  for (const [u, role, org, name] of USERS)
    run(
      ['user', 'add', '--db', db, '--username', u, '--role', role, '--org', org, '--name', name, '--password-stdin'],
      `${PASSWORD}\n`,
    )

  const proc = spawn(BIN, ['serve', '--db', db, '--listen', '127.0.0.1:0', '--web', WEB_DIST], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let log = ''
  proc.stderr.on('data', (d) => (log += d))
  const base = await new Promise((ok, fail) => {
    let out = ''
    const timer = setTimeout(() => fail(new Error(`server did not start in 30 s:\n${out}\n${log}`)), 30000)
    proc.stdout.on('data', (d) => {
      out += d
      const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out)
      if (m) {
        clearTimeout(timer)
        ok(m[1])
      }
    })
    proc.on('exit', (code) => {
      clearTimeout(timer)
      fail(new Error(`server exited with ${code}:\n${out}\n${log}`))
    })
  })
  return {
    base,
    dir,
    db,
    log: () => log,
    async stop() {
      if (proc.exitCode === null) {
        const done = new Promise((r) => proc.once('exit', r))
        process.kill(proc.pid, 'SIGTERM')
        await Promise.race([done, new Promise((r) => setTimeout(r, 5000))])
        if (proc.exitCode === null) process.kill(proc.pid, 'SIGKILL')
      }
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

export async function launchBrowser() {
  assert.ok(existsSync(CHROMIUM), `${CHROMIUM} is missing: apt-get install -y chromium`)
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  })
}

/** A fresh browser context (own cookies) at the office screen size. */
export async function newPage(browser, base) {
  const context = await browser.newContext({
    viewport: { width: 1366, height: 768 },
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    baseURL: base,
  })
  const page = await context.newPage()
  page.errors = []
  page.on('pageerror', (e) => page.errors.push(e.message))
  page.setDefaultTimeout(30000)
  return page
}

let shotNo = 0
const cleaned = new Set()
/** Saves a screenshot of what the user sees, numbered in test order. */
export async function shot(page, name, prefix) {
  mkdirSync(OUT, { recursive: true })
  if (!cleaned.has(prefix)) {
    // Pictures of an earlier run of this file go; other files' stay.
    for (const f of readdirSync(OUT)) if (f.startsWith(`${prefix}-`)) rmSync(join(OUT, f))
    cleaned.add(prefix)
  }
  shotNo += 1
  // Let transitions (dialogs, drawers) settle and take the pointer off any
  // tooltip before the picture.
  await page.mouse.move(1365, 767)
  await page.waitForTimeout(400)
  const file = join(OUT, `${prefix}-${String(shotNo).padStart(2, '0')}-${name}.png`)
  await page.screenshot({ path: file })
  return file
}

export async function login(page, username) {
  await page.goto('/login')
  await page.locator('input[name=username]').fill(username)
  await page.locator('input[name=password]').fill(PASSWORD)
  await page.locator('[data-test=login-submit]').click()
  await page.waitForURL((u) => !u.pathname.startsWith('/login'))
}

export async function logout(page) {
  await page.context().clearCookies()
}

/** Picks an option in an Element Plus select. */
export async function pickOption(page, select, text) {
  await select.click()
  const option = page.locator('.el-select-dropdown:visible .el-select-dropdown__item', { hasText: text }).first()
  await option.waitFor()
  await option.click()
}

/** The visible dialog or drawer with this title. */
export function dialog(page, title) {
  return page
    .locator('.el-dialog:visible, .el-drawer:visible')
    .filter({ has: page.locator(`text=${title}`) })
    .first()
}

/** Waits for an Element Plus success message with this text. */
export async function expectMessage(page, text) {
  await page.locator('.el-message', { hasText: text }).first().waitFor()
}

/** JSON API calls with a session of their own (setup data, cross-checks). */
export async function api(base, username) {
  const r = await fetch(`${base}/api/v1/session`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username, password: PASSWORD }),
  })
  assert.equal(r.status, 201, `login ${username}: ${r.status}`)
  const cookie = r.headers.get('set-cookie').split(';')[0]
  const { csrf_token: csrf } = await r.json()
  return async (method, path, body) => {
    const res = await fetch(`${base}/api/v1${path}`, {
      method,
      headers: { Cookie: cookie, 'X-CSRF-Token': csrf, ...(body ? { 'Content-Type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    })
    return { status: res.status, body: await res.json().catch(() => null) }
  }
}

const W = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
/** A valid 18-character ID number for region + birth date + sequence. */
export function idNumber(region, birth, seq) {
  const s17 = `${region}${birth.replace(/-/g, '')}${seq}`
  let sum = 0
  for (let i = 0; i < 17; i++) sum += Number(s17[i]) * W[i]
  return s17 + '10X98765432'[sum % 11]
}
