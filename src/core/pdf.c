/* PDF documents with cairo (the PDF surface) and pango (text layout). The
 * surface writes through a callback into a growing memory buffer, so no
 * temporary file is needed and the bytes go straight into the reply. */
#include "core/pdf.h"

#include <cairo-pdf.h>
#include <cairo.h>
#include <math.h>
#include <pango/pangocairo.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"

/* cairo's PDF unit is the point: 72 per inch, 25.4 mm per inch. */
#define PT_PER_MM (72.0 / 25.4)

struct pdf_doc {
	cairo_surface_t *surface;
	cairo_t *cr;
	char *buf;        /* the PDF so far */
	size_t len, cap;
	bool oom;         /* a write could not grow buf */
	bool finished;
};

static cairo_status_t write_cb(void *closure, const unsigned char *data, unsigned int length)
{
	pdf_doc *d = closure;
	if (d->len + length > d->cap) {
		size_t cap = d->cap ? d->cap : 16384;
		while (cap < d->len + length)
			cap *= 2;
		char *nb = realloc(d->buf, cap);
		if (!nb) {
			d->oom = true;
			return CAIRO_STATUS_WRITE_ERROR;
		}
		d->buf = nb;
		d->cap = cap;
	}
	memcpy(d->buf + d->len, data, length);
	d->len += length;
	return CAIRO_STATUS_SUCCESS;
}

pdf_doc *pdf_new(double w_mm, double h_mm, const char *title, hm_error *e)
{
	pdf_doc *d = calloc(1, sizeof *d);
	if (!d) {
		hm_fail(e, HM_E_INTERNAL, NULL);
		return NULL;
	}
	d->surface = cairo_pdf_surface_create_for_stream(write_cb, d, w_mm * PT_PER_MM, h_mm * PT_PER_MM);
	if (cairo_surface_status(d->surface) != CAIRO_STATUS_SUCCESS) {
		hm_log_error("pdf: cannot create surface: %s", cairo_status_to_string(cairo_surface_status(d->surface)));
		pdf_free(d);
		hm_fail(e, HM_E_INTERNAL, NULL);
		return NULL;
	}
	cairo_pdf_surface_set_metadata(d->surface, CAIRO_PDF_METADATA_TITLE, title ? title : "");
	cairo_pdf_surface_set_metadata(d->surface, CAIRO_PDF_METADATA_CREATOR, "huimin 惠民");
	d->cr = cairo_create(d->surface);
	/* draw in millimetres from here on */
	cairo_scale(d->cr, PT_PER_MM, PT_PER_MM);
	cairo_set_source_rgb(d->cr, 0, 0, 0);
	return d;
}

void pdf_free(pdf_doc *d)
{
	if (!d)
		return;
	if (d->cr)
		cairo_destroy(d->cr);
	if (d->surface)
		cairo_surface_destroy(d->surface);
	free(d->buf);
	free(d);
}

void pdf_page_next(pdf_doc *d)
{
	cairo_show_page(d->cr);
}

static void set_color(pdf_doc *d, unsigned flags)
{
	if (flags & PDF_RED)
		cairo_set_source_rgb(d->cr, 0.80, 0.07, 0.07);
	else
		cairo_set_source_rgb(d->cr, 0, 0, 0);
}

/* A layout in the document's font; the caller unrefs it. Sizes are given
 * in points but the context draws in millimetres, hence the conversion. */
static PangoLayout *layout_new(pdf_doc *d, double pt, unsigned flags, const char *text)
{
	PangoLayout *lay = pango_cairo_create_layout(d->cr);
	PangoFontDescription *fd = pango_font_description_new();
	pango_font_description_set_family(fd, flags & PDF_SERIF ? "Noto Serif CJK SC" : "Noto Sans CJK SC");
	pango_font_description_set_weight(fd, flags & PDF_BOLD ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
	pango_font_description_set_absolute_size(fd, pt / PT_PER_MM * PANGO_SCALE);
	pango_layout_set_font_description(lay, fd);
	pango_font_description_free(fd);
	pango_layout_set_text(lay, text, -1);
	return lay;
}

double pdf_text(pdf_doc *d, double x, double y, double w, double pt, unsigned flags, const char *text)
{
	PangoLayout *lay = layout_new(d, pt, flags, text);
	pango_layout_set_width(lay, (int)(w * PANGO_SCALE));
	pango_layout_set_wrap(lay, PANGO_WRAP_WORD_CHAR);
	pango_layout_set_alignment(lay, flags & PDF_CENTER  ? PANGO_ALIGN_CENTER
					 : flags & PDF_RIGHT ? PANGO_ALIGN_RIGHT
							     : PANGO_ALIGN_LEFT);
	set_color(d, flags);
	cairo_move_to(d->cr, x, y);
	pango_cairo_show_layout(d->cr, lay);
	int pw, ph;
	pango_layout_get_size(lay, &pw, &ph);
	g_object_unref(lay);
	cairo_set_source_rgb(d->cr, 0, 0, 0);
	return (double)ph / PANGO_SCALE;
}

void pdf_line(pdf_doc *d, double x1, double y1, double x2, double y2, double width_pt)
{
	cairo_set_line_width(d->cr, width_pt / PT_PER_MM);
	cairo_move_to(d->cr, x1, y1);
	cairo_line_to(d->cr, x2, y2);
	cairo_stroke(d->cr);
}

void pdf_rect(pdf_doc *d, double x, double y, double w, double h, double width_pt)
{
	cairo_set_line_width(d->cr, width_pt / PT_PER_MM);
	cairo_rectangle(d->cr, x, y, w, h);
	cairo_stroke(d->cr);
}

void pdf_stamp(pdf_doc *d, double cx, double cy, double pt, double deg, const char *text)
{
	PangoLayout *lay = layout_new(d, pt, PDF_BOLD, text);
	int pw, ph;
	pango_layout_get_size(lay, &pw, &ph);
	double w = (double)pw / PANGO_SCALE, h = (double)ph / PANGO_SCALE;
	cairo_save(d->cr);
	cairo_translate(d->cr, cx, cy);
	cairo_rotate(d->cr, deg * M_PI / 180.0);
	set_color(d, PDF_RED);
	cairo_set_line_width(d->cr, 2.0 / PT_PER_MM);
	cairo_rectangle(d->cr, -w / 2 - 3, -h / 2 - 1, w + 6, h + 2);
	cairo_stroke(d->cr);
	cairo_move_to(d->cr, -w / 2, -h / 2);
	pango_cairo_show_layout(d->cr, lay);
	cairo_restore(d->cr);
	g_object_unref(lay);
}

hm_err pdf_finish(pdf_doc *d, char **out, size_t *len, hm_error *e)
{
	*out = NULL;
	*len = 0;
	if (d->finished)
		return hm_fail(e, HM_E_INTERNAL, NULL);
	d->finished = true;
	cairo_status_t st = cairo_status(d->cr);
	cairo_destroy(d->cr);
	d->cr = NULL;
	/* finishing flushes the last page and the trailer through write_cb */
	cairo_surface_finish(d->surface);
	if (st == CAIRO_STATUS_SUCCESS)
		st = cairo_surface_status(d->surface);
	if (st != CAIRO_STATUS_SUCCESS || d->oom || d->len == 0) {
		hm_log_error("pdf: cannot write the document: %s", d->oom ? "out of memory" : cairo_status_to_string(st));
		return hm_fail(e, HM_E_INTERNAL, NULL);
	}
	*out = d->buf;
	*len = d->len;
	d->buf = NULL;
	d->len = d->cap = 0;
	return HM_OK;
}
