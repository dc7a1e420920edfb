/* Attachments: the documents filed for a child or an application (户口簿,
 * 低保证书, 病历 …), as PDF, JPEG or PNG.
 *
 * The type is read from the bytes (PDF "%PDF-", JPEG FF D8 FF, PNG's
 * 8-byte signature), never from the name: a program renamed .pdf is
 * refused. A file is stored once per content, named by the hex BLAKE2b-256
 * of its bytes under <data dir>/attachments/<2 hex>/<hash>; it is written
 * to a temporary file, fsync'd and renamed, so a crash leaves either the
 * whole file or none. The database row is written after the file, in the
 * caller's transaction: a row never points at a missing file, and a
 * rolled-back upload leaves at most an unreferenced file, which a later
 * upload of the same bytes reuses.
 *
 * Downloads are for roles with fund:attachment:download within the
 * district of the child or application; each one appends an
 * "attachment.download" audit record on that child or application, and
 * the bytes are checked against their hash before they are sent. */
#ifndef HM_FUND_ATTACHMENT_H
#define HM_FUND_ATTACHMENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fund/fund.h"

/* Largest file accepted. The HTTP server's body limit (HM_MAX_BODY)
 * applies first, so today the effective limit is the smaller of the two. */
#define ATTACHMENT_MAX_BYTES (10 * 1024 * 1024)
#define ATTACHMENT_NAME_MAX 100 /* characters */

/* The content type the bytes begin with ("application/pdf", "image/jpeg",
 * "image/png"), or NULL for anything else. Pure. */
const char *attachment_sniff(const void *data, size_t len);
/* Check an upload: not empty, at most max bytes, a known type from its
 * bytes and, when declared (Content-Type, may be NULL or
 * "application/octet-stream" = let the bytes say), the same type. *type
 * gets the sniffed type (static). Pure. */
hm_err attachment_check(const void *data, size_t len, size_t max, const char *declared, const char **type,
			hm_error *e);
/* Is name a file name we can store and send back: valid UTF-8, 1–100
 * characters, no control characters, no / \ or ". Pure. */
bool attachment_filename_valid(const char *name);
/* Chinese name of a document type ("hukou" → "户口簿"), or NULL if unknown. */
const char *attachment_doc_type_name(const char *code);
/* The document type codes, NULL-terminated. */
const char *const *attachment_doc_types(void);
/* File extension for a stored type ("pdf", "jpg", "png"). */
const char *attachment_ext(const char *content_type);
/* Hex BLAKE2b-256 of the bytes into out (65 bytes). */
void attachment_hash(const void *data, size_t len, char out[65]);
/* The path of a stored file into buf; false if it does not fit. */
bool attachment_path(const char *data_dir, const char *hash, char *buf, size_t n);
/* Store the bytes under their hash (no-op when an intact copy is there).
 * HM_E_ATTACHMENT_STORAGE on any I/O failure (logged). */
hm_err attachment_store_file(const char *data_dir, const char *hash, const void *data, size_t len, hm_error *e);
/* Read a stored file and check it against its hash and size. *data is new
 * (free()). HM_E_ATTACHMENT_DAMAGED when missing or altered. */
hm_err attachment_read_file(const char *data_dir, const char *hash, size_t size, char **data, hm_error *e);

typedef struct attachment {
	int64_t id;
	char hash[65];
	int64_t org_id;
	char org_code[16];
	int64_t child_id;        /* the child it is filed for, or 0 */
	int64_t application_id;  /* the application it is filed for, or 0 */
	int64_t owner_child_id;  /* the child either way */
	char child_name[132];
	char doc_type[24];
	char filename[404];
	char content_type[24];
	int64_t size;
	char uploaded_by[64];
	int64_t uploaded_at;
} attachment;

/* File an upload (in->child_id or in->application_id, doc_type,
 * filename) within the caller's scope. The same bytes filed again for the
 * same record give back the first attachment with *existed = true. */
hm_err attachment_upload(const fund_ctx *c, const char *data_dir, attachment *in, const void *data, size_t len,
			 const char *declared_type, bool *existed, hm_error *e);
/* One attachment's description, within scope. */
hm_err attachment_get(const fund_ctx *c, int64_t id, attachment *out, hm_error *e);
/* One attachment with its bytes (*data new, free()); audited as
 * attachment.download on its child or application. */
hm_err attachment_download(const fund_ctx *c, const char *data_dir, int64_t id, attachment *out, char **data,
			   hm_error *e);

typedef struct attachment_filter {
	int64_t child_id;        /* the child's own and its applications' documents */
	int64_t application_id;
	const char *district, *doc_type;
	int page, page_size;
} attachment_filter;
typedef void (*attachment_visit)(const attachment *a, void *arg);
hm_err attachment_list(const fund_ctx *c, const attachment_filter *f, attachment_visit visit, void *arg,
		       int64_t *total, hm_error *e);

#endif
