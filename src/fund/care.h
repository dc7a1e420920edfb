/* Care beyond cash (DOMAIN.md §1 "services"): the organisations and
 * volunteers who give 心理关爱, 法律援助 and 家庭教育; referrals of a child
 * to one of them; the sessions held; home visits (家访); and one timeline
 * per child that puts applications, payments, services and visits in the
 * order they happened.
 *
 * Sensitive notes. A session's notes (what the child told a counsellor, a
 * lawyer's findings) are stored in full but never appear in a list, an
 * export or the timeline: those carry only has_notes. The single-session
 * view (care_session_get) returns them to the roles with fund:care:read in
 * the child's district, and each such view appends a
 * "care_session.view_notes" audit record on the child.
 *
 * Audit. Every write appends its record on the child it concerns (entity
 * "child", detail naming the referral, session or visit), so the child's
 * audit history shows all care given and every sensitive view; provider
 * records are audited as entity "care_provider".
 *
 * Scope. Every row carries the district (org_id) of the child or the
 * provider; every query takes the caller's scope and answers "not found"
 * outside it. Operations run in the caller's (the dispatcher's)
 * transaction. */
#ifndef HM_FUND_CARE_H
#define HM_FUND_CARE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fund/fund.h"

#define CARE_MAX_SERVICES 3

/* Chinese name of a referral status ("referred" → "已转介"), or the code. */
const char *care_status_name(const char *status);
/* The status codes, NULL-terminated. */
const char *const *care_statuses(void);
/* May a referral go from `from` to `to`? (pure) */
bool care_status_allowed(const char *from, const char *to);
/* Chinese name of a provider kind ("org" → "服务机构"), or the code. */
const char *care_kind_name(const char *kind);
/* Is s a plausible phone number (digits, spaces, + and -, 5–20 chars, or "")? */
bool care_phone_valid(const char *s);

typedef struct care_provider {
	int64_t id;
	int64_t org_id;
	char org_code[16];
	char org_name[96];
	char name[260];          /* up to 64 characters of up to 4 bytes */
	char kind[12];
	char services[CARE_MAX_SERVICES][16];
	int nservices;
	char contact_name[132];
	char contact_phone[24];
	char address[804];
	char note[2004];
	bool active;
	int64_t created_at, updated_at;
	int64_t open_referrals;  /* referrals not yet closed */
} care_provider;

/* Register a provider for the caller's district. */
hm_err care_provider_create(const fund_ctx *c, care_provider *in, hm_error *e);
/* Change a provider's details or active flag. */
hm_err care_provider_update(const fund_ctx *c, int64_t id, care_provider *in, hm_error *e);
hm_err care_provider_get(const fund_ctx *c, int64_t id, care_provider *out, hm_error *e);

typedef struct care_provider_filter {
	const char *q, *kind, *service;
	int active; /* -1 any */
	int page, page_size;
} care_provider_filter;
typedef void (*care_provider_visit)(const care_provider *p, void *arg);
hm_err care_provider_list(const fund_ctx *c, const care_provider_filter *f, care_provider_visit visit, void *arg,
			  int64_t *total, hm_error *e);

typedef struct care_referral {
	int64_t id;
	int64_t child_id;
	char child_name[132];
	int64_t org_id;
	char org_code[16];
	char org_name[96];
	int64_t provider_id;
	char provider_name[260];
	int64_t application_id;  /* 0 = none */
	char service[16];
	char reason[2004];
	char status[12];
	char status_note[2004];
	int64_t started_at, closed_at, created_at, updated_at;
	int64_t sessions;        /* number of sessions */
} care_referral;

/* Refer a child of the caller's district to a provider for one service. */
hm_err care_referral_create(const fund_ctx *c, care_referral *in, hm_error *e);
hm_err care_referral_get(const fund_ctx *c, int64_t id, care_referral *out, hm_error *e);
/* Move a referral to in_service or closed (closing needs a note). */
hm_err care_referral_set_status(const fund_ctx *c, int64_t id, const char *status, const char *note,
				care_referral *out, hm_error *e);

