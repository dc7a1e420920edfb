/* Helpers handlers use to read a request and set its reply, and the one
 * JSON input checker every route goes through. */
#include <microhttpd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/hmtime.h"
#include "http/http.h"

hm_err http_reply(hm_req *r, int status, json_t *j)
{
	json_decref(r->reply);
	r->reply = j;
	r->status = status;
	return HM_OK;
}

hm_err http_reply_raw(hm_req *r, int status, const char *type, const char *body, size_t len)
{
	free(r->raw);
	r->raw = malloc(len ? len : 1);
	if (!r->raw)
		return hm_fail(&r->err, HM_E_INTERNAL, NULL);
	memcpy(r->raw, body, len);
	r->raw_len = len;
	r->raw_type = type;
	r->status = status;
	return HM_OK;
}

const char http_json_type[] = "application/json; charset=utf-8";

hm_err http_reply_out(hm_req *r, int status, json_out *o)
{
	size_t len;
	char *text = jo_finish(o, &len);
	if (!text)
		return hm_fail(&r->err, HM_E_INTERNAL, NULL);
	json_decref(r->reply);
	r->reply = NULL;
	free(r->raw);
	r->raw = text;
	r->raw_len = len;
	r->raw_type = http_json_type;
	r->status = status;
	return HM_OK;
}

hm_err http_param_id(hm_req *r, int i, int64_t *id, hm_err not_found)
{
	const char *s = i < r->nparams ? r->params[i] : NULL;
	char *end;
	long long v = s ? strtoll(s, &end, 10) : 0;
	if (!s || !*s || *end || v <= 0 || s[0] == '0' || s[0] == '+' || s[0] == '-')
		return hm_fail(&r->err, not_found, "id");
	*id = v;
	return HM_OK;
}

const char *http_query(hm_req *r, const char *name)
{
	return MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, name);
}

const char *http_qarg(hm_req *r, const char *name)
{
	const char *v = http_query(r, name);
	return v ? v : "";
}

const char *http_header(hm_req *r, const char *name)
{
	return MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, name);
}

struct allowed_ctx {
	const char *const *allowed;
	const char *bad;
};

static enum MHD_Result check_arg(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	(void)kind;
	(void)value;
	struct allowed_ctx *a = cls;
	for (const char *const *p = a->allowed; *p; p++)
		if (strcmp(*p, key) == 0)
			return MHD_YES;
	a->bad = key;
	return MHD_NO;
}

hm_err http_query_allowed(hm_req *r, const char *const *allowed)
{
	struct allowed_ctx a = {allowed, NULL};
	r->query_checked = true;
	MHD_get_connection_values(r->conn, MHD_GET_ARGUMENT_KIND, check_arg, &a);
	if (a.bad) {
		char field[64];
		snprintf(field, sizeof field, "%s", a.bad);
		return hm_failf(&r->err, HM_E_BAD_QUERY, field, "未知的查询参数：%s", field);
	}
	return HM_OK;
}

static hm_err query_int(hm_req *r, const char *name, int lo, int hi, int dflt, int *out)
{
	const char *s = http_query(r, name);
	if (!s) {
		*out = dflt;
		return HM_OK;
	}
	char *end;
	long v = strtol(s, &end, 10);
	if (!*s || *end || v < lo || v > hi)
		return hm_failf(&r->err, HM_E_BAD_QUERY, name, "查询参数 %s 应为 %d 到 %d 之间的整数", name, lo, hi);
	*out = (int)v;
	return HM_OK;
}

hm_err http_page(hm_req *r, int *page, int *size)
{
	hm_err err = query_int(r, "page", 1, 1000000, 1, page);
	return err ? err : query_int(r, "page_size", 1, 100, 20, size);
}

/* Characters, not bytes: Chinese names are three bytes a character. */
static size_t utf8_chars(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		if ((*s & 0xC0) != 0x80)
			n++;
	return n;
}

static hm_err check_value(const json_t *v, const jfield *f, const char *path, hm_error *e);

static hm_err check_object(const json_t *obj, const jfield *spec, const char *prefix, hm_error *e)
{
	char path[128];
	const char *key;
	json_t *v;
	json_object_foreach((json_t *)obj, key, v)
	{
		snprintf(path, sizeof path, "%.60s%s%.60s", prefix, *prefix ? "." : "", key);
		const jfield *f = spec;
		while (f->name && strcmp(f->name, key) != 0)
			f++;
		if (!f->name)
			return hm_failf(e, HM_E_UNKNOWN_FIELD, path, "请求包含未知字段：%s", path);
		hm_err err = check_value(v, f, path, e);
		if (err)
			return err;
	}
	for (const jfield *f = spec; f->name; f++) {
		if (f->required && !json_object_get(obj, f->name)) {
			snprintf(path, sizeof path, "%.60s%s%.60s", prefix, *prefix ? "." : "", f->name);
			return hm_failf(e, HM_E_MISSING_FIELD, path, "缺少必填字段：%s", path);
		}
	}
	return HM_OK;
}

