#!/usr/bin/python3
"""bench/hotline_search_gen.py — synthetic hotline appeals for the search bench.

    /usr/bin/python3 bench/hotline_search_gen.py --db FILE --ext build/bench/hm_cjk.so --appeals N [--seed 7]

FILE must be a fresh database made by `huimin init` (the real schema, with
migration 0017's index and triggers). The appeals are inserted with plain
SQL in large transactions; the hm_cjk tokenizer and hm_hotline_fts come
from the loadable extension (bench/hotline_search_ext.c), so the index is
filled by the real triggers, row by row, as the server would.

Texts are assembled from a vocabulary of what Zaozhuang's hotline hears
(噪音, 占道经营, 供暖, 拖欠工资, 物业, 停水 …) with places in the six
districts; statuses, departments, replies and satisfaction follow a
plausible mix. Callers are anonymous and have no phone: sealed columns
need the key, and the search never reads them. Debian's /usr/bin/python3
(its sqlite3 module can load extensions); standard library only.
"""
import argparse
import random
import sqlite3
import sys
import time

DISTRICTS = [
    ("370402", "市中区", 15, ["光明路街道", "中心街街道", "文化路街道", "永安镇", "孟庄镇"]),
    ("370403", "薛城区", 13, ["临城街道", "常庄街道", "陶庄镇", "邹坞镇", "沙沟镇"]),
    ("370404", "峄城区", 9, ["坛山街道", "吴林街道", "古邵镇", "阴平镇", "榴园镇"]),
    ("370405", "台儿庄区", 7, ["运河街道", "邳庄镇", "张山子镇", "泥沟镇", "马兰屯镇"]),
    ("370406", "山亭区", 11, ["山城街道", "店子镇", "西集镇", "桑村镇", "北庄镇"]),
    ("370481", "滕州市", 41, ["荆河街道", "龙泉街道", "北辛街道", "善南街道", "官桥镇", "界河镇", "龙阳镇"]),
]
ROADS = ["光明大道", "君山路", "青檀路", "建华路", "解放路", "文化路", "振兴路", "华山路", "民生路", "学院路",
         "府前路", "善国路", "塔寺路", "杏坛路", "龙泉路", "运河大道", "长白山路", "黄河路"]
ESTATES = ["幸福小区", "阳光花园", "锦绣城", "翰林府", "御景园", "和谐家园", "金色港湾", "龙湖湾", "书香苑",
           "东方名城", "香港花园", "鑫昌路宿舍", "电业局宿舍", "新城花苑"]

