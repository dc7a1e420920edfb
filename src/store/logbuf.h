/* The writer's write-ahead log, written in one piece per commit.
 *
 * SQLite writes each frame of a commit to the log as two writes (its 24-byte
 * header, then the page): a payment of 25 pages made 50 system calls, about
 * 0.1 ms of the writer's time on this machine. Connections opened through
 * the VFS named LOGBUF_VFS collect consecutive writes to their log in memory
 * and write them out together (in pieces of up to 124 KB, the most the unix
 * VFS writes at once) when SQLite syncs the log, reads it, asks its size,
 * truncates it, closes it, or writes elsewhere in it.
 *
 * A sync of the log at SQLITE_SYNC_NORMAL (what SQLite asks at each commit
 * under synchronous=FULL) then only writes: making the commit durable is
 * left to the caller (store_sync_log). A sync at SQLITE_SYNC_FULL (what
 * SQLite asks before a checkpoint copies the log, and before a log starts
 * over, under checkpoint_fullfsync=ON) writes and syncs. The connection's
 * setup (db_defer_sync) sets both pragmas. Every other file is passed
 * through unchanged. */
#ifndef HM_STORE_LOGBUF_H
#define HM_STORE_LOGBUF_H

#include <stdint.h>

#define LOGBUF_VFS "hm-logbuf"

/* Register the VFS (once; later calls return the first result). Returns an
 * SQLite result code. */
int logbuf_register(void);

/* Writes to a log taken into the buffer, and writes of a buffer to the file,
 * since the process started (for tests). */
typedef struct {
	int64_t buffered;
	int64_t written;
} logbuf_counts;
logbuf_counts logbuf_totals(void);

#endif
