/* The hotline's pure rules: the state machine, warning levels on the
 * working-day calendar (2024 data, with the Qingming break and its make-up
 * Sunday), phone masking and validation, repeat detection, and the
 * catalogue and department data built into the binary. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "core/embedded.h"
#include "core/hmtime.h"
#include "hotline/hotline.h"

static int setup(void **state)
{
	hm_calendar *c = calendar_new();
	const struct hm_embedded_file *f = hm_embedded_find("data/calendar/2024.txt");
	if (!c || !f || calendar_load(c, (const char *)f->data, f->len, NULL) != HM_OK)
		return -1;
	*state = c;
	return 0;
}

static int teardown(void **state)
{
	calendar_free(*state);
	return 0;
}

/* UTC seconds of a Beijing wall-clock time. */
static int64_t bj(int y, int m, int d, int hh, int mm)
{
	return hm_day_start(hm_ymd_day(y, m, d)) + hh * 3600 + mm * 60;
}

static void test_state_machine(void **state)
{
	(void)state;
	assert_string_equal(hotline_next_status("registered", HL_DISPATCH), "dispatched");
	assert_string_equal(hotline_next_status("dispatched", HL_SIGN), "signed");
	assert_null(hotline_next_status("dispatched", HL_REPLY)); /* sign first */
	/* the department's reply waits for its head before the hotline sees it */
	assert_string_equal(hotline_next_status("signed", HL_REPLY), "reply_review");
	assert_string_equal(hotline_next_status("rework", HL_REPLY), "reply_review");
	assert_string_equal(hotline_next_status("reply_review", HL_REPLY_APPROVE), "replied");
	assert_string_equal(hotline_next_status("reply_review", HL_REPLY_SEND_BACK), "signed");
	assert_null(hotline_next_status("signed", HL_REPLY_APPROVE));
	assert_null(hotline_next_status("replied", HL_REPLY_SEND_BACK));
	assert_null(hotline_next_status("reply_review", HL_REPLY));
	assert_null(hotline_next_status("reply_review", HL_CALLBACK_OK));
	assert_string_equal(hotline_next_status("dispatched", HL_RETURN), "return_requested");
	assert_string_equal(hotline_next_status("signed", HL_RETURN), "return_requested");
	assert_null(hotline_next_status("replied", HL_RETURN));
	assert_string_equal(hotline_next_status("return_requested", HL_REDISPATCH), "dispatched");
	assert_null(hotline_next_status("signed", HL_REDISPATCH));
	assert_string_equal(hotline_next_status("replied", HL_CALLBACK_OK), "closed");
	assert_string_equal(hotline_next_status("replied", HL_CALLBACK_REWORK), "rework");
	assert_null(hotline_next_status("closed", HL_CALLBACK_OK));
	assert_string_equal(hotline_next_status("registered", HL_MERGE), "merged");
	assert_string_equal(hotline_next_status("dispatched", HL_MERGE), "merged");
	assert_null(hotline_next_status("signed", HL_MERGE));
	assert_null(hotline_next_status("merged", HL_DISPATCH));
	assert_null(hotline_next_status("closed", HL_DISPATCH));
}

static void test_five_workdays_and_warnings(void **state)
{
	hm_calendar *cal = *state;
	int64_t due;
	/* dispatched Wednesday 20 March 2024 (the programme's day): Thu, Fri, Mon, Tue, Wed */
	assert_int_equal(calendar_add_workdays(cal, bj(2024, 3, 20, 8, 0), HOTLINE_HANDLE_WORKDAYS, &due, NULL, NULL), HM_OK);
	assert_int_equal(due, bj(2024, 3, 28, 0, 0));
	assert_int_equal(hotline_warning_at(cal, due, false, bj(2024, 3, 25, 10, 0)), HL_WARN_NONE);
	assert_int_equal(hotline_warning_at(cal, due, false, bj(2024, 3, 26, 0, 0)), HL_WARN_YELLOW);
	assert_int_equal(hotline_warning_at(cal, due, false, bj(2024, 3, 27, 23, 59)), HL_WARN_YELLOW);
	assert_int_equal(hotline_warning_at(cal, due, false, bj(2024, 3, 28, 0, 0)), HL_WARN_RED);
	assert_int_equal(hotline_warning_at(cal, 0, false, bj(2024, 3, 28, 0, 0)), HL_WARN_NONE);
	assert_string_equal(hotline_warning_code(HL_WARN_RED), "red");
}

