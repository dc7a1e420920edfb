/* The books' pure parts: quarter bounds, hledger account names and
 * amounts, bank statement CSV parsing (with the line numbers staff see in
 * error messages), the duplicate-file digest and small-cell suppression
 * for the public disclosure. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <sodium.h>

#include "core/hmtime.h"
#include "fund/books.h"

#define HEADER BOOKS_CSV_COLUMNS "\n"

static void date_is(int32_t day, const char *want)
{
	char buf[12];
	assert_string_equal(hm_date_format(day, buf, sizeof buf), want);
}

static void test_quarter_bounds(void **state)
{
	(void)state;
	int32_t a, b;
	assert_true(books_quarter_days(2026, 1, &a, &b));
	date_is(a, "2026-01-01");
	date_is(b, "2026-03-31");
	assert_true(books_quarter_days(2026, 2, &a, &b));
	date_is(a, "2026-04-01");
	date_is(b, "2026-06-30");
	assert_true(books_quarter_days(2026, 3, &a, &b));
	date_is(a, "2026-07-01");
	date_is(b, "2026-09-30");
	assert_true(books_quarter_days(2026, 4, &a, &b));
	date_is(a, "2026-10-01");
	date_is(b, "2026-12-31");
	/* 2024 is a leap year: the first quarter has 91 days, not 90 */
	assert_true(books_quarter_days(2024, 1, &a, &b));
	assert_int_equal(b - a + 1, 91);
	assert_true(books_quarter_days(2025, 1, &a, &b));
	assert_int_equal(b - a + 1, 90);
	assert_false(books_quarter_days(2026, 0, &a, &b));
	assert_false(books_quarter_days(2026, 5, &a, &b));
	assert_false(books_quarter_days(1999, 1, &a, &b));
	assert_false(books_quarter_days(2101, 1, &a, &b));
}

static void test_ledger_names_of_the_chart(void **state)
{
	(void)state;
	char b[192];
	assert_string_equal(books_ledger_name("asset", "银行存款", b, sizeof b), "资产:银行存款");
	assert_string_equal(books_ledger_name("income", "捐赠收入-起始注资（政府及社会各界）", b, sizeof b),
			    "收入:捐赠收入:起始注资");
	assert_string_equal(books_ledger_name("income", "捐赠收入-个人", b, sizeof b), "收入:捐赠收入:个人");
	assert_string_equal(books_ledger_name("expense", "帮扶支出-生活帮扶", b, sizeof b), "支出:帮扶支出:生活帮扶");
	assert_string_equal(books_ledger_name("expense", "服务支出-心理关爱", b, sizeof b), "支出:服务支出:心理关爱");
	assert_string_equal(books_ledger_name("liability", "应付款", b, sizeof b), "负债:应付款");
	assert_string_equal(books_ledger_name("equity", "基金", b, sizeof b), "净资产:基金");
}

static void test_ledger_names_cannot_break_the_file(void **state)
{
	(void)state;
	char b[192];
	/* ":" would add a level, ";" start a comment, two spaces end the name */
	assert_string_equal(books_ledger_name("expense", "a:b;c  d|e(f)", b, sizeof b), "支出:a：b；c d｜e（f）");
	/* empty levels and leading/trailing spaces vanish */
	assert_string_equal(books_ledger_name("expense", " -- 杂项 - ", b, sizeof b), "支出:杂项");
	/* a remark that is the whole level stays */
	assert_string_equal(books_ledger_name("income", "（其他）", b, sizeof b), "收入:（其他）");
	/* truncated at a character boundary: "支出" (6 bytes) + ":" + one 3-byte character fit in 11 */
	assert_string_equal(books_ledger_name("expense", "帮扶", b, 11), "支出:帮");
	assert_int_equal(strlen(books_ledger_name("expense", "帮扶", b, 10)), 7);
}

static void test_ledger_amounts_have_two_decimals_and_the_commodity(void **state)
{
	(void)state;
	char b[32];
	assert_string_equal(books_ledger_amount(200000000, b, sizeof b), "2000000.00 CNY");
	assert_string_equal(books_ledger_amount(-200000000, b, sizeof b), "-2000000.00 CNY");
	assert_string_equal(books_ledger_amount(1, b, sizeof b), "0.01 CNY");
	assert_string_equal(books_ledger_amount(-5, b, sizeof b), "-0.05 CNY");
	assert_string_equal(books_ledger_amount(0, b, sizeof b), "0.00 CNY");
	assert_string_equal(books_ledger_amount(123456, b, sizeof b), "1234.56 CNY");
	assert_string_equal(books_ledger_amount(INT64_C(1000000000000), b, sizeof b), "10000000000.00 CNY");
}

static books_bank_line *parse_ok(const char *csv, size_t *n)
{
	books_bank_line *l = NULL;
	hm_error e;
	hm_error_clear(&e);
	hm_err err = books_csv_parse(csv, strlen(csv), &l, n, &e);
	if (err)
		fail_msg("parse failed: %s", hm_error_message(&e));
	return l;
}

