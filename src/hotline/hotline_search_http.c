/* GET /api/v1/hotline/search: a page of appeals matching q in the caller's
 * scope, newest first, each with a snippet split into pieces so that the
 * browser highlights hits without ever treating text as HTML. No caller
 * name or phone in a hit. */
#include "hotline/hotline_search_http.h"

#include <string.h>

#include "hotline/hotline_search.h"
#include "http/export.h"

#define SET(j, k, v) json_object_set_new((j), (k), (v))

static json_t *dept_json(int64_t id)
{
	const hotline_department *d = id ? hotline_department_find(id) : NULL;
	if (!d)
		return json_null();
	return json_pack("{s:I, s:s, s:s}", "id", (json_int_t)d->id, "code", d->code, "name", d->name);
}

static json_t *category_json(const char *code)
{
	const hotline_category *c = hotline_category_find(code);
	const hotline_category *p = c && c->parent[0] ? hotline_category_find(c->parent) : NULL;
	char path[160];
	snprintf(path, sizeof path, "%s%s%s", p ? p->name : "", p ? " / " : "", c ? c->name : code);
	return json_pack("{s:s, s:s, s:s}", "code", code, "name", c ? c->name : code, "path", path);
}

static void piece_visit(const char *text, size_t len, bool hit, void *arg)
{
	json_array_append_new(arg, json_pack("{s:s%, s:b}", "text", text, len, "hit", hit));
}

static void hit_visit(const hotline_appeal *a, const char *snippet, void *arg)
{
	json_t *pieces = json_array();
	hotline_snippet_pieces(snippet, piece_visit, pieces);
	json_t *j = json_object();
	SET(j, "id", json_integer(a->id));
	SET(j, "no", json_string(a->no));
	SET(j, "channel", json_string(a->channel));
	SET(j, "channel_name", json_string(hotline_channel_name(a->channel)));
	SET(j, "kind_name", json_string(hotline_kind_name(a->kind)));
	SET(j, "category", category_json(a->category));
	SET(j, "status", json_string(a->status));
	SET(j, "status_name", json_string(hotline_status_name(a->status)));
	SET(j, "department", dept_json(a->department_id));
	SET(j, "place", json_string(a->place));
	SET(j, "main_id", a->main_id ? json_integer(a->main_id) : json_null());
	SET(j, "created_at", json_time(a->created_at));
	SET(j, "replied_at", json_time(a->replied_at));
	SET(j, "snippet", pieces);
	json_array_append_new(arg, j);
}

hm_err hotline_search_handler(hm_req *r)
{
	static const char *const allowed[] = {"q", "page", "page_size", NULL};
	int page, size;
	hm_err err = http_query_allowed(r, allowed);
	if (err || (err = http_page(r, &page, &size)))
		return err;
	const char *q = http_qarg(r, "q");
	hotline_ctx c = {r->db, &r->user, r->now, r->app->calendar};
	json_t *items = json_array();
	int64_t total = 0;
	if ((err = hotline_search(&c, q, page, size, hit_visit, items, &total, &r->err))) {
		json_decref(items);
		return err;
	}
	return http_reply(r, 200, http_page_json(items, total, page, size));
}
