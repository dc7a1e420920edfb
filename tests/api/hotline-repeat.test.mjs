// Repeats (重复件, issue 7 item 5): suggestions by the same phone, the same
// place or similar text within the window, with their reasons and score,
// in the caller's scope and with phones masked; merging that keeps every
// caller's own reply, callback and rating (the main's approved reply
// reaches each merged caller, who is called back on their own clock; 不满意
// reworks the main once, then leaves the main open to supervision); and
// refused merges that change nothing.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, loginAll, expectReply } from './lib.mjs';

const A = '/api/v1/hotline/appeals';
const DUE = '/api/v1/hotline/callbacks-due';
const POLICE = 1; // data/hotline_departments.tsv
const JUSTICE = 2;

const USERS = [
  ['op', 'hotline_operator', '370400', '热线话务员'],
  ['sup', 'hotline_supervisor', '370400', '热线督办员'],
  ['cp', 'dept_clerk', '370400', '公安局经办人'],
  ['hp', 'dept_head', '370400', '公安局负责人'],
  ['cj', 'dept_clerk', '370400', '司法局经办人'],
];

let seq = 0;
/** A phone appeal with a phone of its own and neutral text; override what a test compares. */
function body(over = {}) {
  seq++;
  return {
    channel: 'phone',
    line: '0632-3312400',
    kind: 'complaint',
    caller_name: '孙女士',
    caller_phone: `1357777${String(1000 + seq).padStart(4, '0')}`,
    place: '',
    content: `第${'甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳午未申酉戌亥'[seq % 22]}号诉求`,
    category: 'gov.urban',
    district: '370404',
    ...over,
  };
}
const still = (a) => {
  const { time_left_seconds, warning, callback_warning, events, ...rest } = a;
  return rest;
};

