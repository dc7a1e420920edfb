/* Errors: one registry (errors.def) gives every failure a stable machine
 * code, an HTTP status and a Chinese message. Functions return an hm_err
 * (0 = ok) and fill an hm_error with the field at fault and, optionally, a
 * more precise Chinese message. */
#ifndef HM_CORE_ERR_H
#define HM_CORE_ERR_H

#include <stddef.h>

typedef enum hm_err {
	HM_OK = 0,
#define X(id, code, status, msg) HM_E_##id,
#include "errors.def"
#undef X
	HM_E__COUNT
} hm_err;

typedef struct hm_error {
	hm_err err;
	char field[64];    /* offending input field, "" when none */
	char detail[256];  /* Chinese message overriding the registry's, "" when none */
} hm_error;

/* Record code and field (field may be NULL) in e (may be NULL); returns code. */
hm_err hm_fail(hm_error *e, hm_err code, const char *field);
/* Like hm_fail, with a printf-style Chinese message replacing the default. */
hm_err hm_failf(hm_error *e, hm_err code, const char *field, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* Reset e to "no error". */
void hm_error_clear(hm_error *e);

/* Stable machine code, e.g. "application.not_found"; borrowed static string. */
const char *hm_err_code(hm_err code);
/* HTTP status for the code. */
int hm_err_status(hm_err code);
/* Default Chinese message for the code; borrowed static string. */
const char *hm_err_message(hm_err code);
/* The message to show for e: its detail if set, else the registry's. */
const char *hm_error_message(const hm_error *e);
/* Number of registry entries and their iteration (for docs and tests). */
size_t hm_err_count(void);

#endif
