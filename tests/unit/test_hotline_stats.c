/* The hotline's figures: rates to four decimals and the small-cell
 * suppression of the public statistics (src/hotline/hotline_stats.c). The
 * figures themselves are checked end to end with exact numbers in
 * tests/api/hotline-stats.test.mjs. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "hotline/hotline_stats.h"

static void test_rate(void **state)
{
	(void)state;
	assert_int_equal(hotline_rate_bp(2, 3), 6667);   /* 0.6667, half up */
	assert_int_equal(hotline_rate_bp(1, 3), 3333);
	assert_int_equal(hotline_rate_bp(3, 4), 7500);
	assert_int_equal(hotline_rate_bp(0, 5), 0);
	assert_int_equal(hotline_rate_bp(5, 5), 10000);
	assert_int_equal(hotline_rate_bp(1, 20000), 1);  /* 0.00005 rounds up */
	assert_int_equal(hotline_rate_bp(1, 20001), 0);
	assert_int_equal(hotline_rate_bp(0, 0), -1);     /* no denominator */
	assert_int_equal(hotline_rate_bp(999999999, 1000000000), 10000);
}

static void cells(hotline_fig *f, const int64_t *counts, int n)
{
	memset(f, 0, sizeof *f * (size_t)n);
	for (int i = 0; i < n; i++)
		f[i].count = counts[i];
}

static void hidden(const hotline_fig *f, int n, const char *want)
{
	char got[16] = "";
	for (int i = 0; i < n; i++)
		got[i] = f[i].suppressed ? 'x' : '.';
	assert_string_equal(got, want);
}

static void test_suppress(void **state)
{
	(void)state;
	hotline_fig f[6];
	/* nothing small: nothing hidden; zero is never hidden */
	cells(f, (int64_t[]){5, 3, 0, 10}, 4);
	hotline_figures_suppress(f, 4, HOTLINE_PUBLIC_MIN_CELL);
	hidden(f, 4, "....");
	/* two small cells hide each other */
	cells(f, (int64_t[]){1, 2, 9, 0}, 4);
	hotline_figures_suppress(f, 4, HOTLINE_PUBLIC_MIN_CELL);
	hidden(f, 4, "xx..");
	/* one small cell: the smallest other non-zero one goes with it */
	cells(f, (int64_t[]){40, 1, 0, 7, 12}, 5);
	hotline_figures_suppress(f, 5, HOTLINE_PUBLIC_MIN_CELL);
	hidden(f, 5, ".x.x.");
	/* one small cell and nothing else non-zero: only it */
	cells(f, (int64_t[]){0, 2, 0}, 3);
	hotline_figures_suppress(f, 3, HOTLINE_PUBLIC_MIN_CELL);
	hidden(f, 3, ".x.");
	/* a previous marking does not stick */
	cells(f, (int64_t[]){4, 4}, 2);
	f[0].suppressed = true;
	hotline_figures_suppress(f, 2, HOTLINE_PUBLIC_MIN_CELL);
	hidden(f, 2, "..");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rate),
		cmocka_unit_test(test_suppress),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
