/* Sealing the fund's personal data at rest: finds every value of a sealed
 * column not sealed with the active key (legacy plain text, or an older key
 * after `huimin rekey`) and seals it again, in the caller's transaction.
 * Also fills the blind index of ID numbers. */
#ifndef HM_FUND_FUND_SEAL_H
#define HM_FUND_FUND_SEAL_H

#include <stdint.h>

#include "store/store.h"

/* Reseal what needs it; *count (may be NULL) gets the number of values. */
hm_err fund_seal_pending(hm_db *db, int64_t *count, hm_error *e);
/* Values that cannot be opened with the keys at hand (damage or a lost
 * key); for verify. */
hm_err fund_seal_check(hm_db *db, int64_t *bad, hm_error *e);

#endif
