/* Logging to stderr, one line per event, with a UTC timestamp. Never pass
 * personal data (ID numbers, phones, health) to these functions. */
#ifndef HM_CORE_LOG_H
#define HM_CORE_LOG_H

void hm_log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void hm_log_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Silence info lines (CLI commands other than serve). */
void hm_log_quiet(int quiet);

#endif
