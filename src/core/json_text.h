/* Compact JSON text of a Jansson value, byte for byte what
 * json_dumps(j, JSON_COMPACT | JSON_ENCODE_ANY) writes, in a fraction of its
 * time: every reply goes through it. Jansson's dumper checks each container
 * for loops through a hash table keyed by the printed address and hands the
 * text out in small pieces; that was a sixth of the CPU of reading one
 * application (bench/results/notes.md, session 6). Values built by the
 * server have no loops. */
#ifndef HM_CORE_JSON_TEXT_H
#define HM_CORE_JSON_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

/* New, NUL-terminated text of j (borrowed); *len its length without the
 * NUL. NULL when out of memory or when j holds a string that is not
 * UTF-8 (as json_dumps). */
char *json_text(const json_t *j, size_t *len);

/* JSON text written value by value, for the replies read most (an
 * application, a page of them) without building Jansson values first.
 * Commas come by themselves; after jo_key comes its value. Start from
 * (json_out){0}; end with jo_finish, or jo_fini to drop the text. */
typedef struct json_out {
	char *p;
	size_t len, cap;
	bool failed; /* out of memory or not UTF-8: the text is dropped */
	bool comma;  /* a value came before at this level */
} json_out;

void jo_open_obj(json_out *o);
void jo_close_obj(json_out *o);
void jo_open_arr(json_out *o);
void jo_close_arr(json_out *o);
void jo_key(json_out *o, const char *key);
void jo_str(json_out *o, const char *s);
void jo_int(json_out *o, int64_t v);
void jo_bool(json_out *o, bool v);
void jo_null(json_out *o);
/* A member: its key, then its value. */
void jo_kstr(json_out *o, const char *key, const char *s);
void jo_kint(json_out *o, const char *key, int64_t v);
void jo_kbool(json_out *o, const char *key, bool v);
/* j (borrowed) as one value. */
void jo_value(json_out *o, const json_t *j);
/* The members of obj (borrowed; none when it is NULL or not an object)
 * into the object open in o. */
void jo_members(json_out *o, const json_t *obj);
/* New, NUL-terminated text written so far, *len its length; NULL when a
 * write failed (as json_text). o is empty again either way. */
char *jo_finish(json_out *o, size_t *len);
void jo_fini(json_out *o);

#endif
