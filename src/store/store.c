/* SQLite behind the store interface: connections per thread, pragmas,
 * embedded migrations, statement cache, error mapping and online backup. */
#include "store/store.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "core/crypt.h"
#include "core/embedded.h"
#include "core/log.h"
#include "store/cjk_tokenizer.h"
#include "store/logbuf.h"

#define STMT_SLOTS 1024 /* literal statements per connection (about 250 today) */
#define DYN_SLOTS 64    /* statements assembled at run time, by their text */
/* files up to this size get a full quick_check at every start */
#define STORE_STARTUP_CHECK_MAX (256LL * 1024 * 1024)

struct hm_stmt {
	const char *sql;
	sqlite3_stmt *st;
	hm_db *db;
};

struct hm_db {
	sqlite3 *h;
	hm_store *store;
	bool in_tx;
	int log_frames;           /* WAL frames after the last commit (db_defer_sync) */
	hm_db *next;          /* all connections of the store */
	hm_stmt stmts[STMT_SLOTS];
	hm_stmt dyn[DYN_SLOTS];   /* sql points to an owned copy */
};

struct hm_store {
	char *path;
	bool read_only;
	int busy_ms;
	int version;
	pthread_key_t key;
	pthread_mutex_t lock;
	hm_db *conns;
	/* the write-ahead log, opened by store_sync_log (db_defer_sync names it) */
	pthread_mutex_t sync_lock;
	char *wal_path;
	int wal_fd;
};

static const char MIGRATION_PREFIX[] = "db/migrations/";

/* Migration files in order; their number is the schema version they make. */
static size_t migrations(const struct hm_embedded_file **out, size_t max)
{
	size_t n = 0;
	for (size_t i = 0; i < hm_embedded_count && n < max; i++)
		if (strncmp(hm_embedded_files[i].name, MIGRATION_PREFIX, sizeof MIGRATION_PREFIX - 1) == 0)
			out[n++] = &hm_embedded_files[i];
	/* tools/embed gets them sorted by name from the Makefile; keep that an invariant */
	for (size_t i = 1; i < n; i++)
		if (strcmp(out[i - 1]->name, out[i]->name) >= 0)
			abort();
	return n;
}

static int migration_number(const char *name)
{
	return atoi(name + sizeof MIGRATION_PREFIX - 1);
}

int store_schema_latest(void)
{
	const struct hm_embedded_file *m[256];
	size_t n = migrations(m, 256);
	return n ? migration_number(m[n - 1]->name) : 0;
}

static hm_err map_sqlite(int rc)
{
	switch (rc & 0xff) {
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return HM_E_DB_BUSY;
	case SQLITE_FULL:
		return HM_E_DB_FULL;
	case SQLITE_READONLY:
		return HM_E_DB_READONLY;
	default:
		return HM_E_INTERNAL;
	}
}

hm_err db_error(hm_db *db, hm_error *e)
{
	int rc = sqlite3_extended_errcode(db->h);
	hm_err code = map_sqlite(rc);
	if (code == HM_E_INTERNAL || code == HM_E_DB_FULL || code == HM_E_DB_READONLY)
		hm_log_error("store: sqlite error %d: %s", rc, sqlite3_errmsg(db->h));
	return hm_fail(e, code, NULL);
}

hm_err db_exec(hm_db *db, const char *sql, hm_error *e)
{
	char *msg = NULL;
	int rc = sqlite3_exec(db->h, sql, NULL, NULL, &msg);
	if (rc != SQLITE_OK) {
		hm_log_error("store: %s (%d) in %.40s", msg ? msg : sqlite3_errstr(rc), sqlite3_extended_errcode(db->h), sql);
		sqlite3_free(msg);
		return db_error(db, e);
	}
	return HM_OK;
}

/* Is the file system holding path mounted read-only? Then nothing can be
 * written, and SQLite's own message ("unable to open database file") says
 * too little. */
static bool on_read_only_fs(const char *path)
{
	struct statvfs vfs;
	return statvfs(path, &vfs) == 0 && (vfs.f_flag & ST_RDONLY);
}

