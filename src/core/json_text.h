/* Compact JSON text of a Jansson value, byte for byte what
 * json_dumps(j, JSON_COMPACT | JSON_ENCODE_ANY) writes, in a fraction of its
 * time: every reply goes through it. Jansson's dumper checks each container
 * for loops through a hash table keyed by the printed address and hands the
 * text out in small pieces; that was a sixth of the CPU of reading one
 * application (bench/results/notes.md, session 6). Values built by the
 * server have no loops. */
#ifndef HM_CORE_JSON_TEXT_H
#define HM_CORE_JSON_TEXT_H

#include <stddef.h>

#include <jansson.h>

/* New, NUL-terminated text of j (borrowed); *len its length without the
 * NUL. NULL when out of memory or when j holds a string that is not
 * UTF-8 (as json_dumps). */
char *json_text(const json_t *j, size_t *len);

#endif
