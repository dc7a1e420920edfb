/* A small demo data set for a first start (huimin init --demo): children
 * and applications in several districts and states, all marked is_demo so
 * they can be told apart from real records and removed. */
#ifndef HM_FUND_FUND_DEMO_H
#define HM_FUND_FUND_DEMO_H

#include "fund/fund.h"

/* Create the demo records as the given demo users (caseworker of 市中区,
 * reviewer of 市中区, approver, finance). Runs in the caller's transaction. */
hm_err fund_demo_seed(hm_db *db, hm_calendar *cal, const hm_divisions *div, int64_t now, int64_t caseworker_id,
		      int64_t reviewer_id, int64_t approver_id, int64_t finance_id, hm_error *e);

#endif
