/* Demo records, made through the same operations staff use, so they obey
 * every rule (eligibility, clocks, ledger). ID numbers are generated with
 * a valid check digit but a sequence block (990–999) and invented names
 * so they cannot be mistaken for real people; all rows carry is_demo. */
#include "fund/fund_demo.h"

#include <stdio.h>
#include <string.h>

#include "core/hmtime.h"
#include "core/users.h"

#define COPY(dst, src) snprintf((dst), sizeof(dst), "%s", (src))

struct demo_child {
	const char *name, *sex, *birth, *hukou, *category, *household;
};

static const struct demo_child kids[] = {
	{"示例·王小明", "M", "2014-05-12", "370402", "left_behind", "none"},
	{"示例·李小红", "F", "2012-09-03", "370402", "ill_low_income", "dibao"},
	{"示例·张小军", "M", "2016-01-20", "370402", "de_facto_unsupported", "none"},
	{"示例·赵小花", "F", "2011-11-30", "370402", "key_distress", "dibao_edge"},
};

static void make_id(const char *region, const char *birth, int seq, char out[19])
{
	char first[18];
	snprintf(first, sizeof first, "%s%.4s%.2s%.2s%03d", region, birth, birth + 5, birth + 8, seq);
	snprintf(out, 19, "%s%c", first, idcard_check_char(first));
}

hm_err fund_demo_seed(hm_db *db, hm_calendar *cal, const hm_divisions *div, int64_t now, int64_t caseworker_id,
		      int64_t reviewer_id, int64_t approver_id, int64_t finance_id, hm_error *e)
{
	hm_user cw, rv, ap, fin;
	hm_err err;
	if ((err = user_load(db, caseworker_id, &cw, e)) || (err = user_load(db, reviewer_id, &rv, e)) ||
	    (err = user_load(db, approver_id, &ap, e)) || (err = user_load(db, finance_id, &fin, e)))
		return err;
	fund_ctx c = {db, &cw, now, cal, div};
	int64_t child_ids[4];
	for (int i = 0; i < 4; i++) {
		const struct demo_child *k = &kids[i];
		fund_child ch;
		memset(&ch, 0, sizeof ch);
		COPY(ch.name, k->name);
		/* the 17th digit carries sex: odd for boys, even for girls */
		make_id(k->hukou, k->birth, k->sex[0] == 'M' ? 991 + 2 * i : 990 + 2 * i, ch.id_number);
		COPY(ch.sex, k->sex);
		COPY(ch.birth_date, k->birth);
		COPY(ch.hukou_district, k->hukou);
		COPY(ch.hukou_evidence, "户口簿（示例数据）");
		COPY(ch.categories[0], k->category);
		ch.ncategories = 1;
		COPY(ch.household_status, k->household);
		if (strcmp(k->household, "none") != 0) {
			char from[11], to[11];
			int32_t today = hm_day_of(now);
			COPY(ch.household_cert_no, "示例-低保-0001");
			COPY(ch.household_cert_from, hm_date_format(today - 180, from, sizeof from));
			COPY(ch.household_cert_to, hm_date_format(today + 185, to, sizeof to));
		}
		COPY(ch.guardian_name, "示例监护人");
		COPY(ch.guardian_relation, "祖父母");
		COPY(ch.guardian_phone, "13800000000");
		COPY(ch.address, "枣庄市市中区（示例地址）");
		ch.is_demo = true;
		if ((err = fund_child_create(&c, &ch, e)))
			return err;
		child_ids[i] = ch.id;
	}
	/* four applications at different steps of the flow */
	for (int i = 0; i < 4; i++) {
		fund_app a;
		memset(&a, 0, sizeof a);
		a.child_id = child_ids[i];
		COPY(a.applicant_type, "guardian");
		COPY(a.applicant_name, "示例监护人");
		COPY(a.applicant_relation, "祖父母");
		COPY(a.description, "示例申请：家庭困难，申请生活帮扶。");
		COPY(a.aid[0].kind, i == 1 ? "medical" : "living");
		a.aid[0].requested = i == 1 ? 800000 : 200000;
		a.naid = 1;
		a.emergency = i == 1;
		if (a.emergency)
			COPY(a.emergency_reason, "示例：患儿住院急需手术费用");
		a.is_demo = true;
		c.user = &cw;
		if ((err = fund_app_create(&c, &a, e)))
			return err;
		if (i == 0)
			continue; /* left waiting for acceptance */
		if ((err = fund_app_act(&c, a.id, FUND_ACCEPT, "材料齐全，予以受理", NULL, 0, NULL, NULL, NULL, e)))
			return err;
		if (i == 2)
			continue; /* left under review */
		fund_aid ok = a.aid[0];
		ok.approved = a.aid[0].requested;
		if (i == 3) {
			c.user = &rv;
			if ((err = fund_app_act(&c, a.id, FUND_REVIEW_PASS, "情况属实，同意", NULL, 0, NULL, NULL, NULL, e)))
				return err;
		}
		c.user = &ap;
		if ((err = fund_app_act(&c, a.id, FUND_APPROVE, "同意", &ok, 1, NULL, NULL, NULL, e)))
			return err;
		if (i == 1) {
			c.user = &fin;
			if ((err = fund_app_act(&c, a.id, FUND_PAY, "", NULL, 0, NULL, NULL, NULL, e)))
				return err;
		}
	}
	return HM_OK;
}
