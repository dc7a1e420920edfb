/* The SQL of attachments. Only attachment.c calls these; scope (0 = whole
 * city, else one district's org id) is part of every read. */
#ifndef HM_FUND_ATTACHMENT_DB_H
#define HM_FUND_ATTACHMENT_DB_H

#include "fund/attachment.h"

/* The district of a child / an application within scope, or its not_found. */
hm_err attachment_db_child_org(hm_db *db, int64_t scope, int64_t child_id, int64_t *org_id, hm_error *e);
hm_err attachment_db_app_org(hm_db *db, int64_t scope, int64_t app_id, int64_t *org_id, hm_error *e);
/* The attachment with a's hash filed for a's child or application, or 0. */
hm_err attachment_db_find(hm_db *db, const attachment *a, int64_t *id, hm_error *e);
/* Record the stored file (no-op when known). */
hm_err attachment_db_blob_insert(hm_db *db, const attachment *a, int64_t now, hm_error *e);
hm_err attachment_db_insert(hm_db *db, attachment *a, int64_t user_id, int64_t now, hm_error *e);
hm_err attachment_db_get(hm_db *db, int64_t scope, int64_t id, attachment *out, hm_error *e);
hm_err attachment_db_list(hm_db *db, int64_t scope, const attachment_filter *f, attachment_visit visit, void *arg,
			  int64_t *total, hm_error *e);

#endif
