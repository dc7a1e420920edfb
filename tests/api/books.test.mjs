// The fund's books, bank statement import and public disclosure, checked
// the way an auditor would: statements against the raw postings (read with
// the sqlite3 tool), the hledger export against the real `hledger` program
// account by account, bank lines matched to the payments and donations
// they came from, and the public disclosure free of any child's or donor's
// personal data, with small counts suppressed.
//
// The books are built through the real API: children, applications, review,
// approval and payment in two districts in one quarter, then the clock
// moves into the next quarter for one more payment, so that periods and
// quarters have something to exclude.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { startServer, loginAll, client, expectReply, makeId, sexOf, runCli, assertNoCliSanitizerReports } from './lib.mjs';

const B = '/api/v1/fund/books';
const OPENING = 200000000;
const DAY = 86400;

/** Beijing date (YYYY-MM-DD) of a Unix time in seconds. */
const bjDate = (t) => new Date((t + 8 * 3600) * 1000).toISOString().slice(0, 10);
/** Quarter {year, quarter} of a YYYY-MM-DD date. */
const quarterOf = (d) => ({ year: Number(d.slice(0, 4)), quarter: Math.floor((Number(d.slice(5, 7)) - 1) / 3) + 1 });

/** hledger's "1234.56 CNY" / "-0.05 CNY" / "0" as integer fen, without floating point. */
function fenOf(text) {
  const t = text.replace(/CNY|¥|,/g, '').trim();
  if (t === '0' || t === '') return 0;
  const m = /^(-?)(\d+)(?:\.(\d{1,2}))?$/.exec(t);
  assert.ok(m, `hledger amount not understood: ${text}`);
  const fen = Number(m[2]) * 100 + Number((m[3] || '0').padEnd(2, '0'));
  return m[1] ? -fen : fen;
}