static void test_warnings_follow_holidays_and_makeup_days(void **state)
{
	hm_calendar *cal = *state;
	/* Qingming 2024: 4–5 April off, Saturday 6 off, Sunday 7 April a make-up workday */
	int64_t due_mon = bj(2024, 4, 9, 0, 0);  /* last day Monday 8 April */
	int64_t due_sun = bj(2024, 4, 8, 0, 0);  /* last day the make-up Sunday */
	assert_int_equal(hotline_warning_at(cal, due_mon, false, bj(2024, 4, 3, 12, 0)), HL_WARN_NONE);
	assert_int_equal(hotline_warning_at(cal, due_mon, false, bj(2024, 4, 6, 12, 0)), HL_WARN_NONE);
	assert_int_equal(hotline_warning_at(cal, due_mon, false, bj(2024, 4, 7, 9, 0)), HL_WARN_YELLOW);
	/* the working day before the make-up Sunday is Wednesday 3 April */
	assert_int_equal(hotline_warning_at(cal, due_sun, false, bj(2024, 4, 2, 12, 0)), HL_WARN_NONE);
	assert_int_equal(hotline_warning_at(cal, due_sun, false, bj(2024, 4, 3, 12, 0)), HL_WARN_YELLOW);
	int64_t ret;
	/* 2 working days to return, dispatched Wednesday 3 April: Sunday 7 and Monday 8 */
	assert_int_equal(calendar_add_workdays(cal, bj(2024, 4, 3, 15, 0), HOTLINE_RETURN_WORKDAYS, &ret, NULL, NULL), HM_OK);
	assert_int_equal(ret, bj(2024, 4, 9, 0, 0));
}

static void test_emergency_hours(void **state)
{
	hm_calendar *cal = *state;
	int64_t t = bj(2024, 2, 10, 22, 0), due; /* Spring Festival: hours run through holidays */
	assert_int_equal(calendar_add_hours(t, HOTLINE_EMERGENCY_REPLY_HOURS, &due, NULL), HM_OK);
	assert_int_equal(due, bj(2024, 2, 11, 22, 0));
	assert_int_equal(hotline_warning_at(cal, due, true, due - 3 * 3600), HL_WARN_NONE);
	assert_int_equal(hotline_warning_at(cal, due, true, due - 2 * 3600), HL_WARN_YELLOW);
	assert_int_equal(hotline_warning_at(cal, due, true, due), HL_WARN_RED);
}

static void test_phone_masking_and_validation(void **state)
{
	(void)state;
	char buf[24];
	assert_string_equal(hotline_mask_phone("13812345678", buf, sizeof buf), "138****5678");
	assert_string_equal(hotline_mask_phone("0632-3311161", buf, sizeof buf), "063****1161");
	assert_string_equal(hotline_mask_phone("12345", buf, sizeof buf), "****");
	assert_string_equal(hotline_mask_phone("", buf, sizeof buf), "");
	assert_true(hotline_phone_valid("13812345678"));
	assert_true(hotline_phone_valid("+86 138-1234-5678"));
	assert_true(hotline_phone_valid("0632-3311161"));
	assert_false(hotline_phone_valid("123456"));
	assert_false(hotline_phone_valid("1381234567a"));
	assert_false(hotline_phone_valid("-13812345678"));
	assert_false(hotline_phone_valid("138123456781381234567"));
}

static void test_text_fold(void **state)
{
	(void)state;
	char buf[128];
	/* full-width letters and digits fold, punctuation and spaces go */
	assert_string_equal(hotline_text_fold("市中区 光明路８８号（东门）", buf, sizeof buf), "市中区光明路88号东门");
	assert_string_equal(hotline_text_fold("ＡＢＣ小区，Ｂ座。", buf, sizeof buf), "abc小区b座");
	assert_string_equal(hotline_text_fold("“建华西路”—— 12 号！", buf, sizeof buf), "建华西路12号");
	assert_string_equal(hotline_text_fold("\xff光明\xe5路", buf, sizeof buf), "光明路"); /* stray bytes dropped */
	assert_string_equal(hotline_text_fold("、。！", buf, sizeof buf), "");
	/* a full buffer ends at a whole character */
	assert_string_equal(hotline_text_fold("光明路", buf, 7), "光明");
}