/* Open db->h on the store's file through the VFS named vfs (NULL: the
 * default), with the pragmas and functions every connection needs. On
 * failure db->h is NULL. */
static hm_err conn_connect(hm_db *db, bool create, const char *vfs, hm_error *e)
{
	hm_store *s = db->store;
	int flags = (s->read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE) | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_URI |
		    (create ? SQLITE_OPEN_CREATE : 0);
	/* a read-only copy on a read-only disk cannot host WAL's shared memory;
	 * nobody can write it either, so SQLite may treat it as immutable */
	char uri[1200];
	if (s->read_only && on_read_only_fs(s->path))
		snprintf(uri, sizeof uri, "file:%s?immutable=1", s->path);
	else
		snprintf(uri, sizeof uri, "file:%s", s->path);
	int rc = sqlite3_open_v2(uri, &db->h, flags, vfs);
	if (rc != SQLITE_OK) {
		hm_failf(e, rc == SQLITE_CANTOPEN ? HM_E_UNAVAILABLE : map_sqlite(rc), NULL,
			 "无法打开数据库 %s：%s", s->path, db->h ? sqlite3_errmsg(db->h) : sqlite3_errstr(rc));
		goto fail;
	}
	sqlite3_extended_result_codes(db->h, 1);
	sqlite3_busy_timeout(db->h, s->busy_ms);
	/* WAL lets readers run beside the writer; synchronous=FULL makes every
	 * acknowledged commit survive power loss, not only a process crash. */
	static const char pragmas[] = "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
				      "PRAGMA foreign_keys=ON; PRAGMA trusted_schema=OFF;";
	static const char pragmas_ro[] = "PRAGMA foreign_keys=ON; PRAGMA trusted_schema=OFF;";
	if (db_exec(db, s->read_only ? pragmas_ro : pragmas, e) != HM_OK) {
		hm_failf(e, e ? e->err : HM_E_INTERNAL, NULL, "无法初始化数据库 %s：%s", s->path, sqlite3_errmsg(db->h));
		goto fail;
	}
	/* The hotline's full-text index (db/migrations/0017_hotline_search.sql)
	 * is tokenized by hm_cjk and kept in step by triggers that call
	 * hm_hotline_fts: every connection that reads or writes hotline_appeals
	 * needs both, read-only ones (verify) included. */
	if (cjk_tokenizer_register(db->h) != SQLITE_OK) {
		hm_failf(e, HM_E_INTERNAL, NULL, "无法注册中文分词器：%s", sqlite3_errmsg(db->h));
		goto fail;
	}
	return HM_OK;
fail:
	sqlite3_close(db->h);
	db->h = NULL;
	return e ? e->err : HM_E_INTERNAL;
}

static hm_db *conn_open(hm_store *s, bool create, hm_error *e)
{
	hm_db *db = calloc(1, sizeof *db);
	if (!db) {
		hm_fail(e, HM_E_INTERNAL, NULL);
		return NULL;
	}
	db->store = s;
	if (on_read_only_fs(s->path) && !s->read_only) {
		hm_failf(e, HM_E_DB_READONLY, NULL, "数据库 %s 位于只读的文件系统上，无法写入（请检查磁盘挂载）；只读校验可用 huimin verify",
			 s->path);
		free(db);
		return NULL;
	}
	if (conn_connect(db, create, NULL, e) != HM_OK) {
		free(db);
		return NULL;
	}
	pthread_mutex_lock(&s->lock);
	db->next = s->conns;
	s->conns = db;
	pthread_mutex_unlock(&s->lock);
	return db;
}

static void conn_close(hm_db *db)
{
	for (int i = 0; i < STMT_SLOTS; i++)
		sqlite3_finalize(db->stmts[i].st);
	for (int i = 0; i < DYN_SLOTS; i++) {
		sqlite3_finalize(db->dyn[i].st);
		free((char *)db->dyn[i].sql);
	}
	memset(db->stmts, 0, sizeof db->stmts);
	memset(db->dyn, 0, sizeof db->dyn);
	sqlite3_close(db->h);
	db->h = NULL;
}

static void conn_free(hm_db *db)
{
	conn_close(db);
	free(db);
}

