/* Compact JSON text of a Jansson value (json_text.h). */
#include "core/json_text.h"

#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef struct text {
	char *p;
	size_t len, cap;
	bool failed; /* out of memory or not UTF-8: the text is dropped */
} text;

static bool reserve(text *t, size_t more)
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

static void put(text *t, const char *s, size_t n)
{
	if (reserve(t, n)) {
		memcpy(t->p + t->len, s, n);
		t->len += n;
	}
}

static void put_char(text *t, char c)
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
static void put_string(text *t, const char *str, size_t n)
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

static void put_integer(text *t, json_int_t v)
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

static void put_value(text *t, const json_t *j)
{
	switch (json_typeof(j)) {
	case JSON_OBJECT: {
		const char *key;
		json_t *v;
		bool first = true;
		put_char(t, '{');
		json_object_foreach((json_t *)j, key, v)
		{
			if (!first)
				put_char(t, ',');
			first = false;
			put_string(t, key, strlen(key));
			put_char(t, ':');
			put_value(t, v);
		}
		put_char(t, '}');
		break;
	}
	case JSON_ARRAY: {
		size_t n = json_array_size(j);
		put_char(t, '[');
		for (size_t i = 0; i < n; i++) {
			if (i)
				put_char(t, ',');
			put_value(t, json_array_get(j, i));
		}
		put_char(t, ']');
		break;
	}
	case JSON_STRING:
		put_string(t, json_string_value(j), json_string_length(j));
		break;
	case JSON_INTEGER:
		put_integer(t, json_integer_value(j));
		break;
	case JSON_REAL: {
		/* rare in replies (no money is a real): Jansson's own digits */
		char *s = json_dumps(j, JSON_ENCODE_ANY | JSON_COMPACT);
		if (!s) {
			t->failed = true;
			return;
		}
		put(t, s, strlen(s));
		free(s);
		break;
	}
	case JSON_TRUE:
		put(t, "true", 4);
		break;
	case JSON_FALSE:
		put(t, "false", 5);
		break;
	case JSON_NULL:
		put(t, "null", 4);
		break;
	}
}

char *json_text(const json_t *j, size_t *len)
{
	text t = {0};
	put_value(&t, j);
	if (!reserve(&t, 1)) {
		free(t.p);
		return NULL;
	}
	t.p[t.len] = '\0';
	*len = t.len;
	return t.p;
}
