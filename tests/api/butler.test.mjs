// The project butler (山亭区 “项目管家”) end to end: teams and members, key
// projects and their generated checklists (the 施工许可 exemption), the
// one-to-one assignment and what a butler of another team or district can
// see, procedure status steps, the permits still missing (26#, 27# and the
// power room, as in the seed), working days against the 120-day target,
// the 一次性告知书 PDF and its delivery, visits and questions (overdue after
// the clock moves), the dashboard, roles, refused input, Excel, verify.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { startServer, login, loginAll, expectReply, runCli, assertNoCliSanitizerReports } from './lib.mjs';

const B = '/api/v1/butler';
const USERS = [
  ['badm', 'butler_admin', '370406', '山亭区审批局管理员'],
  ['b1', 'butler', '370406', '管家甲'],
  ['b2', 'butler', '370406', '管家乙'],
  ['b3', 'butler', '370406', '管家丙'],
  ['badm2', 'butler_admin', '370402', '市中区审批局管理员'],
  ['bx', 'butler', '370402', '市中区管家'],
  ['lead', 'leader', '370400', '市领导'],
  ['cw', 'caseworker', '370402', '市中区经办人'],
  ['sup', 'hotline_supervisor', '370400', '热线督办员'],
  ['wclerk', 'dept_clerk', '370400', '水务局经办人'],
  ['pclerk', 'dept_clerk', '370400', '公安局经办人'],
  ['whead', 'dept_head', '370400', '水务局负责人'],
  ['op', 'hotline_operator', '370400', '热线话务员'],
];
// hotline departments (data/hotline_departments.tsv)
const WATER = 13; // 市城乡水务局
const POLICE = 1; // 市公安局
const A = '/api/v1/hotline/appeals';
const DAY = 86400;

/** 统一社会信用代码 with its GB 32100-2015 check character. */
function uscc(first17) {
  const set = '0123456789ABCDEFGHJKLMNPQRTUWXY';
  const w = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += set.indexOf(first17[i]) * w[i];
  return first17 + set[(31 - (sum % 31)) % 31];
}

let seq = 0;
function projectBody(over = {}) {
  seq++;
  return {
    name: `测试重点项目${seq}`,
    town: '山城街道',
    level: 'city',
    industry: '先进制造',
    enterprise: `测试科技有限公司${seq}`,
    uscc: uscc(`91370406MA3C0000${seq % 10}`),
    contact_name: '高经理',
    contact_phone: '0632-8812345',
    investment: 5000000000, // ¥50,000,000
    floor_area: 1200000, // 12,000 m²
    planned_start: '2026-05-01',
    planned_finish: '2027-12-31',
    ...over,
  };
}

async function binary(c, url) {
  const res = await fetch(c.base + url, { headers: c.cookie ? { Cookie: c.cookie } : {} });
  return { status: res.status, type: res.headers.get('content-type') || '', buf: Buffer.from(await res.arrayBuffer()), text: '' };
}

const flat = (s) => s.replace(/\s+/g, '');

function crc32(buf) {
  let crc = 0xffffffff;
  for (const b of buf) {
    crc ^= b;
    for (let k = 0; k < 8; k++) crc = (crc >>> 1) ^ (0xedb88320 & -(crc & 1));
  }
  return (crc ^ 0xffffffff) >>> 0;
}
function pngChunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(td));
  return Buffer.concat([len, td, crc]);
}
/** A w×h PNG of one RGB colour. */
function png(w = 2, h = 2, rgb = [0x2e, 0x8b, 0x57]) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);
  const row = Buffer.concat([Buffer.from([0]), Buffer.from(Array.from({ length: w }, () => rgb).flat())]);
  const raw = Buffer.concat(Array.from({ length: h }, () => row));
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), pngChunk('IHDR', ihdr), pngChunk('IDAT', zlib.deflateSync(raw)), pngChunk('IEND', Buffer.alloc(0))]);
}
/** A JPEG stream: SOI, JFIF APP0, EOI (the type is read from its first bytes). */
const jpeg = () => Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 16, 0x4a, 0x46, 0x49, 0x46, 0, 1, 1, 0, 0, 1, 0, 1, 0, 0, 0xff, 0xd9]);

