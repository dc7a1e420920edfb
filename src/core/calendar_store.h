/* Holiday years saved by administrators: kept in the database in the data
 * file format, so they survive restarts and override the built-in files. */
#ifndef HM_CORE_CALENDAR_STORE_H
#define HM_CORE_CALENDAR_STORE_H

#include "core/calendar.h"
#include "store/store.h"

/* Save (or replace) a year's text; audited as calendar.load. */
hm_err calendar_store_save(hm_db *db, int64_t at, int64_t actor_id, int year, const char *text, hm_error *e);
typedef hm_err (*calendar_store_visit)(int year, const char *text, void *arg, hm_error *e);
/* Visit every saved year in order; stops at the first error. */
hm_err calendar_store_each(hm_db *db, calendar_store_visit visit, void *arg, hm_error *e);

#endif
