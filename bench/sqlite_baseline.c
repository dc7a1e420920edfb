/* The physical limit for durable writes on this disk, measured with the
 * server's own pragmas (src/store/store.c: journal_mode=WAL,
 * synchronous=FULL, foreign_keys=ON): one process, one connection, no HTTP,
 * no JSON, no audit. Two modes:
 *
 *   sqlite_baseline DIR SECONDS single   one row per BEGIN IMMEDIATE … COMMIT
 *   sqlite_baseline DIR SECONDS batch    1000 rows per transaction
 *   sqlite_baseline DIR SECONDS pagesK   one row per transaction that writes
 *                                        K pages to the log, like a request
 *                                        of the server that does (K from
 *                                        the bench's strace of the server)
 *   sqlite_baseline DIR SECONDS logK     no SQLite: K log frames (4,120
 *                                        bytes each) in one pwrite to a
 *                                        file written in full beforehand,
 *                                        then fdatasync: the disk's own
 *                                        cost of making a commit of K pages
 *                                        durable, written the way the
 *                                        server's log writer writes one
 *                                        (src/store/logbuf.c)
 *
 * The row is about the size of an application (a few short texts and
 * integers, one secondary index). In pagesK the table has K-4 more indexes
 * on random values, over 50,000 rows made first, so that each commit
 * changes the table's last page and one leaf page of each index. Prints:
 *   mode=single tx=N rows=N seconds=S tx_per_s=X rows_per_s=Y pages_per_tx=P
 * (P counted from SQLite's own log hook). DIR must be on the disk under
 * test (the runner uses bench/tmp). */
#define _POSIX_C_SOURCE 200809L
#include <fcntl.h>
#include <stdint.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

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

static long frames_written;
static int last_frames;

