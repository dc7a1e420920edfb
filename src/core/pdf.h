/* Small PDF documents in Chinese — receipts, letters, notices — drawn with
 * cairo and laid out with pango, in the Noto CJK fonts (fonts-noto-cjk), so
 * that Chinese text is shaped correctly and pdftotext reads it back.
 *
 * Coordinates are millimetres from the page's top-left corner; font sizes
 * are points. A document is built page by page and finished into memory:
 *
 *     pdf_doc *d = pdf_new(210, 297, "感谢信", &e);
 *     pdf_text(d, 20, 30, 170, 22, PDF_CENTER | PDF_BOLD, "感谢信");
 *     pdf_finish(d, &bytes, &len, &e);   // bytes: new, caller frees
 *     pdf_free(d);
 *
 * A pdf_doc belongs to one thread at a time. */
#ifndef HM_CORE_PDF_H
#define HM_CORE_PDF_H

#include <stddef.h>

#include "core/err.h"

typedef struct pdf_doc pdf_doc;

/* Text placement and face, or-ed together. */
enum {
	PDF_LEFT = 0,
	PDF_CENTER = 1 << 0,
	PDF_RIGHT = 1 << 1,
	PDF_BOLD = 1 << 2,
	PDF_SERIF = 1 << 3,   /* Noto Serif CJK SC; default Noto Sans CJK SC */
	PDF_RED = 1 << 4,     /* seal red, for 作废 / 补打 marks */
};

/* A new document of w_mm × h_mm pages with its first page open; title goes
 * into the PDF metadata. Returns new (free with pdf_free), or NULL with e
 * set (HM_E_INTERNAL) when cairo cannot make it. */
pdf_doc *pdf_new(double w_mm, double h_mm, const char *title, hm_error *e);
/* Free the document; NULL ok. */
void pdf_free(pdf_doc *d);
/* End the current page and open the next. */
void pdf_page_next(pdf_doc *d);
/* UTF-8 text in a box at (x, y) of width w (wrapped at characters or
 * words), size pt. Returns the height it took in mm. */
double pdf_text(pdf_doc *d, double x, double y, double w, double pt, unsigned flags, const char *text);
/* A line from (x1, y1) to (x2, y2), width in points. */
void pdf_line(pdf_doc *d, double x1, double y1, double x2, double y2, double width_pt);
/* A rectangle's outline, width in points. */
void pdf_rect(pdf_doc *d, double x, double y, double w, double h, double width_pt);
/* A large red mark (作废, 补打) centred at (cx, cy), rotated by deg,
 * inside a frame, drawn over what is there. */
void pdf_stamp(pdf_doc *d, double cx, double cy, double pt, double deg, const char *text);
/* Finish the document: *out gets the PDF bytes (new, caller frees) and
 * *len their length. The document can only be freed afterwards. Returns
 * HM_OK, or HM_E_INTERNAL with e set when cairo failed at any step. */
hm_err pdf_finish(pdf_doc *d, char **out, size_t *len, hm_error *e);

#endif
