/* The butler's pure rules: the catalogue, which procedures a project gets,
 * the 施工许可 exemption at and around its limits, status transitions, the
 * working days the approval has taken against 120 (with the 2026 Spring
 * Festival break and its make-up Saturday), the USCC and phone checks, which
 * bytes are a visit photo, and which ledger texts a change really touches. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "butler/butler.h"
#include "core/embedded.h"
#include "core/hmtime.h"

static hm_calendar *cal;

static int setup(void **state)
{
	(void)state;
	cal = calendar_new();
	const struct hm_embedded_file *f = hm_embedded_find("data/calendar/2026.txt");
	hm_error e;
	if (!cal || !f || calendar_load(cal, (const char *)f->data, f->len, &e) != HM_OK)
		return -1;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	calendar_free(cal);
	return 0;
}

static int32_t day(const char *s)
{
	int32_t d = 0;
	assert_int_equal(hm_date_parse(s, &d, NULL, NULL), HM_OK);
	return d;
}

static void test_catalogue_follows_the_four_stages_in_order(void **state)
{
	(void)state;
	size_t n;
	const butler_proc_def *d = butler_catalog(&n);
	static const char *const order[] = {"land", "engineering", "construction", "acceptance"};
	int stage = 0;
	assert_true(n >= 9);
	for (size_t i = 0; i < n; i++) {
		while (stage < 4 && strcmp(d[i].stage, order[stage]) != 0)
			stage++;
		assert_true(stage < 4); /* never goes back to an earlier stage */
		assert_true(d[i].workdays > 0);
		assert_non_null(strchr(d[i].materials, '|'));
		assert_non_null(strchr(d[i].flow, '|'));
		assert_true(strlen(d[i].source) > 0 && strlen(d[i].department) > 0);
	}
	const butler_proc_def *p = butler_proc_find(BUTLER_EXEMPT_CODE);
	assert_non_null(p);
	assert_string_equal(p->stage, "construction");
	assert_true(p->per_building);
	assert_null(butler_proc_find("nothing"));
}

static void test_rules_come_from_the_data(void **state)
{
	(void)state;
	const butler_rules *r = butler_rules_get();
	assert_int_equal(r->exempt_investment, 30000000); /* ¥300,000 in fen */
	assert_int_equal(r->exempt_area, 30000);          /* 300 m² in 0.01 m² */
	assert_int_equal(r->target_workdays, 120);
	assert_non_null(strstr(r->exempt_source, "建筑工程施工许可管理办法"));
}

static void test_exemption_includes_the_limits(void **state)
{
	(void)state;
	const butler_rules *r = butler_rules_get();
	char why[300];
	assert_true(butler_permit_exempt(r, 25000000, 500000, why, sizeof why)); /* ¥250,000 */
	assert_non_null(strstr(why, "30万元以下"));
	assert_true(butler_permit_exempt(r, 30000000, -1, NULL, 0));             /* exactly ¥300,000 */
	assert_false(butler_permit_exempt(r, 30000001, -1, NULL, 0));
	assert_true(butler_permit_exempt(r, 900000000, 30000, why, sizeof why)); /* exactly 300 m² */
	assert_non_null(strstr(why, "300平方米"));
	assert_false(butler_permit_exempt(r, 900000000, 30001, NULL, 0));
	assert_false(butler_permit_exempt(r, 5000000000LL, 1200000, NULL, 0));   /* ¥50,000,000, 12,000 m² */
	/* an unknown area exempts nothing by itself */
	assert_false(butler_permit_exempt(r, 5000000000LL, -1, NULL, 0));
}

static size_t count_code(const butler_plan_row *rows, size_t n, const char *code, const char *status)
{
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		if (strcmp(rows[i].def->code, code) == 0 && (!status || strcmp(rows[i].status, status) == 0))
			k++;
	return k;
}

