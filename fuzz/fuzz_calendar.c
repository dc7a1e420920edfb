/* Target calendar: the holiday data file parser (cal_year_parse), then, for
 * a file it accepts, the calendar built from it (deadlines across the
 * year). */
#include <stdlib.h>

#include "core/calendar.h"
#include "core/hmtime.h"
#include "fuzz/fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	cal_year y;
	hm_error e;
	hm_error_clear(&e);
	if (cal_year_parse((const char *)data, size, &y, &e) != HM_OK)
		return 0;
	/* what the parser promises: days sorted, unique, inside the year */
	for (size_t i = 1; i < y.n; i++)
		if (y.days[i].day <= y.days[i - 1].day)
			abort();
	if (y.year < CAL_YEAR_MIN || y.year > CAL_YEAR_MAX)
		abort();
	hm_calendar *c = calendar_new();
	int year = y.year;
	calendar_set_year(c, &y);
	int64_t due;
	bool est;
	int64_t from = hm_day_start(hm_ymd_day(year, 1, 1)) + 10 * 3600;
	for (int n = 1; n <= 400; n += 133)
		calendar_add_workdays(c, from, n, &due, &est, &e);
	calendar_free(c);
	return 0;
}