/* Called after each commit with the frames now in the log. */
static int count_frames(void *arg, sqlite3 *db, const char *name, int frames)
{
	(void)arg;
	(void)name;
	frames_written += frames > last_frames ? frames - last_frames : frames;
	last_frames = frames;
	/* SQLite's automatic checkpoint, which this hook replaces */
	if (frames >= 1000)
		sqlite3_wal_checkpoint_v2(db, "main", SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
	return SQLITE_OK;
}

static uint64_t rnd_state = 88172645463325252ULL;
static int64_t rnd(void)
{
	rnd_state ^= rnd_state << 13;
	rnd_state ^= rnd_state >> 7;
	rnd_state ^= rnd_state << 17;
	return (int64_t)(rnd_state >> 1);
}

#define FRAME_BYTES (4096 + 24)
#define LOG_BYTES (64L << 20)

/* logK: the server's log is grown to its full size when it starts and
 * written over from its start after each checkpoint (db_reserve_log), so
 * this file is written in full and synced first, then written over. */
static int log_only(const char *dir, double seconds, int k)
{
	char path[4096];
	snprintf(path, sizeof path, "%s/baseline-log%d.bin", dir, k);
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	size_t len = (size_t)k * FRAME_BYTES, mb = 1 << 20;
	char *buf = malloc(len > mb ? len : mb);
	if (fd < 0 || !buf) {
		perror("sqlite_baseline: log");
		return 1;
	}
	memset(buf, 0x5a, len > mb ? len : mb);
	for (off_t at = 0; at < LOG_BYTES; at += (off_t)mb)
		if (pwrite(fd, buf, mb, at) != (ssize_t)mb)
			break;
	if (fsync(fd) != 0 || lseek(fd, 0, SEEK_END) < LOG_BYTES) {
		perror("sqlite_baseline: log");
		return 1;
	}
	long tx = 0;
	off_t off = 0;
	double t0 = now_s(), t;
	do {
		if (off + (off_t)len > LOG_BYTES)
			off = 0;
		buf[0] = (char)tx; /* each frame new, as a commit's are */
		if (pwrite(fd, buf, len, off) != (ssize_t)len || fdatasync(fd) != 0) {
			perror("sqlite_baseline: log");
			return 1;
		}
		off += (off_t)len;
		tx++;
		t = now_s();
	} while (t - t0 < seconds);
	double el = t - t0;
	printf("mode=log%d tx=%ld rows=0 seconds=%.3f tx_per_s=%.1f rows_per_s=0 pages_per_tx=%d\n", k, tx, el, tx / el, k);
	close(fd);
	remove(path);
	free(buf);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 4 && strncmp(argv[3], "log", 3) == 0 && atoi(argv[3] + 3) >= 2 && atoi(argv[3] + 3) <= 60)
		return log_only(argv[1], atof(argv[2]), atoi(argv[3] + 3));
	int pages = argc == 4 && strncmp(argv[3], "pages", 5) == 0 ? atoi(argv[3] + 5) : 0;
	if (argc != 4 || (strcmp(argv[3], "single") != 0 && strcmp(argv[3], "batch") != 0 && (pages < 2 || pages > 60))) {
		fprintf(stderr, "usage: sqlite_baseline DIR SECONDS single|batch|pagesK|logK (K = 2…60)\n");
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
	/* pagesK: K-4 more indexed columns, each a random leaf page per commit;
	 * the table's last page, t_org_status, and the pages that splits and
	 * the file's growth touch make up the rest (pages_per_tx shows the
	 * count) */
	int extra = pages > 4 ? pages - 4 : 0;
	char sql[8192];
	for (int i = 0; i < extra; i++) {
		snprintf(sql, sizeof sql, "ALTER TABLE t ADD COLUMN r%d INTEGER NOT NULL DEFAULT 0; CREATE INDEX t_r%d ON t(r%d);",
			 i, i, i);
		check(sqlite3_exec(db, sql, NULL, NULL, NULL), db, "schema");
	}
	size_t len = (size_t)snprintf(sql, sizeof sql, "INSERT INTO t (org_id, name, status, description, amount, created_at");
	for (int i = 0; i < extra; i++)
		len += (size_t)snprintf(sql + len, sizeof sql - len, ", r%d", i);
	len += (size_t)snprintf(sql + len, sizeof sql - len,
				") VALUES (?1, '王小明', 'submitted', '父母外出务工，祖母年老多病，家庭收入低', ?2, ?3");
	for (int i = 0; i < extra; i++)
		len += (size_t)snprintf(sql + len, sizeof sql - len, ", ?%d", i + 4);
	snprintf(sql + len, sizeof sql - len, ")");
	sqlite3_stmt *ins, *begin, *commit;
	check(sqlite3_prepare_v2(db, sql, -1, &ins, NULL), db, "prepare");
	if (extra) {
		check(sqlite3_exec(db, "BEGIN", NULL, NULL, NULL), db, "fill");
		for (int n = 0; n < 50000; n++) {
			sqlite3_bind_int64(ins, 1, 2 + n % 6);
			sqlite3_bind_int64(ins, 2, n);
			sqlite3_bind_int64(ins, 3, 0);
			for (int i = 0; i < extra; i++)
				sqlite3_bind_int64(ins, i + 4, rnd());
			check(sqlite3_step(ins), db, "fill");
			sqlite3_reset(ins);
		}
		check(sqlite3_exec(db, "COMMIT; PRAGMA wal_checkpoint(TRUNCATE);", NULL, NULL, NULL), db, "fill");
	}
	sqlite3_wal_hook(db, count_frames, NULL);
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
			for (int k = 0; k < extra; k++)
				sqlite3_bind_int64(ins, k + 4, rnd());
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
	printf("mode=%s tx=%ld rows=%ld seconds=%.3f tx_per_s=%.1f rows_per_s=%.1f pages_per_tx=%.1f\n", argv[3], tx, rows,
	       el, tx / el, rows / el, (double)frames_written / (double)tx);
	sqlite3_finalize(ins);
	sqlite3_finalize(begin);
	sqlite3_finalize(commit);
	sqlite3_close(db);
	remove(path);
	return 0;
}