hm_db *store_conn(hm_store *s, hm_error *e)
{
	hm_db *db = pthread_getspecific(s->key);
	if (db)
		return db;
	db = conn_open(s, false, e);
	if (db)
		pthread_setspecific(s->key, db);
	return db;
}

static int read_version(hm_db *db, int *version, hm_error *e)
{
	hm_stmt *st = db_stmt(db, "SELECT max(version) FROM schema_version", e);
	if (!st)
		return -1;
	int r = db_step(st);
	if (r == DB_ROW) {
		*version = (int)db_col_int(st, 0);
		return 0;
	}
	db_error(db, e);
	return -1;
}

/* A file with tables but no schema_version belongs to some other program:
 * refuse it rather than add our tables beside someone else's data. */
static hm_err check_ours(hm_db *db, hm_error *e)
{
	hm_stmt *st = db_stmt(db,
			      "SELECT count(*), coalesce(sum(name = 'schema_version'), 0) FROM sqlite_master"
			      " WHERE type = 'table' AND name NOT LIKE 'sqlite%'",
			      e);
	if (!st)
		return e->err;
	if (db_step(st) != DB_ROW)
		return db_error(db, e);
	if (db_col_int(st, 0) > 0 && db_col_int(st, 1) == 0)
		return hm_failf(e, HM_E_UNAVAILABLE, NULL, "该文件不是 huimin 数据库（含有其他程序的数据表），拒绝打开");
	return HM_OK;
}

/* After a migration ran with foreign keys off: every reference must still
 * resolve, or the migration is refused and rolled back. */
static hm_err foreign_keys_intact(hm_db *db, const char *name, hm_error *e)
{
	hm_stmt *st = db_stmt(db, "PRAGMA foreign_key_check", e);
	if (!st)
		return e ? e->err : HM_E_INTERNAL;
	int rc = db_step(st);
	db_release(db);
	if (rc == DB_ROW)
		return hm_failf(e, HM_E_INTERNAL, NULL, "数据库迁移 %s 破坏了外键引用", name);
	return rc == DB_DONE ? HM_OK : db_error(db, e);
}

static hm_err migrate(hm_store *s, hm_db *db, bool apply, hm_error *e)
{
	hm_err err = check_ours(db, e);
	if (err)
		return err;
	if (!s->read_only)
		err = db_exec(db,
			     "CREATE TABLE IF NOT EXISTS schema_version ("
			     " version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL) STRICT",
			     e);
	if (err)
		return err;
	int have = 0;
	if (read_version(db, &have, e) < 0)
		return e ? e->err : HM_E_INTERNAL;
	int latest = store_schema_latest();
	if (have > latest)
		return hm_failf(e, HM_E_UNAVAILABLE, NULL,
				"数据库结构版本 %d 比本程序支持的版本 %d 新，请使用新版本程序", have, latest);
	s->version = have;
	hm_stmt *cnt = db_stmt(db, "SELECT count(*) FROM schema_version", e);
	if (!cnt)
		return e ? e->err : HM_E_INTERNAL;
	if (db_step(cnt) != DB_ROW)
		return db_error(db, e);
	const struct hm_embedded_file *m[256];
	size_t n = migrations(m, 256);
	bool complete = have == latest && (size_t)db_col_int(cnt, 0) == n;
	if (!apply)
		return complete ? HM_OK
				      : hm_failf(e, HM_E_UNAVAILABLE, NULL,
						 "数据库结构版本 %d 需要升级到 %d，请先运行 huimin migrate", have, latest);
	for (size_t i = 0; i < n; i++) {
		int v = migration_number(m[i]->name);
		/* each migration by its own row, not by the highest number: one
		 * that arrived later with a lower number is still applied */
		hm_stmt *q = db_stmt(db, "SELECT count(*) FROM schema_version WHERE version = $1", e);
		if (!q)
			return e ? e->err : HM_E_INTERNAL;
		db_bind_int(q, 1, v);
		if (db_step(q) != DB_ROW)
			return db_error(db, e);
		if (db_col_int(q, 0) > 0)
			continue;
		/* each migration and its version row commit together or not at all.
		 * Foreign keys are off while it runs (a no-op inside a transaction,
		 * so set before BEGIN) so that a table can be rebuilt as SQLite
		 * documents; foreign_key_check must find nothing before COMMIT. */
		if ((err = db_exec(db, "PRAGMA foreign_keys=OFF", e)))
			return err;
		if ((err = db_begin(db, true, e))) {
			(void)db_exec(db, "PRAGMA foreign_keys=ON", NULL);
			return err;
		}
		err = db_exec(db, (const char *)m[i]->data, e);
		if (!err)
			err = foreign_keys_intact(db, m[i]->name, e);
		if (!err) {
			hm_stmt *st = db_stmt(db, "INSERT INTO schema_version (version, name, applied_at) VALUES ($1, $2, strftime('%s','now'))", e);
			if (!st)
				err = e ? e->err : HM_E_INTERNAL;
			else {
				db_bind_int(st, 1, v);
				db_bind_text(st, 2, m[i]->name + sizeof MIGRATION_PREFIX - 1);
				err = db_exec_stmt(st, e);
			}
		}
		if (!err)
			err = db_commit(db, e);
		if (err)
			db_rollback(db);
		hm_err on = db_exec(db, "PRAGMA foreign_keys=ON", err ? NULL : e);
		if (!err)
			err = on;
		if (err) {
			hm_log_error("store: migration %s failed", m[i]->name);
			return err;
		}
		hm_log_info("store: applied migration %s", m[i]->name);
		if (v > s->version)
			s->version = v;
	}
	return HM_OK;
}

