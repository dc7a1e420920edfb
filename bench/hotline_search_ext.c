/* The hm_cjk tokenizer and hm_hotline_fts as a loadable SQLite extension,
 * for programs other than huimin that write or search hotline_appeals:
 * the bench generator (Python's sqlite3) and the sqlite3 shell
 * (.load build/bench/hm_cjk). The code is src/store/cjk_tokenizer.c itself,
 * compiled here against sqlite3ext.h so that its SQLite calls go through
 * the extension's routine table. Built by bench/hotline_search. */
#include <sqlite3ext.h>
SQLITE_EXTENSION_INIT1

#include "store/cjk_tokenizer.c"

int sqlite3_hmcjk_init(sqlite3 *db, char **err, const sqlite3_api_routines *api);
int sqlite3_hmcjk_init(sqlite3 *db, char **err, const sqlite3_api_routines *api)
{
	(void)err;
	SQLITE_EXTENSION_INIT2(api);
	return cjk_tokenizer_register(db);
}
