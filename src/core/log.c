/* stderr logging; a single fprintf per line keeps lines whole across threads. */
#include "core/log.h"

#include <stdarg.h>
#include <stdio.h>
#include <time.h>

static int quiet_info;

void hm_log_quiet(int quiet)
{
	quiet_info = quiet;
}

static void emit(const char *level, const char *fmt, va_list ap)
{
	char msg[1024], ts[32];
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	strftime(ts, sizeof ts, "%Y-%m-%dT%H:%M:%SZ", &tm);
	vsnprintf(msg, sizeof msg, fmt, ap);
	fprintf(stderr, "%s %s %s\n", ts, level, msg);
}

void hm_log_info(const char *fmt, ...)
{
	if (quiet_info)
		return;
	va_list ap;
	va_start(ap, fmt);
	emit("INFO", fmt, ap);
	va_end(ap);
}

void hm_log_error(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	emit("ERROR", fmt, ap);
	va_end(ap);
}