/* SQLite keeps memory statistics behind one global mutex that every
 * allocation of every connection takes; nothing here reads them. */
static void sqlite_setup(void)
{
	(void)sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

hm_store *store_open(const char *path, const store_options *opts, hm_error *e)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	pthread_once(&once, sqlite_setup);
	hm_store *s = calloc(1, sizeof *s);
	if (!s || !(s->path = strdup(path))) {
		free(s);
		hm_fail(e, HM_E_INTERNAL, NULL);
		return NULL;
	}
	s->busy_ms = opts->busy_ms > 0 ? opts->busy_ms : 5000;
	s->wal_fd = -1;
	pthread_mutex_init(&s->sync_lock, NULL);
	s->read_only = opts->read_only;
	pthread_mutex_init(&s->lock, NULL);
	pthread_key_create(&s->key, NULL);
	if (!opts->create && access(path, F_OK) != 0) {
		hm_failf(e, HM_E_UNAVAILABLE, NULL, "数据库文件 %s 不存在，请先运行 huimin init", path);
		store_close(s);
		return NULL;
	}
	hm_db *db = conn_open(s, opts->create, e);
	if (!db) {
		store_close(s);
		return NULL;
	}
	pthread_setspecific(s->key, db);
	hm_error ie;
	hm_error_clear(&ie);
	/* a damaged file is refused at start rather than failing requests one
	 * by one; the check reads the whole file, so a large one is left to
	 * `huimin verify` (its first pages are still read by the migration) */
	struct stat fst;
	bool small = stat(path, &fst) != 0 || fst.st_size <= STORE_STARTUP_CHECK_MAX;
	if (!small)
		hm_log_info("store: %s is %lld MB; skipping the start-up integrity check (run huimin verify)", path,
			    (long long)(fst.st_size >> 20));
	if (small && store_integrity_check(db, &ie) != HM_OK) {
		hm_failf(e, HM_E_UNAVAILABLE, NULL, "数据库文件 %s 已损坏或不是 huimin 数据库：%s", path, hm_error_message(&ie));
		store_close(s);
		return NULL;
	}
	if (migrate(s, db, opts->migrate, e) != HM_OK) {
		store_close(s);
		return NULL;
	}
	return s;
}

void store_close(hm_store *s)
{
	if (!s)
		return;
	hm_db *db = s->conns;
	while (db) {
		hm_db *next = db->next;
		conn_free(db);
		db = next;
	}
	pthread_key_delete(s->key);
	pthread_mutex_destroy(&s->lock);
	pthread_mutex_destroy(&s->sync_lock);
	if (s->wal_fd >= 0)
		close(s->wal_fd);
	free(s->wal_path);
	free(s->path);
	free(s);
}