/* The parse fails with the message naming the line. */
static void parse_fails(const char *csv, const char *want)
{
	books_bank_line *l = (books_bank_line *)1;
	size_t n = 7;
	hm_error e;
	hm_error_clear(&e);
	assert_int_equal(books_csv_parse(csv, strlen(csv), &l, &n, &e), HM_E_BANK_CSV);
	assert_null(l);
	assert_int_equal(n, 0);
	assert_string_equal(e.field, "csv");
	if (!strstr(hm_error_message(&e), want))
		fail_msg("message \"%s\" lacks \"%s\"", hm_error_message(&e), want);
}

static void test_csv_good_statement(void **state)
{
	(void)state;
	size_t n;
	books_bank_line *l = parse_ok("\xEF\xBB\xBF" BOOKS_CSV_COLUMNS "\r\n"
				      "2026-03-02,捐款,5000.00,,张三,BR-001\r\n"
				      "\r\n"
				      "2026/03/03,\"帮扶资金, 生活\",,1000.5,\"李\"\"四\"\"\",FA-370402-2026000001\r\n"
				      "20260304, 利息 ,0.01,0.00,,\r\n",
				      &n);
	assert_int_equal(n, 3);
	assert_int_equal(l[0].line_no, 2);
	assert_string_equal(l[0].date, "2026-03-02");
	assert_int_equal(l[0].amount_in, 500000);
	assert_int_equal(l[0].amount_out, 0);
	assert_string_equal(l[0].counterparty, "张三");
	assert_string_equal(l[0].ref, "BR-001");
	/* the blank line 3 is skipped but still counted */
	assert_int_equal(l[1].line_no, 4);
	assert_string_equal(l[1].date, "2026-03-03");
	assert_string_equal(l[1].summary, "帮扶资金, 生活");
	assert_int_equal(l[1].amount_out, 100050);
	assert_string_equal(l[1].counterparty, "李\"四\"");
	assert_string_equal(l[1].ref, "FA-370402-2026000001");
	assert_int_equal(l[2].line_no, 5);
	assert_string_equal(l[2].date, "2026-03-04");
	assert_string_equal(l[2].summary, "利息");
	assert_int_equal(l[2].amount_in, 1);
	assert_string_equal(l[2].ref, "");
	free(l);
}

static void test_csv_quoted_newline_counts_lines(void **state)
{
	(void)state;
	size_t n;
	books_bank_line *l = parse_ok(HEADER "2026-03-02,\"两行\n摘要\",1.00,,甲,R1\n2026-03-02,x,2.00,,乙,R2\n", &n);
	assert_int_equal(n, 2);
	assert_int_equal(l[0].line_no, 2);
	assert_int_equal(l[1].line_no, 4);
	free(l);
	parse_fails(HEADER "2026-03-02,\"两行\n摘要\",1.00,,甲,R1\n2026-03-02,x,abc,,乙,R2\n", "第 4 行");
}

static void test_csv_bad_statements_name_the_line(void **state)
{
	(void)state;
	parse_fails("", "第 1 行应为表头");
	parse_fails("日期,摘要,收入金额,支出金额,对方户名,交易流水号/参考号\n2026-03-02,x,1,,a,b\n", "第 1 行：表头应为");
	parse_fails(BOOKS_CSV_COLUMNS ",备注\n", "第 1 行：表头应为");
	parse_fails(HEADER, "没有交易记录");
	parse_fails(HEADER "2026-03-02,x,1.00,,a,b\n2026-03-02,x,12.345,,a,b\n", "第 3 行：收入金额“12.345”不正确");
	parse_fails(HEADER "2026-03-02,x,,-5.00,a,b\n", "第 2 行：支出金额");
	parse_fails(HEADER "2026-03-02,x,1.00,2.00,a,b\n", "第 2 行：收入金额和支出金额须有且只有一项大于零");
	parse_fails(HEADER "2026-03-02,x,,,a,b\n", "第 2 行：收入金额和支出金额须有且只有一项大于零");
	parse_fails(HEADER "2026-03-02,x,0.00,0,a,b\n", "有且只有一项");
	parse_fails(HEADER "2026-02-30,x,1.00,,a,b\n", "第 2 行：交易日期“2026-02-30”不正确");
	parse_fails(HEADER "2026-3-2,x,1.00,,a,b\n", "交易日期");
	parse_fails(HEADER "2026-03/02,x,1.00,,a,b\n", "交易日期");
	/* a thousands separator without quotes makes a seventh column */
	parse_fails(HEADER "2026-03-02,x,1,000.00,,a,b\n", "第 2 行：应有 6 列，实际为 7 列");
	parse_fails(HEADER "2026-03-02,x,\"1,000.00\",,a,b\n", "第 2 行：收入金额");
	parse_fails(HEADER "2026-03-02,x,1.00,,a\n", "应有 6 列，实际为 5 列");
	parse_fails(HEADER "2026-03-02,\"x,1.00,,a,b\n", "第 2 行：引号没有闭合");
	parse_fails(HEADER "2026-03-02,x\"y,1.00,,a,b\n", "第 2 行：引号位置不正确");
	parse_fails(HEADER "2026-03-02,\"x\"y,1.00,,a,b\n", "第 2 行：右引号之后");
	char ref[100];
	memset(ref, 'R', 65);
	ref[65] = '\0';
	char csv[300];
	snprintf(csv, sizeof csv, HEADER "2026-03-02,x,1.00,,a,%s\n", ref);
	parse_fails(csv, "第 2 行：摘要最长");
}