describe('hotline repeats', () => {
  let srv, U;

  before(async () => {
    srv = await startServer({ users: USERS });
    U = await loginAll(srv.base, USERS.map((u) => u[0]));
    for (const [dept, who] of [[POLICE, 'cp'], [POLICE, 'hp'], [JUSTICE, 'cj']])
      expectReply(await U.sup.post(`/api/v1/hotline/departments/${dept}/members`, { username: who }), 201);
  });
  after(() => srv?.stop());

  const create = async (over) => expectReply(await U.op.post(A, body(over)), 201).appeal;
  const get = async (as, id) => expectReply(await as.get(`${A}/${id}`), 200).appeal;
  const act = async (as, id, action, b = {}, status = 200, code, field) =>
    expectReply(await as.post(`${A}/${id}/${action}`, b), status, code, field)?.appeal;
  const suggestions = async (id, as = U.op) => expectReply(await as.get(`${A}/${id}/duplicates`), 200);
  const find = (d, id) => d.items.find((s) => s.appeal.id === id);
  /** Dispatched to the police, signed, replied and approved by the head. */
  async function replied(id) {
    await act(U.op, id, 'dispatch', { department_id: POLICE });
    await act(U.cp, id, 'sign');
    await act(U.cp, id, 'reply', { reply: '已责令烧烤店整改，夜间十点后停止营业' });
    return act(U.hp, id, 'reply-review', { decision: 'approve' });
  }

  it('by the same phone: the same caller on the same kind of matter, the number masked', async () => {
    const first = await create({ caller_phone: '13911112222', place: '峄城区坛山街道', content: '自来水管破裂漏水' });
    const again = await create({ caller_phone: '139-1111-2222', place: '峄城区吴林街道', content: '催问上次反映的事情' });
    // the same caller about something else entirely is not a repeat
    const elsewhere = await create({ caller_phone: '13911112222', category: 'gov.health', place: '山亭区', content: '门诊报销政策咨询' });
    const d = await suggestions(again.id);
    assert.equal(d.window_days, 30);
    assert.equal(d.text_threshold, 40);
    // the keyed hash is of the number as typed: "139-1111-2222" is not matched
    assert.equal(find(d, first.id), undefined, 'numbers typed differently are different numbers');
    const b = await create({ caller_phone: '13911112222', place: '峄城区吴林街道', content: '催问上次反映的事情' });
    const d2 = await suggestions(b.id);
    const s = find(d2, first.id);
    assert.ok(s, JSON.stringify(d2));
    assert.deepEqual(s.reasons.map((r) => r.text), ['同一来电号码']);
    assert.equal(s.score, 40);
    assert.equal(s.merge_into, true);
    assert.equal(s.appeal.caller_phone, '139****2222');
    assert.ok(!find(d2, elsewhere.id), 'same caller, another category, other words: not suggested');
    assert.ok(!JSON.stringify(d2).includes('13911112222'), 'a full number in the reply');
  });

  it('by the same place: written with other spaces, widths and punctuation', async () => {
    const a = await create({ district: '370405', place: '台儿庄区运河街道 兴中路８８号', content: '路灯不亮' });
    const b = await create({ district: '370405', place: '台儿庄区运河街道兴中路88号。', content: '垃圾桶满了没人清理' });
    const near = await create({ district: '370405', place: '台儿庄区运河街道兴中路', content: '人行道地砖松动' });
    const far = await create({ district: '370405', place: '台儿庄区涧头集镇', content: '乡村公路坑洼' });
    const d = await suggestions(b.id);
    assert.deepEqual(find(d, a.id)?.reasons.map((r) => r.text), ['同一地点']);
    assert.equal(find(d, a.id).score, 30);
    const n = find(d, near.id);
    assert.ok(n, 'the same road without the house number is close');
    assert.match(n.reasons[0].text, /^地点相近 \d+%$/);
    assert.ok(n.reasons[0].percent >= 60 && n.reasons[0].percent < 100);
    assert.ok(!find(d, far.id));
    // strongest first
    assert.deepEqual(d.items.map((s) => s.score), [...d.items.map((s) => s.score)].sort((x, y) => y - x));
    assert.ok(d.items.indexOf(find(d, a.id)) < d.items.indexOf(n));
  });

  it('by similar text: the same matter in other words; unrelated matters not suggested', async () => {
    const a = await create({ district: '370406', content: '小区楼下烧烤店夜间噪音扰民' });
    const b = await create({ district: '370406', content: '楼下烧烤店晚上太吵' });
    const unrelated = await create({ district: '370406', content: '路口信号灯故障，车辆通行混乱' });
    const stock = await create({ district: '370406', content: '广场舞音响声音太大噪音扰民' });
    // the same text in another district is not compared: candidates are one district's
    const other = await create({ district: '370481', content: '小区楼下烧烤店夜间噪音扰民' });
    const d = await suggestions(b.id);
    const s = find(d, a.id);
    assert.deepEqual(s?.reasons, [{ code: 'text', text: '内容相近 40%', percent: 40 }]);
    assert.equal(s.score, 24);
    for (const x of [unrelated, stock, other]) assert.ok(!find(d, x.id), `${x.content} suggested: ${JSON.stringify(d.items.map((i) => i.reasons))}`);
    // both ways: the older appeal sees the newer one
    assert.ok(find(await suggestions(a.id), b.id));
    // an appeal with nothing alike gets none
    assert.deepEqual((await suggestions(unrelated.id)).items.map((i) => i.appeal.id), []);
    // without a district, the category's appeals are compared
    const c1 = await create({ district: '', category: 'gov.education', content: '学校门口早高峰拥堵严重' });
    const c2 = await create({ district: '', category: 'gov.education', content: '学校门口早高峰太拥堵了' });
    assert.ok(find(await suggestions(c2.id), c1.id));
  });

  it('scope: a department clerk sees only suggestions among its own appeals', async () => {
    const mine = await create({ district: '370403', content: '薛城区某商场消防通道被堵' });
    const theirs = await create({ district: '370403', content: '薛城区某商场消防通道被堵塞' });
    const mine2 = await create({ district: '370403', content: '某商场消防通道被堵' });
    await act(U.op, mine.id, 'dispatch', { department_id: POLICE });
    await act(U.op, mine2.id, 'dispatch', { department_id: POLICE });
    await act(U.op, theirs.id, 'dispatch', { department_id: JUSTICE });
    const op = await suggestions(mine.id);
    assert.ok(find(op, theirs.id) && find(op, mine2.id), 'the office sees both');
    const cp = await suggestions(mine.id, U.cp);
    assert.ok(find(cp, mine2.id));
    assert.ok(!find(cp, theirs.id), 'another department\'s appeal shown to a clerk');
    expectReply(await U.cj.get(`${A}/${mine.id}/duplicates`), 404, 'appeal.not_found');
    expectReply(await U.op.get(`${A}/${mine.id}/duplicates?x=1`), 400, 'request.invalid_query');
    expectReply(await U.op.get(`${A}/999999/duplicates`), 404, 'appeal.not_found');
    // clerks do not merge
    expectReply(await U.cp.post(`${A}/${mine2.id}/merge`, { main_id: mine.id }), 403, 'auth.forbidden');
  });

  it('merge: a dispatched repeat is withdrawn from its department; both timelines say so', async () => {
    const main = await create({ district: '370402', content: '幸福小区二号楼电梯经常停运' });
    await act(U.op, main.id, 'dispatch', { department_id: POLICE });
    await act(U.cp, main.id, 'sign');
    const rep = await create({ district: '370402', content: '幸福小区2号楼电梯又停运了' });
    await act(U.op, rep.id, 'dispatch', { department_id: JUSTICE });
    const s = find(await suggestions(rep.id), main.id);
    assert.equal(s.merge_into, true, 'a dispatched, unsigned repeat may join a signed main');
    assert.equal(s.merge_from, false, 'a signed appeal is not merged into another');
    const m = await act(U.op, rep.id, 'merge', { main_id: main.id });
    assert.equal(m.status, 'merged');
    assert.equal(m.main_id, main.id);
    assert.equal(m.main.no, main.no);
    assert.equal(m.department, null);
    assert.equal(m.due, null);
    assert.equal(m.caller_name, '孙女士', 'the merged appeal keeps its caller');
    assert.ok(m.events.some((e) => e.action === 'merge' && e.note.includes(main.no) && e.note.includes('撤回')));
    expectReply(await U.cj.get(`${A}/${rep.id}`), 404, 'appeal.not_found');
    const l = expectReply(await U.cj.get(`${A}?page_size=100`), 200);
    assert.ok(!l.items.some((x) => x.id === rep.id), 'the department still lists a withdrawn appeal');
    const mm = await get(U.op, main.id);
    assert.ok(mm.events.some((e) => e.action === 'merged_in' && e.note.includes(rep.no)));
    assert.deepEqual(mm.merged.map((x) => [x.id, x.status, x.caller_phone]), [[rep.id, 'merged', m.caller_phone]]);
    assert.match(mm.merged[0].caller_phone, /^\d{3}\*{4}\d{4}$/);
    // the merged appeal is no longer suggested, nor given suggestions
    assert.ok(!find(await suggestions(main.id), rep.id));
    assert.deepEqual((await suggestions(rep.id)).items, []);
  });

  it('the main replied: each merged caller gets its answer, is called back on its own clock and rates on its own', async () => {
    const main = await create({ district: '370481', place: '滕州市荆河街道学院路', content: '学院路烧烤摊占道经营油烟大' });
    const rep1 = await create({ district: '370481', place: '滕州市荆河街道学院路', content: '学院路上烧烤摊油烟呛人' });
    const rep2 = await create({ district: '370481', place: '滕州市 荆河街道 学院路', content: '晚上路边烧烤占道' });
    await act(U.op, rep1.id, 'merge', { main_id: main.id });
    await act(U.op, rep2.id, 'merge', { main_id: main.id });
    // under the head's review the merged callers still wait
    await act(U.op, main.id, 'dispatch', { department_id: POLICE });
    await act(U.cp, main.id, 'sign');
    await act(U.cp, main.id, 'reply', { reply: '已取缔占道烧烤摊' });
    assert.equal((await get(U.op, rep1.id)).status, 'merged');
    let due = expectReply(await U.op.get(`${DUE}?page_size=100`), 200);
    assert.ok(!due.items.some((x) => x.id === rep1.id));
    const m = await act(U.hp, main.id, 'reply-review', { decision: 'approve' });
    for (const id of [rep1.id, rep2.id]) {
      const r = await get(U.op, id);
      assert.equal(r.status, 'replied');
      assert.equal(r.reply, '已取缔占道烧烤摊', 'the main\'s reply is the merged appeal\'s answer');
      assert.equal(r.callback_due, m.callback_due);
      assert.equal(r.main_id, main.id);
      assert.ok(r.events.some((e) => e.action === 'main_replied'));
    }
    due = expectReply(await U.op.get(`${DUE}?page_size=100`), 200);
    for (const id of [main.id, rep1.id, rep2.id]) assert.ok(due.items.some((x) => x.id === id), `${id} not in 待回访`);
    assert.equal(due.items.find((x) => x.id === rep1.id).main_id, main.id, 'marked as merged');
    // each caller's own rating, independent of the others
    await act(U.op, rep1.id, 'callback', { result: 'no_answer' });
    let r1 = await act(U.op, rep1.id, 'callback', { result: 'reached', satisfaction: 'basically' });
    assert.equal(r1.status, 'closed');
    assert.equal(r1.satisfaction, 'basically');
    assert.deepEqual(r1.callbacks.map((c) => c.result), ['no_answer', 'reached']);
    const mm = await act(U.op, main.id, 'callback', { result: 'reached', satisfaction: 'satisfied' });
    assert.equal(mm.satisfaction, 'satisfied');
    assert.equal(mm.callbacks.length, 1, 'a merged caller\'s callbacks are not the main\'s');
    r1 = await get(U.op, rep1.id);
    assert.equal(r1.satisfaction, 'basically', 'the main\'s rating overwrote a merged caller\'s');
    assert.equal((await get(U.op, rep2.id)).status, 'replied', 'still waiting for its own callback');
    const r2 = await act(U.op, rep2.id, 'callback', { result: 'reached', satisfaction: 'satisfied' });
    assert.equal(r2.status, 'closed');
    const after = await get(U.op, main.id);
    assert.deepEqual(after.merged.map((x) => [x.id, x.satisfaction]), [[rep1.id, 'basically'], [rep2.id, 'satisfied']]);
  });

  it('不满意 from a merged caller reworks the main once; still unsatisfied, the office supervises the main', async () => {
    const main = await create({ district: '370402', place: '市中区文化路菜市场', content: '文化路菜市场门口污水横流' });
    const rep = await create({ district: '370402', place: '市中区文化路菜市场', content: '菜市场门口污水没人管' });
    await act(U.op, rep.id, 'merge', { main_id: main.id });
    await replied(main.id);
    let r = await act(U.op, rep.id, 'callback', { result: 'reached', satisfaction: 'unsatisfied', note: '还是有污水' });
    assert.equal(r.status, 'merged', 'waits for the reworked answer');
    assert.equal(r.satisfaction, 'unsatisfied');
    let m = await get(U.op, main.id);
    assert.equal(m.status, 'rework', 'the main is reworked for the merged caller');
    assert.equal(m.rework_count, 1);
    assert.equal(m.satisfaction, '', 'the merged caller\'s rating is not the main\'s');
    assert.ok(m.events.some((e) => e.action === 'rework' && e.note.includes(rep.no)));
    // the rework's answer reaches the merged caller again
    await act(U.cp, main.id, 'reply', { reply: '已疏通下水道' });
    await act(U.hp, main.id, 'reply-review', { decision: 'approve' });
    r = await get(U.op, rep.id);
    assert.equal(r.status, 'replied');
    assert.equal(r.reply, '已疏通下水道');
    m = await act(U.op, main.id, 'callback', { result: 'reached', satisfaction: 'satisfied' });
    assert.equal(m.status, 'closed');
    // the main's one rework is spent: the merged caller's verdict stands
    r = await act(U.op, rep.id, 'callback', { result: 'reached', satisfaction: 'unsatisfied' });
    assert.equal(r.status, 'closed');
    assert.equal(r.satisfaction, 'unsatisfied');
    assert.equal((await get(U.op, main.id)).satisfaction, 'satisfied');
    // supervision goes to the main's department, not to the merged appeal
    expectReply(await U.sup.post(`${A}/${rep.id}/supervise`, { note: '请处理' }), 409, 'appeal.supervision_not_due');
    const res = expectReply(await U.sup.post(`${A}/${main.id}/supervise`, { note: '合并件诉求人仍不满意，请彻底整改' }), 201);
    assert.equal(res.appeal.supervisions.at(-1).reason, 'unsatisfied');
  });

  it('the main reworked for its own caller: a merged caller not yet reached is called back on the new answer', async () => {
    const main = await create({ district: '370403', place: '薛城区黄河路桥下', content: '黄河路桥下积水严重' });
    const rep = await create({ district: '370403', place: '薛城区黄河路桥下', content: '桥下积水过不去' });
    const done = await create({ district: '370403', place: '薛城区黄河路桥下', content: '黄河路桥下下雨就积水' });
    await act(U.op, rep.id, 'merge', { main_id: main.id });
    await act(U.op, done.id, 'merge', { main_id: main.id });
    await replied(main.id);
    await act(U.op, done.id, 'callback', { result: 'reached', satisfaction: 'satisfied' });
    await act(U.op, rep.id, 'callback', { result: 'no_answer' });
    const m = await act(U.op, main.id, 'callback', { result: 'reached', satisfaction: 'unsatisfied' });
    assert.equal(m.status, 'rework');
    assert.equal((await get(U.op, rep.id)).status, 'replied', 'the merged caller still waits for a callback');
    await act(U.cp, main.id, 'reply', { reply: '已加装排水泵' });
    await act(U.hp, main.id, 'reply-review', { decision: 'approve' });
    const r = await get(U.op, rep.id);
    assert.equal(r.reply, '已加装排水泵', 'the callback is about the latest answer');
    assert.equal(r.status, 'replied');
    const d = await get(U.op, done.id);
    assert.equal(d.status, 'closed', 'a caller already satisfied is not reopened');
    assert.equal(d.reply, '已责令烧烤店整改，夜间十点后停止营业');
  });

  it('merging into a main already replied gives the answer at once', async () => {
    const main = await create({ district: '370405', place: '台儿庄古城西门', content: '古城西门停车场乱收费' });
    await replied(main.id);
    const rep = await create({ district: '370405', place: '台儿庄古城西门', content: '西门停车场收费不合理' });
    const r = await act(U.op, rep.id, 'merge', { main_id: main.id });
    assert.equal(r.status, 'replied');
    assert.equal(r.reply, '已责令烧烤店整改，夜间十点后停止营业');
    assert.ok(r.callback_due);
  });

  it('refused merges: code, Chinese message and field; nothing changed', async () => {
    const main = await create({ district: '370406', place: '山亭区城头镇', content: '镇上集市占道' });
    const rep = await create({ district: '370406', place: '山亭区城头镇', content: '城头镇集市占道严重' });
    const merged = await create({ district: '370406', place: '山亭区城头镇', content: '集市占道' });
    await act(U.op, merged.id, 'merge', { main_id: main.id });
    const signed = await create({ district: '370406', content: '另一件已签收的诉求' });
    await act(U.op, signed.id, 'dispatch', { department_id: POLICE });
    await act(U.cp, signed.id, 'sign');
    const closed = await create({ district: '370406', kind: 'consultation', answer: '已当场答复', content: '咨询办事时间' });
    const before = [still(await get(U.op, rep.id)), still(await get(U.op, main.id)), still(await get(U.op, signed.id))];
    const cases = [
      [rep.id, { main_id: rep.id }, 409, 'appeal.invalid_merge', 'main_id'],
      [rep.id, { main_id: merged.id }, 409, 'appeal.invalid_merge', 'main_id'],
      [rep.id, { main_id: 999999 }, 404, 'appeal.not_found', 'main_id'],
      [999999, { main_id: main.id }, 404, 'appeal.not_found', 'id'],
      [rep.id, { main_id: closed.id }, 409, 'appeal.invalid_merge', 'main_id'],
      [signed.id, { main_id: main.id }, 409, 'appeal.invalid_merge', undefined],
      [main.id, { main_id: rep.id }, 409, 'appeal.invalid_merge', undefined], // main has merged appeals of its own
      [rep.id, { main_id: 'x' }, 400, 'request.invalid_type', 'main_id'],
      [rep.id, {}, 400, 'request.missing_field', 'main_id'],
      [rep.id, { main_id: main.id, note: 'x' }, 400, 'request.unknown_field', 'note'],
    ];
    for (const [id, b, status, code, field] of cases) {
      const res = await U.op.post(`${A}/${id}/merge`, b);
      expectReply(res, status, code, field);
      assert.match(res.json.error.message, /[\u4e00-\u9fff]/, 'message in Chinese');
    }
    const after = [still(await get(U.op, rep.id)), still(await get(U.op, main.id)), still(await get(U.op, signed.id))];
    assert.deepEqual(after, before, 'a refused merge changed something');
  });

  it('outside the window: a month later the old appeal is no longer suggested', async () => {
    const old = await create({ district: '370403', caller_phone: '13600009999', place: '薛城区永福路', content: '永福路井盖缺失很危险' });
    await srv.restart({ offsetSeconds: 31 * 86400 });
    U = await loginAll(srv.base, USERS.map((u) => u[0]));
    const now = await create({ district: '370403', caller_phone: '13600009999', place: '薛城区永福路', content: '永福路井盖缺失很危险' });
    assert.ok(!find(await suggestions(now.id), old.id), 'an appeal of 31 days ago suggested');
    assert.ok(!find(await suggestions(old.id), now.id));
    const again = await create({ district: '370403', caller_phone: '13600009999', place: '薛城区永福路', content: '永福路井盖缺失很危险' });
    const s = find(await suggestions(again.id), now.id);
    assert.deepEqual(s.reasons.map((r) => r.code), ['phone', 'place', 'text']);
    assert.equal(s.score, 100);
  });
});
