/* Handlers for what all three systems share: health, API document,
 * organisations, dictionaries, users, the audit history and the calendar. */
#ifndef HM_HTTP_CORE_HTTP_H
#define HM_HTTP_CORE_HTTP_H

#include "http/http.h"

hm_err healthz_handler(hm_req *r);
hm_err openapi_handler(hm_req *r);
hm_err orgs_list_handler(hm_req *r);
hm_err dicts_handler(hm_req *r);
hm_err audit_list_handler(hm_req *r);
hm_err users_list_handler(hm_req *r);
hm_err users_create_handler(hm_req *r);
hm_err users_disable_handler(hm_req *r);
hm_err users_enable_handler(hm_req *r);
hm_err calendar_deadline_handler(hm_req *r);
hm_err calendar_years_handler(hm_req *r);
hm_err calendar_put_handler(hm_req *r);

/* Load the calendar: embedded data files, then years saved by
 * administrators in the database (they win). */
hm_err calendar_boot(hm_app *app, hm_db *db, hm_error *e);

#endif
