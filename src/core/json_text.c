/* Compact JSON text of a Jansson value (json_text.h). */
#include "core/json_text.h"

#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static bool reserve(json_out *t, size_t more)
{
	if (t->failed)
		return false;
	if (t->len + more < t->cap)
		return true;
	size_t cap = t->cap ? t->cap : 1024;
	while (cap <= t->len + more)
		cap *= 2;
	char *p = realloc(t->p, cap);
	if (!p) {
		t->failed = true;
		return false;
	}
	t->p = p;
	t->cap = cap;
	return true;
}

static void put(json_out *t, const char *s, size_t n)
{
	if (reserve(t, n)) {
		memcpy(t->p + t->len, s, n);
		t->len += n;
	}
}

static void put_char(json_out *t, char c)
{
	if (reserve(t, 1))
		t->p[t->len++] = c;
}

/* Length of the UTF-8 sequence at s (at most n bytes), 0 when it is not
 * one: overlong forms, surrogates and code points past U+10FFFF are
 * refused, as Jansson refuses them. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
	unsigned c = s[0];
	size_t len;
	uint32_t cp;
	if (c >= 0xc2 && c <= 0xdf)
		len = 2, cp = c & 0x1f;
	else if (c >= 0xe0 && c <= 0xef)
		len = 3, cp = c & 0x0f;
	else if (c >= 0xf0 && c <= 0xf4)
		len = 4, cp = c & 0x07;
	else
		return 0;
	if (n < len)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return len;
}

/* A string with the escapes JSON needs: quote, backslash and the control
 * characters below 0x20; everything else, Chinese included, as it is. */
static void put_string(json_out *t, const char *str, size_t n)
{
	static const char hex[] = "0123456789ABCDEF";
	const unsigned char *s = (const unsigned char *)str;
	put_char(t, '"');
	size_t run = 0; /* start of the bytes not yet copied */
	for (size_t i = 0; i < n;) {
		unsigned c = s[i];
		if (c >= 0x80) {
			size_t len = utf8_len(s + i, n - i);
			if (!len) {
				t->failed = true;
				return;
			}
			i += len;
			continue;
		}
		if (c >= 0x20 && c != '"' && c != '\\') {
			i++;
			continue;
		}
		put(t, str + run, i - run);
		char esc[6] = {'\\', 0};
		size_t elen = 2;
		switch (c) {
		case '"': esc[1] = '"'; break;
		case '\\': esc[1] = '\\'; break;
		case '\b': esc[1] = 'b'; break;
		case '\f': esc[1] = 'f'; break;
		case '\n': esc[1] = 'n'; break;
		case '\r': esc[1] = 'r'; break;
		case '\t': esc[1] = 't'; break;
		default:
			memcpy(esc + 1, "u00", 3);
			esc[4] = hex[c >> 4];
			esc[5] = hex[c & 15];
			elen = 6;
		}
		put(t, esc, elen);
		run = ++i;
	}
	put(t, str + run, n - run);
	put_char(t, '"');
}

static void put_integer(json_out *t, int64_t v)
{
	char buf[24], *e = buf + sizeof buf, *p = e;
	/* through unsigned, so that the most negative value has a magnitude */
	uint64_t u = v < 0 ? -(uint64_t)v : (uint64_t)v;
	do
		*--p = (char)('0' + u % 10);
	while ((u /= 10) != 0);
	if (v < 0)
		*--p = '-';
	put(t, p, (size_t)(e - p));
}

/* Before a value or a key: the comma that separates it from the one
 * before, at the same level. */
static void sep(json_out *t)
{
	if (t->comma)
		put_char(t, ',');
	t->comma = true;
}

static void open_with(json_out *o, char c)
{
	sep(o);
	put_char(o, c);
	o->comma = false;
}

static void close_with(json_out *o, char c)
{
	put_char(o, c);
	o->comma = true;
}

void jo_open_obj(json_out *o)
{
	open_with(o, '{');
}

void jo_close_obj(json_out *o)
{
	close_with(o, '}');
}

void jo_open_arr(json_out *o)
{
	open_with(o, '[');
}

void jo_close_arr(json_out *o)
{
	close_with(o, ']');
}

void jo_key(json_out *o, const char *key)
{
	sep(o);
	put_string(o, key, strlen(key));
	put_char(o, ':');
	o->comma = false;
}

void jo_str(json_out *o, const char *s)
{
	sep(o);
	put_string(o, s, strlen(s));
}

void jo_int(json_out *o, int64_t v)
{
	sep(o);
	put_integer(o, v);
}

void jo_bool(json_out *o, bool v)
{
	sep(o);
	if (v)
		put(o, "true", 4);
	else
		put(o, "false", 5);
}

void jo_null(json_out *o)
{
	sep(o);
	put(o, "null", 4);
}

void jo_kstr(json_out *o, const char *key, const char *s)
{
	jo_key(o, key);
	jo_str(o, s);
}

void jo_kint(json_out *o, const char *key, int64_t v)
{
	jo_key(o, key);
	jo_int(o, v);
}

void jo_kbool(json_out *o, const char *key, bool v)
{
	jo_key(o, key);
	jo_bool(o, v);
}

void jo_members(json_out *o, const json_t *obj)
{
	const char *key;
	json_t *v;
	json_object_foreach((json_t *)obj, key, v)
	{
		jo_key(o, key);
		jo_value(o, v);
	}
}

void jo_value(json_out *o, const json_t *j)
{
	switch (json_typeof(j)) {
	case JSON_OBJECT:
		jo_open_obj(o);
		jo_members(o, j);
		jo_close_obj(o);
		break;
	case JSON_ARRAY: {
		size_t n = json_array_size(j);
		jo_open_arr(o);
		for (size_t i = 0; i < n; i++)
			jo_value(o, json_array_get(j, i));
		jo_close_arr(o);
		break;
	}
	case JSON_STRING:
		sep(o);
		put_string(o, json_string_value(j), json_string_length(j));
		break;
	case JSON_INTEGER:
		jo_int(o, json_integer_value(j));
		break;
	case JSON_REAL: {
		/* rare in replies (no money is a real): Jansson's own digits */
		char *s = json_dumps(j, JSON_ENCODE_ANY | JSON_COMPACT);
		sep(o);
		if (!s) {
			o->failed = true;
			return;
		}
		put(o, s, strlen(s));
		free(s);
		break;
	}
	case JSON_TRUE:
		jo_bool(o, true);
		break;
	case JSON_FALSE:
		jo_bool(o, false);
		break;
	case JSON_NULL:
		jo_null(o);
		break;
	}
}

char *jo_finish(json_out *o, size_t *len)
{
	char *p = NULL;
	if (reserve(o, 1)) {
		o->p[o->len] = '\0';
		p = o->p;
		*len = o->len;
	} else {
		free(o->p);
	}
	*o = (json_out){0};
	return p;
}

void jo_fini(json_out *o)
{
	free(o->p);
	*o = (json_out){0};
}

char *json_text(const json_t *j, size_t *len)
{
	json_out o = {0};
	jo_value(&o, j);
	return jo_finish(&o, len);
}