static void test_text_similarity(void **state)
{
	(void)state;
	/* the same matter told in other words: 楼下烧烤店 in common (4 of 12 + 8 bigrams) */
	assert_int_equal(hotline_text_similarity("小区楼下烧烤店夜间噪音扰民", "楼下烧烤店晚上太吵"), 40);
	assert_true(hotline_text_similarity("小区楼下烧烤店夜间噪音扰民", "楼下烧烤店晚上太吵") >= HOTLINE_REPEAT_TEXT_MIN);
	assert_true(hotline_text_similarity("光明路与建华路路口信号灯坏了，车辆乱行",
					    "建华路光明路路口红绿灯坏了好几天") >= HOTLINE_REPEAT_TEXT_MIN);
	/* the same words, punctuation and width aside, are the same text */
	assert_int_equal(hotline_text_similarity("楼下烧烤店晚上太吵！", "楼下 烧烤店，晚上太吵"), 100);
	/* unrelated matters */
	assert_int_equal(hotline_text_similarity("小区楼下烧烤店夜间噪音扰民", "路口信号灯故障"), 0);
	/* different matters sharing a stock phrase stay below the threshold */
	assert_true(hotline_text_similarity("建筑工地夜间施工噪音扰民，希望尽快处理", "广场舞音响声音太大噪音扰民") <
		    HOTLINE_REPEAT_TEXT_MIN);
	assert_true(hotline_text_similarity("孩子入学户口迁移需要什么材料，希望尽快处理", "小区供暖温度不达标，希望尽快处理") <
		    HOTLINE_REPEAT_TEXT_MIN);
	/* empty and one-character texts */
	assert_int_equal(hotline_text_similarity("", "噪音"), 0);
	assert_int_equal(hotline_text_similarity("吵", "吵"), 100);
	assert_int_equal(hotline_text_similarity("吵", "很吵"), 0);
	/* symmetric */
	assert_int_equal(hotline_text_similarity("楼下烧烤店晚上太吵", "小区楼下烧烤店夜间噪音扰民"), 40);
}

static void test_repeat_judge(void **state)
{
	(void)state;
	hotline_repeat_match m;
	/* the same caller on the same kind of matter */
	assert_true(hotline_repeat_judge(true, true, "", "", 0, &m));
	assert_true(m.same_phone);
	assert_int_equal(m.score, 40);
	/* the same caller on another kind of matter, elsewhere, in other words: no */
	assert_false(hotline_repeat_judge(true, false, "市中区光明路", "滕州市北辛街道", 10, &m));
	/* the same place, written differently */
	assert_true(hotline_repeat_judge(false, false, "市中区光明路８８号", "市中区 光明路88号", 0, &m));
	assert_true(m.same_place);
	assert_int_equal(m.place_pct, 100);
	assert_int_equal(m.score, 30);
	/* a close place: the same road with a house number */
	assert_true(hotline_repeat_judge(false, true, "市中区光明路", "市中区光明路88号", 0, &m));
	assert_false(m.same_place);
	assert_int_equal(m.place_pct, 76);
	assert_true(m.place_pct >= HOTLINE_REPEAT_PLACE_MIN);
	assert_true(m.close_place);
	/* two buildings of one road share most characters but are neighbours */
	assert_false(hotline_repeat_judge(false, true, "市中区光明路86号", "市中区光明路88号", 0, &m));
	assert_int_equal(m.place_pct, 75);
	assert_false(m.close_place);
	/* another road of the same district is not the same place */
	assert_false(hotline_repeat_judge(false, true, "市中区光明路", "市中区建华西路", 0, &m));
	assert_true(m.place_pct < HOTLINE_REPEAT_PLACE_MIN);
	/* close text alone */
	assert_true(hotline_repeat_judge(false, false, "", "光明路", 40, &m));
	assert_int_equal(m.place_pct, 0);
	assert_int_equal(m.score, 24);
	assert_false(hotline_repeat_judge(false, false, "", "", 39, &m));
	/* every reason at once: capped */
	assert_true(hotline_repeat_judge(true, true, "光明路", "光明路", 100, &m));
	assert_int_equal(m.score, 100);
	/* the same words weigh more than the same caller, who weighs more than the place */
	hotline_repeat_match text, phone, place;
	hotline_repeat_judge(false, false, "", "", 80, &text);
	hotline_repeat_judge(true, true, "", "", 0, &phone);
	hotline_repeat_judge(false, false, "光明路", "光明路", 0, &place);
	assert_true(text.score > phone.score && phone.score > place.score);
}

