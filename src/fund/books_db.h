/* The books' SQL, behind plain functions. Only books.c calls these. Times
 * are UTC seconds; a period is [t0, t1). */
#ifndef HM_FUND_BOOKS_DB_H
#define HM_FUND_BOOKS_DB_H

#include "fund/books.h"

/* Per account: opening (before t0), debit and credit in [t0, t1), for the
 * entries of org_id (0 = all). Fills code, name, type and the sums. */
hm_err books_db_account_sums(hm_db *db, int64_t t0, int64_t t1, int64_t org_id, books_row *rows, int max, int *n,
			     int64_t *entries, hm_error *e);
/* Income (credit positive) and expense per district in [t0, t1); one
 * row for the city's own entries (code ""). Only the one expense account
 * when account is not NULL. */
hm_err books_db_district_sums(hm_db *db, int64_t t0, int64_t t1, int64_t org_id, const char *account,
			      books_district *out, int max, int *n, hm_error *e);
hm_err books_db_district_id(hm_db *db, const char *code, int64_t *id, hm_error *e);

typedef void (*books_db_posting_visit)(int64_t entry_id, int64_t at, const char *memo, const char *source,
				       const char *org_code, const char *account, int64_t amount, void *arg);
/* Every posting, in entry order (at, id), then posting order. */
hm_err books_db_postings(hm_db *db, books_db_posting_visit visit, void *arg, hm_error *e);
typedef void (*books_db_account_visit)(const char *code, const char *type, const char *name, void *arg);
hm_err books_db_accounts(hm_db *db, books_db_account_visit visit, void *arg, hm_error *e);

/* Does the table exist (the donations table comes with migration 0004)? */
hm_err books_db_has_table(hm_db *db, const char *name, bool *exists, hm_error *e);

hm_err books_db_import_hash_exists(hm_db *db, const char *hash, bool *exists, hm_error *e);
hm_err books_db_import_insert(hm_db *db, books_import *imp, int64_t user_id, hm_error *e);
hm_err books_db_import_counts(hm_db *db, const books_import *imp, hm_error *e);
hm_err books_db_line_insert(hm_db *db, int64_t import_id, const books_bank_line *l, hm_error *e);
/* An active donation with that bank reference and amount not yet matched
 * to a line: *donation_id and *entry_id, or 0 when none. */
hm_err books_db_match_donation(hm_db *db, const char *ref, int64_t amount, int64_t *donation_id, int64_t *entry_id,
			       hm_error *e);
/* A payment entry taking amount out of the bank whose memo has ref as a
 * word, not yet matched: *entry_id, or 0 when none. */
hm_err books_db_match_payment(hm_db *db, const char *ref, int64_t amount, int64_t *entry_id, hm_error *e);
hm_err books_db_import_list(hm_db *db, int page, int size, books_import_visit visit, void *arg, int64_t *total,
			    hm_error *e);
hm_err books_db_import_get(hm_db *db, int64_t id, books_import *out, hm_error *e);
hm_err books_db_lines(hm_db *db, int64_t import_id, bool unmatched_only, books_line_visit visit, void *arg,
		      hm_error *e);

/* Disclosure figures for [t0, t1) (dates d0..d1 for received_on). */
hm_err books_db_donation_totals(hm_db *db, const char *d0, const char *d1, int64_t *count, int64_t *total,
				hm_error *e);
/* Children whose application was paid in [t0, t1): in all, by category
 * (cells' code preset; value filled), by district (all district orgs). */
hm_err books_db_children_paid(hm_db *db, int64_t t0, int64_t t1, int64_t *total, hm_error *e);
hm_err books_db_children_by_category(hm_db *db, int64_t t0, int64_t t1, books_cell *cells, int n, hm_error *e);
hm_err books_db_children_by_district(hm_db *db, int64_t t0, int64_t t1, books_cell *cells, int max, int *n,
				     hm_error *e);

#endif
