/* The SQL of care services and visits, behind plain functions. Only care.c
 * calls these; scope (0 = whole city, else one district's org id) is part
 * of every read. */
#ifndef HM_FUND_CARE_DB_H
#define HM_FUND_CARE_DB_H

#include "fund/care.h"

/* The district and name of a child within scope; HM_E_CHILD_NOT_FOUND. */
hm_err care_db_child(hm_db *db, int64_t scope, int64_t child_id, int64_t *org_id, hm_error *e);
/* The child of an application within scope; HM_E_APP_NOT_FOUND. */
hm_err care_db_app_child(hm_db *db, int64_t scope, int64_t app_id, int64_t *child_id, hm_error *e);

hm_err care_db_provider_insert(hm_db *db, int64_t org_id, int64_t user_id, int64_t now, care_provider *p, hm_error *e);
hm_err care_db_provider_update(hm_db *db, int64_t now, const care_provider *p, hm_error *e);
hm_err care_db_provider_get(hm_db *db, int64_t scope, int64_t id, care_provider *out, hm_error *e);
hm_err care_db_provider_list(hm_db *db, int64_t scope, const care_provider_filter *f, care_provider_visit visit,
			     void *arg, int64_t *total, hm_error *e);

hm_err care_db_referral_insert(hm_db *db, int64_t user_id, int64_t now, care_referral *r, hm_error *e);
/* Is there a referral of child to provider for service that is not closed? */
hm_err care_db_referral_open_exists(hm_db *db, int64_t child_id, int64_t provider_id, const char *service, bool *exists,
				    hm_error *e);
hm_err care_db_referral_save_status(hm_db *db, int64_t now, const care_referral *r, hm_error *e);
hm_err care_db_referral_get(hm_db *db, int64_t scope, int64_t id, care_referral *out, hm_error *e);
hm_err care_db_referral_list(hm_db *db, int64_t scope, const care_referral_filter *f, care_referral_visit visit,
			     void *arg, int64_t *total, hm_error *e);

hm_err care_db_session_insert(hm_db *db, int64_t user_id, int64_t now, care_session *s, hm_error *e);
/* With notes when with_notes, else notes left "". */
hm_err care_db_session_get(hm_db *db, int64_t scope, int64_t id, care_session *out, hm_error *e);
hm_err care_db_session_list(hm_db *db, int64_t scope, const care_session_filter *f, care_session_visit visit,
			    void *arg, int64_t *total, hm_error *e);

hm_err care_db_visit_insert(hm_db *db, int64_t user_id, int64_t now, care_visit *v, hm_error *e);
hm_err care_db_visit_get(hm_db *db, int64_t scope, int64_t id, care_visit *out, hm_error *e);
hm_err care_db_visit_list(hm_db *db, int64_t scope, const care_visit_filter *f, care_visit_visit visit, void *arg,
			  int64_t *total, hm_error *e);

typedef void (*care_tl_add)(const care_tl_item *it, const char *name, void *arg);
/* Every timeline source of one child; name is the provider's name for
 * referral and session items, else "". */
hm_err care_db_timeline(hm_db *db, int64_t scope, int64_t child_id, care_tl_add add, void *arg, hm_error *e);

#endif