static void test_plan_gives_a_permit_per_building(void **state)
{
	(void)state;
	static butler_plan_row rows[64];
	size_t ndef;
	butler_catalog(&ndef);
	const char *const b[] = {"26#厂房", "27#厂房", "配电房"};
	size_t n = butler_plan(butler_rules_get(), 5000000000LL, 1200000, b, 3, rows, 64);
	assert_int_equal(n, ndef + 2);
	assert_int_equal(count_code(rows, n, BUTLER_EXEMPT_CODE, "todo"), 3);
	assert_int_equal(count_code(rows, n, "project_filing", "todo"), 1);
	for (size_t i = 0; i < n; i++)
		if (strcmp(rows[i].def->code, BUTLER_EXEMPT_CODE) == 0)
			assert_true(strcmp(rows[i].item, "26#厂房") == 0 || strcmp(rows[i].item, "27#厂房") == 0 ||
				    strcmp(rows[i].item, "配电房") == 0);
		else
			assert_string_equal(rows[i].item, "");
}

static void test_small_works_get_the_permit_as_not_needed(void **state)
{
	(void)state;
	static butler_plan_row rows[64];
	size_t ndef;
	butler_catalog(&ndef);
	size_t n = butler_plan(butler_rules_get(), 25000000, -1, NULL, 0, rows, 64);
	assert_int_equal(n, ndef);
	assert_int_equal(count_code(rows, n, BUTLER_EXEMPT_CODE, "exempt"), 1);
	for (size_t i = 0; i < n; i++)
		if (strcmp(rows[i].status, "exempt") == 0)
			assert_non_null(strstr(rows[i].reason, "建筑工程施工许可管理办法"));
	/* only the permit is exempt: everything else still applies */
	assert_int_equal(count_code(rows, n, "completion_filing", "todo"), 1);
}

static void test_status_transitions(void **state)
{
	(void)state;
	static const char *const st[] = {"todo", "in_progress", "done", "exempt"};
	/* allowed: from → to */
	static const char *const ok[][2] = {{"todo", "in_progress"}, {"todo", "done"},   {"in_progress", "done"},
					    {"in_progress", "todo"}, {"todo", "exempt"}, {"exempt", "todo"}};
	for (int i = 0; i < 4; i++)
		for (int k = 0; k < 4; k++) {
			bool want = false;
			for (size_t j = 0; j < sizeof ok / sizeof ok[0]; j++)
				if (!strcmp(ok[j][0], st[i]) && !strcmp(ok[j][1], st[k]))
					want = true;
			if (butler_proc_transition_ok(st[i], st[k]) != want)
				fail_msg("%s → %s should be %s", st[i], st[k], want ? "allowed" : "refused");
		}
	assert_false(butler_proc_transition_ok("done", "todo")); /* nothing leaves done */
	assert_false(butler_proc_transition_ok("todo", "bogus"));
}

static void test_span_skips_the_spring_festival_and_counts_the_makeup_saturday(void **state)
{
	(void)state;
	/* started Friday 13 Feb 2026; 14 Feb is a make-up Saturday; 16–20 and
	 * 23 Feb are holidays: to Tuesday 24 Feb that is 2 working days */
	butler_span_row rows[] = {{"done", "2026-02-13", "2026-02-13"}, {"todo", "", ""}, {"exempt", "", ""}};
	butler_span s;
	butler_span_compute(cal, rows, 3, day("2026-02-24"), 120, &s);
	assert_int_equal(s.first_start, day("2026-02-13"));
	assert_int_equal(s.end, day("2026-02-24"));
	assert_false(s.complete);
	assert_int_equal(s.elapsed, 2);
	assert_int_equal(s.missing, 1);
	assert_false(s.over_target);
	assert_false(s.estimated);
}

static void test_span_ends_at_the_last_finish_when_complete(void **state)
{
	(void)state;
	/* exempt rows do not count; finished: the clock stops at the last one */
	butler_span_row rows[] = {{"done", "2026-03-02", "2026-03-05"}, {"done", "2026-03-03", "2026-03-10"},
				  {"exempt", "", ""}};
	butler_span s;
	butler_span_compute(cal, rows, 3, day("2026-12-01"), 120, &s);
	assert_true(s.complete);
	assert_int_equal(s.end, day("2026-03-10"));
	assert_int_equal(s.elapsed, 6); /* 3,4,5,6,9,10 March */
	assert_int_equal(s.missing, 0);
}