int store_schema_version(hm_store *s)
{
	return s->version;
}

void db_release(hm_db *db)
{
	/* a statement stepped to a row and not reset keeps a read transaction
	 * open on an old snapshot, and a later write on this connection would
	 * then fail at once with SQLITE_BUSY_SNAPSHOT */
	for (sqlite3_stmt *st = sqlite3_next_stmt(db->h, NULL); st; st = sqlite3_next_stmt(db->h, st))
		if (sqlite3_stmt_busy(st))
			sqlite3_reset(st);
}

/* A transaction statement, prepared once per connection (the writer runs
 * one BEGIN, COMMIT and SAVEPOINT/RELEASE pair per request or group). */
static hm_err db_control(hm_db *db, const char *sql, hm_error *e)
{
	hm_stmt *st = db_stmt(db, sql, e);
	if (!st)
		return e->err;
	int rc = sqlite3_step(st->st);
	if (rc != SQLITE_DONE) {
		hm_log_error("store: %s (%d) in %s", sqlite3_errmsg(db->h), sqlite3_extended_errcode(db->h), sql);
		hm_err err = db_error(db, e);
		sqlite3_reset(st->st);
		return err;
	}
	sqlite3_reset(st->st);
	return HM_OK;
}

hm_err db_begin(hm_db *db, bool write, hm_error *e)
{
	db_release(db);
	hm_err err = db_control(db, write ? "BEGIN IMMEDIATE" : "BEGIN", e);
	if (!err)
		db->in_tx = true;
	return err;
}

hm_err db_commit(hm_db *db, hm_error *e)
{
	db_release(db);
	hm_err err = db_control(db, "COMMIT", e);
	if (!err)
		db->in_tx = false;
	return err;
}

static int log_hook(void *arg, sqlite3 *h, const char *name, int frames)
{
	(void)h;
	(void)name;
	hm_db *db = arg;
	db->log_frames = frames;
	return SQLITE_OK;
}

hm_err db_defer_sync(hm_db *db, hm_error *e)
{
	hm_store *s = db->store;
	if (db->in_tx || s->read_only)
		return hm_fail(e, HM_E_INTERNAL, NULL);
	/* the connection opens again, its log now written through LOGBUF_VFS:
	 * each commit's frames in one write, synced by store_sync_log */
	if (logbuf_register() != SQLITE_OK)
		return hm_failf(e, HM_E_INTERNAL, NULL, "无法注册写前日志的文件层");
	conn_close(db);
	if (conn_connect(db, false, LOGBUF_VFS, e) != HM_OK)
		return e ? e->err : HM_E_INTERNAL;
	const char *wal = sqlite3_filename_wal(sqlite3_db_filename(db->h, "main"));
	pthread_mutex_lock(&s->sync_lock);
	if (!s->wal_path)
		s->wal_path = wal ? strdup(wal) : NULL;
	bool named = s->wal_path != NULL;
	/* a log removed when the connection closed (it was the last one) is
	 * a new file now */
	if (s->wal_fd >= 0)
		close(s->wal_fd);
	s->wal_fd = -1;
	pthread_mutex_unlock(&s->sync_lock);
	if (!named)
		return hm_fail(e, HM_E_INTERNAL, NULL);
	/* the hook replaces SQLite's automatic checkpoint on this connection */
	sqlite3_wal_hook(db->h, log_hook, db);
	/* synchronous=FULL (conn_connect): a commit asks for a sync at NORMAL,
	 * which LOGBUF_VFS takes for "write"; checkpoints and a log starting
	 * over ask at FULL and get their sync (logbuf.h) */
	return db_exec(db, "PRAGMA checkpoint_fullfsync=ON", e);
}

