/* Drawing the 一次性告知书: A4, one block per open procedure, new pages as
 * needed. The text comes from the catalogue, so a change of the data file
 * changes what every new print says. */
#include "butler/butler_notice.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "butler/butler_db.h"
#include "core/hmtime.h"
#include "core/pdf.h"

#define COPY(dst, src) snprintf((dst), sizeof(dst), "%s", (src))
#define PAGE_BOTTOM 272.0
#define LEFT 20.0
#define WIDTH 170.0

struct items_acc {
	butler_proc *rows;
	size_t n, max;
};

static void item_visit(const butler_proc *x, void *arg)
{
	struct items_acc *a = arg;
	if (a->n < a->max)
		a->rows[a->n++] = *x;
}

/* Start a new page when less than need mm are left. */
static void room(pdf_doc *d, double *y, double need)
{
	if (*y + need > PAGE_BOTTOM) {
		pdf_page_next(d);
		*y = 20;
	}
}

static void date_cn(int64_t t, char *buf, size_t n)
{
	int y, m, dd;
	hm_day_ymd(hm_day_of(t), &y, &m, &dd);
	snprintf(buf, n, "%d年%d月%d日", y, m, dd);
}

static const char *const numerals[] = {"一", "二", "三", "四", "五", "六", "七", "八", "九", "十",
				       "十一", "十二", "十三", "十四", "十五", "十六", "十七", "十八", "十九", "二十"};

/* One procedure: heading, department and time limit, materials, flow, basis. */
static void draw_item(pdf_doc *d, double *y, size_t i, const butler_proc *x)
{
	const butler_proc_def *def = butler_proc_find(x->code);
	char buf[2048];
	room(d, y, 40);
	snprintf(buf, sizeof buf, "%s、%s%s%s%s（%s阶段，当前状态：%s）", i < 20 ? numerals[i] : "", def ? def->name : x->code,
		 x->item[0] ? "（" : "", x->item, x->item[0] ? "）" : "", def ? butler_stage_name(def->stage) : "",
		 butler_status_name(x->status));
	*y += pdf_text(d, LEFT, *y, WIDTH, 12, PDF_BOLD, buf) + 2;
	if (!def)
		return;
	snprintf(buf, sizeof buf, "办理部门：%s；办理时限：%d个工作日", def->department, def->workdays);
	*y += pdf_text(d, LEFT + 4, *y, WIDTH - 4, 10.5, PDF_LEFT, buf) + 1.5;
	*y += pdf_text(d, LEFT + 4, *y, WIDTH - 4, 10.5, PDF_BOLD, "所需材料：") + 1;
	char list[sizeof def->materials];
	COPY(list, def->materials);
	int k = 1;
	for (char *save = NULL, *m = strtok_r(list, "|", &save); m; m = strtok_r(NULL, "|", &save)) {
		room(d, y, 8);
		snprintf(buf, sizeof buf, "%d. %s", k++, m);
		*y += pdf_text(d, LEFT + 8, *y, WIDTH - 8, 10.5, PDF_LEFT, buf) + 1;
	}
	char flow[sizeof def->flow];
	COPY(flow, def->flow);
	size_t off = (size_t)snprintf(buf, sizeof buf, "办理流程：");
	int s = 0;
	for (char *save = NULL, *m = strtok_r(flow, "|", &save); m && off < sizeof buf; m = strtok_r(NULL, "|", &save))
		off += (size_t)snprintf(buf + off, sizeof buf - off, "%s%s", s++ ? " → " : "", m);
	room(d, y, 10);
	*y += pdf_text(d, LEFT + 4, *y, WIDTH - 4, 10.5, PDF_LEFT, buf) + 1.5;
	snprintf(buf, sizeof buf, "依据：%s", def->source);
	room(d, y, 10);
	*y += pdf_text(d, LEFT + 4, *y, WIDTH - 4, 9, PDF_LEFT, buf) + 1;
	if (def->check[0]) {
		snprintf(buf, sizeof buf, "说明：%s", def->check);
		room(d, y, 8);
		*y += pdf_text(d, LEFT + 4, *y, WIDTH - 4, 9, PDF_LEFT, buf) + 1;
	}
	*y += 4;
}