static void test_csv_refuses_nul_bytes(void **state)
{
	(void)state;
	static const char csv[] = HEADER "2026-03-02,x\0y,1.00,,a,b\n";
	books_bank_line *l = NULL;
	size_t n;
	hm_error e;
	hm_error_clear(&e);
	assert_int_equal(books_csv_parse(csv, sizeof csv - 1, &l, &n, &e), HM_E_BANK_CSV);
	assert_null(l);
}

static void test_digest_ignores_line_end_style_only(void **state)
{
	(void)state;
	char a[65], b[65], c[65], d[65], f[65];
	const char *unix_text = HEADER "2026-03-02,x,1.00,,a,b\n";
	const char *dos_text = BOOKS_CSV_COLUMNS "\r\n2026-03-02,x,1.00,,a,b\r\n\r\n";
	const char *bom_text = "\xEF\xBB\xBF" HEADER "2026-03-02,x,1.00,,a,b";
	const char *other = HEADER "2026-03-02,x,1.01,,a,b\n";
	books_csv_digest(unix_text, strlen(unix_text), a);
	books_csv_digest(dos_text, strlen(dos_text), b);
	books_csv_digest(bom_text, strlen(bom_text), c);
	books_csv_digest(other, strlen(other), d);
	books_csv_digest("", 0, f);
	assert_int_equal(strlen(a), 64);
	assert_string_equal(a, b);
	assert_string_equal(a, c);
	assert_string_not_equal(a, d);
	assert_string_not_equal(a, f);
}

static void cells(books_cell *c, const int64_t *v, int n)
{
	memset(c, 0, sizeof *c * (size_t)n);
	for (int i = 0; i < n; i++)
		c[i].value = v[i];
}

static void test_small_cells_are_suppressed(void **state)
{
	(void)state;
	books_cell c[6];
	/* two small cells in a partition: both hidden, the rest visible (the
	 * hidden pair sums to 3, which singles out no one); zero stays visible */
	const int64_t v1[] = {5, 1, 0, 4, 2};
	cells(c, v1, 5);
	books_suppress(c, 5, 3, true);
	assert_false(c[0].suppressed);
	assert_true(c[1].suppressed);
	assert_false(c[2].suppressed);
	assert_false(c[3].suppressed);
	assert_true(c[4].suppressed);
	/* one small cell: the next smallest goes too, else 10 - 5 - 4 - 0
	 * would give the hidden 1 */
	const int64_t v2[] = {5, 1, 0, 4};
	cells(c, v2, 4);
	books_suppress(c, 4, 3, true);
	assert_true(c[1].suppressed);
	assert_true(c[3].suppressed); /* the smallest other non-zero cell */
	assert_false(c[0].suppressed);
	assert_false(c[2].suppressed);
	/* not a partition (categories overlap): only the small cells */
	cells(c, v2, 4);
	books_suppress(c, 4, 3, false);
	assert_true(c[1].suppressed);
	assert_false(c[3].suppressed);
	assert_false(c[0].suppressed);
	/* 3 is not small */
	const int64_t v3[] = {3, 3, 0};
	cells(c, v3, 3);
	books_suppress(c, 3, 3, true);
	assert_false(c[0].suppressed || c[1].suppressed || c[2].suppressed);
	/* a single small cell with nothing to pair is hidden alone */
	const int64_t v4[] = {2, 0};
	cells(c, v4, 2);
	books_suppress(c, 2, 3, true);
	assert_true(c[0].suppressed);
	assert_false(c[1].suppressed);
}

int main(void)
{
	if (sodium_init() < 0)
		return 1;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_quarter_bounds),
		cmocka_unit_test(test_ledger_names_of_the_chart),
		cmocka_unit_test(test_ledger_names_cannot_break_the_file),
		cmocka_unit_test(test_ledger_amounts_have_two_decimals_and_the_commodity),
		cmocka_unit_test(test_csv_good_statement),
		cmocka_unit_test(test_csv_quoted_newline_counts_lines),
		cmocka_unit_test(test_csv_bad_statements_name_the_line),
		cmocka_unit_test(test_csv_refuses_nul_bytes),
		cmocka_unit_test(test_digest_ignores_line_end_style_only),
		cmocka_unit_test(test_small_cells_are_suppressed),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