hm_err store_sync_log(hm_store *s, hm_error *e)
{
	pthread_mutex_lock(&s->sync_lock);
	/* The log file stays the same while the connection of db_defer_sync is
	 * open: SQLite removes it only when the last connection to the database
	 * closes, and every connection in WAL mode holds a shared lock on the
	 * database file that keeps others from deciding they are the last. So
	 * the descriptor is opened once and never checked with fstat: on this
	 * kernel, a file whose times were looked at gets fine-grained times on
	 * its next write, and every fdatasync then writes the inode as well (a
	 * second disk round trip, +0.13 ms per sync measured). */
	if (s->wal_fd < 0 && s->wal_path)
		s->wal_fd = open(s->wal_path, O_RDONLY | O_CLOEXEC);
	int fd = s->wal_fd;
	int rc = fd >= 0 ? fdatasync(fd) : -1;
	int err = errno;
	pthread_mutex_unlock(&s->sync_lock);
	if (rc != 0) {
		hm_log_error("store: write-ahead log %s not synced to disk: %s", s->wal_path ? s->wal_path : "?",
			     strerror(err));
		return hm_failf(e, HM_E_INTERNAL, NULL, "数据未能写入磁盘（%s）", strerror(err));
	}
	return HM_OK;
}

hm_err db_reserve_log(hm_db *db, int64_t bytes, hm_error *e)
{
	hm_store *s = db->store;
	if (!s->wal_path)
		return hm_fail(e, HM_E_INTERNAL, NULL);
	/* the write lock: no other connection, in this process or another,
	 * writes to the log while its end is extended */
	hm_err err = db_begin(db, true, e);
	if (err)
		return err;
	int fd = open(s->wal_path, O_WRONLY | O_CLOEXEC);
	struct stat st;
	int rc = fd >= 0 && fstat(fd, &st) == 0 ? 0 : -1;
	static const char zeros[1 << 16];
	for (off_t at = rc == 0 ? st.st_size : bytes; rc == 0 && at < bytes;) {
		size_t n = bytes - at < (off_t)sizeof zeros ? (size_t)(bytes - at) : sizeof zeros;
		ssize_t w = pwrite(fd, zeros, n, at);
		if (w <= 0)
			rc = -1;
		else
			at += w;
	}
	if (rc == 0 && st.st_size < bytes)
		rc = fdatasync(fd);
	int oserr = rc == 0 ? 0 : errno;
	if (fd >= 0)
		close(fd);
	db_rollback(db);
	if (rc != 0)
		return hm_failf(e, HM_E_INTERNAL, NULL, "无法为写前日志预留磁盘空间（%s）", strerror(oserr));
	return HM_OK;
}

hm_err db_data_version(hm_db *db, int64_t *v, hm_error *e)
{
	hm_stmt *st = db_stmt(db, "PRAGMA data_version", e);
	if (!st)
		return e->err;
	if (sqlite3_step(st->st) != SQLITE_ROW)
		return db_error(db, e);
	*v = sqlite3_column_int64(st->st, 0);
	sqlite3_reset(st->st);
	return HM_OK;
}

int db_log_frames(hm_db *db)
{
	return db->log_frames;
}

hm_err store_checkpoint(hm_store *s, hm_error *e)
{
	hm_db *db = store_conn(s, e);
	if (!db)
		return e->err;
	return db_checkpoint(db, e);
}

