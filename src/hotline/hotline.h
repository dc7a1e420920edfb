/* The citizen hotline (枣庄市民热线, DOMAIN.md §2): appeals (诉求) from the
 * phone lines, WeChat, the web form and live programmes, followed from
 * intake through dispatch (派单), signing (签收), handling and reply to the
 * callback (回访) and the caller's verdict.
 *
 * Rules, nearest binding first (FACTS.md "Hotline"):
 * - 《山东省政务服务热线管理办法》(2020): the 承办单位 replies within 5 working
 *   days of dispatch (per category in data/hotline_catalog.tsv); complex
 *   cases extended to at most 10 working days in total, approved by the
 *   hotline office; a misrouted appeal is returned within 2 working days of
 *   dispatch with a reason, and the office reviews the dispute.
 * - Shandong's provincial complaint line: yellow warning one working day
 *   before due, red from the first overdue working day; 督办单 when overdue or
 *   still unsatisfied.
 * - 国办函〔2025〕66号: repeats merged into a main appeal; disputed dispatch
 *   reviewed by the office; missed calls called back.
 * - Emergencies (our rule, documented in docs/openapi.yaml): dispatched
 *   within 2 hours and answered within 24 hours of intake, on the clock.
 *
 * Every operation runs in the caller's (the dispatcher's) transaction, writes
 * the appeal's timeline and appends its audit record there. A department
 * clerk (permission hotline:appeal:handle) sees only appeals currently
 * dispatched to one of their departments: the scope is applied in the SQL
 * of every read, and anything else is "not found". */
#ifndef HM_HOTLINE_HOTLINE_H
#define HM_HOTLINE_HOTLINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/calendar.h"
#include "core/err.h"
#include "core/perm.h"
#include "store/store.h"

/* 《山东省政务服务热线管理办法》: default handling period, extension ceiling,
 * return window; sign-for window from issue 7 (1 working day). */
#define HOTLINE_HANDLE_WORKDAYS 5
#define HOTLINE_EXTENSION_MAX_WORKDAYS 10
#define HOTLINE_RETURN_WORKDAYS 2
#define HOTLINE_SIGN_WORKDAYS 1
/* Rework (重办) after an unsatisfied callback: a fresh handling period. */
#define HOTLINE_REWORK_WORKDAYS 5
#define HOTLINE_MAX_REWORKS 1
/* Emergencies: same day, on the clock. */
#define HOTLINE_EMERGENCY_DISPATCH_HOURS 2
#define HOTLINE_EMERGENCY_REPLY_HOURS 24
/* An hours-based deadline turns yellow this long before it falls due. */
#define HOTLINE_EMERGENCY_YELLOW_SECONDS (2 * 3600)
/* Repeats (重复件): appeals created within this many days of one another
 * that share the caller's phone, the place or most of the text are
 * suggested for merging (国办函〔2025〕66号 asks for merging repeats; the
 * window is our choice, every merge is confirmed by an operator). */
#define HOTLINE_REPEAT_WINDOW_DAYS 30
/* Content similarity (Dice over character bigrams, percent) from which two
 * texts are "内容相近". 40 because a caller retelling a matter in other
 * words still shares its key phrases: "小区楼下烧烤店夜间噪音扰民" and
 * "楼下烧烤店晚上太吵" share 楼下烧烤店 and score 40, while two different
 * matters that share a stock phrase ("噪音扰民", "希望尽快处理") stay
 * below (see tests/unit/test_hotline.c). */
#define HOTLINE_REPEAT_TEXT_MIN 40
/* Place similarity from which two places are "地点相近" when their
 * normalised texts differ and one contains the other: "市中区光明路" vs
 * "市中区光明路88号" is 76 (close); "市中区光明路86号" vs "市中区光明路88号"
 * is 75 but neither contains the other (two buildings, not close);
 * "市中区光明路" vs "市中区建华西路" 36. */
#define HOTLINE_REPEAT_PLACE_MIN 60
/* At most this many appeals of the same district (or, without a district,
 * of the same category) nearest in time before the appeal, and as many
 * after it, are compared per check, so a check stays fast whatever the
 * size of the table (a district with 25,000 appeals in the window: about
 * 50 ms, bench figure in the commit that set this). */
