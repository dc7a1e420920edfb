/* The content-addressed file store: documents kept once per content under
 * <data dir>/attachments/<2 hex>/<hex BLAKE2b-256>, written to a temporary
 * file, fsync'd and renamed, so a crash leaves either the whole file or
 * none. The type of a file is read from its bytes (PDF "%PDF-", JPEG
 * FF D8 FF, PNG's 8-byte signature), never from its name. Records that
 * keep documents (fund attachments, hotline appeal attachments) hold a
 * hash that points here and a row in attachment_blobs; this file knows
 * neither. */
#ifndef HM_CORE_FILESTORE_H
#define HM_CORE_FILESTORE_H

#include <stdbool.h>
#include <stddef.h>

#include "core/err.h"

#define FILESTORE_NAME_MAX 100 /* characters of a file name */

/* The content type the bytes begin with ("application/pdf", "image/jpeg",
 * "image/png"), or NULL for anything else. Pure; static result. */
const char *filestore_sniff(const void *data, size_t len);
/* Check an upload: not empty, at most max bytes, a known type from its
 * bytes and, when declared (Content-Type; NULL or
 * "application/octet-stream" = let the bytes say), the same type. *type
 * gets the sniffed type (static). HM_E_ATTACHMENT_* on failure. Pure. */
hm_err filestore_check(const void *data, size_t len, size_t max, const char *declared, const char **type,
		       hm_error *e);
/* Is name a file name we can store and send back: valid UTF-8, 1–100
 * characters, no control characters, no / \ or ". Pure. */
bool filestore_filename_valid(const char *name);
/* File extension for a stored type ("pdf", "jpg", "png", else "bin"). */
const char *filestore_ext(const char *content_type);
/* Hex BLAKE2b-256 of the bytes into out (65 bytes). */
void filestore_hash(const void *data, size_t len, char out[65]);
/* The path of a stored file into buf; false if hash is not 64 hex or it does not fit. */
bool filestore_path(const char *data_dir, const char *hash, char *buf, size_t n);
/* Store the bytes under their hash (no-op when an intact copy is there).
 * HM_E_ATTACHMENT_STORAGE on any I/O failure (logged). */
hm_err filestore_store(const char *data_dir, const char *hash, const void *data, size_t len, hm_error *e);
/* Read a stored file and check it against its hash and size. *data is new
 * (free()). HM_E_ATTACHMENT_DAMAGED when missing or altered. */
hm_err filestore_read(const char *data_dir, const char *hash, size_t size, char **data, hm_error *e);

#endif
