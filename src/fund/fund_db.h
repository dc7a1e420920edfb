/* The fund's SQL, behind plain functions. Only fund.c calls these; scope
 * (0 = whole city, else one district's org id) is part of every read. */
#ifndef HM_FUND_FUND_DB_H
#define HM_FUND_FUND_DB_H

#include "fund/fund.h"

hm_err fund_db_child_insert(hm_db *db, int64_t org_id, int64_t user_id, int64_t now, fund_child *ch, hm_error *e);
hm_err fund_db_child_update(hm_db *db, int64_t now, const fund_child *ch, hm_error *e);
hm_err fund_db_child_get(hm_db *db, int64_t scope, int64_t id, fund_child *out, hm_error *e);
hm_err fund_db_child_list(hm_db *db, int64_t scope, const fund_child_filter *f, fund_child_visit visit, void *arg,
			  int64_t *total, hm_error *e);

hm_err fund_db_app_insert(hm_db *db, int64_t org_id, int64_t user_id, int64_t now, fund_app *a, hm_error *e);
hm_err fund_db_app_get(hm_db *db, int64_t scope, int64_t id, fund_app *out, hm_error *e);
/* Write status, clocks, decision fields and approved amounts of a. */
hm_err fund_db_app_save(hm_db *db, int64_t now, const fund_app *a, int64_t actor_id, fund_action act, hm_error *e);
hm_err fund_db_app_event(hm_db *db, int64_t app_id, int64_t now, int64_t actor_id, const char *action,
			 const char *from, const char *to, const char *note, hm_error *e);
hm_err fund_db_app_list(hm_db *db, int64_t scope, int64_t now, const fund_app_filter *f, fund_app_visit visit,
			void *arg, int64_t *total, hm_error *e);
hm_err fund_db_app_events(hm_db *db, int64_t id, fund_event_visit visit, void *arg, hm_error *e);
/* Has a journal entry with this source been booked? */
hm_err fund_db_entry_exists(hm_db *db, const char *source, bool *exists, hm_error *e);
/* Sums of account types: asset (bank), income, expense. */
hm_err fund_db_balance(hm_db *db, fund_balance *out, hm_error *e);

/* Counts and sums for the dashboard; out->monthly[].month names the
 * twelve months (YYYY-MM) whose money to sum. */
hm_err fund_db_stats(hm_db *db, int64_t scope, fund_stats *out, hm_error *e);
/* Check the dashboard's application counters (application_counts) against
 * the applications they count; HM_E_INTERNAL naming the first wrong one. */
hm_err fund_db_counts_verify(hm_db *db, hm_error *e);
/* Every application's category bits (cats, migration 0026) are its child's
 * categories: HM_E_INTERNAL naming the first that is not. */
hm_err fund_db_cats_verify(hm_db *db, hm_error *e);

#endif
