/* The writer's write-ahead log, written in one piece per commit (logbuf.h). */
#include "store/logbuf.h"

#include <pthread.h>
#include <sqlite3.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/* A commit of a group of eight payments is about 140 frames (580 KB) */
#define LOGBUF_CAP (1u << 20)
/* the unix VFS writes at most 128 KB - 1 at a time (it masks the length) */
#define LOGBUF_WRITE_MAX ((size_t)31 * 4096)

typedef struct {
	sqlite3_file base;
	sqlite3_file *real; /* the default VFS's file, right after this struct */
	bool log;
	char *buf;          /* log only: bytes for [at, at + len) not yet written */
	size_t len;
	sqlite3_int64 at;
} lb_file;

static sqlite3_vfs *real_vfs;
static sqlite3_vfs lb_vfs;
static _Atomic int64_t total_buffered, total_written;

static int flush(lb_file *f)
{
	size_t n = f->len;
	f->len = 0;
	for (size_t done = 0; done < n;) {
		size_t k = n - done < LOGBUF_WRITE_MAX ? n - done : LOGBUF_WRITE_MAX;
		atomic_fetch_add_explicit(&total_written, 1, memory_order_relaxed);
		int rc = f->real->pMethods->xWrite(f->real, f->buf + done, (int)k, f->at + (sqlite3_int64)done);
		if (rc != SQLITE_OK)
			return rc;
		done += k;
	}
	return SQLITE_OK;
}

static int lb_close(sqlite3_file *file)
{
	lb_file *f = (lb_file *)file;
	int rc = flush(f);
	free(f->buf);
	f->buf = NULL;
	int rc2 = f->real->pMethods->xClose(f->real);
	return rc != SQLITE_OK ? rc : rc2;
}

static int lb_read(sqlite3_file *file, void *out, int amt, sqlite3_int64 off)
{
	lb_file *f = (lb_file *)file;
	int rc = flush(f);
	return rc != SQLITE_OK ? rc : f->real->pMethods->xRead(f->real, out, amt, off);
}

static int lb_write(sqlite3_file *file, const void *data, int amt, sqlite3_int64 off)
{
	lb_file *f = (lb_file *)file;
	if (!f->log)
		return f->real->pMethods->xWrite(f->real, data, amt, off);
	/* only what follows the buffered bytes joins them: anything else (a
	 * log started over, frames rewritten after a rollback) goes out in the
	 * order SQLite wrote it */
	if (f->len && (off != f->at + (sqlite3_int64)f->len || f->len + (size_t)amt > LOGBUF_CAP)) {
		int rc = flush(f);
		if (rc != SQLITE_OK)
			return rc;
	}
	if ((size_t)amt > LOGBUF_CAP || (!f->buf && !(f->buf = malloc(LOGBUF_CAP))))
		return f->real->pMethods->xWrite(f->real, data, amt, off);
	if (!f->len)
		f->at = off;
	memcpy(f->buf + f->len, data, (size_t)amt);
	f->len += (size_t)amt;
	atomic_fetch_add_explicit(&total_buffered, 1, memory_order_relaxed);
	return SQLITE_OK;
}

static int lb_truncate(sqlite3_file *file, sqlite3_int64 size)
{
	lb_file *f = (lb_file *)file;
	int rc = flush(f);
	return rc != SQLITE_OK ? rc : f->real->pMethods->xTruncate(f->real, size);
}

static int lb_sync(sqlite3_file *file, int flags)
{
	lb_file *f = (lb_file *)file;
	int rc = flush(f);
	if (rc != SQLITE_OK)
		return rc;
	/* a commit's sync: written; durable when the caller syncs the log */
	if (f->log && (flags & 0x0f) != SQLITE_SYNC_FULL)
		return SQLITE_OK;
	return f->real->pMethods->xSync(f->real, flags);
}

static int lb_file_size(sqlite3_file *file, sqlite3_int64 *size)
{
	lb_file *f = (lb_file *)file;
	int rc = flush(f);
	return rc != SQLITE_OK ? rc : f->real->pMethods->xFileSize(f->real, size);
}

/* The rest is passed through. */

static int lb_lock(sqlite3_file *file, int level)
{
	sqlite3_file *r = ((lb_file *)file)->real;
	return r->pMethods->xLock(r, level);
}

static int lb_unlock(sqlite3_file *file, int level)
{
	sqlite3_file *r = ((lb_file *)file)->real;
	return r->pMethods->xUnlock(r, level);
}

static int lb_check_reserved(sqlite3_file *file, int *out)
{
	sqlite3_file *r = ((lb_file *)file)->real;
	return r->pMethods->xCheckReservedLock(r, out);
}

static int lb_file_control(sqlite3_file *file, int op, void *arg)
{
	sqlite3_file *r = ((lb_file *)file)->real;
	return r->pMethods->xFileControl(r, op, arg);
}

static int lb_sector_size(sqlite3_file *file)
{
	sqlite3_file *r = ((lb_file *)file)->real;
	return r->pMethods->xSectorSize(r);
}

static int lb_device(sqlite3_file *file)
{
	sqlite3_file *r = ((lb_file *)file)->real;
	return r->pMethods->xDeviceCharacteristics(r);
}

static int lb_shm_map(sqlite3_file *file, int page, int size, int extend, void volatile **out)
{
	sqlite3_file *r = ((lb_file *)file)->real;
	return r->pMethods->xShmMap(r, page, size, extend, out);
}