#define HOTLINE_REPEAT_CANDIDATES 3000
/* At most this many suggestions are given, strongest first. */
#define HOTLINE_REPEAT_MAX 20
#define HOTLINE_DEPT_MAX 64
#define HOTLINE_CAT_MAX 128
/* Assisting departments (协办) one dispatch may name. */
#define HOTLINE_ASSIST_MAX 8
/* Callback (回访): the working day after the head approves the reply (issue 7). */
#define HOTLINE_CALLBACK_WORKDAYS 1

/* The hotline numbers a phone appeal may come in on (seed). */
extern const char *const hotline_lines[];

/* ---- catalogue and departments (data, parsed once) --------------------- */

typedef struct hotline_category {
	char code[48];
	char parent[48];       /* "" for the first level */
	char name[64];
	int since, until;      /* versions in which the code is valid; until 0 = still */
	int workdays;          /* handling period */
	char description[256];
} hotline_category;

/* The current catalogue version. */
int hotline_catalog_version(void);
/* Every category ever in the catalogue (static); n gets the count. */
const hotline_category *hotline_categories(size_t *n);
/* Category by code (any version), or NULL. Borrowed, static. */
const hotline_category *hotline_category_find(const char *code);
/* Is code selectable in the current version? */
bool hotline_category_current(const char *code);
/* Is code (or one of its ancestors) equal to scope? */
bool hotline_category_within(const char *code, const char *scope);

typedef struct hotline_department {
	int64_t id;
	char code[48];
	char org[16];          /* division code of its level */
	char name[96];
} hotline_department;

const hotline_department *hotline_departments(size_t *n);
/* Department by id, or NULL. Borrowed, static. */
const hotline_department *hotline_department_find(int64_t id);

/* ---- dispatch table (data/hotline_dispatch.tsv) ------------------------ */

/* Is code a Zaozhuang district / county-level city (data/divisions.tsv)? */
bool hotline_district_valid(const char *code);
#define HOTLINE_DISTRICT_MAX 16
typedef struct hotline_district {
	char code[8];
	char name[32];
} hotline_district;
/* Zaozhuang's districts and county-level city, in data order. Static. */
const hotline_district *hotline_districts(size_t *n);
/* Chinese name of a division code, or "" when unknown. Static. */
const char *hotline_district_name(const char *code);

typedef struct hotline_dispatch_rule {
	char category[48];     /* catalogue code (a first level covers its children) */
	char district[8];      /* division code or "*" */
	int64_t lead;          /* department id */
	int64_t assists[HOTLINE_ASSIST_MAX];
	int nassists;
} hotline_dispatch_rule;

/* The rule the dispatch table gives for category × district (district
 * may be ""): the most specific category first (the code itself, then
 * its ancestors), and within it the district's own row before "*".
 * Borrowed static row, or NULL when no rule covers the category. */
const hotline_dispatch_rule *hotline_dispatch_suggest(const char *category, const char *district);

/* ---- pure rules -------------------------------------------------------- */

typedef enum {
	HL_DISPATCH,           /* 派单 (registered → dispatched) */
	HL_SIGN,               /* 签收 (dispatched → signed) */
	HL_REPLY,              /* 答复 (signed/rework → reply_review) */
	HL_REPLY_APPROVE,      /* the head approves the reply (reply_review → replied) */
	HL_REPLY_SEND_BACK,    /* the head sends it back (reply_review → signed, or rework after a rework) */
	HL_RETURN,             /* 退单 (dispatched/signed → return_requested) */
	HL_REDISPATCH,         /* office re-dispatches a returned appeal (→ dispatched) */
	HL_INSIST,             /* office keeps the dispatch (→ the status before the return) */
	HL_CALLBACK_OK,        /* 满意/基本满意 (replied → closed) */
	HL_CALLBACK_REWORK,    /* 不满意, first time (replied → rework) */
	HL_CALLBACK_FINAL,     /* 不满意 after rework (replied → closed) */
	HL_MERGE,              /* (registered/dispatched → merged) */
} hotline_action;

