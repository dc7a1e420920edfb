/* The hotline's figures (issue 7 item 8), for leaders and for publishing.
 *
 * For a period of intake (created_at, Beijing dates) and overall, by
 * channel, first-level category, district (hotline_appeals.district, a
 * division code) and lead department (the appeal's current 承办单位):
 *   count            appeals registered in the period (merged repeats included)
 *   on-time rate     replies before their due / replies
 *   satisfaction     满意 + 基本满意 / rated callbacks (12345 practice)
 *   return rate      appeals returned (退单) at least once / dispatched
 *   extension rate   appeals with an approved extension / dispatched
 *   repeat rate      appeals merged into another as repeats / count
 *   time to sign     mean hours from the current dispatch to 签收
 *   time to reply    mean hours, and mean working days (the dispatch day
 *                    not counted, 民法典第二百零一条), from dispatch to reply
 * Rates are fractions rounded to 4 decimals (2 of 3 = 0.6667), null with
 * no denominator. The figures hold no personal data; the public version
 * also hides every cell under HOTLINE_PUBLIC_MIN_CELL appeals, as the
 * fund's quarterly disclosure does with children.
 *
 * Only hotline staff and leaders (scope 0) get figures: a department
 * clerk is refused (HM_E_FORBIDDEN). The figures compare departments, and
 * a clerk's own work is their appeal list. */
#ifndef HM_HOTLINE_HOTLINE_STATS_H
#define HM_HOTLINE_HOTLINE_STATS_H

#include "hotline/hotline.h"

#define HOTLINE_PUBLIC_MIN_CELL 3
#define HOTLINE_STATS_CHANNELS 8
#define HOTLINE_STATS_DISTRICTS 16
#define HOTLINE_STATS_STATUSES 16

/* One cell: the counts behind every rate and mean of a group. */
typedef struct hotline_fig {
	char code[48];                /* channel, category, division code ("" = not given), department code */
	int64_t department_id;        /* by department only */
	int64_t count, dispatched, replied, on_time, rated, satisfied, basically, unsatisfied;
	int64_t returned, extended, repeats;
	int64_t signed_n, sign_seconds, reply_seconds, reply_workdays; /* sums over signed / replied appeals */
	bool suppressed;              /* public figures: count under the minimum, or hidden with it */
} hotline_fig;

typedef struct hotline_status_count {
	char code[20];
	int64_t count;
} hotline_status_count;

typedef struct hotline_figures {
	int64_t from, to;             /* created_at range, [from, to); 0 = open */
	hotline_fig overall;
	hotline_fig by_channel[HOTLINE_STATS_CHANNELS];
	hotline_fig by_category[HOTLINE_CAT_MAX];
	hotline_fig by_district[HOTLINE_STATS_DISTRICTS];
	hotline_fig by_department[HOTLINE_DEPT_MAX];
	hotline_status_count by_status[HOTLINE_STATS_STATUSES];
	int nchannel, ncategory, ndistrict, ndepartment, nstatus;
} hotline_figures;

/* The figures of appeals created in [from, to) (0 = open end) into out:
 * every channel, first-level category and department of the catalogue
 * (zeros included), the districts that occur. HM_E_FORBIDDEN for a
 * department clerk. */
hm_err hotline_figures_get(const hotline_ctx *c, int64_t from, int64_t to, hotline_figures *out, hm_error *e);

/* num / den rounded half up to 4 decimals, as ten-thousandths; -1 when den is 0. */
int64_t hotline_rate_bp(int64_t num, int64_t den);
/* Mark cells under min (but not 0) suppressed; when exactly one is, also
 * the smallest other non-zero cell, so that no total gives it away. */
void hotline_figures_suppress(hotline_fig *cells, int n, int64_t min);

#endif
