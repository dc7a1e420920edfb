/* The sealed columns of the fund, each with its own literal statements
 * (the statement cache is keyed by the SQL's address). */
#include "fund/fund_seal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>


static const sealed_col cols[] = {
	{"SELECT id, id_number FROM children WHERE id_number <> '' AND substr(id_number, 1, length($1)) <> $1",
	 "UPDATE children SET id_number = $1, id_number_hash = $2 WHERE id = $3",
	 "SELECT id, id_number FROM children WHERE id_number <> ''", true},
	{"SELECT id, guardian_phone FROM children WHERE guardian_phone <> '' AND substr(guardian_phone, 1, length($1)) <> $1",
	 "UPDATE children SET guardian_phone = $1 WHERE id = $2",
	 "SELECT id, guardian_phone FROM children WHERE guardian_phone <> ''", false},
	{"SELECT id, phone FROM donors WHERE phone <> '' AND substr(phone, 1, length($1)) <> $1",
	 "UPDATE donors SET phone = $1 WHERE id = $2",
	 "SELECT id, phone FROM donors WHERE phone <> ''", false},
	{"SELECT id, notes FROM care_sessions WHERE notes <> '' AND substr(notes, 1, length($1)) <> $1",
	 "UPDATE care_sessions SET notes = $1 WHERE id = $2",
	 "SELECT id, notes FROM care_sessions WHERE notes <> ''", false},
	{"SELECT id, findings FROM care_visits WHERE findings <> '' AND substr(findings, 1, length($1)) <> $1",
	 "UPDATE care_visits SET findings = $1 WHERE id = $2",
	 "SELECT id, findings FROM care_visits WHERE findings <> ''", false},
};

hm_err fund_seal_pending(hm_db *db, int64_t *count, hm_error *e)
{
	return store_reseal(db, cols, sizeof cols / sizeof cols[0], count, e);
}

hm_err fund_seal_check(hm_db *db, int64_t *bad, hm_error *e)
{
	return store_seal_check(db, cols, sizeof cols / sizeof cols[0], bad, e);
}
