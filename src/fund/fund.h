/* The children's care fund (枣慈留香·孤困和留守儿童关爱帮扶基金): children,
 * applications and their path from intake to payment.
 *
 * Rules (DOMAIN.md §1): a child with Zaozhuang 户籍 in at least one of the
 * seven categories may be helped; two categories also need a valid 低保 or
 * 低保边缘 certificate. Acceptance starts a clock of 7 working days for
 * review and approval; returning for more material stops it and
 * resubmission restarts it. An emergency may be approved in one step and
 * must be paid within 24 hours of acceptance. Payment is a balanced journal
 * entry that can never overdraw the fund.
 *
 * Every operation runs in the caller's transaction (the HTTP dispatcher's)
 * and appends its audit record there. A district user's scope is applied in
 * the queries themselves: another district's records are "not found". */
#ifndef HM_FUND_FUND_H
#define HM_FUND_FUND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/calendar.h"
#include "core/err.h"
#include "core/idcard.h"
#include "core/perm.h"
#include "store/store.h"

#define FUND_REVIEW_WORKDAYS 7
#define FUND_EMERGENCY_HOURS 24
#define FUND_MAX_CATEGORIES 7

/* One entry of data/fund_catalog.tsv. */
typedef struct fund_item {
	char code[32];
	char name[64];
	int max_age;            /* categories: helped while younger than this */
	bool needs_household;   /* categories: needs 低保/低保边缘 */
	bool sensitive;         /* categories: health information */
	char extra[400];        /* description, or the expense account for aid kinds */
} fund_item;

typedef enum { FUND_CATEGORY, FUND_AID, FUND_SERVICE } fund_item_kind;
/* The catalogue (static, parsed once from the embedded data); n gets the count. */
const fund_item *fund_catalog(fund_item_kind kind, size_t *n);
/* Item by code, or NULL. Borrowed, static. */
const fund_item *fund_item_find(fund_item_kind kind, const char *code);
/* Chinese name of a status code ("accepted" → "审核中"), or the code itself. */
const char *fund_status_name(const char *status);
/* All status codes, NULL-terminated. */
const char *const *fund_statuses(void);

/* What the caller is and when: passed to every operation. */
typedef struct fund_ctx {
	hm_db *db;
	const hm_user *user;
	int64_t now;
	hm_calendar *cal;
	const hm_divisions *div;
} fund_ctx;

typedef struct fund_child {
	int64_t id;
	int64_t org_id;
	char org_code[16];
	char org_name[96];
	char name[100];
	char sex[2];
	char birth_date[11];
	char id_number[19];
	char hukou_district[8];
	char hukou_evidence[604];
	char household_status[12];
	char household_cert_no[100];
	char household_cert_from[11];
	char household_cert_to[11];
	char guardian_name[100];
	char guardian_relation[64];
	char guardian_phone[24];
	char address[604];
	char categories[FUND_MAX_CATEGORIES][32];
	int ncategories;
	bool is_demo;
	int64_t created_at, updated_at;
} fund_child;

/* Register a child in the caller's district (child.* and idcard.* errors). */
hm_err fund_child_create(const fund_ctx *c, fund_child *in, hm_error *e);
/* Update a child's file; the ID number never changes. */
hm_err fund_child_update(const fund_ctx *c, int64_t id, fund_child *in, hm_error *e);
/* Load one child visible to the caller (HM_E_CHILD_NOT_FOUND otherwise). */
hm_err fund_child_get(const fund_ctx *c, int64_t id, fund_child *out, hm_error *e);
/* The full ID number, audited as child.view_sensitive. */
hm_err fund_child_reveal_id(const fund_ctx *c, int64_t id, char out[19], hm_error *e);

typedef struct fund_child_filter {
	const char *q;          /* part of the name, or "" */
	const char *district;   /* org code, or "" */
	const char *category;   /* or "" */
	const char *id_hash;    /* blind index of an exact ID number, or "" */
	int page, page_size;
} fund_child_filter;
typedef void (*fund_child_visit)(const fund_child *ch, void *arg);
hm_err fund_child_list(const fund_ctx *c, const fund_child_filter *f, fund_child_visit visit, void *arg,
		       int64_t *total, hm_error *e);

/* Eligibility on `today` (pure): HM_OK, or HM_E_APP_NOT_ELIGIBLE with a
 * Chinese detail saying why. */
hm_err fund_eligibility(const fund_child *ch, const hm_divisions *div, int32_t today, hm_error *e);

typedef struct fund_aid {
	char kind[16];
	int64_t requested;      /* fen */
	int64_t approved;       /* fen; -1 until approved */
} fund_aid;