/** Rows of a simple CSV as printed by hledger -O csv (quoted fields, no embedded quotes). */
function csvRows(text) {
  return text
    .trim()
    .split('\n')
    .map((line) => [...line.matchAll(/"([^"]*)"/g)].map((m) => m[1]));
}

/** All text of an .xlsx (the sheet and shared strings), read back with unzip. */
function xlsxText(buf, dir, name) {
  const f = path.join(dir, name);
  fs.writeFileSync(f, buf);
  // every member, concatenated: the sheets, the shared strings, the workbook
  return execFileSync('unzip', ['-p', f], { encoding: 'utf8' });
}

async function binary(c, url) {
  const res = await fetch(c.base + url, { headers: c.cookie ? { Cookie: c.cookie } : {} });
  return { status: res.status, type: res.headers.get('content-type') || '', buf: Buffer.from(await res.arrayBuffer()) };
}

const HEADER = '交易日期,摘要,收入金额,支出金额,对方户名,交易流水号/参考号';

describe('books, bank import and disclosure', () => {
  let srv, U, anon;
  let seq = 700;
  const kids = []; // {child, body, app} of every paid application
  let T0; // server time of the first quarter's work
  let day0, day1; // Beijing dates of the two working days
  let donationsApi = false;
  let donation = null;
  let tmp;

  async function newChild(as, region, over = {}) {
    seq++;
    const id = makeId(region, '20140315', seq);
    const body = {
      name: `账测儿童${seq}`,
      sex: sexOf(id),
      birth_date: '2014-03-15',
      id_number: id,
      hukou_district: region,
      hukou_evidence: '户口簿第2页',
      categories: ['left_behind'],
      household_status: 'none',
      guardian_name: `监护人${seq}`,
      guardian_relation: '祖母',
      guardian_phone: `139${String(10000000 + seq).slice(-8)}`,
      address: `测试路${seq}号`,
      ...over,
    };
    const child = expectReply(await as.post('/api/v1/fund/children', body), 201).child;
    return { child, body };
  }

  /** A child of the district paid `aid` (fen per kind) through the whole flow. */
  async function paidChild(district, aid, over = {}) {
    const [cw, rv] = district === '370402' ? [U.cw, U.rv] : [U.cw2, U.rv2];
    const k = await newChild(cw, district, over);
    let a = expectReply(
      await cw.post('/api/v1/fund/applications', {
        child_id: k.child.id,
        applicant_type: 'guardian',
        applicant_name: k.body.guardian_name,
        applicant_relation: '祖母',
        aid,
        description: '父母外出务工，生活困难。',
      }),
      201,
    ).application;
    const step = async (as, action, body = {}) => expectReply(await as.post(`/api/v1/fund/applications/${a.id}/${action}`, body), 200);
    await step(cw, 'accept');
    await step(rv, 'review', { decision: 'pass' });
    await step(U.ap, 'approve', { approved: aid });
    const paid = await step(U.fin, 'pay');
    a = paid.application;
    assert.equal(a.status, 'paid');
    const total = Object.values(aid).reduce((s, x) => s + x, 0);
    assert.equal(paid.payment.amount, total);
    const rec = { ...k, app: a, amount: total, entry: paid.payment.entry_id };
    kids.push(rec);
    return rec;
  }

  const tb = async (q = '') => expectReply(await U.fin.get(`${B}/trial-balance${q}`), 200);
  const is = async (q = '') => expectReply(await U.fin.get(`${B}/income-statement${q}`), 200);
  const sql = (q) => execFileSync('sqlite3', ['-readonly', '-separator', '|', srv.db, q], { encoding: 'utf8' }).trim();

  before(async () => {
    tmp = fs.mkdtempSync('/tmp/huimin-books-');
    // cairo and fontconfig keep font caches for the life of the process (and
    // of each server thread) that LeakSanitizer reports at exit; they are the
    // libraries' own, not ours. Suppressed only for those two libraries, so a
    // leak in our code (or a missing g_object_unref in src/core/pdf.c, whose
    // stack runs through pango/gobject) is still reported.
    const supp = path.join(tmp, 'lsan.supp');
    fs.writeFileSync(supp, 'leak:libcairo.so\nleak:libfontconfig.so\n');
    if (!/suppressions=/.test(process.env.LSAN_OPTIONS || '')) {
      process.env.LSAN_OPTIONS = [process.env.LSAN_OPTIONS, `suppressions=${supp}`, 'print_suppressions=0'].filter(Boolean).join(':');
    }
    srv = await startServer();
    U = await loginAll(srv.base);
    anon = client(srv.base);
    T0 = Math.floor(Date.now() / 1000);
    // first quarter: three children of 市中区 (one also 重点困境), one of 薛城区
    await paidChild('370402', { living: 100000, education: 50000 }, { name: '王小红' });
    await paidChild('370402', { medical: 120000 }, { categories: ['left_behind', 'key_distress'] });
    await paidChild('370402', { living: 80000 });
    await paidChild('370403', { rehab: 30000 });
    day0 = kids[0].app.paid_at.slice(0, 10);
    // donations, when that part of the fund exists on this build
    const probe = await U.fin.get('/api/v1/fund/donations?page_size=1');
    donationsApi = probe.status === 200;
    if (donationsApi) {
      const donor = expectReply(
        await U.fin.post('/api/v1/fund/donors', { kind: 'individual', name: '赵慈善', phone: '13700001111', publish_name: false, publish_amount: false }),
        201,
      ).donor;
      donation = expectReply(
        await U.fin.post('/api/v1/fund/donations', { donor_id: donor.id, amount: 50000, received_on: day0, channel: 'bank_transfer', bank_ref: 'BR-TEST-001' }),
        201,
      ).donation;
      donation.donorName = '赵慈善';
    }
    // move the clock into the next quarter (plus five days) for one more payment
    const [y, m] = day0.split('-').map(Number);
    const nextQ = Date.UTC(m >= 10 ? y + 1 : y, m >= 10 ? 0 : Math.floor((m - 1) / 3) * 3 + 3, 1) / 1000 - 8 * 3600;
    const offset = nextQ - T0 + 5 * DAY;
    await srv.restart({ offsetSeconds: offset });
    U = await loginAll(srv.base);
    anon = client(srv.base);
    await paidChild('370402', { medical: 250000 });
    day1 = kids[4].app.paid_at.slice(0, 10);
    assert.notDeepEqual(quarterOf(day0), quarterOf(day1), 'the clock did not move into the next quarter');
  });
  after(async () => {
    await srv?.stop();
    assertNoCliSanitizerReports();
  });

  it('the chart has the service expense accounts beside aid kinds, and the trial balance lists every account', async () => {
    const t = await tb('?from=2000-01-01');
    const codes = t.accounts.map((a) => a.code);
    for (const c of ['1001', '4101', '4102', '5101', '5102', '5103', '5104', '5201', '5202', '5203']) assert.ok(codes.includes(c), `account ${c} missing: ${codes}`);
    const byCode = Object.fromEntries(t.accounts.map((a) => [a.code, a]));
    assert.equal(byCode['5201'].ledger_name, '支出:服务支出:心理关爱');
    assert.equal(byCode['5202'].ledger_name, '支出:服务支出:法律援助');
    assert.equal(byCode['5203'].ledger_name, '支出:服务支出:家庭教育');
    assert.equal(byCode['1001'].ledger_name, '资产:银行存款');
    assert.equal(byCode['4101'].ledger_name, '收入:捐赠收入:起始注资');
    assert.equal(byCode['5101'].ledger_name, '支出:帮扶支出:生活帮扶');
  });

  it('trial balance for all time equals the sums of the postings, account by account, and balances', async () => {
    const t = await tb('?from=2000-01-01');
    const raw = Object.fromEntries(
      sql('SELECT a.code, coalesce(sum(p.amount), 0) FROM accounts a LEFT JOIN postings p ON p.account_id = a.id GROUP BY a.code')
        .split('\n')
        .map((l) => l.split('|'))
        .map(([c, s]) => [c, Number(s)]),
    );
    assert.equal(t.accounts.length, Object.keys(raw).length, 'every account of the chart is listed');
    for (const a of t.accounts) {
      assert.equal(a.closing, raw[a.code], `closing of ${a.code} ${a.name}`);
      assert.equal(a.opening, 0, `nothing before 2000 in ${a.code}`);
      assert.equal(a.closing, a.opening + a.debit - a.credit, `closing = opening + debit - credit for ${a.code}`);
    }
    assert.equal(t.totals.debit, t.totals.credit, 'debits equal credits');
    assert.equal(t.totals.closing, 0);
    assert.equal(t.balanced, true);
    const paid = kids.reduce((s, k) => s + k.amount, 0);
    const donated = donation ? donation.amount : 0;
    assert.equal(Object.fromEntries(t.accounts.map((a) => [a.code, a.closing]))['1001'], OPENING + donated - paid);
    assert.equal(t.entries, Number(sql('SELECT count(*) FROM journal_entries')));
    const bal = expectReply(await U.fin.get('/api/v1/fund/balance'), 200);
    assert.equal(bal.bank, OPENING + donated - paid);
  });

  it('trial balance from the second day carries the first day into the opening balances', async () => {
    const t = await tb(`?from=${day1}&to=${day1}`);
    const bank = t.accounts.find((a) => a.code === '1001');
    const firstPaid = kids.slice(0, 4).reduce((s, k) => s + k.amount, 0);
    const donated = donation ? donation.amount : 0;
    assert.equal(bank.opening, OPENING + donated - firstPaid);
    assert.equal(bank.credit, kids[4].amount);
    assert.equal(bank.debit, 0);
    assert.equal(t.entries, 1);
    assert.equal(t.totals.debit, t.totals.credit);
  });

  it('income statement for a period excludes what lies outside it', async () => {
    const first = await is(`?from=${day0}&to=${day0}`);
    const firstPaid = kids.slice(0, 4).reduce((s, k) => s + k.amount, 0);
    assert.equal(first.expense_total, firstPaid);
    assert.equal(first.income_total, OPENING + (donation ? donation.amount : 0));
    assert.equal(first.surplus, first.income_total - first.expense_total);
    const ex = Object.fromEntries(first.expense.map((r) => [r.code, r.amount]));
    assert.equal(ex['5101'], 180000); // living: 1000 + 800 yuan
    assert.equal(ex['5102'], 120000); // medical: only the first quarter's
    assert.equal(ex['5103'], 50000);
    assert.equal(ex['5104'], 30000);
    assert.equal(ex['5201'], 0);
    const second = await is(`?from=${day1}&to=${day1}`);
    assert.equal(second.expense_total, 250000, 'only the second quarter payment');
    assert.equal(second.income_total, 0);
    assert.equal(Object.fromEntries(second.expense.map((r) => [r.code, r.amount]))['5102'], 250000);
    const none = await is('?from=2001-01-01&to=2001-12-31');
    assert.equal(none.expense_total, 0);
    assert.equal(none.income_total, 0);
  });

  it('income statement by district and by aid kind', async () => {
    const x = await is(`?from=2000-01-01&district=370403`);
    assert.equal(x.district, '370403');
    assert.equal(x.expense_total, 30000, '薛城区 paid one rehab grant');
    assert.equal(x.income_total, 0, 'the opening capital belongs to no district');
    const all = await is('?from=2000-01-01');
    const d = Object.fromEntries(all.by_district.map((r) => [r.code, r]));
    assert.equal(d['370402'].expense, 100000 + 50000 + 120000 + 80000 + 250000);
    assert.equal(d['370403'].expense, 30000);
    assert.equal(d[''].income, OPENING + (donation ? donation.amount : 0));
    assert.equal(all.by_district.reduce((s, r) => s + r.expense, 0), all.expense_total, 'districts add up to the total');
    const med = await is('?from=2000-01-01&aid_kind=medical');
    assert.deepEqual(med.expense.map((r) => [r.code, r.amount]), [['5102', 370000]]);
    assert.equal(med.income.length, 0);
    const psych = await is('?from=2000-01-01&aid_kind=psych');
    assert.deepEqual(psych.expense.map((r) => r.code), ['5201']);
  });

  it('balance statement: the bank equals net assets, and net assets move by income less expense', async () => {
    const s = expectReply(await U.fin.get(`${B}/balance-sheet?from=${day1}&to=${day1}`), 200);
    const bank = s.assets.find((a) => a.code === '1001');
    const bal = expectReply(await U.fin.get('/api/v1/fund/balance'), 200);
    assert.equal(bank.closing, bal.bank);
    assert.equal(s.assets_total.closing, s.liabilities_total.closing + s.net_assets.closing);
    assert.equal(s.assets_total.opening, s.liabilities_total.opening + s.net_assets.opening);
    assert.equal(s.net_assets.closing, s.net_assets.opening - 250000);
    assert.equal(s.net_assets.expense, 250000);
    assert.equal(s.balanced, true);
  });

  it('refused statement queries say why', async () => {
    const cases = [
      [`${B}/trial-balance?from=2026-05-01&to=2026-04-01`, 422, 'books.invalid_period', 'from'],
      [`${B}/trial-balance?from=2026-13-01`, 422, 'books.invalid_period', 'from'],
      [`${B}/income-statement?to=yesterday`, 422, 'books.invalid_period', 'to'],
      [`${B}/income-statement?district=370499`, 422, 'books.unknown_district', 'district'],
      [`${B}/income-statement?district=370400`, 422, 'books.unknown_district', 'district'],
      [`${B}/income-statement?aid_kind=luxury`, 422, 'books.unknown_aid_kind', 'aid_kind'],
      [`${B}/balance-sheet?district=370402`, 400, 'request.invalid_query'],
      [`${B}/trial-balance?format=pdf`, 400, 'request.invalid_query', 'format'],
    ];
    for (const [url, status, code, field] of cases) {
      const r = expectReply(await U.fin.get(url), status, code, field);
      assert.match(r.error.message, /[\u4e00-\u9fff]/, `Chinese message for ${url}`);
    }
  });

  it('statements export to Excel with Chinese headers and money in yuan', async () => {
    for (const [url, title, money] of [
      [`${B}/trial-balance?from=2000-01-01&format=xlsx`, '科目余额表', '科目编码'],
      [`${B}/income-statement?from=2000-01-01&format=xlsx`, '业务活动表', '本期金额（元）'],
      [`${B}/balance-sheet?from=2000-01-01&format=xlsx`, '资产负债表', '期末数（元）'],
    ]) {
      const r = await binary(U.fin, url);
      assert.equal(r.status, 200, url);
      assert.match(r.type, /spreadsheetml/);
      const text = xlsxText(r.buf, tmp, 'x.xlsx');
      assert.ok(text.includes(title), `${url}: sheet ${title}`);
      assert.ok(text.includes(money), `${url}: header ${money}`);
    }
    const r = await binary(U.fin, `${B}/income-statement?from=2000-01-01&format=xlsx`);
    const text = xlsxText(r.buf, tmp, 'y.xlsx');
    assert.ok(text.includes('<v>3700</v>'), 'medical expense 3700.00 yuan as a number');
    assert.ok(text.includes('重大疾病帮扶'));
  });

  it('the hledger export parses, and hledger agrees with every balance to the fen', async () => {
    const r = await U.fin.get(`${B}/journal.hledger`);
    assert.equal(r.status, 200);
    assert.match(r.headers.get('content-type'), /^text\/plain/);
    assert.match(r.text, /资产:银行存款/);
    assert.match(r.text, /收入:捐赠收入:起始注资\s+-2000000\.00 CNY/);
    for (const k of kids) assert.ok(r.text.includes(`帮扶资金发放 ${k.app.no}`), `payment ${k.app.no} in the journal`);
    assert.ok(!r.text.includes(kids[0].body.name), 'no child name in the journal');
    const f = path.join(tmp, 'journal.hledger');
    fs.writeFileSync(f, r.text);
    // --strict: every account and commodity used is declared
    const out = execFileSync('hledger', ['-f', f, '--strict', 'balance', '--flat', '-E', '-O', 'csv'], { encoding: 'utf8' });
    const theirs = Object.fromEntries(
      csvRows(out)
        .slice(1)
        .filter((row) => row[0] !== 'total')
        .map(([acct, amt]) => [acct, fenOf(amt)]),
    );
    const ours = (await tb('?from=2000-01-01')).accounts;
    let compared = 0;
    for (const a of ours) {
      assert.equal(theirs[a.ledger_name] ?? 0, a.closing, `hledger balance of ${a.ledger_name} (${a.code})`);
      compared++;
    }
    const known = new Set(ours.map((a) => a.ledger_name));
    for (const acct of Object.keys(theirs)) assert.ok(known.has(acct), `hledger has an account we do not: ${acct}`);
    assert.ok(compared >= 10);
    const used = ours.filter((a) => a.closing !== 0).length;
    assert.ok(used >= 6, `accounts with a balance: ${used}`);
    console.log(`# hledger agreed on ${compared} accounts (${used} with a non-zero balance)`);

    // incomestatement needs the declared account types: Chinese names say nothing to hledger
    const inc = csvRows(execFileSync('hledger', ['-f', f, 'incomestatement', '-O', 'csv'], { encoding: 'utf8' }));
    const totals = inc.filter((row) => row[0] === 'total').map((row) => fenOf(row[1]));
    const st = await is('?from=2000-01-01');
    assert.deepEqual(totals, [st.income_total, st.expense_total], 'hledger incomestatement totals: revenues, expenses');
  });

  describe('bank statement import', () => {
    let imp;
    const lineFor = (k, amount = k.amount) => `${day0},帮扶资金发放,,${(amount / 100).toFixed(2)},${k.body.guardian_name},${k.app.no}`;
    let csv;

    it('a statement is stored, and its lines are matched to payments and donations', async () => {
      csv = [
        HEADER,
        `${day0},捐款,500.00,,赵慈善,BR-TEST-001`,
        lineFor(kids[0]),
        lineFor(kids[1]),
        `${day0},不明来款,88.88,,某某商贸有限公司,XYZ-999`,
        lineFor(kids[2], kids[2].amount + 100), // one yuan off: not this payment
        `${day1},帮扶资金发放,,2500.00,${kids[4].body.guardian_name},"${kids[4].app.no}"`,
      ].join('\r\n');
      const r = expectReply(await U.fin.post(`${B}/bank-imports`, { csv, filename: '对账单.csv' }), 201);
      imp = r.import;
      assert.equal(imp.line_count, 6);
      assert.equal(imp.total_in, 50000 + 8888);
      assert.equal(imp.total_out, kids[0].amount + kids[1].amount + kids[2].amount + 100 + 250000);
      assert.equal(imp.first_date, day0);
      assert.equal(imp.last_date, day1);
      const byLine = Object.fromEntries(r.lines.map((l) => [l.line_no, l]));
      assert.equal(byLine[3].match_kind, 'payment');
      assert.equal(byLine[3].entry_id, kids[0].entry);
      assert.equal(byLine[4].entry_id, kids[1].entry);
      assert.equal(byLine[7].entry_id, kids[4].entry);
      assert.equal(byLine[5].matched, false);
      assert.equal(byLine[6].matched, false, 'a payment line with the wrong amount stays unmatched');
      if (donationsApi) {
        assert.equal(byLine[2].match_kind, 'donation');
        assert.equal(byLine[2].donation_id, donation.id);
        assert.equal(imp.matched_count, 4);
        assert.deepEqual(r.unmatched.map((l) => l.line_no), [5, 6]);
      } else {
        console.log('# SKIPPED donation matching: no donations API on this build (migration 0004 absent)');
        assert.equal(byLine[2].matched, false);
        assert.deepEqual(r.unmatched.map((l) => l.line_no), [2, 5, 6]);
      }
      const audit = sql(`SELECT action FROM audit_log WHERE entity = 'bank_import' AND entity_id = ${imp.id}`);
      assert.equal(audit, 'bank_import.create');
    });

    it('the unmatched lines are listed, and export to Excel', async () => {
      const all = expectReply(await U.fin.get(`${B}/bank-lines?unmatched=true`), 200).items;
      assert.ok(all.some((l) => l.ref === 'XYZ-999' && l.amount_in === 8888 && l.counterparty === '某某商贸有限公司'));
      assert.ok(all.every((l) => !l.matched));
      const one = expectReply(await U.fin.get(`${B}/bank-imports/${imp.id}`), 200);
      assert.equal(one.import.id, imp.id);
      assert.equal(one.items.length, 6);
      const list = expectReply(await U.fin.get(`${B}/bank-imports`), 200);
      assert.equal(list.total, 1);
      assert.equal(list.items[0].unmatched_count, donationsApi ? 2 : 3);
      const x = await binary(U.fin, `${B}/bank-imports/${imp.id}?unmatched=true&format=xlsx`);
      assert.equal(x.status, 200);
      const text = xlsxText(x.buf, tmp, 'u.xlsx');
      assert.ok(text.includes('未匹配银行流水') && text.includes('XYZ-999') && text.includes('交易流水号/参考号'));
      assert.ok(text.includes('<v>88.88</v>'), 'money in yuan as a number');
      assert.ok(!text.includes(kids[0].app.no), 'a matched line is not in the unmatched export');
      const x2 = await binary(U.fin, `${B}/bank-lines?format=xlsx`);
      assert.ok(xlsxText(x2.buf, tmp, 'v.xlsx').includes(kids[0].app.no));
      expectReply(await U.fin.get(`${B}/bank-imports/99999`), 404, 'bank_import.not_found');
      expectReply(await U.fin.get(`${B}/bank-lines?unmatched=maybe`), 400, 'request.invalid_query');
    });

    it('the same file twice is refused (409), even with other line ends', async () => {
      expectReply(await U.fin.post(`${B}/bank-imports`, { csv }), 409, 'bank_import.duplicate');
      expectReply(await U.fin.post(`${B}/bank-imports`, { csv: `\ufeff${csv.replaceAll('\r\n', '\n')}\n` }), 409, 'bank_import.duplicate');
      assert.equal(expectReply(await U.fin.get(`${B}/bank-imports`), 200).total, 1);
    });

    // built when the suite is defined, before the books exist: a fixed date
    const bad = [
      ['wrong header', `日期,摘要,收入,支出,户名,流水号\n2026-03-02,x,1.00,,a,R1`, /第 1 行/],
      ['bad amount on line 3', `${HEADER}\n2026-03-02,x,1.00,,a,R1\n2026-03-02,x,12.345,,a,R2`, /第 3 行.*收入金额/],
      ['both amounts', `${HEADER}\n2026-03-02,x,1.00,1.00,a,R1`, /第 2 行/],
      ['bad date', `${HEADER}\n2026-03-02,x,1.00,,a,R1\n\n2026-02-30,x,1.00,,a,R3`, /第 4 行.*交易日期/],
      ['header only', HEADER, /没有交易记录/],
      ['unclosed quote', `${HEADER}\n2026-03-02,"x,1.00,,a,R1`, /第 2 行.*引号/],
    ];
    for (const [name, text, msg] of bad) {
      it(`bad CSV (${name}) → 422 with the line, nothing stored`, async () => {
        const before = sql('SELECT (SELECT count(*) FROM bank_imports) || "/" || (SELECT count(*) FROM bank_lines)');
        const r = expectReply(await U.fin.post(`${B}/bank-imports`, { csv: text }), 422, 'bank_import.invalid_csv', 'csv');
        assert.match(r.error.message, msg);
        assert.equal(sql('SELECT (SELECT count(*) FROM bank_imports) || "/" || (SELECT count(*) FROM bank_lines)'), before);
      });
    }

    it('the body is checked: csv required, unknown fields refused', async () => {
      expectReply(await U.fin.post(`${B}/bank-imports`, {}), 400, 'request.missing_field', 'csv');
      expectReply(await U.fin.post(`${B}/bank-imports`, { csv: `${HEADER}\n`, bank: 'x' }), 400, 'request.unknown_field');
    });
  });

  describe('public disclosure', () => {
    const personal = () => {
      const out = [];
      for (const k of kids) out.push(k.body.name, k.body.id_number, k.body.guardian_phone, k.body.guardian_name, k.body.address, k.body.id_number.slice(-4) + '"');
      if (donation) out.push(donation.donorName, '13700001111', 'BR-TEST-001');
      return out;
    };

    it('needs no login, and has aggregated figures only, small cells shown as "<3"', async () => {
      const q = quarterOf(day0);
      const r = await anon.get(`/api/v1/public/disclosure?year=${q.year}&quarter=${q.quarter}`);
      const d = expectReply(r, 200);
      assert.equal(d.fund, '枣慈留香·孤困和留守儿童关爱帮扶基金');
      assert.equal(d.year, q.year);
      assert.equal(d.quarter, q.quarter);
      assert.equal(d.complete, true);
      for (const p of personal()) assert.ok(!r.text.includes(p), `personal data in the disclosure: ${p}`);
      assert.match(d.legal_basis, /第七十八条至第八十二条/);
      assert.match(d.legal_basis, /民政部令第81号/);
      assert.ok(d.notes.some((n) => n.includes('<3')), 'the reply says small cells are suppressed');
      // money used by aid kind
      const spent = Object.fromEntries(d.spent.map((s) => [s.code, s.amount]));
      assert.equal(spent['5101'], 180000);
      assert.equal(spent['5102'], 120000);
      assert.equal(d.spent_total, 380000);
      assert.equal(d.income_total, OPENING + (donation ? donation.amount : 0));
      if (donationsApi) assert.deepEqual([d.donations.count, d.donations.total], [1, 50000]);
      else assert.equal(d.donations.available, false);
      // children: 4 in all; 市中区 3 and 薛城区 1 — the 1 is hidden, and so is
      // the 3, else 4 - 3 would give it away
      assert.equal(d.children.total, 4);
      const dist = Object.fromEntries(d.children.by_district.map((c) => [c.code, c]));
      assert.equal(dist['370403'].count, '<3');
      assert.equal(dist['370403'].suppressed, true);
      assert.equal(dist['370402'].count, '<3');
      assert.equal(dist['370404'].count, 0);
      assert.equal(d.children.by_district.length, 6);
      const cat = Object.fromEntries(d.children.by_category.map((c) => [c.code, c]));
      assert.equal(cat.left_behind.count, 4);
      assert.equal(cat.key_distress.count, '<3');
      assert.equal(cat.scattered_orphan.count, 0);
    });

    it('the next quarter: one child, so even the total is "<3"', async () => {
      const q = quarterOf(day1);
      const d = expectReply(await anon.get(`/api/v1/public/disclosure?year=${q.year}&quarter=${q.quarter}`), 200);
      assert.equal(d.children.total, '<3');
      assert.equal(d.children.total_suppressed, true);
      assert.equal(d.spent_total, 250000);
      assert.equal(d.complete, false);
    });

    it('the PDF has the fund, the quarter, the tables and the legal basis, and no personal data', async () => {
      const q = quarterOf(day0);
      const r = await binary(anon, `/api/v1/public/disclosure.pdf?year=${q.year}&quarter=${q.quarter}`);
      assert.equal(r.status, 200);
      assert.match(r.type, /application\/pdf/);
      assert.equal(r.buf.subarray(0, 5).toString(), '%PDF-');
      const f = path.join(tmp, 'd.pdf');
      fs.writeFileSync(f, r.buf);
      const text = execFileSync('pdftotext', ['-layout', f, '-'], { encoding: 'utf8' });
      const flat = text.replace(/\s+/g, '');
      for (const want of ['枣慈留香·孤困和留守儿童关爱帮扶基金', `${q.year}年第${q.quarter}季度信息公开`, '枣庄市慈善总会', '生活帮扶', '1,800.00元', '留守儿童', '<3人', '第七十八条至第八十二条', '民政部令第81号']) {
        assert.ok(flat.includes(want), `PDF lacks ${want}:\n${text}`);
      }
      for (const p of personal()) assert.ok(!flat.includes(p.replace(/\s+/g, '')), `personal data in the PDF: ${p}`);
    });

    it('refused quarters', async () => {
      expectReply(await anon.get('/api/v1/public/disclosure?year=2026&quarter=5'), 422, 'disclosure.invalid_quarter', 'quarter');
      expectReply(await anon.get('/api/v1/public/disclosure?year=2026'), 422, 'disclosure.invalid_quarter', 'quarter');
      expectReply(await anon.get('/api/v1/public/disclosure?year=26&quarter=1'), 422, 'disclosure.invalid_quarter', 'year');
      expectReply(await anon.get('/api/v1/public/disclosure?year=2099&quarter=1'), 422, 'disclosure.invalid_quarter', 'quarter');
      expectReply(await anon.get('/api/v1/public/disclosure.pdf?year=2099&quarter=1'), 422, 'disclosure.invalid_quarter');
      expectReply(await anon.get('/api/v1/public/disclosure?year=2026&quarter=1&name=x'), 400, 'request.invalid_query');
    });
  });

  it('permissions: caseworkers and reviewers cannot read the books; approvers read but do not import; anonymous gets 401', async () => {
    for (const who of ['cw', 'rv', 'adm']) {
      expectReply(await U[who].get(`${B}/trial-balance`), 403, 'auth.forbidden');
      expectReply(await U[who].get(`${B}/journal.hledger`), 403, 'auth.forbidden');
      expectReply(await U[who].get(`${B}/bank-lines`), 403, 'auth.forbidden');
    }
    expectReply(await U.cw.post(`${B}/bank-imports`, { csv: HEADER }), 403, 'auth.forbidden');
    expectReply(await U.ap.get(`${B}/income-statement`), 200);
    expectReply(await U.lead.get(`${B}/balance-sheet`), 200);
    expectReply(await U.ap.post(`${B}/bank-imports`, { csv: HEADER }), 403, 'auth.forbidden');
    expectReply(await anon.get(`${B}/trial-balance`), 401, 'auth.required');
    expectReply(await anon.get(`${B}/journal.hledger`), 401, 'auth.required');
  });

  it('huimin verify accepts the database at the end', async () => {
    const r = await runCli(['verify', '--db', srv.db]);
    assert.equal(r.code, 0, `verify: ${r.stdout}\n${r.stderr}`);
  });
});
