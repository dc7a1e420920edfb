/* The donations' SQL, behind plain functions. Only donation.c calls these. */
#ifndef HM_FUND_DONATION_DB_H
#define HM_FUND_DONATION_DB_H

#include "fund/donation.h"

hm_err donation_db_donor_insert(hm_db *db, int64_t user_id, int64_t now, donation_donor *d, hm_error *e);
hm_err donation_db_donor_update(hm_db *db, int64_t now, const donation_donor *d, hm_error *e);
hm_err donation_db_donor_get(hm_db *db, int64_t id, donation_donor *out, hm_error *e);
hm_err donation_db_donor_list(hm_db *db, const donation_donor_filter *f, donation_donor_visit visit, void *arg,
			      int64_t *total, hm_error *e);

/* Is there an active donation with this bank reference? */
hm_err donation_db_ref_taken(hm_db *db, const char *ref, bool *taken, hm_error *e);
/* Insert with its journal entry id; a reference taken meanwhile gives
 * HM_E_DONATION_DUP_REF. */
hm_err donation_db_insert(hm_db *db, int64_t user_id, int64_t now, donation *d, hm_error *e);
/* Point the donation at its journal entry. */
hm_err donation_db_set_entry(hm_db *db, int64_t id, int64_t entry_id, hm_error *e);
hm_err donation_db_get(hm_db *db, int64_t id, donation *out, hm_error *e);
hm_err donation_db_mark_reversed(hm_db *db, int64_t id, int64_t entry_id, const char *reason, int64_t now,
				 int64_t user_id, hm_error *e);
hm_err donation_db_list(hm_db *db, const donation_filter *f, donation_visit visit, void *arg, int64_t *total,
			hm_error *e);

/* The next number of the year: max + 1, inside the write transaction
 * (which holds SQLite's write lock, so no one else can take it). */
hm_err donation_db_receipt_next_seq(hm_db *db, int year, int64_t *seq, hm_error *e);
hm_err donation_db_receipt_insert(hm_db *db, int64_t user_id, int64_t now, donation_receipt *r, hm_error *e);
hm_err donation_db_receipt_get(hm_db *db, int64_t id, donation_receipt *out, hm_error *e);
hm_err donation_db_receipt_void(hm_db *db, int64_t id, const char *reason, int64_t now, int64_t user_id,
				hm_error *e);
hm_err donation_db_receipt_list(hm_db *db, const donation_receipt_filter *f, donation_receipt_visit visit,
				void *arg, int64_t *total, hm_error *e);
/* Record one more print of a receipt; *n gets its number (1 = first). */
hm_err donation_db_print_add(hm_db *db, int64_t receipt_id, int64_t now, int64_t user_id, int64_t *n,
			     hm_error *e);
/* The check-code key (64 hex characters). */
hm_err donation_db_key(hm_db *db, char out[65], hm_error *e);

hm_err donation_db_honour(hm_db *db, int year, donation_honour_visit visit, void *arg, int64_t *total,
			  int64_t *count, hm_error *e);
/* Valid receipts of a donor's active donations received in year; *sum
 * gets their total. */
hm_err donation_db_tax_receipts(hm_db *db, int64_t donor_id, int year, donation_receipt_line visit, void *arg,
				int64_t *sum, hm_error *e);

#endif
