/* Files compiled into the binary at build time (tools/embed.c): migrations,
 * data catalogues, the holiday calendar and docs/openapi.yaml. */
#ifndef HM_CORE_EMBEDDED_H
#define HM_CORE_EMBEDDED_H

#include <stddef.h>

struct hm_embedded_file {
	const char *name;          /* path relative to the repository, e.g. "data/districts.tsv" */
	const unsigned char *data; /* NUL-terminated contents; borrowed, static */
	size_t len;                /* length without the terminating NUL */
};

extern const struct hm_embedded_file hm_embedded_files[];
extern const size_t hm_embedded_count;

/* The embedded file with that exact name, or NULL. Borrowed, static. */
const struct hm_embedded_file *hm_embedded_find(const char *name);

#endif