# (weight, category, matters, details, reply)
MATTERS = [
    (5, "police.public_order", ["夜间噪音扰民", "烧烤店夜间噪音", "酒吧音响噪音", "邻居装修噪音"],
     ["凌晨一两点还很吵", "多次协商无果", "影响老人孩子休息", "已经持续一周"], "已责令商户整改，夜间十点后不得产生噪音"),
    (3, "gov.urban", ["广场舞噪音太大", "工地夜间施工噪音", "商铺高音喇叭噪音"],
     ["晚上十点以后还在施工", "音响声音特别大", "附近居民无法休息"], "已约谈施工单位，夜间停止高噪音作业"),
    (8, "gov.urban", ["占道经营", "流动摊贩占道", "店外经营占用人行道"], ["车辆和行人无法通行", "早晚高峰特别拥堵",
     "垃圾随地丢弃"], "已组织执法人员清理占道摊位"),
    (9, "gov.utilities", ["供暖温度不达标", "暖气不热", "供暖管道漏水"], ["室温只有十二度", "家里有老人孩子",
     "物业说是热力公司的问题"], "已联系热力公司排查管网，室温已恢复正常"),
    (6, "gov.utilities", ["停水", "自来水水质发黄", "水压太低"], ["已经停了两天", "没有提前通知", "高层住户用不上水"],
     "已安排维修人员抢修，供水已恢复"),
    (8, "gov.social_security", ["拖欠工资", "工地拖欠农民工工资", "公司不发工资"], ["已经拖欠三个月", "老板联系不上",
     "临近春节急需用钱"], "已督促用人单位限期支付拖欠工资"),
    (7, "gov.housing", ["物业不作为", "电梯经常故障", "小区停车位被占"], ["物业费照交但服务很差", "多次报修没人管",
     "业主意见很大"], "已督促物业公司整改并加强日常维修"),
    (5, "gov.environment", ["垃圾清运不及时", "河道有异味", "工厂排放废气"], ["气味很难闻", "夏天蚊蝇很多",
     "晚上排放更严重"], "已责成环卫部门每日清运两次"),
    (5, "police.traffic", ["违章停车堵路", "路口红绿灯故障", "货车超载"], ["上下班时间特别堵", "存在安全隐患",
     "希望加强巡查"], "已安排交警加强路段巡查"),
    (4, "gov.education", ["学校周边交通拥堵", "校外培训乱收费", "入学政策咨询"], ["接送孩子很不方便", "家长意见很大",
     "想了解具体办理流程"], "已与学校协调错峰放学"),
    (4, "gov.health", ["医院挂号难", "社区卫生服务站收费", "医保报销咨询"], ["排队时间太长", "收费标准不清楚",
     "不知道需要哪些材料"], "已向患者解释医保报销流程和所需材料"),
    (3, "justice.mediation", ["邻里纠纷", "房屋漏水邻居不修", "宅基地纠纷"], ["双方协商不成", "希望有人出面调解",
     "已经闹了好几个月"], "已由社区人民调解委员会组织调解"),
    (3, "police.fraud", ["被电信诈骗", "网购被骗", "冒充客服诈骗"], ["被骗了三千多元", "对方已经拉黑", "希望追回损失"],
     "已告知报案流程，并转辖区派出所立案侦查"),
    (3, "gov.market", ["超市销售过期食品", "商家缺斤少两", "预付卡退费难"], ["商家拒绝退换", "希望加强监管",
     "发票也不给开"], "已立案调查并责令商家退款"),
    (2, "gov.civil_affairs", ["低保申请咨询", "养老服务补贴", "残疾人补贴发放"], ["不知道去哪里办理", "材料交了没有回音",
     "家里生活困难"], "已告知申请条件和办理地点"),
    (2, "petition.progress", ["信访事项办理进度", "信访答复不满意"], ["一直没有答复", "希望尽快处理"], "已督促责任单位按期答复"),
]
DEPT_OF = {"police": 1, "justice": 2, "petition": 3, "gov.housing": 4, "gov.environment": 5, "gov.urban": 6,
           "gov.social_security": 7, "gov.education": 8, "gov.health": 9, "gov.transport": 10, "gov.market": 11,
           "gov.civil_affairs": 12, "gov.utilities": 13}
CHANNELS = [("phone", 62), ("wechat", 24), ("web", 11), ("programme", 0), ("butler", 0)]
KINDS = [("complaint", 45), ("request", 30), ("consultation", 12), ("report", 6), ("suggestion", 5), ("praise", 2)]
STATUSES = [("closed", 64), ("replied", 8), ("signed", 8), ("dispatched", 6), ("registered", 3), ("rework", 2),
            ("return_requested", 1), ("merged", 8)]
SURNAMES = "王张李刘孙陈杨赵徐马高朱周胡吴郭宋孔孟曹田"


def pick(rng, weighted):
    total = sum(w for _, w in weighted)
    x = rng.uniform(0, total)
    for v, w in weighted:
        x -= w
        if x <= 0:
            return v
    return weighted[-1][0]