static void test_span_over_120_working_days(void **state)
{
	(void)state;
	butler_span_row rows[] = {{"in_progress", "2026-01-05", ""}};
	butler_span s;
	butler_span_compute(cal, rows, 1, day("2026-08-31"), 120, &s);
	assert_true(s.elapsed > 120);
	assert_true(s.over_target);
	butler_span_compute(cal, rows, 1, day("2026-01-05"), 120, &s);
	assert_int_equal(s.elapsed, 0); /* the start day itself does not count */
	butler_span_row none[] = {{"todo", "", ""}};
	butler_span_compute(cal, none, 1, day("2026-08-31"), 120, &s);
	assert_int_equal(s.first_start, 0);
	assert_int_equal(s.elapsed, 0);
}

static void test_uscc_check_character(void **state)
{
	(void)state;
	assert_true(butler_uscc_valid("91350100M000100Y43"));
	assert_false(butler_uscc_valid("91350100M000100Y44"));
	assert_false(butler_uscc_valid("91350100M000100Y4"));
	assert_false(butler_uscc_valid("91350100I000100Y43")); /* I is not in the code set */
	assert_false(butler_uscc_valid("91350100m000100Y43"));
	assert_false(butler_uscc_valid(""));
}

static void test_phone(void **state)
{
	(void)state;
	assert_true(butler_phone_valid("0632-8812345"));
	assert_true(butler_phone_valid("+86 139 0632 1111"));
	assert_false(butler_phone_valid("123456"));
	assert_false(butler_phone_valid("139+06321111"));
	assert_false(butler_phone_valid("电话13906321111"));
}

static void test_names_are_chinese(void **state)
{
	(void)state;
	assert_string_equal(butler_status_name("exempt"), "无需办理");
	assert_string_equal(butler_status_name("in_progress"), "办理中");
	assert_string_equal(butler_stage_name("construction"), "施工许可");
	assert_string_equal(butler_level_name("province"), "省重点项目");
	assert_string_equal(butler_method_name("electronic"), "电子送达");
	assert_true(butler_stage_valid("completed"));
	assert_false(butler_level_valid("national"));
	assert_false(butler_method_valid("fax"));
}

/* Only JPEG and PNG are photos; the fund's PDF is not, nor is a program. */
static void test_photo_type_from_the_bytes(void **state)
{
	(void)state;
	static const unsigned char png[] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13};
	static const unsigned char jpg[] = {0xff, 0xd8, 0xff, 0xe0, 0, 16, 'J', 'F', 'I', 'F'};
	static const char pdf[] = "%PDF-1.4\n";
	static const char exe[] = "MZ\x90\x00program";
	assert_string_equal(butler_photo_type(png, sizeof png), "image/png");
	assert_string_equal(butler_photo_type(jpg, sizeof jpg), "image/jpeg");
	assert_null(butler_photo_type(pdf, sizeof pdf - 1));
	assert_null(butler_photo_type(exe, sizeof exe - 1));
	assert_null(butler_photo_type(png, 4)); /* a truncated signature */
	assert_null(butler_photo_type("", 0));
}

/* A ledger change: only fields given are replaced, and only a text that
 * really changes is reported (so it alone gets a new author). */
static void test_ledger_merge_reports_real_changes(void **state)
{
	(void)state;
	static butler_ledger_row old, out;
	memset(&old, 0, sizeof old);
	snprintf(old.approval, sizeof old.approval, "%s", "建筑工程施工许可证（26#厂房）");
	snprintf(old.department, sizeof old.department, "%s", "区行政审批服务局");
	snprintf(old.progress, sizeof old.progress, "%s", "已受理");
	snprintf(old.problems, sizeof old.problems, "%s", "施工图审查未完成");
	bool pr, pb, ms;

	butler_ledger_change same = {NULL, NULL, "已受理", "施工图审查未完成", NULL};
	assert_false(butler_ledger_merge(&old, &same, &out, &pr, &pb, &ms));
	assert_false(pr || pb || ms);

	butler_ledger_change some = {NULL, NULL, NULL, "施工图审查未完成", "协调审查机构加快审查"};
	assert_true(butler_ledger_merge(&old, &some, &out, &pr, &pb, &ms));
	assert_false(pr);
	assert_false(pb);
	assert_true(ms);
	assert_string_equal(out.measures, "协调审查机构加快审查");
	assert_string_equal(out.progress, "已受理");

	butler_ledger_change cleared = {NULL, NULL, NULL, "", NULL};
	assert_true(butler_ledger_merge(&old, &cleared, &out, &pr, &pb, &ms));
	assert_true(pb);
	assert_string_equal(out.problems, "");

	butler_ledger_change renamed = {"建设工程规划许可证", NULL, NULL, NULL, NULL};
	assert_true(butler_ledger_merge(&old, &renamed, &out, &pr, &pb, &ms));
	assert_false(pr || pb || ms);
	assert_string_equal(out.approval, "建设工程规划许可证");
	assert_string_equal(out.department, "区行政审批服务局");
}

