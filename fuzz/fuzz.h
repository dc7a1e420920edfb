/* What every fuzz target and its two drivers share. A target defines
 * LLVMFuzzerTestOneInput (and may define fuzz_init); it is linked either
 * with libFuzzer (clang -fsanitize=fuzzer: build/fuzz/bin/fuzz_<t>) or with
 * replay.c, a plain main() that feeds it files (build/asan/fuzz/fuzz_<t>:
 * the gcc ASan+UBSan build, run by make test on fuzz/corpus/<t>/ and
 * fuzz/regressions/<t>/). */
#ifndef HM_FUZZ_FUZZ_H
#define HM_FUZZ_FUZZ_H

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

/* A NUL-terminated copy of data (new; free()). */
char *fuzz_strndup(const uint8_t *data, size_t size);

/* ---- the API harness (api_harness.c) ----------------------------------- */

/* Run one request through the real route table and handler, the way the
 * dispatcher does after sign-in: method and path (with an optional
 * ?query, URL-decoded as libmicrohttpd does), signed in with a user of
 * role (NULL or "anonymous" = nobody), the body (JSON routes: parsed as the
 * dispatcher parses it; upload routes: raw bytes with content_type). The
 * route's transaction is always rolled back, so every input starts from the
 * same database: a temporary file created on first use with the city, the
 * districts, one user per role and the demo children and applications. */
void fuzz_api_request(const char *method, const char *target, const char *role, const char *body, size_t body_len,
		      const char *content_type);

#endif