static hm_err check_value(const json_t *v, const jfield *f, const char *path, hm_error *e)
{
	switch (f->type) {
	case JF_STRING: {
		if (!json_is_string(v))
			return hm_failf(e, HM_E_BAD_TYPE, path, "字段 %s 应为字符串", path);
		const char *s = json_string_value(v);
		if (strlen(s) != json_string_length(v))
			return hm_failf(e, HM_E_BAD_VALUE, path, "字段 %s 含有不允许的字符", path);
		size_t n = utf8_chars(s);
		if ((int64_t)n > f->max)
			return hm_failf(e, HM_E_TOO_LONG, path, "字段 %s 过长（最多 %lld 个字符）", path, (long long)f->max);
		if ((int64_t)n < f->min)
			return hm_failf(e, f->min == 1 ? HM_E_MISSING_FIELD : HM_E_BAD_VALUE, path,
					"字段 %s 不能为空或过短（至少 %lld 个字符）", path, (long long)f->min);
		return HM_OK;
	}
	case JF_INT:
		if (!json_is_integer(v))
			return hm_failf(e, HM_E_BAD_TYPE, path, "字段 %s 应为整数", path);
		if (json_integer_value(v) < f->min || json_integer_value(v) > f->max)
			return hm_failf(e, HM_E_OUT_OF_RANGE, path, "字段 %s 应在 %lld 到 %lld 之间", path, (long long)f->min,
					(long long)f->max);
		return HM_OK;
	case JF_BOOL:
		return json_is_boolean(v) ? HM_OK : hm_failf(e, HM_E_BAD_TYPE, path, "字段 %s 应为 true 或 false", path);
	case JF_OBJECT: {
		if (!json_is_object(v))
			return hm_failf(e, HM_E_BAD_TYPE, path, "字段 %s 应为对象", path);
		if (f->fields)
			return check_object(v, f->fields, path, e);
		/* a map of names to integers (e.g. fen per aid kind); names checked by the domain */
		if (json_object_size(v) > 32)
			return hm_failf(e, HM_E_TOO_LONG, path, "字段 %s 项目过多", path);
		const char *k;
		json_t *x;
		json_object_foreach((json_t *)v, k, x)
		{
			char sub[128];
			snprintf(sub, sizeof sub, "%.60s.%.60s", path, k);
			if (strlen(k) > 32)
				return hm_failf(e, HM_E_TOO_LONG, sub, "字段名过长");
			if (!json_is_integer(x))
				return hm_failf(e, HM_E_BAD_TYPE, sub, "字段 %s 应为整数", sub);
			if (json_integer_value(x) < f->min || json_integer_value(x) > f->max)
				return hm_failf(e, HM_E_OUT_OF_RANGE, sub, "字段 %s 应在 %lld 到 %lld 之间", sub,
						(long long)f->min, (long long)f->max);
		}
		return HM_OK;
	}
	case JF_STRING_ARRAY: {
		if (!json_is_array(v))
			return hm_failf(e, HM_E_BAD_TYPE, path, "字段 %s 应为字符串数组", path);
		if ((int64_t)json_array_size(v) > f->max)
			return hm_failf(e, HM_E_TOO_LONG, path, "字段 %s 最多 %lld 项", path, (long long)f->max);
		if ((int64_t)json_array_size(v) < f->min)
			return hm_failf(e, HM_E_MISSING_FIELD, path, "字段 %s 至少需要 %lld 项", path, (long long)f->min);
		size_t i;
		json_t *x;
		json_array_foreach(v, i, x)
		{
			if (!json_is_string(x))
				return hm_failf(e, HM_E_BAD_TYPE, path, "字段 %s 的每一项应为字符串", path);
			if (strlen(json_string_value(x)) != json_string_length(x))
				return hm_failf(e, HM_E_BAD_VALUE, path, "字段 %s 含有不允许的字符", path);
			if ((int64_t)utf8_chars(json_string_value(x)) > f->item_max)
				return hm_failf(e, HM_E_TOO_LONG, path, "字段 %s 的项目过长", path);
		}
		return HM_OK;
	}
	}
	return hm_fail(e, HM_E_INTERNAL, path);
}

hm_err json_check(const json_t *obj, const jfield *spec, hm_error *e)
{
	if (!json_is_object(obj))
		return hm_failf(e, HM_E_BAD_JSON, NULL, "请求内容应为 JSON 对象");
	return check_object(obj, spec, "", e);
}

hm_err http_body(hm_req *r, const jfield *spec)
{
	if (!r->body)
		return hm_failf(&r->err, HM_E_BAD_JSON, NULL, "请求内容不能为空，应为 JSON 对象");
	return json_check(r->body, spec, &r->err);
}

const char *jstr(const json_t *o, const char *name)
{
	const char *s = json_string_value(json_object_get(o, name));
	return s ? s : "";
}

int64_t jint(const json_t *o, const char *name, int64_t dflt)
{
	json_t *v = json_object_get(o, name);
	return json_is_integer(v) ? json_integer_value(v) : dflt;
}

bool jbool(const json_t *o, const char *name, bool dflt)
{
	json_t *v = json_object_get(o, name);
	return json_is_boolean(v) ? json_is_true(v) : dflt;
}

bool jhas(const json_t *o, const char *name)
{
	return json_object_get(o, name) != NULL;
}

json_t *json_time(int64_t t)
{
	if (t == 0)
		return json_null();
	char buf[32];
	return json_string(hm_time_format(t, buf, sizeof buf));
}

void jo_time(json_out *o, int64_t t)
{
	char buf[32];
	if (t == 0)
		jo_null(o);
	else
		jo_str(o, hm_time_format(t, buf, sizeof buf));
}

void jo_ktime(json_out *o, const char *key, int64_t t)
{
	jo_key(o, key);
	jo_time(o, t);
}
