/* The store: the only place that talks to the database engine.
 *
 * Domains write their SQL in their own <domain>_db.c files but run it only
 * through this interface, so a PostgreSQL backend can be added behind it
 * without touching them. SQL is kept to what both engines speak and uses
 * $1, $2 … placeholders in order of first appearance (SQLite treats them as
 * named parameters numbered in that order).
 *
 * One hm_store per database file; each thread gets its own connection
 * (store_conn). Statements are prepared once per connection and cached. */
#ifndef HM_STORE_STORE_H
#define HM_STORE_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

typedef struct hm_store hm_store;
typedef struct hm_db hm_db;
typedef struct hm_stmt hm_stmt;

/* Results of db_step. */
enum { DB_ROW = 1, DB_DONE = 0, DB_ERROR = -1, DB_CONSTRAINT = -2 };

typedef struct store_options {
	bool create;        /* create the file if missing (init), else refuse */
	bool migrate;       /* apply missing migrations (serve, migrate, init) */
	int busy_ms;        /* busy timeout; 0 = 5000 */
	bool read_only;     /* open for reading only (verify); never writes */
} store_options;

/* Open (and with opts->migrate, upgrade) the database at path. Refuses a
 * database newer than this binary or not a huimin database. Returns new
 * store or NULL with e set (message names the cause). */
hm_store *store_open(const char *path, const store_options *opts, hm_error *e);
/* Close every connection; NULL ok. */
void store_close(hm_store *s);
/* Schema version of the open database, and the newest this binary knows. */
int store_schema_version(hm_store *s);
int store_schema_latest(void);
/* This thread's connection, opened on first use; borrowed, lives until
 * store_close. NULL with e set if it cannot be opened. */
hm_db *store_conn(hm_store *s, hm_error *e);

/* Transactions. A write transaction takes the write lock at once (BEGIN
 * IMMEDIATE) so that it cannot fail half-way on a lock upgrade. */
hm_err db_begin(hm_db *db, bool write, hm_error *e);
hm_err db_commit(hm_db *db, hm_error *e);

/* Pipelined durability, for the server's one writer. db_defer_sync opens
 * db again through LOGBUF_VFS (store/logbuf.h; call it outside a
 * transaction, its prepared statements are gone): a COMMIT on db then
 * writes its frames to the write-ahead log in one piece without waiting
 * for the disk (the log is still synced before a checkpoint copies it and
 * when it starts over, which keeps the file consistent); the caller must
 * then call store_sync_log, from any thread, before it tells anyone of a
 * commit. store_sync_log makes every commit that returned before it was
 * called durable (fdatasync of the log); it fails only when the disk does.
 * The connection's commits no longer copy the log into the database file
 * either: the caller runs store_checkpoint from another thread when
 * db_log_frames says the log has grown. */
hm_err db_defer_sync(hm_db *db, hm_error *e);
hm_err store_sync_log(hm_store *s, hm_error *e);
/* Grow the write-ahead log file to at least bytes, with zeros, once, under
 * the write lock (db must come from db_defer_sync). A log that is written
 * over costs one disk round trip per sync; a log that grows costs two (its
 * new size too): SQLite starts each log empty after the last connection
 * closed, so a freshly started server paid the second one for its first
 * few thousand commits. Zeros past the log's end are never taken for
 * commits: a frame is valid only with the header's random salt. */
hm_err db_reserve_log(hm_db *db, int64_t bytes, hm_error *e);
/* A number that changes whenever another connection (of this process or
 * any other) commits to the database: what was read before is still
 * current while it stays the same (PRAGMA data_version). */
hm_err db_data_version(hm_db *db, int64_t *v, hm_error *e);
/* Frames in the log after db's last commit (0 before any). */
int db_log_frames(hm_db *db);
/* Copy what the log holds into the database file, beside the writer
 * (SQLite's PASSIVE checkpoint on this thread's connection); the log starts
 * over once everything is copied and no reader needs it. */
hm_err store_checkpoint(hm_store *s, hm_error *e);
/* The same on db, the connection of db_defer_sync, between its
 * transactions. A checkpoint beside a writer that never pauses copies the
 * log but never all of it at once, and SQLite starts the log over only
 * after a checkpoint that copied everything: the writer calls this when
 * the log has outgrown its reserve. Returns HM_OK also when another
 * checkpoint was running (nothing done). */