/* The status an action leads to from `from`, or NULL when not allowed.
 * For HL_INSIST, `from` is the status before the return was asked. */
const char *hotline_next_status(const char *from, hotline_action a);
/* Chinese name of a status, channel, kind or satisfaction code (or the code). */
const char *hotline_status_name(const char *status);
const char *hotline_channel_name(const char *channel);
const char *hotline_kind_name(const char *kind);
const char *hotline_satisfaction_name(const char *s);
/* NULL-terminated code lists. */
const char *const *hotline_statuses(void);
const char *const *hotline_channels(void);
const char *const *hotline_kinds(void);

typedef enum { HL_WARN_NONE = 0, HL_WARN_YELLOW, HL_WARN_RED } hotline_warning;
/* Warning level of a deadline at now: red once due has passed; yellow from
 * the working day before the due day (working-day clocks) or within
 * HOTLINE_EMERGENCY_YELLOW_SECONDS (hour clocks); none without a deadline. */
hotline_warning hotline_warning_at(hm_calendar *cal, int64_t due, bool in_hours, int64_t now);
const char *hotline_warning_code(hotline_warning w); /* "none", "yellow", "red" */
/* The latest due time that is already yellow at now, for working-day
 * clocks (lists filter on it in SQL). */
int64_t hotline_yellow_bound(hm_calendar *cal, int64_t now);

/* Copy text into out (n bytes) with what could identify a caller blanked
 * out, for the public outcome report: every run of 7 or more digits (ASCII
 * or full-width; inner spaces and hyphens allowed, an 18-character ID
 * number's final X included) becomes "＊＊＊", and each occurrence of name
 * (when at least 2 characters) becomes "某某". Output that does not fit
 * ends at the last whole piece. Pure; returns out. */
char *hotline_redact(const char *text, const char *name, char *out, size_t n);

/* Mask a phone number: 13812345678 → 138****5678; short numbers → ****. */
char *hotline_mask_phone(const char *phone, char *buf, size_t n);
/* A phone number as typed: digits, optional leading +, inner hyphens and
 * spaces, 7–20 characters. */
bool hotline_phone_valid(const char *phone);

/* ---- repeats (pure) ------------------------------------------------------ */

/* Text folded for comparison into out (n bytes, UTF-8): full-width ASCII
 * to ASCII, ASCII letters to lower case, whitespace and punctuation
 * (ASCII, CJK, full-width, general) dropped; invalid UTF-8 bytes dropped.
 * Output that does not fit ends at the last whole character. Returns out. */
char *hotline_text_fold(const char *text, char *out, size_t n);

/* The distinct character bigrams of a folded text, sorted (a text of one
 * character is its own single gram). */
typedef struct hotline_grams {
	uint64_t *v;
	size_t n;
} hotline_grams;
/* Fill g from text (g->v new: hotline_grams_fini). false when out of memory. */
bool hotline_grams_init(hotline_grams *g, const char *text);
void hotline_grams_fini(hotline_grams *g);
/* Dice coefficient of two gram sets in percent (0–100, rounded down);
 * 0 when either is empty. */
int hotline_grams_dice(const hotline_grams *a, const hotline_grams *b);
/* The same for two texts; -1 when out of memory. */
int hotline_text_similarity(const char *a, const char *b);

/* Why two appeals look like repeats, and how strongly. */
typedef struct hotline_repeat_match {
	bool same_phone;      /* the same (non-empty) caller phone */
	bool same_category;
	bool same_place;      /* equal once folded */
	bool close_place;     /* not equal, one contains the other, similarity ≥ HOTLINE_REPEAT_PLACE_MIN */
	int place_pct;        /* place similarity when not equal, else 100 (0 without a place) */
	int text_pct;         /* content similarity */
	int score;            /* 0–100, for ordering */
} hotline_repeat_match;
/* Judge a candidate pair: same_phone and same_category as found, the
 * places as typed, text_pct as hotline_grams_dice gave. A pair is a
 * repeat when the phone and the category are the same, or the place is
 * the same or close (close_place), or the text is close
 * (HOTLINE_REPEAT_TEXT_MIN). The score adds 40 for the phone, up to 30 for
 * the place and up to 60 for the text (capped at 100): the same words
 * weigh most, then the same caller, then the same place. Fills m; pure. */
