/* Double-entry books. Every money event is one journal entry whose postings
 * sum to zero (debit > 0, credit < 0, in fen). The fund's bank account may
 * never go below zero: a payment that would overdraw it is refused. */
#ifndef HM_CORE_LEDGER_H
#define HM_CORE_LEDGER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "store/store.h"

#define LEDGER_BANK "1001"
#define LEDGER_OPENING "4101"

typedef struct ledger_line {
	const char *account;   /* account code, e.g. "1001" */
	int64_t amount;        /* fen; > 0 debit, < 0 credit, never 0 */
} ledger_line;

/* Pure check: at least two lines, none zero, no overflow, sum zero. */
bool ledger_balanced(const ledger_line *lines, size_t n);
/* Post one entry in db's open write transaction. Refuses an unbalanced
 * entry (HM_E_LEDGER_UNBALANCED), an unknown account (HM_E_LEDGER_ACCOUNT) and
 * one that would take the bank account below zero (HM_E_LEDGER_FUNDS).
 * *entry_id (may be NULL) gets the new entry's id. */
hm_err ledger_post(hm_db *db, int64_t at, const char *memo, const char *source, int64_t source_id,
		   int64_t org_id, int64_t user_id, const ledger_line *lines, size_t n, int64_t *entry_id,
		   hm_error *e);
/* Balance (sum of postings) of one account. */
hm_err ledger_balance(hm_db *db, const char *account, int64_t *balance, hm_error *e);
/* Check the books: every entry balances and has two or more lines, and the
 * bank account never went below zero in entry order. *bad_entry names the
 * first offender. */
hm_err ledger_verify(hm_db *db, int64_t *entries, int64_t *bad_entry, hm_error *e);

#endif