describe('project butler', () => {
  let srv, U, tmp, teams, today;
  let big, small, noticeId, handed;
  const catalogue = {};

  before(async () => {
    srv = await startServer({ users: USERS });
    U = await loginAll(srv.base, USERS.map((u) => u[0]));
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'huimin-butler-'));
    expectReply(await U.sup.post(`/api/v1/hotline/departments/${WATER}/members`, { username: 'wclerk' }), 201);
    expectReply(await U.sup.post(`/api/v1/hotline/departments/${WATER}/members`, { username: 'whead' }), 201);
    expectReply(await U.sup.post(`/api/v1/hotline/departments/${POLICE}/members`, { username: 'pclerk' }), 201);
  });
  after(async () => {
    await srv?.stop();
    assertNoCliSanitizerReports();
  });

  const getProject = async (as, id) => expectReply(await as.get(`${B}/projects/${id}`), 200).project;
  const procOf = (p, code, item = '') => p.procedures.find((x) => x.code === code && x.item === item);
  const setStatus = async (as, id, body, status = 200, code) => expectReply(await as.post(`${B}/procedures/${id}/status`, body), status, code)?.procedure;

  it('the catalogue has the four stages with materials, flow, time limit, department and source', async () => {
    const d = expectReply(await U.b1.get(`${B}/catalogue`), 200);
    assert.deepEqual(
      [...new Set(d.butler_procedures.map((p) => p.stage))],
      ['land', 'engineering', 'construction', 'acceptance'],
    );
    for (const p of d.butler_procedures) {
      catalogue[p.code] = p;
      assert.ok(p.materials.length >= 3 && p.flow.length >= 3 && p.time_limit_workdays > 0 && p.department && p.source, p.code);
    }
    for (const code of ['project_filing', 'land_preexam', 'land_planning_permit', 'land_title', 'planning_permit', 'drawing_review', 'construction_permit', 'joint_acceptance', 'completion_filing'])
      assert.ok(catalogue[code], code);
    assert.equal(d.butler_rules.permit_exempt_investment, 30000000);
    assert.equal(d.butler_rules.permit_exempt_area, 30000);
    assert.equal(d.butler_rules.approval_target_workdays, 120);
    assert.match(d.butler_rules.permit_exempt_source, /建筑工程施工许可管理办法/);
  });

  it('山亭区 has its seven teams; another district sees none of them', async () => {
    const r = expectReply(await U.badm.get(`${B}/teams`), 200);
    assert.equal(r.total, 7);
    assert.deepEqual(
      r.items.map((t) => t.name),
      ['一', '二', '三', '四', '五', '六', '七'].map((n) => `山亭区项目管家第${n}团队`),
    );
    teams = r.items;
    assert.equal(expectReply(await U.badm2.get(`${B}/teams`), 200).total, 0);
  });

  it('the bureau adds butlers to teams; wrong people and double membership are refused', async () => {
    const steps = [
      { as: 'badm', team: 0, body: { username: 'b1', phone: '13906321111', leader: true }, status: 201 },
      { as: 'badm', team: 1, body: { username: 'b2', phone: '13906322222' }, status: 201 },
      { as: 'badm', team: 2, body: { username: 'b3' }, status: 201 },
      { as: 'badm', team: 2, body: { username: 'b1' }, status: 409, code: 'butler_team.member_in_other_team' },
      { as: 'badm', team: 2, body: { username: 'cw' }, status: 422, code: 'butler_team.member_not_butler' },
      { as: 'badm', team: 2, body: { username: 'bx' }, status: 422, code: 'butler_team.member_not_butler' },
      { as: 'badm', team: 2, body: { username: 'nobody' }, status: 404, code: 'user.not_found' },
      { as: 'badm', team: 2, body: { username: 'b2', phone: 'abc' }, status: 422, code: 'butler.invalid_phone' },
      { as: 'b1', team: 2, body: { username: 'b2' }, status: 403, code: 'auth.forbidden' },
      { as: 'badm2', team: 2, body: { username: 'bx' }, status: 404, code: 'butler_team.not_found' },
    ];
    for (const s of steps) expectReply(await U[s.as].post(`${B}/teams/${teams[s.team].id}/members`, s.body), s.status, s.code);
    const t = expectReply(await U.badm.get(`${B}/teams`), 200).items;
    assert.deepEqual(t[0].members.map((m) => [m.username, m.leader, m.phone]), [['b1', true, '13906321111']]);
    assert.deepEqual(t[2].members.map((m) => m.username), ['b3']);
    // b3 leaves team 3 (history kept) and may join another team later
    expectReply(await U.badm.del(`${B}/teams/${teams[2].id}/members/${t[2].members[0].user_id}`), 200);
    expectReply(await U.badm.del(`${B}/teams/${teams[2].id}/members/${t[2].members[0].user_id}`), 404, 'butler_team.member_not_found');
  });

  it('registering a project generates its checklist; ¥250,000 needs no 施工许可证, ¥50,000,000 does', async () => {
    const r = expectReply(await U.badm.post(`${B}/projects`, projectBody({ name: '恒海创智园建设项目', enterprise: '恒海聚硕（枣庄）科技发展有限责任公司', buildings: ['26#厂房', '27#厂房', '配电房'] })), 201);
    big = r.project;
    assert.equal(big.district, '370406');
    assert.equal(big.investment, 5000000000);
    assert.equal(big.stage, 'land');
    assert.equal(big.team, null);
    const permits = big.procedures.filter((x) => x.code === 'construction_permit');
    assert.deepEqual(permits.map((x) => [x.item, x.status]), [['26#厂房', 'todo'], ['27#厂房', 'todo'], ['配电房', 'todo']]);
    assert.equal(big.procedures.length, Object.keys(catalogue).length + 2, 'one row per procedure, one permit per building');
    assert.ok(big.procedures.every((x) => x.status === 'todo'));
    assert.equal(big.approval.missing_count, big.procedures.length);
    today = big.created_at.slice(0, 10);

    small = expectReply(await U.badm.post(`${B}/projects`, projectBody({ level: 'district', investment: 25000000, floor_area: 50000 })), 201).project;
    const p = procOf(small, 'construction_permit');
    assert.equal(p.status, 'exempt');
    assert.equal(p.status_name, '无需办理');
    assert.equal(p.by_rule, true);
    assert.match(p.exempt_reason, /30万元以下/);
    assert.match(p.exempt_reason, /建筑工程施工许可管理办法/);
    assert.equal(small.procedures.length, Object.keys(catalogue).length);
    assert.ok(!small.missing.includes('施工许可'), small.missing);

    // by floor area alone (≤ 300 m²), and exactly at the limits (以下 includes the number)
    const byArea = expectReply(await U.badm.post(`${B}/projects`, projectBody({ investment: 900000000, floor_area: 30000 })), 201).project;
    assert.equal(procOf(byArea, 'construction_permit').status, 'exempt');
    assert.match(procOf(byArea, 'construction_permit').exempt_reason, /300平方米/);
    const atLimit = expectReply(await U.badm.post(`${B}/projects`, projectBody({ investment: 30000000 })), 201).project;
    assert.equal(procOf(atLimit, 'construction_permit').status, 'exempt');
    const above = expectReply(await U.badm.post(`${B}/projects`, projectBody({ investment: 30000001, floor_area: 30001 })), 201).project;
    assert.equal(procOf(above, 'construction_permit').status, 'todo');

    // raising the investment later brings the permit back; lowering exempts it again
    const upd = { ...projectBody({ investment: 80000000, floor_area: 50000 }), stage: 'land' };
    delete upd.buildings;
    const s2 = expectReply(await U.badm.put(`${B}/projects/${above.id}`, { ...upd, investment: 20000000 }), 200).project;
    assert.equal(procOf(s2, 'construction_permit').status, 'exempt');
    const s3 = expectReply(await U.badm.put(`${B}/projects/${above.id}`, { ...upd, investment: 80000000, floor_area: 400000 }), 200).project;
    assert.equal(procOf(s3, 'construction_permit').status, 'todo');
  });

  it('one team per project; a butler sees only the team’s projects, others get 404', async () => {
    const a = expectReply(await U.badm.post(`${B}/projects/${big.id}/assign`, { team_id: teams[0].id, note: '一对一帮包' }), 200).project;
    assert.equal(a.team.id, teams[0].id);
    expectReply(await U.badm.post(`${B}/projects/${small.id}/assign`, { team_id: teams[1].id }), 200);
    expectReply(await U.badm.post(`${B}/projects/${big.id}/assign`, { team_id: teams[0].id }), 409, 'butler_project.already_assigned');
    expectReply(await U.badm.post(`${B}/projects/${big.id}/assign`, { team_id: 999999 }), 404, 'butler_team.not_found');
    expectReply(await U.b1.post(`${B}/projects/${big.id}/assign`, { team_id: teams[1].id }), 403, 'auth.forbidden');

    assert.equal((await getProject(U.b1, big.id)).name, '恒海创智园建设项目');
    for (const as of ['b2', 'b3', 'badm2', 'bx']) expectReply(await U[as].get(`${B}/projects/${big.id}`), 404, 'butler_project.not_found');
    assert.equal((await getProject(U.lead, big.id)).id, big.id, 'the city leader sees every district');

    const l1 = expectReply(await U.b1.get(`${B}/projects`), 200);
    assert.deepEqual(l1.items.map((p) => p.id), [big.id]);
    const l2 = expectReply(await U.b2.get(`${B}/projects`), 200);
    assert.deepEqual(l2.items.map((p) => p.id), [small.id]);
    assert.equal(expectReply(await U.badm2.get(`${B}/projects`), 200).total, 0);
    assert.equal(expectReply(await U.badm.get(`${B}/projects`), 200).total, 5);
    assert.equal(expectReply(await U.badm.get(`${B}/projects?team_id=${teams[0].id}`), 200).total, 1);
    // a butler's writes reach only the team's projects too
    const proc = procOf(big, 'project_filing');
    await setStatus(U.b2, proc.id, { status: 'in_progress' }, 404, 'butler_procedure.not_found');
    expectReply(await U.b2.post(`${B}/projects/${big.id}/visits`, { visited_on: today, staff: '管家乙', people_met: '高经理', notes: '越权' }), 404, 'butler_project.not_found');
    // reassignment keeps history; the old team loses sight of it
    expectReply(await U.badm.post(`${B}/projects/${small.id}/assign`, { team_id: teams[2].id, note: '调整' }), 200);
    expectReply(await U.b2.get(`${B}/projects/${small.id}`), 404);
    const back = expectReply(await U.badm.post(`${B}/projects/${small.id}/assign`, { team_id: teams[1].id }), 200).project;
    assert.equal(back.assignments.length, 3);
    assert.deepEqual(back.assignments.map((h) => h.ended_at === null), [false, false, true]);
    // a butler registering a project gets it for the team
    const own = expectReply(await U.b2.post(`${B}/projects`, projectBody({ name: '峰瑞建材技改项目' })), 201).project;
    assert.equal(own.team.id, teams[1].id);
    assert.equal((await getProject(U.b2, own.id)).id, own.id);
    expectReply(await U.b1.get(`${B}/projects/${own.id}`), 404);
  });

  it('procedure status steps; illegal ones are refused', async () => {
    const p = await getProject(U.b1, big.id);
    const filing = procOf(p, 'project_filing');
    const permit26 = procOf(p, 'construction_permit', '26#厂房');
    const steps = [
      [filing, { status: 'in_progress', started_on: today }, 200],
      [filing, { status: 'in_progress' }, 409, 'butler_procedure.invalid_transition'],
      [filing, { status: 'exempt', note: 'x' }, 409, 'butler_procedure.invalid_transition'],
      [filing, { status: 'finished' }, 422, 'butler_procedure.invalid_status'],
      [filing, { status: 'done', finished_on: '2000-01-01' }, 422, 'butler_procedure.invalid_dates'],
      [filing, { status: 'done', finished_on: '2199-01-01' }, 422, 'butler.date_in_future'],
      [filing, { status: 'done', finished_on: today, doc_name: '山东省建设项目备案证明', doc_no: '2603-370406-04-01-000001' }, 200],
      [filing, { status: 'todo' }, 409, 'butler_procedure.invalid_transition'],
      [filing, { status: 'in_progress' }, 409, 'butler_procedure.invalid_transition'],
      [permit26, { status: 'exempt' }, 422, 'butler_procedure.note_required'],
      [permit26, { status: 'exempt', note: '误操作' }, 200],
      [permit26, { status: 'done' }, 409, 'butler_procedure.invalid_transition'],
      [permit26, { status: 'in_progress' }, 409, 'butler_procedure.invalid_transition'],
      [permit26, { status: 'todo' }, 200],
    ];
    for (const [proc, body, status, code] of steps) {
      const r = await setStatus(U.b1, proc.id, body, status, code);
      if (status === 200) assert.equal(r.status, body.status);
    }
    const after = await getProject(U.b1, big.id);
    const f = procOf(after, 'project_filing');
    assert.deepEqual([f.status, f.started_on, f.finished_on, f.doc_no], ['done', today, today, '2603-370406-04-01-000001']);
    assert.equal(procOf(after, 'construction_permit', '26#厂房').status, 'todo');
    assert.equal(procOf(after, 'construction_permit', '26#厂房').exempt_reason, '');
  });

  it('the missing permits: only 26#, 27# and the power room lack their 施工许可证 once the rest before building is done', async () => {
    const p = await getProject(U.b1, big.id);
    for (const x of p.procedures)
      if (['land', 'engineering'].includes(x.stage) && x.status !== 'done') await setStatus(U.b1, x.id, { status: 'done', started_on: today, finished_on: today });
    const open = expectReply(await U.b1.get(`${B}/procedures?project_id=${big.id}&open=1&code=construction_permit`), 200);
    assert.deepEqual(open.items.map((x) => x.item), ['26#厂房', '27#厂房', '配电房']);
    assert.ok(open.items.every((x) => x.name === '建筑工程施工许可证' && x.status === 'todo'));
    const all = expectReply(await U.b1.get(`${B}/procedures?project_id=${big.id}&open=1`), 200);
    assert.deepEqual([...new Set(all.items.map((x) => x.stage))], ['construction', 'acceptance']);
    const q = await getProject(U.b1, big.id);
    assert.match(q.missing, /建筑工程施工许可证（26#厂房）、建筑工程施工许可证（27#厂房）、建筑工程施工许可证（配电房）/);
    assert.equal(q.approval.missing_count, 5);
    assert.equal(q.approval.first_start, today);
    assert.equal(q.approval.elapsed_workdays, 0, 'the start day itself does not count');
    assert.equal(q.approval.over_target, false);
    // the ledger shows who still lacks permits
    const lacking = expectReply(await U.badm.get(`${B}/projects?lacking=1`), 200);
    assert.ok(lacking.items.some((x) => x.id === big.id));
    // a new building adds its own permit row
    const nb = expectReply(await U.b1.post(`${B}/projects/${big.id}/buildings`, { name: '28#厂房' }), 201).project;
    assert.equal(procOf(nb, 'construction_permit', '28#厂房').status, 'todo');
    expectReply(await U.b1.post(`${B}/projects/${big.id}/buildings`, { name: '28#厂房' }), 409, 'butler_project.duplicate_building');
    await setStatus(U.b1, procOf(nb, 'construction_permit', '28#厂房').id, { status: 'exempt', note: '28#厂房取消建设' });
  });

  it('the 一次性告知书 lists every material of the open procedures and none of those done; delivery is recorded', async () => {
    const n = expectReply(await U.b1.post(`${B}/projects/${big.id}/notices`, {}), 201).notice;
    noticeId = n.id;
    assert.equal(n.items, 5);
    assert.equal(n.contact_name, '管家甲');
    assert.equal(n.contact_phone, '13906321111');
    assert.equal(n.delivered, false);
    const r = await binary(U.b1, `${B}/notices/${n.id}/pdf`);
    assert.equal(r.status, 200);
    assert.match(r.type, /application\/pdf/);
    const f = path.join(tmp, 'notice.pdf');
    fs.writeFileSync(f, r.buf);
    const text = flat(execFileSync('pdftotext', ['-layout', f, '-'], { encoding: 'utf8' }));
    const [y, m, d] = today.split('-').map(Number);
    for (const want of ['一次性告知书', '行政许可法》第三十二条', '恒海聚硕（枣庄）科技发展有限责任公司', '恒海创智园建设项目', '建筑工程施工许可证（26#厂房）', '建筑工程施工许可证（27#厂房）', '建筑工程施工许可证（配电房）', '联合竣工验收', '竣工验收备案', '管家甲', '13906321111', '山亭区项目管家第一团队', `${y}年${m}月${d}日`, '7个工作日'])
      assert.ok(text.includes(flat(want)), `PDF lacks ${want}`);
    for (const code of ['construction_permit', 'joint_acceptance', 'completion_filing'])
      for (const mat of catalogue[code].materials) assert.ok(text.includes(flat(mat)), `PDF lacks material of ${code}: ${mat}`);
    for (const step of catalogue.construction_permit.flow) assert.ok(text.includes(flat(step)), `PDF lacks step ${step}`);
    for (const code of ['project_filing', 'land_title'])
      for (const mat of catalogue[code].materials.filter((x) => !['construction_permit', 'joint_acceptance', 'completion_filing'].some((c) => catalogue[c].materials.includes(x))))
        assert.ok(!text.includes(flat(mat)), `PDF lists a material of the finished ${code}: ${mat}`);
    assert.ok(!text.includes('28#厂房'), 'the waived building is not listed');
    // each print is counted
    assert.equal((await binary(U.b1, `${B}/notices/${n.id}/pdf`)).status, 200);
    assert.equal((await binary(U.b2, `${B}/notices/${n.id}/pdf`)).status, 404);
    assert.equal((await binary(U.lead, `${B}/notices/${n.id}/pdf`)).status, 403);
    let list = expectReply(await U.badm.get(`${B}/notices?project_id=${big.id}`), 200);
    assert.equal(list.items[0].prints, 2);
    // delivery: how and to whom, once
    expectReply(await U.b1.post(`${B}/notices/${n.id}/delivery`, { recipient: '高经理', method: 'fax' }), 422, 'butler_notice.invalid_method');
    expectReply(await U.b1.post(`${B}/notices/${n.id}/delivery`, { recipient: '高经理', method: 'in_person', delivered_at: '2199-01-01T10:00:00+08:00' }), 422, 'butler.date_in_future');
    const dl = expectReply(await U.b1.post(`${B}/notices/${n.id}/delivery`, { recipient: '高经理', method: 'in_person', note: '现场将流程图和材料一次性告知' }), 200).notice;
    assert.deepEqual([dl.delivered, dl.recipient, dl.method_name], [true, '高经理', '当面送达']);
    expectReply(await U.b1.post(`${B}/notices/${n.id}/delivery`, { recipient: '高经理', method: 'mail' }), 409, 'butler_notice.already_delivered');
    list = expectReply(await U.badm.get(`${B}/notices?delivered=1`), 200);
    assert.deepEqual(list.items.map((x) => x.id), [n.id]);
    // no phone anywhere → refused; a given one is used
    const own = expectReply(await U.badm.get(`${B}/projects?q=${encodeURIComponent('峰瑞')}`), 200).items[0];
    expectReply(await U.badm.post(`${B}/projects/${own.id}/notices`, {}), 422, 'butler_notice.contact_required');
    assert.equal(expectReply(await U.badm.post(`${B}/projects/${own.id}/notices`, { contact_phone: '0632-8800001' }), 201).notice.contact_phone, '0632-8800001');
  });

  it('visits and questions: on the spot, or handed to a department with a deadline', async () => {
    const v = expectReply(await U.b1.post(`${B}/projects/${big.id}/visits`, { visited_on: today, staff: '管家甲等3人', people_met: '企业负责人高经理', notes: '仅26#、27#厂房、配电房施工许可证未办理' }), 201).visit;
    assert.equal(v.team.id, teams[0].id);
    const onSite = expectReply(await U.b1.post(`${B}/projects/${big.id}/questions`, { content: '营业执照变更需要什么材料？', asker: '高经理', answer: '现场解答：携带变更登记申请书和决议。', visit_id: v.id }), 201).question;
    assert.deepEqual([onSite.status, onSite.answered_on_site, onSite.overdue], ['answered', true, false]);
    handed = expectReply(await U.b1.post(`${B}/projects/${big.id}/questions`, { content: '取水许可如何办理？', asker: '高经理', department_id: WATER, deadline_days: 3 }), 201).question;
    assert.deepEqual([handed.status, handed.overdue, handed.department, handed.department_id], ['handed_over', false, '市城乡水务局', WATER]);
    assert.deepEqual([handed.appeal.status, handed.appeal.warning], ['dispatched', 'none']);
    assert.equal(handed.appeal.due, handed.due_at);
    const due = expectReply(await U.b1.get(`/api/v1/calendar/deadline?from=${encodeURIComponent(handed.handed_at)}&workdays=3`), 200).due;
    assert.equal(handed.due_at, due, 'the deadline counts working days (民法典第二百零一条)');
    expectReply(await U.b2.post(`${B}/projects/${small.id}/questions`, { content: '光伏项目用地？', asker: '李总', answer: '已当场解答' }), 201);
    const bad = [
      [{ content: '问', asker: '甲' }, 422, 'butler_question.invalid_handling'],
      [{ content: '问', asker: '甲', answer: '答', department_id: WATER }, 422, 'butler_question.invalid_handling'],
      [{ content: '问', asker: '甲', department_id: WATER, deadline_days: 31 }, 422, 'request.out_of_range'],
      [{ content: '问', asker: '甲', department_id: 999 }, 422, 'butler_question.unknown_department'],
      [{ content: '问', asker: '甲', department: '区水务局' }, 400, 'request.unknown_field'],
      [{ content: '问', asker: '甲', answer: '答', visit_id: 999999 }, 404, 'butler_visit.not_found'],
      [{ content: '问', asker: '甲', answer: '答', raised_at: '2199-01-01T00:00:00+08:00' }, 422, 'butler.date_in_future'],
    ];
    for (const [body, status, code] of bad) expectReply(await U.b1.post(`${B}/projects/${big.id}/questions`, body), status, code);
    expectReply(await U.b1.post(`${B}/projects/${big.id}/visits`, { visited_on: '2199-01-01', staff: '甲', people_met: '乙', notes: '丙' }), 422, 'butler.date_in_future');
    const q = expectReply(await U.badm.get(`${B}/questions?project_id=${big.id}`), 200);
    assert.equal(q.total, 2);
    assert.equal(expectReply(await U.b2.get(`${B}/questions`), 200).total, 1, 'a butler sees the team’s questions only');
    assert.equal(expectReply(await U.badm.get(`${B}/visits?project_id=${big.id}`), 200).total, 1);
  });

  it('wrong role → 403', async () => {
    const cases = [
      [U.cw, 'GET', `${B}/projects`],
      [U.cw, 'GET', `${B}/stats`],
      [U.lead, 'POST', `${B}/projects`, projectBody()],
      [U.lead, 'POST', `${B}/procedures/1/status`, { status: 'done' }],
      [U.b1, 'POST', `${B}/teams`, { name: '第八团队' }],
      [U.b1, 'POST', `${B}/projects/${big.id}/assign`, { team_id: teams[1].id }],
      [U.cw, 'POST', `${B}/projects/${big.id}/questions`, { content: '问', asker: '甲', answer: '答' }],
    ];
    for (const [as, method, url, body] of cases) expectReply(await as.raw(method, url, { body }), 403, 'auth.forbidden');
  });

  it('bad input on every write route is refused with a code and field, and nothing changes', async () => {
    const snapshot = async () =>
      JSON.stringify([
        await getProject(U.badm, big.id),
        expectReply(await U.badm.get(`${B}/projects`), 200),
        expectReply(await U.badm.get(`${B}/teams`), 200),
        expectReply(await U.badm.get(`${B}/notices`), 200),
        expectReply(await U.badm.get(`${B}/visits`), 200),
        expectReply(await U.badm.get(`${B}/questions`), 200),
      ]);
    const before = await snapshot();
    const p = await getProject(U.badm, big.id);
    const permit = procOf(p, 'construction_permit', '27#厂房');
    const upd = projectBody({ stage: 'construction' });
    delete upd.buildings;
    const routes = [
      { method: 'POST', url: `${B}/projects`, good: projectBody(), str: 'name', int: 'investment' },
      { method: 'PUT', url: `${B}/projects/${big.id}`, good: upd, str: 'town', int: 'floor_area' },
      { method: 'POST', url: `${B}/projects/${big.id}/assign`, good: { team_id: teams[3].id, note: '调整' }, str: 'note', int: 'team_id' },
      { method: 'POST', url: `${B}/projects/${big.id}/buildings`, good: { name: '29#厂房' }, str: 'name' },
      { method: 'POST', url: `${B}/procedures/${permit.id}/status`, good: { status: 'in_progress' }, str: 'note' },
      { method: 'POST', url: `${B}/projects/${big.id}/notices`, good: { contact_phone: '13906321111' }, str: 'contact_phone' },
      { method: 'POST', url: `${B}/notices/${noticeId}/delivery`, good: { recipient: '高经理', method: 'mail' }, str: 'recipient' },
      { method: 'POST', url: `${B}/projects/${big.id}/visits`, good: { visited_on: today, staff: '甲', people_met: '乙', notes: '丙' }, str: 'notes' },
      { method: 'POST', url: `${B}/projects/${big.id}/questions`, good: { content: '问', asker: '甲', answer: '答' }, str: 'content', int: 'deadline_days' },
      { method: 'POST', url: `${B}/questions/${handed.id}/answer`, good: { answer: '答' }, str: 'answer' },
      { method: 'POST', url: `${B}/teams`, good: { name: '山亭区项目管家第八团队' }, str: 'name' },
      { method: 'POST', url: `${B}/teams/${teams[3].id}/members`, good: { username: 'b3' }, str: 'username', bool: 'leader' },
    ];
    for (const rt of routes) {
      const as = U.badm;
      const send = (body, o = {}) => as.raw(rt.method, rt.url, { body, ...o });
      expectReply(await as.raw(rt.method, rt.url, { rawBody: '{"a":', contentType: 'application/json' }), 400, 'request.malformed_json');
      expectReply(await send({ ...rt.good, unknown_field: 1 }), 400, 'request.unknown_field', 'unknown_field');
      expectReply(await send({ ...rt.good, [rt.str]: 123 }), 400, 'request.invalid_type', rt.str);
      if (rt.int) expectReply(await send({ ...rt.good, [rt.int]: 'x' }), 400, 'request.invalid_type', rt.int);
      if (rt.bool) expectReply(await send({ ...rt.good, [rt.bool]: 'yes' }), 400, 'request.invalid_type', rt.bool);
      expectReply(await send({ ...rt.good, [rt.str]: '长'.repeat(2001) }), 422, 'request.too_long', rt.str);
      expectReply(await send(rt.good, { noCsrf: true }), 403, 'auth.csrf_invalid');
    }
    // domain checks of the project fields
    const bad = [
      [{ level: 'national' }, 'butler_project.invalid_level', 'level'],
      [{ stage: 'design' }, 'butler_project.invalid_stage', 'stage'],
      [{ uscc: '91370406MA3C000001' }, 'butler_project.invalid_uscc', 'uscc'],
      [{ contact_phone: '电话' }, 'butler.invalid_phone', 'contact_phone'],
      [{ planned_start: '2026-02-30' }, 'request.invalid_date', 'planned_start'],
      [{ planned_finish: '2026-01-01' }, 'butler_project.invalid_dates', 'planned_finish'],
      [{ investment: -1 }, 'request.out_of_range', 'investment'],
      [{ investment: 1.5 }, 'request.invalid_type', 'investment'],
      [{ buildings: ['26#', '26#'] }, 'butler_project.duplicate_building', 'buildings'],
    ];
    for (const [over, code, field] of bad) {
      const res = await U.badm.post(`${B}/projects`, projectBody(over));
      expectReply(res, res.status >= 400 && res.status < 500 ? res.status : 422, code, field);
      assert.ok([400, 409, 422].includes(res.status), res.text);
    }
    expectReply(await U.badm2.post(`${B}/projects/${big.id}/buildings`, { name: '越权' }), 404, 'butler_project.not_found');
    expectReply(await U.lead.post(`${B}/projects`, projectBody()), 403);
    assert.equal(await snapshot(), before, 'a refused request changed something');
  });

  it('lists export to Excel', async () => {
    const py = 'import sys, zipfile\nz = zipfile.ZipFile(sys.argv[1])\nprint("".join(z.read(n).decode("utf8") for n in z.namelist() if n.endswith(".xml")))';
    for (const [url, want] of [
      [`${B}/projects?format=xlsx`, ['重点项目审批进度台账', '恒海创智园建设项目', '尚未办结的审批事项', '50000000']],
      [`${B}/procedures?open=1&format=xlsx`, ['审批事项清单', '26#厂房', '建筑工程施工许可证']],
      [`${B}/questions?format=xlsx`, ['企业问题', '取水许可如何办理？']],
      [`${B}/visits?format=xlsx`, ['走访记录']],
      [`${B}/notices?format=xlsx`, ['一次性告知书', '当面送达']],
      [`${B}/teams?format=xlsx`, ['项目管家团队', '管家甲']],
    ]) {
      const r = await binary(U.badm, url);
      assert.equal(r.status, 200, url);
      assert.match(r.type, /spreadsheetml/);
      const f = path.join(tmp, 'x.xlsx');
      fs.writeFileSync(f, r.buf);
      const text = execFileSync('python3', ['-c', py, f], { encoding: 'utf8' });
      for (const w of want) assert.ok(text.includes(w), `${url}: ${w}`);
    }
    expectReply(await U.badm.get(`${B}/projects?format=pdf`), 400, 'request.invalid_query');
    expectReply(await U.badm.get(`${B}/projects?level=national`), 400, 'request.invalid_query', 'level');
    expectReply(await U.badm.get(`${B}/projects?bogus=1`), 400, 'request.invalid_query');
    const page = expectReply(await U.badm.get(`${B}/projects?page=2&page_size=2`), 200);
    assert.deepEqual([page.page, page.page_size, page.items.length, page.total], [2, 2, 2, 6]);
  });

  it('after 200 days: the approval is over 120 working days, the handed-over question is overdue, then answered', async () => {
    const dash0 = expectReply(await U.badm.get(`${B}/stats?since=${today}`), 200);
    assert.equal(dash0.questions.answered_since, 2);
    assert.equal(dash0.questions.overdue, 0);

    await srv.restart({ offsetSeconds: 200 * DAY });
    U = await loginAll(srv.base, ['badm', 'b1', 'b2', 'lead', 'badm2', 'wclerk', 'whead']);
    const p = await getProject(U.b1, big.id);
    assert.ok(p.approval.elapsed_workdays > 120 && p.approval.elapsed_workdays < 200, `elapsed ${p.approval.elapsed_workdays}`);
    assert.equal(p.approval.over_target, true);
    assert.equal(p.approval.target_workdays, 120);
    assert.equal(p.approval.complete, false);

    const od = expectReply(await U.b1.get(`${B}/questions?overdue=1`), 200);
    assert.deepEqual(od.items.map((x) => [x.id, x.overdue]), [[handed.id, true]]);
    let dash = expectReply(await U.badm.get(`${B}/stats?since=${today}`), 200);
    assert.equal(dash.questions.overdue, 1);
    // the department answers in the hotline; the question reads the approved reply
    expectReply(await U.b1.post(`${B}/questions/${handed.id}/answer`, { answer: '再答' }), 409, 'butler_question.answered_via_hotline');
    U.wclerk = await login(srv.base, 'wclerk');
    expectReply(await U.wclerk.post(`${A}/${handed.appeal.id}/sign`, {}), 200);
    expectReply(await U.wclerk.post(`${A}/${handed.appeal.id}/reply`, { reply: '市城乡水务局答复：按取水许可办事指南办理。' }), 200);
    expectReply(await U.whead.post(`${A}/${handed.appeal.id}/reply-review`, { decision: 'approve' }), 200);
    const ans = expectReply(await U.b1.get(`${B}/questions?project_id=${big.id}&status=answered`), 200).items.find((x) => x.id === handed.id);
    assert.deepEqual([ans.status, ans.overdue, ans.answered_on_site, ans.answer], ['answered', false, false, '市城乡水务局答复：按取水许可办事指南办理。']);

    dash = expectReply(await U.badm.get(`${B}/stats?since=${today}`), 200);
    assert.equal(dash.projects, 6);
    assert.equal(dash.questions.answered_since, 3);
    assert.equal(dash.questions.overdue, 0);
    const byTeam = Object.fromEntries(dash.questions.by_team.map((t) => [t.name, t.answered]));
    assert.equal(byTeam['山亭区项目管家第一团队'], 2);
    assert.equal(byTeam['山亭区项目管家第二团队'], 1);
    assert.equal(dash.questions.by_team.length, 7);
    assert.equal(dash.approval.target_workdays, 120);
    assert.ok(dash.approval.over_target >= 1);
    assert.ok(dash.approval.average_workdays > 0);
    assert.ok(dash.missing_by_procedure.some((x) => x.code === 'construction_permit' && x.count >= 3));
    assert.ok(dash.by_level.some((x) => x.code === 'city'));
    // answered since a later date: only the late answer
    const later = new Date(Date.parse(`${today}T00:00:00+08:00`) + 100 * DAY * 1000 + 8 * 3600 * 1000).toISOString().slice(0, 10);
    const dl = expectReply(await U.badm.get(`${B}/stats?since=${later}`), 200);
    assert.equal(dl.questions.answered_since, 1);
    assert.equal(expectReply(await U.badm.get(`${B}/questions?answered_since=${later}`), 200).total, 1);
    // another district's dashboard knows nothing of 山亭区
    const other = expectReply(await U.badm2.get(`${B}/stats`), 200);
    assert.deepEqual([other.projects, other.questions.answered_since, other.questions.by_team.length], [0, 0, 0]);
    // a butler's dashboard covers the team's projects
    assert.equal(expectReply(await U.b2.get(`${B}/stats?since=${today}`), 200).projects, 2);
  });

  it('huimin verify accepts the database at the end', async () => {
    await srv.stop();
    const r = await runCli(['verify', '--db', srv.db]);
    assert.equal(r.code, 0, `verify: ${r.stdout}\n${r.stderr}`);
  });
});

