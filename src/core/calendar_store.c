/* Persistence of administrator-loaded calendar years. */
#include "core/calendar_store.h"

#include <stdio.h>

#include "core/audit.h"

hm_err calendar_store_save(hm_db *db, int64_t at, int64_t actor_id, int year, const char *text, hm_error *e)
{
	hm_stmt *st = db_stmt(db,
			      "INSERT INTO calendar_years (year, data, loaded_at, loaded_by) VALUES ($1, $2, $3, $4)"
			      " ON CONFLICT (year) DO UPDATE SET data = excluded.data, loaded_at = excluded.loaded_at,"
			      " loaded_by = excluded.loaded_by",
			      e);
	if (!st)
		return e->err;
	db_bind_int(st, 1, year);
	db_bind_text(st, 2, text);
	db_bind_int(st, 3, at);
	db_bind_int(st, 4, actor_id);
	hm_err err = db_exec_stmt(st, e);
	if (err)
		return err;
	char detail[32];
	snprintf(detail, sizeof detail, "{\"year\":%d}", year);
	return audit_append(db, at, actor_id, "calendar.load", "calendar_year", year, NULL, text, detail, e);
}

hm_err calendar_store_each(hm_db *db, calendar_store_visit visit, void *arg, hm_error *e)
{
	hm_stmt *st = db_stmt(db, "SELECT year, data FROM calendar_years ORDER BY year", e);
	if (!st)
		return e->err;
	int rc;
	while ((rc = db_step(st)) == DB_ROW) {
		hm_err err = visit((int)db_col_int(st, 0), db_col_text(st, 1), arg, e);
		if (err)
			return err;
	}
	return rc == DB_DONE ? HM_OK : db_error(db, e);
}
