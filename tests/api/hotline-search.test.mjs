// The hotline's full-text search (GET /api/v1/hotline/search): a two-character
// query finds its appeals, in the content, the place and the department's
// reply; a department clerk finds only what was dispatched to the
// department; bad queries are refused with their field; pages; merging and
// replying keep the index right; no caller's name or phone in a hit.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, loginAll, expectReply, assertNoCliSanitizerReports } from './lib.mjs';

const A = '/api/v1/hotline/appeals';
const S = '/api/v1/hotline/search';
const POLICE = 1; // 市公安局 in data/hotline_departments.tsv
const JUSTICE = 2; // 市司法局

const USERS = [
  ['op', 'hotline_operator', '370400', '热线话务员'],
  ['sup', 'hotline_supervisor', '370400', '热线督办员'],
  ['clerk1', 'dept_clerk', '370400', '公安局经办人'],
  ['clerk2', 'dept_clerk', '370400', '司法局经办人'],
  ['lead', 'leader', '370400', '市领导'],
  ['cw', 'caseworker', '370402', '市中区经办人'],
];

let seq = 0;
function body(over = {}) {
  seq++;
  return {
    channel: 'phone',
    line: '0632-3311161',
    kind: 'complaint',
    caller_name: '张秀兰',
    caller_phone: `1391234${String(1000 + seq).padStart(4, '0')}`,
    place: '市中区光明路',
    content: `反映第${seq}件事`,
    category: 'police.public_order',
    ...over,
  };
}