hm_err butler_notice_render(hm_db *db, const butler_notice *n, const butler_project *p, char **pdf, size_t *len,
			    hm_error *e)
{
	*pdf = NULL;
	*len = 0;
	struct items_acc a = {calloc(64, sizeof(butler_proc)), 0, 64};
	if (!a.rows)
		return hm_fail(e, HM_E_INTERNAL, NULL);
	hm_err err = butler_db_notice_items(db, n->id, item_visit, &a, e);
	pdf_doc *d = err ? NULL : pdf_new(210, 297, "一次性告知书", e);
	if (!d) {
		free(a.rows);
		return err ? err : e->err;
	}
	char buf[2048], date[32];
	double y = 18;
	y += pdf_text(d, LEFT, y, WIDTH, 22, PDF_CENTER | PDF_BOLD | PDF_SERIF, "一次性告知书") + 2;
	int yr, m, dd;
	hm_day_ymd(hm_day_of(n->issued_at), &yr, &m, &dd);
	snprintf(buf, sizeof buf, "编号：GZ-%s-%d-%06lld", p->district, yr, (long long)n->id);
	y += pdf_text(d, LEFT, y, WIDTH, 10, PDF_RIGHT, buf) + 4;
	snprintf(buf, sizeof buf, "%s：", p->enterprise);
	y += pdf_text(d, LEFT, y, WIDTH, 12, PDF_SERIF, buf) + 2;
	snprintf(buf, sizeof buf,
		 "根据《中华人民共和国行政许可法》第三十二条，现将贵单位“%s”项目（统一社会信用代码：%s）尚需办理的"
		 "审批事项、所需全部材料、办理流程和办理时限一次性告知如下。共%d项：",
		 p->name, p->uscc, (int)a.n);
	y += pdf_text(d, LEFT, y, WIDTH, 11, PDF_SERIF, buf) + 5;
	for (size_t i = 0; i < a.n; i++)
		draw_item(d, &y, i, &a.rows[i]);
	room(d, &y, 50);
	y += 4;
	y += pdf_text(d, LEFT, y, WIDTH, 10.5, PDF_LEFT,
		      "以上材料和流程以各部门现行办事指南为准；标注“待确认”的内容，帮包人员将与主管部门核实后告知。"
		      "暂时达不到办理条件的事项，请随时与帮包人员联系。") +
	     4;
	snprintf(buf, sizeof buf, "帮包团队：%s", n->team_name[0] ? n->team_name : "（尚未分配）");
	y += pdf_text(d, LEFT, y, WIDTH, 11, PDF_LEFT, buf) + 1.5;
	snprintf(buf, sizeof buf, "帮包人员：%s    联系电话：%s", n->contact_name, n->contact_phone);
	y += pdf_text(d, LEFT, y, WIDTH, 11, PDF_LEFT, buf) + 1.5;
	date_cn(n->issued_at, date, sizeof date);
	snprintf(buf, sizeof buf, "告知日期：%s", date);
	y += pdf_text(d, LEFT, y, WIDTH, 11, PDF_LEFT, buf) + 8;
	y += pdf_text(d, LEFT, y, WIDTH, 11, PDF_LEFT, "企业签收人：____________    签收日期：____________") + 2;
	if (n->prints > 1) {
		snprintf(buf, sizeof buf, "（第%lld次打印）", (long long)n->prints);
		pdf_text(d, LEFT, y + 2, WIDTH, 9, PDF_RIGHT, buf);
	}
	err = pdf_finish(d, pdf, len, e);
	pdf_free(d);
	free(a.rows);
	return err;
}