/* What the bureau may write into the catalogue: four stages, a code checklist
 * rows can point at, a cited source, and materials and flow without empty
 * items (the "|" separator would otherwise make them). */
static void test_catalogue_check(void **state)
{
	(void)state;
	static butler_proc_def d;
	hm_error e;
	const butler_proc_def *seed = butler_proc_find("construction_permit");
	assert_non_null(seed);
	d = *seed;
	assert_int_equal(butler_catalog_check(&d, &e), HM_OK);

	d = *seed;
	snprintf(d.stage, sizeof d.stage, "%s", "completed");
	assert_int_equal(butler_catalog_check(&d, &e), HM_E_BUTLER_CATALOG_STAGE);
	assert_string_equal(e.field, "stage");
	d = *seed;
	snprintf(d.code, sizeof d.code, "%s", "Permit");
	assert_int_equal(butler_catalog_check(&d, &e), HM_E_BUTLER_CATALOG_CODE);
	snprintf(d.code, sizeof d.code, "%s", "p");
	assert_int_equal(butler_catalog_check(&d, &e), HM_E_BUTLER_CATALOG_CODE);
	snprintf(d.code, sizeof d.code, "%s", "water_permit_2");
	assert_int_equal(butler_catalog_check(&d, &e), HM_OK);
	d = *seed;
	snprintf(d.materials, sizeof d.materials, "%s", "申请表||施工合同");
	assert_int_equal(butler_catalog_check(&d, &e), HM_E_BUTLER_CATALOG_ITEM);
	assert_string_equal(e.field, "materials");
	snprintf(d.materials, sizeof d.materials, "%s", "申请表|");
	assert_int_equal(butler_catalog_check(&d, &e), HM_E_BUTLER_CATALOG_ITEM);
	d = *seed;
	d.flow[0] = '\0';
	assert_int_equal(butler_catalog_check(&d, &e), HM_E_BUTLER_CATALOG_ITEM);
	assert_string_equal(e.field, "flow");
	d = *seed;
	d.workdays = 0;
	assert_int_equal(butler_catalog_check(&d, &e), HM_E_OUT_OF_RANGE);
	assert_string_equal(e.field, "time_limit_workdays");
	d = *seed;
	d.source[0] = '\0';
	assert_int_equal(butler_catalog_check(&d, &e), HM_E_MISSING_FIELD);
	assert_string_equal(e.field, "source");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_catalogue_follows_the_four_stages_in_order),
		cmocka_unit_test(test_rules_come_from_the_data),
		cmocka_unit_test(test_exemption_includes_the_limits),
		cmocka_unit_test(test_plan_gives_a_permit_per_building),
		cmocka_unit_test(test_small_works_get_the_permit_as_not_needed),
		cmocka_unit_test(test_status_transitions),
		cmocka_unit_test(test_span_skips_the_spring_festival_and_counts_the_makeup_saturday),
		cmocka_unit_test(test_span_ends_at_the_last_finish_when_complete),
		cmocka_unit_test(test_span_over_120_working_days),
		cmocka_unit_test(test_uscc_check_character),
		cmocka_unit_test(test_phone),
		cmocka_unit_test(test_names_are_chinese),
		cmocka_unit_test(test_photo_type_from_the_bytes),
		cmocka_unit_test(test_ledger_merge_reports_real_changes),
		cmocka_unit_test(test_catalogue_check),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