// Issue 8's gaps: the approval progress ledger, photos of site visits, the
// editable procedure catalogue and questions handed over through the
// hotline's dispatch. A server of its own, so the counts above stay exact.
describe('project butler: ledger, photos, catalogue, hand-over', () => {
  let srv, U, tmp, teams, mine, theirs;
  const cjk = /[\u4e00-\u9fff]/;

  before(async () => {
    srv = await startServer({ users: USERS });
    U = await loginAll(srv.base, USERS.map((u) => u[0]));
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'huimin-butler2-'));
    teams = expectReply(await U.badm.get(`${B}/teams`), 200).items;
    expectReply(await U.badm.post(`${B}/teams/${teams[0].id}/members`, { username: 'b1', phone: '13906321111' }), 201);
    expectReply(await U.badm.post(`${B}/teams/${teams[1].id}/members`, { username: 'b2' }), 201);
    mine = expectReply(await U.badm.post(`${B}/projects`, projectBody({ name: '恒海创智园建设项目', buildings: ['26#厂房'] })), 201).project;
    theirs = expectReply(await U.badm.post(`${B}/projects`, projectBody({ name: '峰瑞建材技改项目' })), 201).project;
    expectReply(await U.badm.post(`${B}/projects/${mine.id}/assign`, { team_id: teams[0].id }), 200);
    expectReply(await U.badm.post(`${B}/projects/${theirs.id}/assign`, { team_id: teams[1].id }), 200);
    expectReply(await U.sup.post(`/api/v1/hotline/departments/${WATER}/members`, { username: 'wclerk' }), 201);
    expectReply(await U.sup.post(`/api/v1/hotline/departments/${WATER}/members`, { username: 'whead' }), 201);
    expectReply(await U.sup.post(`/api/v1/hotline/departments/${POLICE}/members`, { username: 'pclerk' }), 201);
  });
  after(async () => {
    await srv?.stop();
    assertNoCliSanitizerReports();
  });

  const getToday = async (as) => expectReply(await as.get(`${B}/projects/${mine.id}`), 200).project.created_at;
  const ledger = async (as, q = '') => expectReply(await as.get(`${B}/ledger${q}`), 200);
  const err = (r, status, code, field) => {
    const j = expectReply(r, status, code, field);
    assert.match(j.error.message, cjk, `Chinese message: ${r.text}`);
    return j;
  };

  it('progress ledger: rows per approval with their own problems and measures, who and when; team scope', async () => {
    const a = expectReply(
      await U.b1.post(`${B}/projects/${mine.id}/ledger`, { approval: '建筑工程施工许可证（26#厂房）', department: '区行政审批服务局', progress: '已受理', problems: '施工图审查未完成' }),
      201,
    ).entry;
    assert.equal(a.project.id, mine.id);
    assert.equal(a.approval, '建筑工程施工许可证（26#厂房）');
    assert.equal(a.progress_updated.name, '管家甲');
    assert.equal(a.problems_updated.name, '管家甲');
    assert.equal(a.measures_updated, null, 'measures never written');
    const b = expectReply(await U.badm.post(`${B}/projects/${mine.id}/ledger`, { approval: '建设工程规划许可证', department: '区自然资源局' }), 201).entry;
    expectReply(await U.b2.post(`${B}/projects/${theirs.id}/ledger`, { approval: '取水许可', department: '区水务局' }), 201);

    // only the field that really changes gets a new author
    const u = expectReply(await U.badm.put(`${B}/ledger/${a.id}`, { measures: '协调审查机构加快审查', problems: '施工图审查未完成' }), 200).entry;
    assert.equal(u.measures, '协调审查机构加快审查');
    assert.equal(u.measures_updated.name, '山亭区审批局管理员');
    assert.equal(u.problems_updated.name, '管家甲', 'problems re-sent unchanged keep their author');
    assert.equal(u.progress, '已受理');

    // scope: a butler sees and writes only the team's projects
    assert.deepEqual((await ledger(U.b1)).items.map((x) => x.id), [a.id, b.id]);
    assert.equal((await ledger(U.b2)).total, 1);
    assert.equal((await ledger(U.badm2)).total, 0);
    assert.equal((await ledger(U.lead)).total, 3);
    assert.deepEqual((await ledger(U.badm, `?project_id=${mine.id}`)).items.map((x) => x.seq), [1, 2]);
    assert.equal((await ledger(U.badm, `?team_id=${teams[1].id}`)).total, 1);
    err(await U.b2.put(`${B}/ledger/${a.id}`, { progress: '越权' }), 404, 'butler_ledger.not_found');
    err(await U.b2.post(`${B}/projects/${mine.id}/ledger`, { approval: 'x', department: 'y' }), 404, 'butler_project.not_found');
    err(await U.cw.get(`${B}/ledger`), 403, 'auth.forbidden');
    err(await U.lead.post(`${B}/projects/${mine.id}/ledger`, { approval: 'x', department: 'y' }), 403, 'auth.forbidden');

    // the project's audit trail has both changes
    const hist = expectReply(await U.badm.get(`/api/v1/audit?entity=butler_project&id=${mine.id}`), 200);
    const acts = (hist.items || hist.records || []).map((x) => x.action);
    assert.ok(acts.includes('butler_ledger.create') && acts.includes('butler_ledger.update'), JSON.stringify(acts));
  });

  it('progress ledger: bad input is refused with code, Chinese message and field, and nothing changes', async () => {
    const before = JSON.stringify(await ledger(U.badm));
    const row = (await ledger(U.badm, `?project_id=${mine.id}`)).items[0];
    err(await U.badm.post(`${B}/projects/${mine.id}/ledger`, { approval: '建设工程规划许可证', department: '区自然资源局' }), 409, 'butler_ledger.duplicate_approval', 'approval');
    err(await U.badm.put(`${B}/ledger/${row.id}`, { approval: '建设工程规划许可证' }), 409, 'butler_ledger.duplicate_approval', 'approval');
    err(await U.badm.post(`${B}/projects/${mine.id}/ledger`, { department: '区自然资源局' }), 400, 'request.missing_field', 'approval');
    err(await U.badm.post(`${B}/projects/${mine.id}/ledger`, { approval: '', department: '区自然资源局' }), 400, 'request.missing_field', 'approval');
    err(await U.badm.post(`${B}/projects/${mine.id}/ledger`, { approval: 'x', department: 'y', progress: '长'.repeat(501) }), 422, 'request.too_long', 'progress');
    err(await U.badm.post(`${B}/projects/${mine.id}/ledger`, { approval: 'x', department: 'y', owner: 1 }), 400, 'request.unknown_field', 'owner');
    err(await U.badm.post(`${B}/projects/${mine.id}/ledger`, { approval: 1, department: 'y' }), 400, 'request.invalid_type', 'approval');
    err(await U.badm.post(`${B}/projects/999999/ledger`, { approval: 'x', department: 'y' }), 404, 'butler_project.not_found');
    err(await U.badm.put(`${B}/ledger/${row.id}`, {}), 400, 'request.missing_field');
    err(await U.badm.put(`${B}/ledger/${row.id}`, { department: '' }), 400, 'request.missing_field', 'department');
    err(await U.badm.put(`${B}/ledger/999999`, { progress: '无' }), 404, 'butler_ledger.not_found');
    err(await U.badm.put(`${B}/ledger/${row.id}`, { progress: '无' }, { noCsrf: true }), 403, 'auth.csrf_invalid');
    err(await U.badm.get(`${B}/ledger?project_id=abc`), 400, 'request.invalid_query', 'project_id');
    assert.equal(JSON.stringify(await ledger(U.badm)), before);
  });

  it('progress ledger exports to Excel in the customary column order', async () => {
    const r = await binary(U.badm, `${B}/ledger?format=xlsx`);
    assert.equal(r.status, 200);
    assert.match(r.type, /spreadsheetml/);
    const f = path.join(tmp, 'ledger.xlsx');
    fs.writeFileSync(f, r.buf);
    const py = 'import sys, zipfile\nz = zipfile.ZipFile(sys.argv[1])\nprint("".join(z.read(n).decode("utf8") for n in z.namelist() if n.endswith(".xml")))';
    const text = execFileSync('python3', ['-c', py, f], { encoding: 'utf8' });
    const heads = ['序号', '项目名称', '审批事项', '责任单位', '进展情况', '存在问题', '采取措施'];
    const at = heads.map((h) => text.indexOf(h));
    assert.ok(at.every((i) => i >= 0), `headers ${at}`);
    assert.deepEqual([...at].sort((x, y) => x - y), at, 'headers in the customary order');
    for (const w of ['恒海创智园建设项目', '施工图审查未完成', '协调审查机构加快审查', '取水许可']) assert.ok(text.includes(w), w);
  });

  it('a question handed over becomes a hotline appeal that the department’s clerk works; answered once replied', async () => {
    const since = (await getToday(U.badm)).slice(0, 10);
    const dash0 = expectReply(await U.badm.get(`${B}/stats?since=${since}`), 200).questions;
    const q = expectReply(await U.b1.post(`${B}/projects/${mine.id}/questions`, { content: '厂区取水许可需要哪些材料？', asker: '高经理', department_id: WATER }), 201).question;
    assert.deepEqual([q.status, q.department, q.department_id, q.answer], ['handed_over', '市城乡水务局', WATER, '']);
    assert.match(q.appeal.no, /^RX\d{10}$/);
    assert.equal(q.appeal.status, 'dispatched');
    // the hotline's clocks: sign for within 1 working day, reply within the default 5
    const cal = async (n) => expectReply(await U.b1.get(`/api/v1/calendar/deadline?from=${encodeURIComponent(q.handed_at)}&workdays=${n}`), 200).due;
    assert.equal(q.appeal.sign_due, await cal(1));
    assert.equal(q.appeal.due, await cal(5));
    assert.equal(q.due_at, q.appeal.due);

    // the water clerk sees it as any other appeal; the police clerk does not
    const seen = expectReply(await U.wclerk.get(`${A}/${q.appeal.id}`), 200).appeal;
    assert.deepEqual([seen.channel, seen.channel_name, seen.status, seen.department?.id], ['butler', '项目管家转办', 'dispatched', WATER]);
    assert.match(seen.content, /厂区取水许可需要哪些材料/);
    assert.ok(expectReply(await U.wclerk.get(A), 200).items.some((x) => x.id === q.appeal.id));
    expectReply(await U.pclerk.get(`${A}/${q.appeal.id}`), 404, 'appeal.not_found');
    assert.ok(!expectReply(await U.pclerk.get(A), 200).items.some((x) => x.id === q.appeal.id));
    expectReply(await U.pclerk.post(`${A}/${q.appeal.id}/sign`, {}), 404, 'appeal.not_found');
    // another team's butler cannot see the question
    assert.equal(expectReply(await U.b2.get(`${B}/questions?project_id=${mine.id}`), 200).total, 0);

    // signed is not answered; only an approved reply (replied/closed) is
    expectReply(await U.wclerk.post(`${A}/${q.appeal.id}/sign`, {}), 200);
    const pick = async (as) => expectReply(await as.get(`${B}/questions?project_id=${mine.id}`), 200).items.find((x) => x.id === q.id);
    let now = await pick(U.b1);
    assert.deepEqual([now.status, now.appeal.status, now.answer], ['handed_over', 'signed', '']);
    assert.equal(expectReply(await U.b1.get(`${B}/questions?project_id=${mine.id}&status=handed_over`), 200).total, 1);
    err(await U.b1.post(`${B}/questions/${q.id}/answer`, { answer: '管家自己答' }), 409, 'butler_question.answered_via_hotline');
    expectReply(await U.wclerk.post(`${A}/${q.appeal.id}/reply`, { reply: '请携带取水许可申请书、取水和退水影响论证报告到市城乡水务局窗口办理。' }), 200);
    // the clerk's reply waits for the department head: not yet an answer
    now = await pick(U.b1);
    assert.deepEqual([now.status, now.appeal.status, now.answer], ['handed_over', 'reply_review', '']);
    expectReply(await U.whead.post(`${A}/${q.appeal.id}/reply-review`, { decision: 'approve' }), 200);
    now = await pick(U.b1);
    assert.deepEqual([now.status, now.appeal.status, now.answered_on_site], ['answered', 'replied', false]);
    assert.match(now.answer, /取水许可申请书/);
    assert.ok(now.answered_at);
    const dash = expectReply(await U.badm.get(`${B}/stats?since=${since}`), 200).questions;
    assert.equal(dash.answered_since, dash0.answered_since + 1);
    const team = (d) => d.by_team.find((t) => t.team_id === teams[0].id).answered;
    assert.equal(team(dash), team(dash0) + 1);
    assert.equal(expectReply(await U.b1.get(`${B}/questions?answered_since=${since}`), 200).items.filter((x) => x.id === q.id).length, 1);
  });

  it('hand-over: bad input changes nothing, and the intake desk cannot register the butler’s channel', async () => {
    const count = async () => [
      expectReply(await U.badm.get(`${B}/questions`), 200).total,
      expectReply(await U.sup.get(A), 200).total,
    ];
    const before = await count();
    const url = `${B}/projects/${mine.id}/questions`;
    err(await U.b1.post(url, { content: '问', asker: '甲', department_id: 999 }), 422, 'butler_question.unknown_department', 'department_id');
    err(await U.b1.post(url, { content: '问', asker: '甲', department_id: 'x' }), 400, 'request.invalid_type', 'department_id');
    err(await U.b1.post(url, { content: '问', asker: '甲', department_id: WATER, deadline_days: 31 }), 422, 'request.out_of_range', 'deadline_days');
    err(await U.b1.post(url, { content: '问', asker: '甲', department_id: WATER, answer: '答' }), 422, 'butler_question.invalid_handling', 'department_id');
    err(await U.b1.post(url, { content: '问', asker: '甲', department: '区水务局' }), 400, 'request.unknown_field', 'department');
    err(await U.b2.post(url, { content: '问', asker: '甲', department_id: WATER }), 404, 'butler_project.not_found');
    assert.deepEqual(await count(), before, 'no question and no appeal was created');

    const dict = expectReply(await U.op.get('/api/v1/dicts'), 200);
    const channels = dict.hotline?.channels || dict.channels || dict.hotline_channels;
    assert.ok(channels.some((c) => c.code === 'butler' && c.name === '项目管家转办'), JSON.stringify(channels));
    err(
      await U.op.post(A, { channel: 'butler', kind: 'consultation', caller_name: '张三', content: '冒充管家转办', category: 'gov.other' }),
      422,
      'appeal.invalid_channel',
      'channel',
    );
    assert.deepEqual(await count(), before);
  });

  it('visit photos: JPEG and PNG by their bytes, stored once, team scope, every view audited', async () => {
    const visit = expectReply(await U.b1.post(`${B}/projects/${mine.id}/visits`, { visited_on: (await getToday(U.b1)).slice(0, 10), staff: '管家甲', people_met: '高经理', notes: '26#厂房基础施工现场' }), 201).visit;
    const url = `${B}/visits/${visit.id}/photos`;
    const up = (as, bytes, type, name = '现场.png', o = {}) => as.raw('POST', `${url}?filename=${encodeURIComponent(name)}`, { rawBody: bytes, contentType: type, ...o });
    const list = async (as) => expectReply(await as.get(url), 200).items;

    const a = expectReply(await up(U.b1, png(), 'image/png', '26#厂房基础.png'), 201);
    assert.deepEqual([a.duplicate, a.photo.content_type, a.photo.filename, a.photo.uploaded_by], [false, 'image/png', '26#厂房基础.png', '管家甲']);
    const j = expectReply(await up(U.b1, jpeg(), 'application/octet-stream', '配电房.jpg'), 201).photo;
    assert.equal(j.content_type, 'image/jpeg');
    const again = expectReply(await up(U.badm, png(), 'image/png', '重复.png'), 200);
    assert.deepEqual([again.duplicate, again.photo.id], [true, a.photo.id]);

    // refused: nothing is filed
    const before = JSON.stringify(await list(U.badm));
    const pdf = Buffer.from('%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n', 'latin1');
    err(await up(U.b1, pdf, 'application/pdf', 'a.pdf'), 415, 'butler_photo.unsupported_type', 'file');
    err(await up(U.b1, Buffer.from('MZ\x90\x00program', 'latin1'), 'image/png', 'a.png'), 415, 'butler_photo.unsupported_type', 'file');
    err(await up(U.b1, jpeg(), 'image/png', 'a.png'), 415, 'attachment.type_mismatch');
    err(await up(U.b1, Buffer.alloc(0), 'image/png', 'a.png'), 422, 'attachment.empty');
    err(await up(U.b1, png(), 'image/png', 'a/b.png'), 422, 'attachment.invalid_filename', 'filename');
    err(await U.b1.raw('POST', url, { rawBody: png(), contentType: 'image/png' }), 400, 'request.missing_field', 'filename');
    err(await up(U.b1, png(3, 3), 'image/png', 'a.png', { noCsrf: true }), 403, 'auth.csrf_invalid');
    err(await up(U.b2, png(4, 4), 'image/png'), 404, 'butler_visit.not_found');
    err(await up(U.badm2, png(4, 4), 'image/png'), 404, 'butler_visit.not_found');
    err(await up(U.lead, png(4, 4), 'image/png'), 403, 'auth.forbidden');
    err(await U.b1.raw('POST', `${B}/visits/999999/photos?filename=x.png`, { rawBody: png(5, 5), contentType: 'image/png' }), 404, 'butler_visit.not_found');
    assert.equal(JSON.stringify(await list(U.badm)), before, 'a refused upload files nothing');
    expectReply(await up(U.b1, png(4, 4), 'image/png', 'x.png'), 201);

    // scope: another team or district sees nothing, the city leader sees all
    err(await U.b2.get(url), 404, 'butler_visit.not_found');
    err(await U.badm2.get(url), 404, 'butler_visit.not_found');
    assert.equal((await list(U.lead)).length, 3);
    const photos = await list(U.b1);
    assert.deepEqual(photos.map((x) => x.filename), ['26#厂房基础.png', '配电房.jpg', 'x.png']);

    // view/download: the bytes back, with their type, audited on the project each time
    const audits = async () => (expectReply(await U.badm.get(`/api/v1/audit?entity=butler_project&id=${mine.id}`), 200).items || []).filter((x) => x.action === 'butler_photo.download').length;
    const n0 = await audits();
    const f = await binary(U.b1, photos[0].url);
    assert.equal(f.status, 200);
    assert.equal(f.type, 'image/png');
    assert.ok(f.buf.equals(png()));
    const g = await binary(U.lead, photos[1].url);
    assert.deepEqual([g.status, g.type], [200, 'image/jpeg']);
    assert.equal(await audits(), n0 + 2);
    const other = await U.b2.get(photos[0].url);
    err(other, 404, 'butler_photo.not_found');
    err(await U.b1.get(`${B}/photos/999999/file`), 404, 'butler_photo.not_found');
    assert.equal(await audits(), n0 + 2, 'refused views are not audited');
    const ups = (expectReply(await U.badm.get(`/api/v1/audit?entity=butler_project&id=${mine.id}`), 200).items || []).filter((x) => x.action === 'butler_photo.upload');
    assert.equal(ups.length, 3);
  });

  it('catalogue: the bureau adds, edits and retires procedures; versions, history and audit; checklists keep their items', async () => {
    const cat = async () => expectReply(await U.b1.get(`${B}/catalogue`), 200).butler_procedures;
    const seeded = await cat();
    assert.equal(seeded.length, 9);
    assert.ok(seeded.every((p) => p.id > 0 && p.version === 1 && p.retired === false), 'seeded from the data file');
    const water = {
      code: 'water_permit',
      stage: 'engineering',
      name: '取水许可',
      department: '市城乡水务局',
      time_limit_workdays: 20,
      per_building: false,
      materials: ['取水许可申请书', '建设项目水资源论证报告书（表）', '取水工程设计文件'],
      flow: ['申请', '受理', '审查', '决定'],
      source: '《取水许可和水资源费征收管理条例》第十一条、第十八条',
      to_confirm: '本地办理时限待确认',
    };
    err(await U.b1.post(`${B}/catalogue/procedures`, water), 403, 'auth.forbidden');
    err(await U.lead.post(`${B}/catalogue/procedures`, water), 403, 'auth.forbidden');
    const created = expectReply(await U.badm.post(`${B}/catalogue/procedures`, water), 201).procedure;
    assert.deepEqual([created.version, created.retired, created.stage_name, created.materials.length], [1, false, '工程建设许可', 3]);
    const after = await cat();
    assert.equal(after.length, 10);
    // the engineering stage lists it after the seeded engineering procedures, before the permit stage
    const codes = after.map((p) => p.code);
    assert.ok(codes.indexOf('water_permit') > codes.indexOf('drawing_review') && codes.indexOf('water_permit') < codes.indexOf('construction_permit'), codes.join());

    // a new project's checklist has it; the existing one keeps its items
    const before = (await U.b1.get(`${B}/projects/${mine.id}`)).json.project.procedures.map((x) => x.code);
    const fresh = expectReply(await U.badm.post(`${B}/projects`, projectBody({ name: '新目录下登记的项目' })), 201).project;
    assert.ok(fresh.procedures.some((x) => x.code === 'water_permit' && x.name === '取水许可'));
    assert.deepEqual(expectReply(await U.b1.get(`${B}/projects/${mine.id}`), 200).project.procedures.map((x) => x.code), before);

    // edit: a new version; the same content again is no new version
    const edited = expectReply(await U.badm.put(`${B}/catalogue/procedures/${created.id}`, { ...water, code: undefined, time_limit_workdays: 15 }), 200).procedure;
    assert.deepEqual([edited.version, edited.time_limit_workdays, edited.code], [2, 15, 'water_permit']);
    const same = expectReply(await U.badm.put(`${B}/catalogue/procedures/${created.id}`, { ...water, code: undefined, time_limit_workdays: 15 }), 200).procedure;
    assert.equal(same.version, 2);
    // retire: new checklists no longer get it, the one that has it keeps it
    const retired = expectReply(await U.badm.post(`${B}/catalogue/procedures/${created.id}/retire`, {}), 200).procedure;
    assert.deepEqual([retired.version, retired.retired], [3, true]);
    err(await U.badm.post(`${B}/catalogue/procedures/${created.id}/retire`, {}), 409, 'butler_catalog.invalid_state');
    const later = expectReply(await U.badm.post(`${B}/projects`, projectBody({ name: '停用后登记的项目' })), 201).project;
    assert.ok(!later.procedures.some((x) => x.code === 'water_permit'));
    const kept = expectReply(await U.badm.get(`${B}/projects/${fresh.id}`), 200).project.procedures.find((x) => x.code === 'water_permit');
    assert.equal(kept.name, '取水许可', 'the old checklist row still reads its name');
    expectReply(await U.badm.post(`${B}/catalogue/procedures/${created.id}/restore`, {}), 200);

    const hist = expectReply(await U.b1.get(`${B}/catalogue/procedures/${created.id}/history`), 200).items;
    assert.deepEqual(hist.map((h) => [h.version, h.action, h.changed_by]), [
      [1, 'create', '山亭区审批局管理员'],
      [2, 'update', '山亭区审批局管理员'],
      [3, 'retire', '山亭区审批局管理员'],
      [4, 'restore', '山亭区审批局管理员'],
    ]);
    assert.deepEqual(hist.map((h) => h.time_limit_workdays), [20, 15, 15, 15]);
    assert.equal(expectReply(await U.b1.get(`${B}/catalogue/procedures/${seeded[0].id}/history`), 200).items[0].action, 'seed');
    const audit = expectReply(await U.badm.get(`/api/v1/audit?entity=butler_catalog&id=${created.id}`), 200).items;
    assert.deepEqual(audit.map((a) => a.action), ['butler_catalog.create', 'butler_catalog.update', 'butler_catalog.retire', 'butler_catalog.restore']);
    assert.ok(audit.slice(1).every((a) => a.old_digest && a.new_digest && a.old_digest !== a.new_digest), 'before and after digested');
  });

  it('catalogue: bad input is refused with code, Chinese message and field, and nothing changes', async () => {
    const snap = async () => JSON.stringify(expectReply(await U.badm.get(`${B}/catalogue`), 200).butler_procedures);
    const before = await snap();
    const good = {
      code: 'fire_design_review', stage: 'engineering', name: '消防设计审查', department: '住房城乡建设主管部门', time_limit_workdays: 15,
      materials: ['消防设计审查申请表'], flow: ['申请', '审查'], source: '《建设工程消防设计审查验收管理暂行规定》第十五条',
    };
    const url = `${B}/catalogue/procedures`;
    const id = JSON.parse(before)[0].id;
    const cases = [
      [{ ...good, code: 'Fire' }, 422, 'butler_catalog.invalid_code', 'code'],
      [{ ...good, code: 'construction_permit' }, 409, 'butler_catalog.duplicate_code', 'code'],
      [{ ...good, stage: 'completed' }, 422, 'butler_catalog.invalid_stage', 'stage'],
      [{ ...good, materials: [] }, 400, undefined, 'materials'],
      [{ ...good, materials: ['甲|乙'] }, 422, 'butler_catalog.invalid_item', 'materials'],
      [{ ...good, flow: [''] }, 422, 'butler_catalog.invalid_item', 'flow'],
      [{ ...good, source: '' }, 400, 'request.missing_field', 'source'],
      [{ ...good, source: undefined }, 400, 'request.missing_field', 'source'],
      [{ ...good, time_limit_workdays: 0 }, 422, 'request.out_of_range', 'time_limit_workdays'],
      [{ ...good, time_limit_workdays: '5' }, 400, 'request.invalid_type', 'time_limit_workdays'],
      [{ ...good, name: '长'.repeat(31) }, 422, 'request.too_long', 'name'],
      [{ ...good, extra: 1 }, 400, 'request.unknown_field', 'extra'],
    ];
    for (const [body, status, code, field] of cases) err(await U.badm.post(url, body), status, code, field);
    const put = `${url}/${id}`;
    const { code: _c, ...upd } = good;
    err(await U.badm.put(put, { ...upd, code: 'x_y' }), 400, 'request.unknown_field', 'code');
    err(await U.badm.put(put, { ...upd, flow: ['a||b'] }), 422, 'butler_catalog.invalid_item', 'flow');
    err(await U.badm.put(`${url}/999999`, upd), 404, 'butler_catalog.not_found');
    err(await U.badm.post(`${url}/999999/retire`, {}), 404, 'butler_catalog.not_found');
    err(await U.badm.post(`${url}/${id}/restore`, {}), 409, 'butler_catalog.invalid_state');
    err(await U.badm.post(url, good, { noCsrf: true }), 403, 'auth.csrf_invalid');
    err(await U.b1.get(`${url}/999999/history`), 404, 'butler_catalog.not_found');
    assert.equal(await snap(), before);
  });

  it('a question handed over before issue 8 (free-text department, no appeal) stays readable and answerable', async () => {
    // such rows can no longer be made through the API: write one as the old code did
    const py = [
      'import sqlite3, sys',
      'c = sqlite3.connect(sys.argv[1], timeout=10)',
      "c.execute(\"INSERT INTO butler_questions (project_id, team_id, raised_at, asker, content, status, department, handed_at, due_at, estimated_due, created_at) VALUES (?, ?, 1767225600, '高经理', '老问题：排水许可？', 'handed_over', '区住建局', 1767225600, 1767830400, 0, 1767225600)\", (int(sys.argv[2]), int(sys.argv[3])))",
      'c.commit()',
    ].join('\n');
    execFileSync('python3', ['-c', py, srv.db, String(mine.id), String(teams[0].id)]);
    const old = expectReply(await U.b1.get(`${B}/questions?project_id=${mine.id}`), 200).items.find((x) => x.content === '老问题：排水许可？');
    assert.deepEqual([old.status, old.department, old.department_id, old.appeal, old.overdue], ['handed_over', '区住建局', null, null, true]);
    const ans = expectReply(await U.b1.post(`${B}/questions/${old.id}/answer`, { answer: '区住建局已答复：按排水许可指南办理。' }), 200).question;
    assert.deepEqual([ans.status, ans.answer, ans.appeal], ['answered', '区住建局已答复：按排水许可指南办理。', null]);
    err(await U.b1.post(`${B}/questions/${old.id}/answer`, { answer: '再答' }), 409, 'butler_question.already_answered');
  });

  it('a new 一次性告知书 lists the materials of the catalogue as it is now', async () => {
    const probe = {
      code: 'notice_probe', stage: 'acceptance', name: '人防工程竣工验收备案', department: '区人防办', time_limit_workdays: 5,
      materials: ['人防工程竣工验收报告甲版'], flow: ['申请', '备案'], source: '《人民防空工程建设管理规定》（待确认条款）',
    };
    const d = expectReply(await U.badm.post(`${B}/catalogue/procedures`, probe), 201).procedure;
    const p = expectReply(await U.badm.post(`${B}/projects`, projectBody({ name: '告知书探针项目' })), 201).project;
    const pdfText = async () => {
      const n = expectReply(await U.badm.post(`${B}/projects/${p.id}/notices`, { contact_phone: '13906321111' }), 201).notice;
      const r = await binary(U.badm, `${B}/notices/${n.id}/pdf`);
      assert.equal(r.status, 200);
      const f = path.join(tmp, `probe-${n.id}.pdf`);
      fs.writeFileSync(f, r.buf);
      return flat(execFileSync('pdftotext', ['-layout', f, '-'], { encoding: 'utf8' }));
    };
    assert.ok((await pdfText()).includes(flat('人防工程竣工验收报告甲版')));
    const { code: _c, ...upd } = probe;
    expectReply(await U.badm.put(`${B}/catalogue/procedures/${d.id}`, { ...upd, materials: ['人防工程竣工验收报告乙版'] }), 200);
    const t2 = await pdfText();
    assert.ok(t2.includes(flat('人防工程竣工验收报告乙版')) && !t2.includes(flat('人防工程竣工验收报告甲版')));
  });
});