def dept_for(category):
    return DEPT_OF.get(category, DEPT_OF.get(category.split(".")[0], 6))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--db", required=True)
    ap.add_argument("--ext", required=True)
    ap.add_argument("--appeals", type=int, default=1000000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--now", type=int, default=int(time.time()))
    a = ap.parse_args()
    rng = random.Random(a.seed)
    db = sqlite3.connect(a.db, isolation_level=None)
    db.enable_load_extension(True)
    db.load_extension(a.ext)
    db.enable_load_extension(False)
    db.execute("PRAGMA foreign_keys=ON")
    db.execute("PRAGMA synchronous=NORMAL")  # bulk load only; the server runs FULL
    have = db.execute("SELECT count(*) FROM hotline_appeals").fetchone()[0]
    if have:
        sys.exit(f"{a.db} already holds {have} appeals: give a fresh database from huimin init")
    matters = [(m, w) for m, w in ((m, m[0]) for m in MATTERS)]
    districts = [(d, d[2]) for d in DISTRICTS]
    span = 2 * 365 * 86400
    start = a.now - span
    sql = ("INSERT INTO hotline_appeals (id, channel, line, kind, anonymous, caller_name, caller_phone, place, content,"
           " category, catalog_version, emergency, status, answer, department_id, dispatched_at, sign_due, signed_at,"
           " due, reply, replied_at, replied_on_time, return_count, rework_count, satisfaction, main_id, closed_at,"
           " created_at, updated_at, district) VALUES (?, ?, ?, ?, 1, '', '', ?, ?, ?, 1, 0, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
           " ?, ?, ?, ?, ?, ?, ?, ?)")
    batch, t0 = [], time.time()
    db.execute("BEGIN")
    for i in range(1, a.appeals + 1):
        created = start + (span * i) // a.appeals + rng.randrange(0, 600)
        m = pick(rng, matters)
        _, category, subjects, details, reply_text = m
        d = pick(rng, districts)
        town = rng.choice(d[3])
        place = f"{d[1]}{town}{rng.choice(ROADS)}{rng.choice(ESTATES) if rng.random() < 0.6 else ''}"
        content = (f"{rng.choice(subjects)}，{rng.choice(details)}。"
                   f"{'来电人' + rng.choice(SURNAMES) + '先生' if rng.random() < 0.3 else '市民'}反映"
                   f"{rng.choice(['此问题', '该情况', '相关问题'])}{rng.choice(['已有一段时间', '多次', '近期频繁'])}，"
                   f"希望有关部门{rng.choice(['尽快处理', '核实处理', '给予答复', '加强监管'])}。")
        channel = pick(rng, CHANNELS)
        line = "0632-3311161" if channel == "phone" and rng.random() < 0.7 else ("0632-3312400" if channel == "phone" else "")
        kind = pick(rng, KINDS)
        status = pick(rng, STATUSES)
        answer = ""
        if kind == "consultation" and status == "closed" and rng.random() < 0.5:
            answer = f"已当场答复：{reply_text}"
        dept = dispatched = sign_due = signed = due = replied = on_time = closed = None
        reply, ret, rework, sat, main_id = "", 0, 0, "", None
        if status == "merged":
            main_id = max(1, i - rng.randrange(1, 2000))
        elif status != "registered" and not answer:
            dept = dept_for(category)
            dispatched = created + rng.randrange(600, 4 * 3600)
            sign_due = dispatched + 86400
            due = dispatched + 7 * 86400
            ret = 1 if rng.random() < 0.04 else 0
            if status != "dispatched":
                signed = dispatched + rng.randrange(600, 30 * 3600)
            if status in ("replied", "closed", "rework"):
                replied = signed + rng.randrange(3600, 9 * 86400)
                on_time = 1 if replied <= due else 0
                reply = f"{reply_text}。{rng.choice(['已电话告知来电人', '将持续跟踪', '感谢您的监督'])}"
            if status == "closed":
                closed = replied + rng.randrange(3600, 2 * 86400)
                sat = pick(rng, [("satisfied", 70), ("basically", 18), ("unsatisfied", 7), ("", 5)])
            if status == "rework":
                rework, sat = 1, "unsatisfied"
        if answer:
            closed = created
        batch.append((i, channel, line, kind, place, content, category, status, answer, dept, dispatched, sign_due,
                      signed, due, reply, replied, on_time, ret, rework, sat, main_id, closed, created,
                      closed or replied or created, d[0]))
        if len(batch) == 20000:
            db.executemany(sql, batch)
            batch.clear()
        if i % 200000 == 0:
            db.execute("COMMIT")
            print(f"  {i} appeals, {time.time() - t0:.0f} s", flush=True)
            db.execute("BEGIN")
    if batch:
        db.executemany(sql, batch)
    db.execute("COMMIT")
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    print(f"{a.appeals} appeals in {time.time() - t0:.0f} s")


if __name__ == "__main__":
    main()
