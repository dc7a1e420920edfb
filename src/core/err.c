/* The error registry expanded into lookup tables. */
#include "err.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static const struct {
	const char *code;
	int status;
	const char *message;
} registry[HM_E__COUNT] = {
	[HM_OK] = {"ok", 200, "成功"},
#define X(id, c, s, m) [HM_E_##id] = {c, s, m},
#include "errors.def"
#undef X
};

static void set_field(hm_error *e, const char *field)
{
	if (field)
		snprintf(e->field, sizeof e->field, "%s", field);
	else
		e->field[0] = '\0';
}

hm_err hm_fail(hm_error *e, hm_err code, const char *field)
{
	if (e) {
		e->err = code;
		set_field(e, field);
		e->detail[0] = '\0';
	}
	return code;
}

hm_err hm_failf(hm_error *e, hm_err code, const char *field, const char *fmt, ...)
{
	if (e) {
		va_list ap;
		e->err = code;
		set_field(e, field);
		va_start(ap, fmt);
		vsnprintf(e->detail, sizeof e->detail, fmt, ap);
		va_end(ap);
	}
	return code;
}

void hm_error_clear(hm_error *e)
{
	memset(e, 0, sizeof *e);
}

const char *hm_err_code(hm_err code)
{
	return code < HM_E__COUNT ? registry[code].code : "server.internal";
}

int hm_err_status(hm_err code)
{
	return code < HM_E__COUNT ? registry[code].status : 500;
}

const char *hm_err_message(hm_err code)
{
	return code < HM_E__COUNT ? registry[code].message : registry[HM_E_INTERNAL].message;
}

const char *hm_error_message(const hm_error *e)
{
	return e->detail[0] ? e->detail : hm_err_message(e->err);
}

size_t hm_err_count(void)
{
	return HM_E__COUNT;
}