describe('hotline search', () => {
  let srv, U;
  const ids = {};

  const create = async (over) => expectReply(await U.op.post(A, body(over)), 201).appeal;
  const act = async (as, id, action, b = {}) => expectReply(await as.post(`${A}/${id}/${action}`, b), 200).appeal;
  const search = async (as, q, extra = '') => expectReply(await as.get(`${S}?q=${encodeURIComponent(q)}${extra}`), 200);
  const found = async (as, q) => (await search(as, q, '&page_size=100')).items.map((x) => x.id);

  before(async () => {
    srv = await startServer({ users: USERS });
    U = await loginAll(srv.base, USERS.map((u) => u[0]));
    expectReply(await U.sup.post(`/api/v1/hotline/departments/${POLICE}/members`, { username: 'clerk1' }), 201);
    expectReply(await U.sup.post(`/api/v1/hotline/departments/${JUSTICE}/members`, { username: 'clerk2' }), 201);
    // noise in the content, dispatched to the police
    ids.noise = (await create({ content: '楼下烧烤店夜间噪音扰民，凌晨两点还在营业', caller_phone: '13912345601' })).id;
    await act(U.op, ids.noise, 'dispatch', { department_id: POLICE });
    // noise only in the police's reply
    ids.reply = (await create({ content: '小区门口占道经营，车辆无法通行', place: '薛城区临城街道' })).id;
    await act(U.op, ids.reply, 'dispatch', { department_id: POLICE });
    await act(U.clerk1, ids.reply, 'sign');
    await act(U.clerk1, ids.reply, 'reply', { reply: '已约谈摊主，清理占道摊位，并告知夜间不得制造噪音' });
    // noise dispatched to the justice bureau
    ids.justice = (await create({ content: '工地噪音持续到深夜，请依法处理', category: 'justice.mediation' })).id;
    await act(U.op, ids.justice, 'dispatch', { department_id: JUSTICE });
    // nothing about noise
    ids.other = (await create({ content: '供暖温度不达标，室温只有十二度', place: '滕州市荆河街道' })).id;
  });
  after(() => srv?.stop());

  it('a two-character query finds its appeals in content and reply, newest first', async () => {
    const r = await search(U.op, '噪音');
    assert.equal(r.total, 3);
    assert.deepEqual(r.items.map((x) => x.id), [ids.justice, ids.reply, ids.noise]);
    const inReply = r.items.find((x) => x.id === ids.reply);
    assert.ok(inReply.snippet.some((p) => p.hit && p.text === '噪音'), JSON.stringify(inReply.snippet));
    assert.ok(inReply.snippet.map((p) => p.text).join('').includes('夜间不得制造噪音'));
    assert.match(inReply.no, /^RX\d{10}$/);
    assert.equal(inReply.department.code, 'city_police');
    assert.equal(inReply.department.id, POLICE);
    // longer queries are phrases; words with spaces must all occur
    assert.deepEqual(await found(U.op, '夜间噪音扰民'), [ids.noise]);
    assert.deepEqual(await found(U.op, '噪音扰民夜间'), []);
    assert.deepEqual(await found(U.op, '噪音 深夜'), [ids.justice]);
    assert.deepEqual(await found(U.op, '临城街道'), [ids.reply]); // the place
    assert.deepEqual(await found(U.op, '暖'), [ids.other]); // one character
    assert.deepEqual(await found(U.op, '两点'), [ids.noise]);
    assert.deepEqual(await found(U.lead, '噪音'), [ids.justice, ids.reply, ids.noise]);
  });

  it("the appeal list's q reads the same index: content and place, a clerk's scope, the search's refusals", async () => {
    const list = async (as, q, extra = '') =>
      expectReply(await as.get(`${A}?q=${encodeURIComponent(q)}&page_size=100${extra}`), 200);
    // a two-character word; the reply is not the list's q (content or place)
    let r = await list(U.op, '噪音');
    assert.equal(r.total, 2);
    assert.deepEqual(r.items.map((x) => x.id), [ids.justice, ids.noise]);
    assert.deepEqual((await list(U.op, '临城街道')).items.map((x) => x.id), [ids.reply]); // the place
    assert.deepEqual((await list(U.op, '噪音 深夜')).items.map((x) => x.id), [ids.justice]);
    // with the list's other filters and a clerk's scope
    assert.deepEqual((await list(U.op, '噪音', `&department_id=${JUSTICE}`)).items.map((x) => x.id), [ids.justice]);
    r = await list(U.clerk2, '噪音');
    assert.equal(r.total, 1);
    assert.deepEqual(r.items.map((x) => x.id), [ids.justice]);
    assert.equal((await list(U.op, '噪音', '&status=closed')).total, 0);
    // the search's refusals, with field q
    for (const [q, code] of [['，。！？', 'search.no_terms'], ['   ', 'search.empty_query'], ['噪'.repeat(51), 'search.query_too_long']])
      expectReply(await U.op.get(`${A}?q=${encodeURIComponent(q)}`), 400, code, 'q');
    // FTS5 syntax is only text
    assert.equal((await list(U.op, '噪音 OR 供暖')).total, 0);
  });

  it('no caller name or phone in any hit', async () => {
    const r = await U.op.get(`${S}?q=${encodeURIComponent('噪音')}`);
    assert.equal(r.status, 200);
    for (const secret of ['13912345601', '张秀兰', '5601']) assert.ok(!r.text.includes(secret), `${secret} in ${r.text}`);
    for (const item of r.json.items) {
      assert.ok(!('caller_phone' in item) && !('caller_name' in item));
    }
  });

  it('a department clerk finds only what was dispatched to the department', async () => {
    assert.deepEqual(await found(U.clerk1, '噪音'), [ids.reply, ids.noise]);
    assert.deepEqual(await found(U.clerk2, '噪音'), [ids.justice]);
    assert.equal((await search(U.clerk2, '噪音')).total, 1);
    assert.deepEqual(await found(U.clerk2, '烧烤店'), []);
    assert.deepEqual(await found(U.clerk1, '供暖'), []); // not dispatched at all
    // once re-dispatched, the first department loses it from search too
    const moved = (await create({ content: '广场舞音响噪音太大' })).id;
    await act(U.op, moved, 'dispatch', { department_id: POLICE });
    assert.ok((await found(U.clerk1, '广场舞')).includes(moved));
    await act(U.clerk1, moved, 'return', { reason: '不属于公安职责' });
    await act(U.sup, moved, 'return-review', { decision: 'redispatch', department_id: JUSTICE });
    assert.deepEqual(await found(U.clerk1, '广场舞'), []);
    assert.deepEqual(await found(U.clerk2, '广场舞'), [moved]);
    // a role without hotline:appeal:read
    expectReply(await U.cw.get(`${S}?q=${encodeURIComponent('噪音')}`), 403, 'auth.forbidden');
  });

  it('bad queries are refused with the field, and change nothing', async () => {
    const cases = [
      ['', 'search.empty_query'],
      ['   ', 'search.empty_query'],
      ['，。！？', 'search.no_terms'],
      ['😡😡', 'search.no_terms'],
      ['噪'.repeat(51), 'search.query_too_long'],
      ['a b c d e f g h i', 'search.query_too_long'],
    ];
    for (const [q, code] of cases) expectReply(await U.op.get(`${S}?q=${encodeURIComponent(q)}`), 400, code, 'q');
    expectReply(await U.op.get(S), 400, 'search.empty_query', 'q');
    expectReply(await U.op.get(`${S}?q=x&sort=rank`), 400, 'request.invalid_query', 'sort');
    expectReply(await U.op.get(`${S}?q=x&page_size=101`), 400, 'request.invalid_query', 'page_size');
    expectReply(await U.op.get(`${S}?q=x&page=0`), 400, 'request.invalid_query', 'page');
    // FTS5 syntax is only text: no error, no match of everything
    const base = (await search(U.op, '噪音')).total;
    for (const q of ['噪音 OR 供暖', '"噪音', 'content:噪音', 'NEAR(噪音 供暖)', '噪音*', '-噪音', '^噪音']) {
      const r = expectReply(await U.op.get(`${S}?q=${encodeURIComponent(q)}`), 200);
      assert.ok(r.total <= base, `${q}: ${r.total}`);
    }
    assert.deepEqual(await found(U.op, '噪音 OR 供暖'), []);
    assert.equal((await search(U.op, '噪'.repeat(50))).total, 0);
  });

  it('pages are disjoint, ordered and counted', async () => {
    const made = [];
    for (let i = 0; i < 23; i++) made.push((await create({ content: `第${i}号路灯不亮，晚上出行不便`, place: '台儿庄区运河街道' })).id);
    const want = made.reverse();
    const p1 = await search(U.op, '路灯', '&page_size=10');
    const p3 = await search(U.op, '路灯', '&page_size=10&page=3');
    assert.equal(p1.total, 23);
    assert.equal(p1.page, 1);
    assert.equal(p1.page_size, 10);
    assert.deepEqual(p1.items.map((x) => x.id), want.slice(0, 10));
    assert.deepEqual(p3.items.map((x) => x.id), want.slice(20));
    const p4 = await search(U.op, '路灯', '&page_size=10&page=4');
    assert.deepEqual(p4.items, []);
    assert.equal(p4.total, 23);
  });

  it('merging and replying keep the index right', async () => {
    const main = await create({ content: '垃圾清运不及时，气味难闻', caller_phone: '13700001111' });
    const again = await create({ content: '垃圾清运不及时，又来反映', caller_phone: '13700001111' });
    await act(U.op, again.id, 'merge', { main_id: main.id });
    const r = await search(U.op, '垃圾清运');
    assert.deepEqual(r.items.map((x) => x.id), [again.id, main.id]);
    const merged = r.items.find((x) => x.id === again.id);
    assert.equal(merged.status, 'merged');
    assert.equal(merged.main_id, main.id);
    assert.deepEqual(await found(U.op, '又来反映'), [again.id]);
    // a reply is searchable at once
    await act(U.op, main.id, 'dispatch', { department_id: POLICE });
    await act(U.clerk1, main.id, 'sign');
    assert.deepEqual(await found(U.op, '环卫车辆'), []);
    await act(U.clerk1, main.id, 'reply', { reply: '已协调环卫车辆每日清运两次' });
    assert.deepEqual(await found(U.op, '环卫车辆'), [main.id]);
    assert.deepEqual(await found(U.clerk1, '环卫车辆'), [main.id]);
    assert.deepEqual(await found(U.clerk2, '环卫车辆'), []);
  });

  it('no sanitizer reports from command-line runs', () => {
    assertNoCliSanitizerReports();
  });
});