bool hotline_repeat_judge(bool same_phone, bool same_category, const char *place_a, const char *place_b, int text_pct,
			  hotline_repeat_match *m);
/* May an appeal in status src_status be merged into one in main_status?
 * The repeat must not yet be signed for (registered or dispatched: a
 * dispatch is withdrawn), nor be merged; the main must be open or replied
 * (its answer is then passed on at once), not closed or merged. */
bool hotline_merge_allowed(const char *src_status, int64_t src_main_id, const char *main_status, int64_t main_main_id);

/* ---- records ----------------------------------------------------------- */

typedef struct hotline_ctx {
	hm_db *db;
	const hm_user *user;
	int64_t now;
	hm_calendar *cal;
} hotline_ctx;

/* The caller's read scope: 0 = everything (hotline staff, leaders), else
 * the user id of a department clerk. */
int64_t hotline_scope(const hm_user *u);

typedef struct hotline_appeal {
	int64_t id;
	char no[24];                  /* RX2024000012 */
	char channel[16];
	char line[16];
	int64_t programme_id;
	char kind[16];
	bool anonymous;
	char caller_name[100];
	char caller_phone[24];        /* plain; replies mask it */
	char place[404];
	char content[8004];
	char category[48];
	int catalog_version;
	bool emergency;
	char status[20];
	char answer[4004];
	int64_t department_id;
	int64_t dispatched_at, sign_due, signed_at, due, replied_at, closed_at, created_at, updated_at;
	bool due_in_hours, estimated;
	int extended_workdays;
	char reply[8004];
	int replied_on_time;          /* -1 unknown */
	int return_count, rework_count;
	char satisfaction[16];
	int64_t main_id;
	char district[8];             /* division code of the place, "" unknown */
	int programme_tier;           /* 2, 5 or 10 working days given on air; 0 none */
	int64_t callback_due;         /* by when the hotline calls back (set when the reply is approved) */
	int64_t replied_by;           /* the clerk who wrote the reply under review */
	int64_t reply_reviewed_by, reply_reviewed_at;
	/* derived at now */
	hotline_warning warning;
	hotline_warning callback_warning; /* on a replied appeal: the callback clock */
} hotline_appeal;

/* Register an appeal (intake). A consultation with an answer is closed at
 * once. appeal.* errors on bad input. */
hm_err hotline_appeal_create(const hotline_ctx *c, hotline_appeal *in, hm_error *e);
/* Load one appeal visible to the caller (HM_E_APPEAL_NOT_FOUND otherwise). */
hm_err hotline_appeal_get(const hotline_ctx *c, int64_t id, hotline_appeal *out, hm_error *e);
/* The caller's full phone number, audited (appeal.view_phone) and entered
 * in the timeline. */
hm_err hotline_appeal_reveal_phone(const hotline_ctx *c, int64_t id, char out[24], hm_error *e);

/* The steps. Each loads the appeal in the caller's scope, checks the state
 * and the clocks, saves, writes the timeline and the audit record; out (may
 * be NULL) gets the appeal afterwards. */
hm_err hotline_dispatch(const hotline_ctx *c, int64_t id, int64_t dept_id, const char *note, hotline_appeal *out,
			hm_error *e);
/* Dispatch to a lead department (主办) and assists (协办, may be none;
 * each a different department), optionally with a live programme's tier
 * (2, 5 or 10 working days; 0 = the category's period), which only a
 * non-emergency programme appeal takes. One 'lead' and n 'assist'
 * dispatch rows are created. */
hm_err hotline_dispatch_ex(const hotline_ctx *c, int64_t id, int64_t dept_id, const int64_t *assists, int nassists,
			   int tier, const char *note, hotline_appeal *out, hm_error *e);
/* The department head's review of the reply: approve (→ replied; on time
 * judged now against due; callback due set) or send back with a note. */
hm_err hotline_reply_review(const hotline_ctx *c, int64_t id, bool approve, const char *note, hotline_appeal *out,
			    hm_error *e);
