/* The audit trail: every change is appended, inside the transaction that
 * makes it, as a record chained to the previous one by BLAKE2b-256. Rewriting
 * or deleting any record breaks every hash after it, which verify finds. */
#ifndef HM_CORE_AUDIT_H
#define HM_CORE_AUDIT_H

#include <stdint.h>

#include "core/err.h"
#include "store/store.h"

typedef struct audit_rec {
	int64_t id;
	int64_t at;
	int64_t actor_id;          /* 0 = system */
	const char *action;        /* "application.approve" */
	const char *entity;        /* "application" */
	int64_t entity_id;
	const char *old_digest;    /* hex or "" */
	const char *new_digest;
	const char *detail;        /* short JSON, no personal data */
} audit_rec;

/* Hex BLAKE2b-256 of text into out (65 bytes); "" for NULL text. */
void audit_digest(const char *text, char out[65]);
/* The chain hash of r after prev (hex), into out (65 bytes). Pure. */
void audit_chain_hash(const audit_rec *r, const char *prev_hash, char out[65]);
/* Append a record in db's open write transaction. old_json and new_json
 * (may be NULL) are digested, not stored. detail may be NULL. */
hm_err audit_append(hm_db *db, int64_t at, int64_t actor_id, const char *action, const char *entity,
		    int64_t entity_id, const char *old_json, const char *new_json, const char *detail,
		    hm_error *e);
/* Recompute the whole chain. HM_OK when intact; otherwise HM_E_INTERNAL with
 * *bad_id = first record whose hash does not match. *count = records read. */
hm_err audit_verify(hm_db *db, int64_t *count, int64_t *bad_id, hm_error *e);

typedef void (*audit_visit)(const audit_rec *r, const char *actor_name, void *arg);
/* Call visit for each record of one entity, oldest first; returns count via *n. */
hm_err audit_list(hm_db *db, const char *entity, int64_t entity_id, audit_visit visit, void *arg, int64_t *n, hm_error *e);

#endif