static void test_merge_allowed(void **state)
{
	(void)state;
	assert_true(hotline_merge_allowed("registered", 0, "signed", 0));
	assert_true(hotline_merge_allowed("dispatched", 0, "registered", 0));
	assert_true(hotline_merge_allowed("registered", 0, "replied", 0));
	assert_true(hotline_merge_allowed("registered", 0, "rework", 0));
	/* a repeat already signed for is handled on its own */
	assert_false(hotline_merge_allowed("signed", 0, "registered", 0));
	assert_false(hotline_merge_allowed("reply_review", 0, "registered", 0));
	/* no chains, nothing into a closed or merged appeal */
	assert_false(hotline_merge_allowed("registered", 7, "registered", 0));
	assert_false(hotline_merge_allowed("registered", 0, "registered", 7));
	assert_false(hotline_merge_allowed("registered", 0, "closed", 0));
	assert_false(hotline_merge_allowed("registered", 0, "merged", 0));
	assert_false(hotline_merge_allowed("merged", 0, "registered", 0));
}

static void test_catalogue_and_departments(void **state)
{
	(void)state;
	assert_int_equal(hotline_catalog_version(), 1);
	/* the programme's scope is the first level */
	const char *const first[] = {"police", "justice", "petition", "gov"};
	for (size_t i = 0; i < 4; i++) {
		const hotline_category *c = hotline_category_find(first[i]);
		assert_non_null(c);
		assert_string_equal(c->parent, "");
		assert_true(hotline_category_current(first[i]));
	}
	assert_string_equal(hotline_category_find("police")->name, "公安");
	size_t n;
	const hotline_category *all = hotline_categories(&n);
	for (size_t i = 0; i < n; i++) {
		if (all[i].parent[0])
			assert_non_null(hotline_category_find(all[i].parent));
		assert_int_equal(all[i].workdays, HOTLINE_HANDLE_WORKDAYS);
	}
	assert_true(hotline_category_within("police.traffic", "police"));
	assert_true(hotline_category_within("police.traffic", "police.traffic"));
	assert_false(hotline_category_within("gov.urban", "police"));
	assert_false(hotline_category_current("police.nothing"));
	const hotline_department *d = hotline_department_find(1);
	assert_non_null(d);
	assert_string_equal(d->name, "市公安局");
	assert_null(hotline_department_find(999));
	const hotline_department *ds = hotline_departments(&n);
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < i; j++)
			assert_true(ds[i].id != ds[j].id);
}

/* data/hotline_dispatch.tsv: category × district, the most specific
 * category first, the district's row before the wildcard. */