/* An assisting department's opinion (协办意见) for the lead department. */
hm_err hotline_assist_opinion(const hotline_ctx *c, int64_t id, const char *opinion, hotline_appeal *out, hm_error *e);
/* Dispatch with a reply period of workdays (> 0) instead of the
 * category's: a question a project butler hands over carries its own
 * deadline. Otherwise as hotline_dispatch. */
hm_err hotline_dispatch_within(const hotline_ctx *c, int64_t id, int64_t dept_id, int workdays, const char *note,
			       hotline_appeal *out, hm_error *e);
hm_err hotline_sign(const hotline_ctx *c, int64_t id, const char *note, hotline_appeal *out, hm_error *e);
hm_err hotline_reply(const hotline_ctx *c, int64_t id, const char *reply, hotline_appeal *out, hm_error *e);
hm_err hotline_return(const hotline_ctx *c, int64_t id, const char *reason, hotline_appeal *out, hm_error *e);
/* The office's ruling on a return: redispatch (to dept_id) or insist. */
hm_err hotline_return_review(const hotline_ctx *c, int64_t id, bool redispatch, int64_t dept_id, const char *note,
			     hotline_appeal *out, hm_error *e);
/* Ask for a total handling period of workdays (≤ 10) before the due. */
hm_err hotline_extension_request(const hotline_ctx *c, int64_t id, int workdays, const char *reason,
				 hotline_appeal *out, hm_error *e);
hm_err hotline_extension_decide(const hotline_ctx *c, int64_t id, bool approve, const char *note, hotline_appeal *out,
				hm_error *e);
/* A callback attempt: result reached/no_answer/busy/unreachable; when
 * reached on a replied appeal, satisfaction decides close or rework. */
hm_err hotline_callback(const hotline_ctx *c, int64_t id, const char *result, const char *satisfaction,
			const char *note, hotline_appeal *out, hm_error *e);
/* Issue a 督办单 (overdue or unsatisfied appeals only); *notice_id gets it. */
hm_err hotline_supervise(const hotline_ctx *c, int64_t id, const char *note, int64_t *notice_id, hotline_appeal *out,
			 hm_error *e);
/* The department answers its latest open 督办单. */
hm_err hotline_supervision_respond(const hotline_ctx *c, int64_t id, const char *response, hotline_appeal *out,
				   hm_error *e);
/* Merge appeal id (a confirmed repeat) into main_id (hotline_merge_allowed;
 * HM_E_APPEAL_MERGE otherwise). The merged appeal keeps its caller: it
 * waits in status 'merged' while the main is handled, takes the main's
 * approved reply as its own and is called back on its own clock; a
 * dispatch of it is withdrawn. Both timelines record the merge. */
hm_err hotline_merge(const hotline_ctx *c, int64_t id, int64_t main_id, hotline_appeal *out, hm_error *e);

typedef void (*hotline_appeal_visit)(const hotline_appeal *a, void *arg);

/* One suggestion: the appeal, why, and which merges the rules allow
 * (into: this appeal into a; from: a into this appeal). */
typedef void (*hotline_repeat_visit)(const hotline_appeal *a, const hotline_repeat_match *m, bool into, bool from,
				     void *arg);
/* Repeats suggested for an appeal, strongest first: other appeals in the
 * caller's scope within the window, not merged and not closed, for which
 * hotline_repeat_judge holds and a merge one way or the other is allowed;
 * at most HOTLINE_REPEAT_MAX. None for an appeal merged or closed itself. */
hm_err hotline_repeats(const hotline_ctx *c, int64_t id, hotline_repeat_visit visit, void *arg, hm_error *e);
/* The appeals merged into main_id, oldest first (unscoped: the caller has
 * just read the main). */
hm_err hotline_merged_list(const hotline_ctx *c, int64_t main_id, hotline_appeal_visit visit, void *arg, hm_error *e);

