/* The physical limit for durable writes on this disk, measured with the
 * server's own pragmas (src/store/store.c: journal_mode=WAL,
 * synchronous=FULL, foreign_keys=ON): one process, one connection, no HTTP,
 * no JSON, no audit. Two modes:
 *
 *   sqlite_baseline DIR SECONDS single   one row per BEGIN IMMEDIATE … COMMIT
 *   sqlite_baseline DIR SECONDS batch    1000 rows per transaction
 *
 * The row is about the size of an application (a few short texts and
 * integers, one secondary index). Prints one line:
 *   mode=single tx=N rows=N seconds=S tx_per_s=X rows_per_s=Y
 * DIR must be on the disk under test (the runner uses bench/tmp). */
#define _POSIX_C_SOURCE 200809L
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void check(int rc, sqlite3 *db, const char *what)
{
	if (rc != SQLITE_OK && rc != SQLITE_DONE && rc != SQLITE_ROW) {
		fprintf(stderr, "sqlite_baseline: %s: %s\n", what, sqlite3_errmsg(db));
		exit(1);
	}
}

int main(int argc, char **argv)
{
	if (argc != 4 || (strcmp(argv[3], "single") != 0 && strcmp(argv[3], "batch") != 0)) {
		fprintf(stderr, "usage: sqlite_baseline DIR SECONDS single|batch\n");
		return 2;
	}
	int batch = strcmp(argv[3], "batch") == 0 ? 1000 : 1;
	double seconds = atof(argv[2]);
	char path[4096];
	snprintf(path, sizeof path, "%s/baseline-%s.db", argv[1], argv[3]);
	remove(path);
	char wal[4200];
	snprintf(wal, sizeof wal, "%s-wal", path);
	remove(wal);
	snprintf(wal, sizeof wal, "%s-shm", path);
	remove(wal);

	sqlite3 *db;
	check(sqlite3_open(path, &db), db, "open");
	check(sqlite3_exec(db,
			   "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;"
			   " PRAGMA trusted_schema=OFF;"
			   "CREATE TABLE t (id INTEGER PRIMARY KEY, org_id INTEGER NOT NULL, name TEXT NOT NULL,"
			   " status TEXT NOT NULL, description TEXT NOT NULL, amount INTEGER NOT NULL,"
			   " created_at INTEGER NOT NULL) STRICT;"
			   "CREATE INDEX t_org_status ON t(org_id, status);",
			   NULL, NULL, NULL),
	      db, "schema");
	sqlite3_stmt *ins, *begin, *commit;
	check(sqlite3_prepare_v2(db,
				 "INSERT INTO t (org_id, name, status, description, amount, created_at)"
				 " VALUES (?1, '王小明', 'submitted', '父母外出务工，祖母年老多病，家庭收入低', ?2, ?3)",
				 -1, &ins, NULL),
	      db, "prepare");
	check(sqlite3_prepare_v2(db, "BEGIN IMMEDIATE", -1, &begin, NULL), db, "prepare");
	check(sqlite3_prepare_v2(db, "COMMIT", -1, &commit, NULL), db, "prepare");

	long tx = 0, rows = 0;
	double t0 = now_s(), t;
	do {
		check(sqlite3_step(begin), db, "begin");
		sqlite3_reset(begin);
		for (int i = 0; i < batch; i++) {
			sqlite3_bind_int64(ins, 1, 2 + rows % 6);
			sqlite3_bind_int64(ins, 2, 100000 + rows);
			sqlite3_bind_int64(ins, 3, (sqlite3_int64)time(NULL));
			check(sqlite3_step(ins), db, "insert");
			sqlite3_reset(ins);
			rows++;
		}
		check(sqlite3_step(commit), db, "commit");
		sqlite3_reset(commit);
		tx++;
		t = now_s();
	} while (t - t0 < seconds);
	double el = t - t0;
	printf("mode=%s tx=%ld rows=%ld seconds=%.3f tx_per_s=%.1f rows_per_s=%.1f\n", argv[3], tx, rows, el, tx / el,
	       rows / el);
	sqlite3_finalize(ins);
	sqlite3_finalize(begin);
	sqlite3_finalize(commit);
	sqlite3_close(db);
	remove(path);
	return 0;
}
