/* Personal data at rest: ID numbers, guardians' and donors' phones, care
 * notes and visit findings are sealed (libsodium secretbox, XSalsa20-
 * Poly1305) before they reach the database, so a copy of the file alone
 * reveals none of them. ID numbers also get a keyed BLAKE2b "blind index"
 * so duplicates and look-ups work without decrypting.
 *
 * The keys live in a key file beside the database (mode 0600, created by
 * `huimin init`, never in the database or its backups). It may hold several
 * sealing keys: each sealed value names the key that sealed it, so
 * `huimin rekey` can add a new key, reseal everything, then drop the old.
 *
 * Sealed text: "hm1:<key id>:<base64url(nonce | MAC | ciphertext)>"; the
 * empty string stays empty so "has notes" checks still work. */
#ifndef HM_CORE_CRYPT_H
#define HM_CORE_CRYPT_H

#include <stdbool.h>
#include <stddef.h>

#include "core/err.h"

#define CRYPT_PREFIX "hm1:"
/* Bytes needed to seal n bytes of plain text (with the terminating NUL). */
#define CRYPT_SEALED_SIZE(n) (((n) + 40) * 4 / 3 + 32)

/* Create a key file with one sealing key and a blind-index key, mode 0600;
 * refuses to overwrite an existing file. */
hm_err crypt_keyfile_create(const char *path, hm_error *e);
/* Load a key file and make it the process's keys (replacing any before).
 * HM_E_UNAVAILABLE with a Chinese message when missing or malformed. */
hm_err crypt_keyfile_load(const char *path, hm_error *e);
/* Add a new sealing key to the file and make it active (the old ones stay
 * to open older values); written atomically. */
hm_err crypt_keyfile_add_key(const char *path, hm_error *e);
/* Rewrite the file with only the active sealing key. */
hm_err crypt_keyfile_drop_old(const char *path, hm_error *e);
/* Keys for unit tests: fixed, not from a file. */
void crypt_use_test_keys(void);
/* Forget the keys (wiped). */
void crypt_unload(void);

/* Seal plain into out (n bytes, see CRYPT_SEALED_SIZE). "" → "". */
hm_err crypt_seal(const char *plain, char *out, size_t n, hm_error *e);
/* Open sealed into out (n bytes). "" → "". Text without the prefix is
 * taken as legacy plain text (rows written before sealing existed) and
 * copied as it is. HM_E_INTERNAL when the MAC fails or the key is unknown. */
hm_err crypt_open(const char *sealed, char *out, size_t n, hm_error *e);
/* Is this value sealed with the active key? (For resealing passes.) */
bool crypt_sealed_with_active(const char *value);
/* Keyed hash of value for look-ups, hex into out (65 bytes). */
void crypt_blind(const char *value, char out[65]);

#endif
