/* Resealing personal data: finds values of sealed columns not sealed with
 * the active key (legacy plain text, or an older key after a rotation) and
 * seals them again. The domains list their columns; this is the engine. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/crypt.h"
#include "store/store.h"

/* "hm1:<active id>:" — what a value sealed with the active key starts with. */
static void active_prefix(char *out, size_t n)
{
	char probe[CRYPT_SEALED_SIZE(1)];
	out[0] = '\0';
	if (crypt_seal("x", probe, sizeof probe, NULL) != HM_OK)
		return;
	char *colon = strchr(probe + sizeof CRYPT_PREFIX - 1, ':');
	if (colon)
		snprintf(out, n, "%.*s", (int)(colon - probe + 1), probe);
}

#define MAX_PLAIN 16384

hm_err store_reseal(hm_db *db, const sealed_col *cols, size_t ncols, int64_t *count, hm_error *e)
{
	char prefix[32];
	active_prefix(prefix, sizeof prefix);
	if (!prefix[0])
		return hm_failf(e, HM_E_INTERNAL, NULL, "未加载密钥，无法加密敏感字段");
	int64_t n = 0;
	char *plain = malloc(MAX_PLAIN), *sealed = malloc(CRYPT_SEALED_SIZE(MAX_PLAIN));
	hm_err err = plain && sealed ? HM_OK : hm_fail(e, HM_E_INTERNAL, NULL);
	for (size_t c = 0; !err && c < ncols; c++) {
		hm_stmt *sel = db_stmt(db, cols[c].select, e);
		if (!sel) {
			err = e->err;
			break;
		}
		db_bind_text(sel, 1, prefix);
		int rc;
		while (!err && (rc = db_step(sel)) == DB_ROW) {
			int64_t id = db_col_int(sel, 0);
			if ((err = crypt_open(db_col_text(sel, 1), plain, MAX_PLAIN, e)) ||
			    (err = crypt_seal(plain, sealed, CRYPT_SEALED_SIZE(MAX_PLAIN), e)))
				break;
			char blind[65] = "";
			if (cols[c].blind)
				crypt_blind(plain, blind);
			hm_stmt *up = db_stmt(db, cols[c].update, e);
			if (!up) {
				err = e->err;
				break;
			}
			db_bind_text(up, 1, sealed);
			if (cols[c].blind)
				db_bind_text(up, 2, blind);
			db_bind_int(up, cols[c].blind ? 3 : 2, id);
			err = db_exec_stmt(up, e);
			n++;
		}
		if (!err && rc != DB_DONE)
			err = db_error(db, e);
	}
	if (plain)
		memset(plain, 0, MAX_PLAIN);
	free(plain);
	free(sealed);
	if (count)
		*count = n;
	return err;
}

hm_err store_seal_check(hm_db *db, const sealed_col *cols, size_t ncols, int64_t *bad, hm_error *e)
{
	*bad = 0;
	char *plain = malloc(MAX_PLAIN);
	if (!plain)
		return hm_fail(e, HM_E_INTERNAL, NULL);
	hm_err err = HM_OK;
	for (size_t c = 0; !err && c < ncols; c++) {
		hm_stmt *st = db_stmt(db, cols[c].all, e);
		if (!st) {
			err = e->err;
			break;
		}
		int rc;
		while ((rc = db_step(st)) == DB_ROW)
			if (crypt_open(db_col_text(st, 1), plain, MAX_PLAIN, NULL) != HM_OK)
				(*bad)++;
		if (rc != DB_DONE)
			err = db_error(db, e);
	}
	memset(plain, 0, MAX_PLAIN);
	free(plain);
	return err;
}