static void test_dispatch_table(void **state)
{
	(void)state;
	const hotline_dispatch_rule *r = hotline_dispatch_suggest("police.traffic", "370403");
	assert_non_null(r);
	assert_int_equal(r->lead, 1);  /* 市公安局 */
	assert_int_equal(r->nassists, 1);
	assert_int_equal(r->assists[0], 10); /* 市交通运输局 */
	assert_string_equal(r->district, "*");
	r = hotline_dispatch_suggest("gov.urban", "370402");
	assert_int_equal(r->lead, 21); /* 市中区人民政府办公室 */
	assert_int_equal(r->assists[0], 6);
	r = hotline_dispatch_suggest("gov.urban", "");
	assert_int_equal(r->lead, 6);
	assert_int_equal(r->nassists, 0);
	/* no own row: the parent's */
	r = hotline_dispatch_suggest("police.household", "370481");
	assert_string_equal(r->category, "police");
	assert_int_equal(r->lead, 1);
	/* a district row of another district does not apply */
	r = hotline_dispatch_suggest("gov.other", "370402");
	assert_int_equal(r->lead, 21);
	r = hotline_dispatch_suggest("gov.other", "");
	assert_string_equal(r->category, "gov");
	assert_null(hotline_dispatch_suggest("nothing", ""));
	/* every current category has a rule */
	size_t n;
	const hotline_category *all = hotline_categories(&n);
	for (size_t i = 0; i < n; i++)
		if (hotline_category_current(all[i].code))
			assert_non_null(hotline_dispatch_suggest(all[i].code, ""));
	assert_true(hotline_district_valid("370406"));
	assert_false(hotline_district_valid("370401")); /* the 市辖区 placeholder */
	assert_false(hotline_district_valid("370400"));
	assert_false(hotline_district_valid("110000"));
	assert_string_equal(hotline_district_name("370481"), "滕州市");
	const hotline_district *zd = hotline_districts(&n);
	assert_int_equal(n, 6);
	assert_string_equal(zd[0].code, "370402");
	assert_string_equal(zd[0].name, "市中区");
	assert_string_equal(zd[5].code, "370481");
	assert_string_equal(hotline_district_name(""), "");
}

/* The outcome report's redaction: long digit runs (phones, ID numbers) and
 * the caller's name go; short numbers and everything else stay. */
static void test_redact(void **state)
{
	(void)state;
	char out[256];
	assert_string_equal(hotline_redact("电话13912345678，请回电", "", out, sizeof out), "电话＊＊＊，请回电");
	assert_string_equal(hotline_redact("座机0632-3311161或 0632 331 1161", "", out, sizeof out), "座机＊＊＊或 ＊＊＊");
	assert_string_equal(hotline_redact("身份证37040220150304123X号", "", out, sizeof out), "身份证＊＊＊号");
	assert_string_equal(hotline_redact("身份证37040220150304123x", "", out, sizeof out), "身份证＊＊＊");
	/* full-width digits and check character */
	assert_string_equal(hotline_redact("号码１３９１２３４５６７８", "", out, sizeof out), "号码＊＊＊");
	assert_string_equal(hotline_redact("３７０４０２２０１５０３０４１２３Ｘ", "", out, sizeof out), "＊＊＊");
	/* short numbers are not personal: house numbers, dates, amounts */
	assert_string_equal(hotline_redact("临山路12号，2024年3月20日，罚款200元", "", out, sizeof out),
			    "临山路12号，2024年3月20日，罚款200元");
	assert_string_equal(hotline_redact("123456", "", out, sizeof out), "123456");
	assert_string_equal(hotline_redact("1234567", "", out, sizeof out), "＊＊＊");
	/* a trailing hyphen is not part of the run */
	assert_string_equal(hotline_redact("1234567-", "", out, sizeof out), "＊＊＊-");
	/* the caller's own name */
	assert_string_equal(hotline_redact("我是李建国，李建国的家", "李建国", out, sizeof out), "我是某某，某某的家");
	assert_string_equal(hotline_redact("李", "李", out, sizeof out), "李"); /* one character is not a name */
	assert_string_equal(hotline_redact("", "李建国", out, sizeof out), "");
	/* a small buffer never ends in a cut character */
	char small[8];
	hotline_redact("电话13912345678", "", small, sizeof small);
	assert_string_equal(small, "电话");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_state_machine),
		cmocka_unit_test(test_five_workdays_and_warnings),
		cmocka_unit_test(test_warnings_follow_holidays_and_makeup_days),
		cmocka_unit_test(test_emergency_hours),
		cmocka_unit_test(test_phone_masking_and_validation),
		cmocka_unit_test(test_text_fold),
		cmocka_unit_test(test_text_similarity),
		cmocka_unit_test(test_repeat_judge),
		cmocka_unit_test(test_merge_allowed),
		cmocka_unit_test(test_catalogue_and_departments),
		cmocka_unit_test(test_dispatch_table),
		cmocka_unit_test(test_redact),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