hm_err db_checkpoint(hm_db *db, hm_error *e);
void db_rollback(hm_db *db);
bool db_in_tx(hm_db *db);
/* Savepoints inside a write transaction, one level: each request of a
 * group commit runs in its own (http/server.c), so that a failing one is
 * undone alone. db_savepoint_rollback undoes and ends the savepoint. */
hm_err db_savepoint(hm_db *db, hm_error *e);
hm_err db_savepoint_release(hm_db *db, hm_error *e);
void db_savepoint_rollback(hm_db *db);
/* Is the connection still inside the transaction db_begin opened? False
 * after SQLite rolled it back by itself (disk full, I/O error, out of
 * memory): everything since db_begin is gone, savepoints released or not. */
bool db_tx_alive(hm_db *db);
/* Reset every statement left mid-result, ending the read it holds open.
 * Called at transaction boundaries and at the end of each request. */
void db_release(hm_db *db);

/* A cached prepared statement for sql (which must be a string literal or
 * otherwise outlive the connection: the cache is keyed by its address).
 * Reset and cleared of bindings. Borrowed. NULL with e set on error. */
hm_stmt *db_stmt(hm_db *db, const char *sql, hm_error *e);
/* Like db_stmt for SQL assembled at run time from fixed fragments (never
 * from input: values are always bound), cached by its text. */
hm_stmt *db_stmt_text(hm_db *db, const char *sql, hm_error *e);
void db_bind_int(hm_stmt *st, int i, int64_t v);
void db_bind_text(hm_stmt *st, int i, const char *v);  /* NULL binds NULL; copied */
void db_bind_null(hm_stmt *st, int i);
/* Bind v, or NULL when v is 0 (optional ids and times). */
void db_bind_int_or_null(hm_stmt *st, int i, int64_t v);
/* Bind personal data sealed with the process's keys (core/crypt.h). */
hm_err db_bind_sealed(hm_stmt *st, int i, const char *plain, hm_error *e);
/* Step: DB_ROW, DB_DONE, DB_CONSTRAINT (unique/check/foreign key) or
 * DB_ERROR; on DB_ERROR call db_error to turn it into an hm_err. */
int db_step(hm_stmt *st);
/* Step a statement expected to give one row: HM_OK on a row, not_found
 * (with field) when there is none, the mapped error otherwise. */
hm_err db_row(hm_stmt *st, hm_err not_found, const char *field, hm_error *e);
/* Step a statement expected to run to completion (INSERT/UPDATE/DELETE). */
hm_err db_exec_stmt(hm_stmt *st, hm_error *e);
int64_t db_col_int(hm_stmt *st, int col);
/* Column text, "" for NULL; borrowed until the next step or reset. */
const char *db_col_text(hm_stmt *st, int col);
bool db_col_null(hm_stmt *st, int col);
/* A sealed column opened into out (n bytes); "" on failure, which is
 * logged (a wrong key or a tampered value) — never the ciphertext. */
void db_col_open(hm_stmt *st, int col, char *out, size_t n);
int64_t db_last_id(hm_db *db);
int db_changes(hm_db *db);
/* Map the connection's last failure to an hm_err (busy, full, read-only or
 * internal), log it once, fill e and return the code. */
hm_err db_error(hm_db *db, hm_error *e);
/* Run SQL with no parameters and no rows (schema, pragmas). */
hm_err db_exec(hm_db *db, const char *sql, hm_error *e);

/* A sealed column (core/crypt.h), described by its literal statements. */
typedef struct sealed_col {
	const char *select;   /* id, value of rows not sealed with key prefix $1 */
	const char *update;   /* value = $1 WHERE id = $2; with a blind index: index $2, id $3 */
	const char *all;      /* id, value of every non-empty row, for verify */
	bool blind;           /* also keep a keyed hash of the plain text */
} sealed_col;
/* Seal again every value of cols not sealed with the active key (legacy
 * plain text, an older key); in the caller's transaction. *count may be NULL. */
hm_err store_reseal(hm_db *db, const sealed_col *cols, size_t n, int64_t *count, hm_error *e);
/* Count values of cols that the keys at hand cannot open. */
hm_err store_seal_check(hm_db *db, const sealed_col *cols, size_t n, int64_t *bad, hm_error *e);

/* Online backup to a new file at dest while others keep writing. */
hm_err store_backup(hm_store *s, const char *dest, hm_error *e);
/* Full integrity check of the file; HM_OK when "ok". */
hm_err store_integrity_check(hm_db *db, hm_error *e);

#endif