hm_err db_checkpoint(hm_db *db, hm_error *e)
{
	db_release(db);
	int rc = sqlite3_wal_checkpoint_v2(db->h, "main", SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
	if (rc != SQLITE_OK && rc != SQLITE_BUSY)
		return db_error(db, e);
	return HM_OK;
}

void db_rollback(hm_db *db)
{
	db_release(db);
	if (sqlite3_get_autocommit(db->h) == 0)
		sqlite3_exec(db->h, "ROLLBACK", NULL, NULL, NULL);
	db->in_tx = false;
}

bool db_in_tx(hm_db *db)
{
	return db->in_tx;
}

hm_err db_savepoint(hm_db *db, hm_error *e)
{
	db_release(db);
	return db_control(db, "SAVEPOINT req", e);
}

hm_err db_savepoint_release(hm_db *db, hm_error *e)
{
	db_release(db);
	return db_control(db, "RELEASE req", e);
}

void db_savepoint_rollback(hm_db *db)
{
	db_release(db);
	if (sqlite3_get_autocommit(db->h) == 0) {
		sqlite3_exec(db->h, "ROLLBACK TO req", NULL, NULL, NULL);
		sqlite3_exec(db->h, "RELEASE req", NULL, NULL, NULL);
	}
}

bool db_tx_alive(hm_db *db)
{
	return db->in_tx && sqlite3_get_autocommit(db->h) == 0;
}

hm_stmt *db_stmt(hm_db *db, const char *sql, hm_error *e)
{
	size_t h = ((uintptr_t)sql >> 3) % STMT_SLOTS;
	for (size_t probe = 0; probe < STMT_SLOTS; probe++) {
		hm_stmt *slot = &db->stmts[(h + probe) % STMT_SLOTS];
		if (slot->sql == sql) {
			sqlite3_reset(slot->st);
			sqlite3_clear_bindings(slot->st);
			return slot;
		}
		if (slot->sql == NULL) {
			if (sqlite3_prepare_v3(db->h, sql, -1, SQLITE_PREPARE_PERSISTENT, &slot->st, NULL) != SQLITE_OK) {
				hm_log_error("store: prepare failed: %s: %.80s", sqlite3_errmsg(db->h), sql);
				db_error(db, e);
				slot->st = NULL;
				return NULL;
			}
			slot->sql = sql;
			slot->db = db;
			return slot;
		}
	}
	/* more distinct statements than slots is a programming error */
	abort();
}

hm_stmt *db_stmt_text(hm_db *db, const char *sql, hm_error *e)
{
	uint64_t h = 1469598103934665603ULL;
	for (const char *p = sql; *p; p++)
		h = (h ^ (unsigned char)*p) * 1099511628211ULL;
	hm_stmt *slot = &db->dyn[h % DYN_SLOTS];
	if (slot->sql && strcmp(slot->sql, sql) == 0) {
		sqlite3_reset(slot->st);
		sqlite3_clear_bindings(slot->st);
		return slot;
	}
	/* a different text in the slot gives way: few shapes are in use at once */
	sqlite3_finalize(slot->st);
	free((char *)slot->sql);
	slot->sql = NULL;
	slot->st = NULL;
	char *copy = strdup(sql);
	if (!copy || sqlite3_prepare_v3(db->h, sql, -1, SQLITE_PREPARE_PERSISTENT, &slot->st, NULL) != SQLITE_OK) {
		hm_log_error("store: prepare failed: %s: %.80s", sqlite3_errmsg(db->h), sql);
		free(copy);
		sqlite3_finalize(slot->st);
		slot->st = NULL;
		db_error(db, e);
		return NULL;
	}
	slot->sql = copy;
	slot->db = db;
	return slot;
}

void db_bind_int(hm_stmt *st, int i, int64_t v)
{
	sqlite3_bind_int64(st->st, i, v);
}

void db_bind_text(hm_stmt *st, int i, const char *v)
{
	if (v)
		sqlite3_bind_text(st->st, i, v, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(st->st, i);
}

void db_bind_int_or_null(hm_stmt *st, int i, int64_t v)
{
	if (v)
		sqlite3_bind_int64(st->st, i, v);
	else
		sqlite3_bind_null(st->st, i);
}

void db_bind_null(hm_stmt *st, int i)
{
	sqlite3_bind_null(st->st, i);
}

hm_err db_bind_sealed(hm_stmt *st, int i, const char *plain, hm_error *e)
{
	size_t n = CRYPT_SEALED_SIZE(strlen(plain));
	char *buf = malloc(n);
	if (!buf)
		return hm_fail(e, HM_E_INTERNAL, NULL);
	hm_err err = crypt_seal(plain, buf, n, e);
	if (!err)
		sqlite3_bind_text(st->st, i, buf, -1, SQLITE_TRANSIENT);
	free(buf);
	return err;
}

void db_col_open(hm_stmt *st, int col, char *out, size_t n)
{
	hm_error e;
	hm_error_clear(&e);
	if (crypt_open(db_col_text(st, col), out, n, &e) != HM_OK) {
		hm_log_error("store: %s", hm_error_message(&e));
		out[0] = '\0';
	}
}

int db_step(hm_stmt *st)
{
	int rc = sqlite3_step(st->st);
	if (rc == SQLITE_ROW)
		return DB_ROW;
	if (rc == SQLITE_DONE)
		return DB_DONE;
	if ((rc & 0xff) == SQLITE_CONSTRAINT)
		return DB_CONSTRAINT;
	return DB_ERROR;
}

hm_err db_row(hm_stmt *st, hm_err not_found, const char *field, hm_error *e)
{
	int r = db_step(st);
	if (r == DB_ROW)
		return HM_OK;
	if (r == DB_DONE)
		return hm_fail(e, not_found, field);
	return db_error(st->db, e);
}

hm_err db_exec_stmt(hm_stmt *st, hm_error *e)
{
	int r = db_step(st);
	if (r == DB_DONE || r == DB_ROW)
		return HM_OK;
	if (r == DB_CONSTRAINT) {
		hm_log_error("store: constraint failed: %s", sqlite3_errmsg(st->db->h));
		return hm_fail(e, HM_E_INTERNAL, NULL);
	}
	return db_error(st->db, e);
}

int64_t db_col_int(hm_stmt *st, int col)
{
	return sqlite3_column_int64(st->st, col);
}

const char *db_col_text(hm_stmt *st, int col)
{
	const unsigned char *t = sqlite3_column_text(st->st, col);
	return t ? (const char *)t : "";
}

bool db_col_null(hm_stmt *st, int col)
{
	return sqlite3_column_type(st->st, col) == SQLITE_NULL;
}

int64_t db_last_id(hm_db *db)
{
	return sqlite3_last_insert_rowid(db->h);
}

int db_changes(hm_db *db)
{
	return sqlite3_changes(db->h);
}

hm_err store_integrity_check(hm_db *db, hm_error *e)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(db->h, "PRAGMA quick_check", -1, &st, NULL) != SQLITE_OK)
		return hm_failf(e, HM_E_UNAVAILABLE, NULL, "%s", sqlite3_errmsg(db->h));
	int rc = sqlite3_step(st);
	bool ok = rc == SQLITE_ROW && strcmp((const char *)sqlite3_column_text(st, 0), "ok") == 0;
	char msg[200];
	snprintf(msg, sizeof msg, "%s", rc == SQLITE_ROW ? (const char *)sqlite3_column_text(st, 0) : sqlite3_errmsg(db->h));
	sqlite3_finalize(st);
	return ok ? HM_OK : hm_failf(e, HM_E_UNAVAILABLE, NULL, "%s", msg);
}