typedef struct hotline_filter {
	const char *status, *category, *channel, *warning, *q;
	const char *district;         /* division code, "" any */
	const char *callback_warning; /* the callback clock's level on replied appeals, "" any */
	const char *match;            /* set by hotline_appeal_list: q as an FTS5 expression */
	bool by_callback_due;         /* order by callback due (待回访), else newest first */
	int64_t department_id, programme_id;
	int64_t from, to;             /* created_at range, 0 = open */
	int emergency;                /* -1 any */
	bool open_only;               /* not replied, closed or merged */
	int page, page_size;
} hotline_filter;
hm_err hotline_appeal_list(const hotline_ctx *c, const hotline_filter *f, hotline_appeal_visit visit, void *arg,
			   int64_t *total, hm_error *e);

/* The caller's part in an appeal they can see: "lead" (a member of the
 * lead department), "assist" (of an assisting one) or "" (hotline staff). */
hm_err hotline_my_role(const hotline_ctx *c, const hotline_appeal *a, const char **role, hm_error *e);

/* The assisting departments of the current dispatch, each with its
 * opinions (department 0 rows are not given). */
typedef struct hotline_assist {
	int64_t department_id;
	int64_t opinion_id;           /* 0: a department without opinion yet */
	char opinion[2004];
	char by[64];
	int64_t at;
} hotline_assist;
typedef void (*hotline_assist_visit)(const hotline_assist *x, void *arg);
/* One call per assisting department without opinion, one per opinion otherwise. */
hm_err hotline_appeal_assists(const hotline_ctx *c, int64_t id, hotline_assist_visit visit, void *arg, hm_error *e);

/* ---- attachments (bytes in core/filestore.h's store) -------------------- */

#define HOTLINE_ATTACHMENT_MAX_BYTES (10 * 1024 * 1024)
typedef struct hotline_attachment {
	int64_t id, appeal_id;
	char hash[65];
	char filename[404];
	char content_type[24];
	int64_t size;
	char uploaded_by[64];
	int64_t uploaded_at;
} hotline_attachment;
/* File bytes with an appeal the caller can see. The same bytes filed again
 * on the same appeal give back the first with *existed = true. */
hm_err hotline_attachment_upload(const hotline_ctx *c, const char *data_dir, int64_t appeal_id, const char *filename,
				 const void *data, size_t len, const char *declared_type, hotline_attachment *out,
				 bool *existed, hm_error *e);
typedef void (*hotline_attachment_visit)(const hotline_attachment *a, void *arg);
hm_err hotline_attachments_list(const hotline_ctx *c, int64_t appeal_id, hotline_attachment_visit visit, void *arg,
				hm_error *e);
/* One attachment of an appeal the caller can see, with its bytes (*data
 * new, free()); audited as appeal.attachment_download. */
hm_err hotline_attachment_download(const hotline_ctx *c, const char *data_dir, int64_t appeal_id, int64_t att_id,
				   hotline_attachment *out, char **data, hm_error *e);

/* Timeline, oldest first (visibility already checked). */
typedef void (*hotline_event_visit)(int64_t at, const char *actor, const char *action, const char *from,
				    const char *to, int64_t dept_id, const char *note, void *arg);
hm_err hotline_appeal_events(const hotline_ctx *c, int64_t id, hotline_event_visit visit, void *arg, hm_error *e);

typedef struct hotline_extension {
	int64_t id, department_id;
	int workdays;
	char reason[1004], status[12], decision_note[1004];
	int64_t requested_at, decided_at;
} hotline_extension;
typedef void (*hotline_extension_visit)(const hotline_extension *x, void *arg);
hm_err hotline_appeal_extensions(const hotline_ctx *c, int64_t id, hotline_extension_visit visit, void *arg,
				 hm_error *e);

typedef struct hotline_supervision {
	int64_t id, department_id;
	char reason[16], note[1004], response[2004];
	int64_t issued_at, responded_at;
} hotline_supervision;
typedef void (*hotline_supervision_visit)(const hotline_supervision *s, void *arg);
hm_err hotline_appeal_supervisions(const hotline_ctx *c, int64_t id, hotline_supervision_visit visit, void *arg,
				   hm_error *e);