typedef struct fund_app {
	int64_t id;
	char no[32];            /* FA-370402-2026000012 */
	int64_t child_id;
	char child_name[100];
	int64_t org_id;
	char org_code[16];
	char org_name[96];
	char applicant_type[12];
	char applicant_name[100];
	char applicant_relation[64];
	char description[6004];
	bool emergency;
	char emergency_reason[1504];
	char status[12];
	int64_t clock_start, decision_due, payment_due, decided_at, paid_at, created_at;
	bool estimated;
	char review_opinion[1504];
	char decision_reason[1504];
	fund_aid aid[4];
	int naid;
	char services[3][16];
	int nservices;
	int64_t payment_entry_id;
	bool is_demo;
	/* derived for the reader at c->now */
	int64_t due;            /* deadline that applies now, 0 when none */
	bool overdue;
} fund_app;

/* File an application for a child of the caller's district. */
hm_err fund_app_create(const fund_ctx *c, fund_app *in, hm_error *e);
hm_err fund_app_get(const fund_ctx *c, int64_t id, fund_app *out, hm_error *e);

typedef enum {
	FUND_ACCEPT,
	FUND_RETURN,
	FUND_RESUBMIT,
	FUND_REVIEW_PASS,
	FUND_REVIEW_REJECT,
	FUND_APPROVE,
	FUND_REJECT,
	FUND_PAY,
} fund_action;
/* The state an action leads to from `from`, or NULL when not allowed
 * (pure; emergency enables one-step approval from accepted). */
const char *fund_next_status(const char *from, fund_action a, bool emergency);

/* Move an application one step. note: reason/opinion (required for return,
 * reject). approved: for FUND_APPROVE, amounts per kind (naid entries).
 * For FUND_PAY, posts the journal entry; *entry_id and *amount (may be NULL)
 * get it. out (may be NULL) receives the application afterwards. */
hm_err fund_app_act(const fund_ctx *c, int64_t id, fund_action a, const char *note, const fund_aid *approved,
		    int naid, fund_app *out, int64_t *entry_id, int64_t *amount, hm_error *e);

typedef struct fund_app_filter {
	const char *district, *status, *category;
	int64_t child_id;       /* 0 = any */
	int emergency;          /* -1 any, 0 no, 1 yes */
	bool overdue;
	int page, page_size;
} fund_app_filter;
typedef void (*fund_app_visit)(const fund_app *a, void *arg);
hm_err fund_app_list(const fund_ctx *c, const fund_app_filter *f, fund_app_visit visit, void *arg, int64_t *total,
		     hm_error *e);

typedef void (*fund_event_visit)(int64_t at, const char *actor, const char *action, const char *from,
				 const char *to, const char *note, void *arg);
/* The application's timeline, oldest first (caller has checked visibility). */
hm_err fund_app_events(const fund_ctx *c, int64_t id, fund_event_visit visit, void *arg, hm_error *e);

/* Book the opening capital (¥2,000,000) once; no-op if already booked. */
hm_err fund_book_opening(hm_db *db, int64_t at, hm_error *e);
#define FUND_OPENING_FEN 200000000LL

typedef struct fund_balance {
	int64_t bank, income, expense;
} fund_balance;
hm_err fund_balance_get(const fund_ctx *c, fund_balance *out, hm_error *e);

/* Dashboard figures, within the caller's scope. */
typedef struct fund_count {
	char code[32];
	int64_t count;
} fund_count;
typedef struct fund_month {
	char month[16];         /* YYYY-MM, Beijing time */
	int64_t income, expense;
} fund_month;
typedef struct fund_stats {
	fund_balance balance;
	fund_month monthly[12]; /* the last 12 months, oldest first */
	fund_count by_status[8], by_district[8], by_category[8];
	int nstatus, ndistrict, ncategory;
	int64_t decided, decided_on_time;            /* decided within 7 working days */
	int64_t emergencies_paid, emergencies_on_time; /* paid within 24 hours */
} fund_stats;
hm_err fund_stats_get(const fund_ctx *c, fund_stats *out, hm_error *e);

/* Is the entity (child or application) visible to the caller? For the
 * audit history: HM_OK, or the entity's not_found code. */
hm_err fund_entity_visible(const fund_ctx *c, const char *entity, int64_t id, hm_error *e);

/* A mobile (11 digits) or landline with area code (0632-3311161); a masked
 * value such as 139****5678 is refused, so it can never be stored. */
bool fund_phone_valid(const char *phone);
/* Mask a phone number for display: 138****5678. */
char *fund_mask_phone(const char *phone, char *buf, size_t n);

/* A canonical text of a record, digested into the audit trail. */
void fund_child_canonical(const fund_child *ch, char *buf, size_t n);
void fund_app_canonical(const fund_app *a, char *buf, size_t n);

#endif