hm_err store_backup(hm_store *s, const char *dest, hm_error *e)
{
	hm_db *db = store_conn(s, e);
	if (!db)
		return e ? e->err : HM_E_INTERNAL;
	if (access(dest, F_OK) == 0)
		return hm_failf(e, HM_E_BAD_VALUE, "dest", "备份目标 %s 已存在，不会覆盖", dest);
	sqlite3 *out;
	if (sqlite3_open_v2(dest, &out, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK) {
		hm_failf(e, HM_E_UNAVAILABLE, "dest", "无法创建备份文件 %s：%s", dest, sqlite3_errmsg(out));
		sqlite3_close(out);
		return e ? e->err : HM_E_UNAVAILABLE;
	}
	sqlite3_backup *b = sqlite3_backup_init(out, "main", db->h, "main");
	if (!b) {
		hm_failf(e, HM_E_UNAVAILABLE, "dest", "备份失败：%s", sqlite3_errmsg(out));
		sqlite3_close(out);
		unlink(dest);
		return e ? e->err : HM_E_UNAVAILABLE;
	}
	/* copy in steps so writers are held up only briefly; a write between
	 * steps makes SQLite restart the copy, which stays consistent */
	int rc;
	do {
		rc = sqlite3_backup_step(b, 256);
		if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
			usleep(10000);
	} while (rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED);
	sqlite3_backup_finish(b);
	if (rc != SQLITE_DONE) {
		hm_failf(e, map_sqlite(rc), "dest", "备份失败：%s", sqlite3_errstr(rc));
		sqlite3_close(out);
		unlink(dest);
		return e ? e->err : HM_E_INTERNAL;
	}
	rc = sqlite3_close(out);
	return rc == SQLITE_OK ? HM_OK : hm_failf(e, HM_E_INTERNAL, "dest", "备份文件关闭失败");
}