typedef struct hotline_callback_rec {
	int64_t id, at;
	char by[64], result[16], satisfaction[16], note[1004];
} hotline_callback_rec;
typedef void (*hotline_callback_visit)(const hotline_callback_rec *cb, void *arg);
/* Callback attempts of an appeal (missed_call false) or a missed call. */
hm_err hotline_callbacks_list(const hotline_ctx *c, int64_t id, bool missed_call, hotline_callback_visit visit,
			      void *arg, hm_error *e);

/* ---- programmes -------------------------------------------------------- */

typedef struct hotline_programme {
	int64_t id;
	char title[200];
	int64_t starts_at, ends_at;
	char guests[1004];
	char note[2004];
	char scope[16][48];
	int nscope;
	int64_t created_at;
} hotline_programme;

hm_err hotline_programme_create(const hotline_ctx *c, hotline_programme *in, hm_error *e);
hm_err hotline_programme_get(const hotline_ctx *c, int64_t id, hotline_programme *out, hm_error *e);
typedef void (*hotline_programme_visit)(const hotline_programme *p, void *arg);
hm_err hotline_programme_list(const hotline_ctx *c, int page, int size, hotline_programme_visit visit, void *arg,
			      int64_t *total, hm_error *e);

/* ---- a programme's outcome report (no personal data) -------------------- */

typedef struct hotline_outcome_row {
	char no[24];
	char category[48];
	char district[8];
	char place[404];              /* redacted */
	char content[8004];           /* redacted */
	int64_t department_id;
	char status[20];
	char answer[8004];            /* the approved reply or intake answer, redacted; "" while open */
	int64_t answered_at;
	int programme_tier;
} hotline_outcome_row;
typedef void (*hotline_outcome_visit)(const hotline_outcome_row *row, void *arg);
/* Every appeal taken on the programme, oldest first, redacted. */
hm_err hotline_programme_outcome(const hotline_ctx *c, int64_t programme_id, hotline_programme *p,
				 hotline_outcome_visit visit, void *arg, hm_error *e);
/* The outcome report as a Chinese A4 PDF: *out new (free()), *len its size. */
hm_err hotline_outcome_pdf(const hotline_ctx *c, int64_t programme_id, char **out, size_t *len, hm_error *e);

/* ---- departments and members ------------------------------------------- */

/* Link a dept_clerk user to a department (audited). */
hm_err hotline_member_add(const hotline_ctx *c, int64_t dept_id, const char *username, hm_error *e);
hm_err hotline_member_remove(const hotline_ctx *c, int64_t dept_id, const char *username, hm_error *e);
typedef void (*hotline_member_visit)(int64_t user_id, const char *username, const char *name, void *arg);
hm_err hotline_members(const hotline_ctx *c, int64_t dept_id, hotline_member_visit visit, void *arg, hm_error *e);
/* Departments the user belongs to; n gets how many (at most max). */
hm_err hotline_user_departments(const hotline_ctx *c, int64_t *ids, int max, int *n, hm_error *e);

/* ---- missed calls ------------------------------------------------------ */

typedef struct hotline_missed_call {
	int64_t id;
	char line[16];
	char caller_phone[24];
	int64_t missed_at;
	char status[16];
	int64_t appeal_id;
	int attempts;
	int64_t created_at;
} hotline_missed_call;
hm_err hotline_missed_create(const hotline_ctx *c, hotline_missed_call *in, hm_error *e);
/* Record a call-back attempt; result reached/no_answer/busy/unreachable;
 * appeal_id (0 = none) links the appeal registered on the call. */
hm_err hotline_missed_attempt(const hotline_ctx *c, int64_t id, const char *result, const char *note,
			      int64_t appeal_id, hotline_missed_call *out, hm_error *e);
typedef void (*hotline_missed_visit)(const hotline_missed_call *m, void *arg);
hm_err hotline_missed_list(const hotline_ctx *c, const char *status, int page, int size, hotline_missed_visit visit,
			   void *arg, int64_t *total, hm_error *e);
hm_err hotline_missed_get(const hotline_ctx *c, int64_t id, hotline_missed_call *out, hm_error *e);

/* A canonical text of an appeal, digested into the audit trail. */
void hotline_appeal_canonical(const hotline_appeal *a, char *buf, size_t n);

#endif