typedef struct care_referral_filter {
	int64_t child_id, provider_id;  /* 0 = any */
	const char *district, *service, *status;
	int page, page_size;
} care_referral_filter;
typedef void (*care_referral_visit)(const care_referral *r, void *arg);
hm_err care_referral_list(const fund_ctx *c, const care_referral_filter *f, care_referral_visit visit, void *arg,
			  int64_t *total, hm_error *e);

typedef struct care_session {
	int64_t id;
	int64_t referral_id;
	int64_t child_id;
	char child_name[132];
	int64_t org_id;
	char org_code[16];
	int64_t provider_id;
	char provider_name[260];
	char service[16];
	int64_t held_at;
	char notes[16004];       /* sensitive: filled only by care_session_get */
	bool has_notes;
	char outcome[2004];
	int64_t created_at;
} care_session;

/* Record a session of a referral that is not closed; the first session
 * moves a referral from referred to in_service. */
hm_err care_session_create(const fund_ctx *c, int64_t referral_id, care_session *in, hm_error *e);
/* One session with its notes in full; audited as care_session.view_notes. */
hm_err care_session_get(const fund_ctx *c, int64_t id, care_session *out, hm_error *e);

typedef struct care_session_filter {
	int64_t child_id, referral_id, provider_id;
	const char *district, *service;
	int64_t from, to;        /* held_at range, 0 = open */
	int page, page_size;
} care_session_filter;
typedef void (*care_session_visit)(const care_session *s, void *arg);
/* Sessions without notes (has_notes tells whether there are any). */
hm_err care_session_list(const fund_ctx *c, const care_session_filter *f, care_session_visit visit, void *arg,
			 int64_t *total, hm_error *e);

typedef struct care_visit {
	int64_t id;
	int64_t child_id;
	char child_name[132];
	int64_t org_id;
	char org_code[16];
	char org_name[96];
	int64_t visited_at;
	char visitors[404];
	char people_met[804];
	char findings[16004];
	char follow_up[4004];
	char follow_up_due[11];
	char created_by[64];
	int64_t created_at;
} care_visit;

/* Record a home visit to a child of the caller's district. */
hm_err care_visit_create(const fund_ctx *c, care_visit *in, hm_error *e);
hm_err care_visit_get(const fund_ctx *c, int64_t id, care_visit *out, hm_error *e);

typedef struct care_visit_filter {
	int64_t child_id;
	const char *district;
	int64_t from, to;
	int page, page_size;
} care_visit_filter;
typedef void (*care_visit_visit)(const care_visit *v, void *arg);
hm_err care_visit_list(const fund_ctx *c, const care_visit_filter *f, care_visit_visit visit, void *arg,
		       int64_t *total, hm_error *e);

/* One entry of a child's timeline. */
typedef enum {
	CARE_TL_APPLICATION,     /* a step of an application (application_events) */
	CARE_TL_PAYMENT,         /* money paid (the journal entry) */
	CARE_TL_REFERRAL,        /* a referral made */
	CARE_TL_REFERRAL_CLOSED, /* a referral ended */
	CARE_TL_SESSION,         /* a service session (no notes) */
	CARE_TL_VISIT,           /* a home visit */
} care_tl_kind;

typedef struct care_tl_item {
	int64_t at;
	care_tl_kind kind;
	int64_t ref_id;          /* application, referral, session or visit id */
	int64_t seq;             /* order of recording within a kind, for ties */
	char action[24];         /* application: create, accept …; others: "" */
	char status[16];         /* application: to_status; referral: service */
	char text[2004];         /* note, reason or outcome (<= 500 characters), never session notes */
	int64_t amount;          /* payment: fen */
} care_tl_item;

/* Sort items oldest first; ties keep recording order (pure, stable). */
void care_timeline_sort(care_tl_item *items, size_t n);
/* The child's timeline, oldest first. *items is new (free()), *n its
 * length; HM_E_CHILD_NOT_FOUND outside the caller's scope. */
hm_err care_timeline(const fund_ctx *c, int64_t child_id, care_tl_item **items, size_t *n, hm_error *e);

/* Is the entity visible to the caller, for the audit history?
 * "care_provider" → HM_OK or provider.not_found; others audit.not_found. */
hm_err care_entity_visible(const fund_ctx *c, const char *entity, int64_t id, hm_error *e);

#endif