static int lb_shm_lock(sqlite3_file *file, int offset, int n, int flags)
{
	sqlite3_file *r = ((lb_file *)file)->real;
	return r->pMethods->xShmLock(r, offset, n, flags);
}

static void lb_shm_barrier(sqlite3_file *file)
{
	sqlite3_file *r = ((lb_file *)file)->real;
	r->pMethods->xShmBarrier(r);
}

static int lb_shm_unmap(sqlite3_file *file, int delete_flag)
{
	sqlite3_file *r = ((lb_file *)file)->real;
	return r->pMethods->xShmUnmap(r, delete_flag);
}

static int lb_fetch(sqlite3_file *file, sqlite3_int64 off, int amt, void **out)
{
	sqlite3_file *r = ((lb_file *)file)->real;
	return r->pMethods->xFetch(r, off, amt, out);
}

static int lb_unfetch(sqlite3_file *file, sqlite3_int64 off, void *p)
{
	sqlite3_file *r = ((lb_file *)file)->real;
	return r->pMethods->xUnfetch(r, off, p);
}

static const sqlite3_io_methods lb_io = {
	.iVersion = 3,
	.xClose = lb_close,
	.xRead = lb_read,
	.xWrite = lb_write,
	.xTruncate = lb_truncate,
	.xSync = lb_sync,
	.xFileSize = lb_file_size,
	.xLock = lb_lock,
	.xUnlock = lb_unlock,
	.xCheckReservedLock = lb_check_reserved,
	.xFileControl = lb_file_control,
	.xSectorSize = lb_sector_size,
	.xDeviceCharacteristics = lb_device,
	.xShmMap = lb_shm_map,
	.xShmLock = lb_shm_lock,
	.xShmBarrier = lb_shm_barrier,
	.xShmUnmap = lb_shm_unmap,
	.xFetch = lb_fetch,
	.xUnfetch = lb_unfetch,
};

static int lb_open(sqlite3_vfs *vfs, sqlite3_filename name, sqlite3_file *file, int flags, int *out_flags)
{
	(void)vfs;
	lb_file *f = (lb_file *)file;
	memset(f, 0, sizeof *f);
	f->real = (sqlite3_file *)(f + 1);
	f->log = (flags & SQLITE_OPEN_WAL) != 0;
	int rc = real_vfs->xOpen(real_vfs, name, f->real, flags, out_flags);
	/* SQLite calls xClose only on a file whose methods are set */
	f->base.pMethods = f->real->pMethods ? &lb_io : NULL;
	return rc;
}

static int lb_delete(sqlite3_vfs *vfs, const char *name, int sync_dir)
{
	(void)vfs;
	return real_vfs->xDelete(real_vfs, name, sync_dir);
}

static int lb_access(sqlite3_vfs *vfs, const char *name, int flags, int *out)
{
	(void)vfs;
	return real_vfs->xAccess(real_vfs, name, flags, out);
}

static int lb_full_pathname(sqlite3_vfs *vfs, const char *name, int n, char *out)
{
	(void)vfs;
	return real_vfs->xFullPathname(real_vfs, name, n, out);
}

static int lb_randomness(sqlite3_vfs *vfs, int n, char *out)
{
	(void)vfs;
	return real_vfs->xRandomness(real_vfs, n, out);
}

static int lb_sleep(sqlite3_vfs *vfs, int us)
{
	(void)vfs;
	return real_vfs->xSleep(real_vfs, us);
}

static int lb_current_time(sqlite3_vfs *vfs, double *out)
{
	(void)vfs;
	return real_vfs->xCurrentTime(real_vfs, out);
}

static int lb_last_error(sqlite3_vfs *vfs, int n, char *out)
{
	(void)vfs;
	return real_vfs->xGetLastError(real_vfs, n, out);
}

static int lb_current_time64(sqlite3_vfs *vfs, sqlite3_int64 *out)
{
	(void)vfs;
	return real_vfs->xCurrentTimeInt64(real_vfs, out);
}

static int register_rc = SQLITE_ERROR;

static void register_once(void)
{
	real_vfs = sqlite3_vfs_find(NULL);
	/* the io methods above need the shared-memory and fetch calls */
	if (!real_vfs || real_vfs->iVersion < 2 || !real_vfs->xCurrentTimeInt64)
		return;
	lb_vfs = (sqlite3_vfs){
		.iVersion = 2,
		.szOsFile = (int)sizeof(lb_file) + real_vfs->szOsFile,
		.mxPathname = real_vfs->mxPathname,
		.zName = LOGBUF_VFS,
		.xOpen = lb_open,
		.xDelete = lb_delete,
		.xAccess = lb_access,
		.xFullPathname = lb_full_pathname,
		.xRandomness = lb_randomness,
		.xSleep = lb_sleep,
		.xCurrentTime = lb_current_time,
		.xGetLastError = lb_last_error,
		.xCurrentTimeInt64 = lb_current_time64,
	};
	register_rc = sqlite3_vfs_register(&lb_vfs, 0);
}

int logbuf_register(void)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	pthread_once(&once, register_once);
	return register_rc;
}

logbuf_counts logbuf_totals(void)
{
	return (logbuf_counts){atomic_load(&total_buffered), atomic_load(&total_written)};
}
