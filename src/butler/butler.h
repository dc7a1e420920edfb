/* The project butler (山亭区 “项目管家”, DOMAIN.md §3): key projects, the
 * butler teams that serve them one to one, each project's checklist of
 * approval procedures, the 一次性告知书, site visits and questions.
 *
 * Rules: the procedure catalogue (data/butler_procedures.tsv) follows the
 * four stages of 国办发〔2019〕11号; a project's checklist is generated from
 * it when the project is registered, with the 施工许可 exemption of
 * 《建筑工程施工许可管理办法》第二条 applied from investment and floor area
 * (limits in data/butler_rules.tsv, since provinces may adjust them). The
 * whole approval is measured in working days against the 120-day target.
 *
 * Scope: a district's staff (butler_admin) see the projects of their
 * district; a butler sees only the projects assigned to the team they are
 * a member of; city roles (leader) see everything. Both limits are part of
 * every query (butler_db.c), so anything else is "not found".
 *
 * Every operation runs in the caller's transaction (the HTTP dispatcher's)
 * and appends its audit record there. */
#ifndef HM_BUTLER_BUTLER_H
#define HM_BUTLER_BUTLER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/calendar.h"
#include "core/err.h"
#include "core/perm.h"
#include "store/store.h"

#define BUTLER_MAX_BUILDINGS 20
#define BUTLER_MAX_MEMBERS 16
#define BUTLER_MAX_TEAMS_STATS 32
/* The procedure the 施工许可 exemption (data/butler_rules.tsv) applies to. */
#define BUTLER_EXEMPT_CODE "construction_permit"

/* One procedure of the catalogue. */
typedef struct butler_proc_def {
	int64_t id;              /* butler_catalog row, 0 before the database is read */
	int version;             /* 1 = as seeded or created; each change adds one */
	bool retired;            /* no longer given to new checklists */
	char stage[16];          /* land, engineering, construction, acceptance */
	char code[32];
	char name[96];
	char department[192];
	int workdays;            /* legal or promised time limit */
	bool per_building;       /* done for each building separately (施工许可证) */
	char materials[1536];    /* "|"-separated */
	char flow[768];          /* "|"-separated steps */
	char source[768];
	char check[384];         /* what is not yet confirmed locally (待确认) */
} butler_proc_def;

/* The catalogue, in order, retired procedures included; n gets the count.
 * Borrowed: a snapshot that stays valid for the life of the process. Until
 * butler_catalog_sync has read the database it is data/butler_procedures.tsv
 * (the seed of migration 0016). */
const butler_proc_def *butler_catalog(size_t *n);
/* Procedure by code (retired ones too), or NULL. Borrowed as above. */
const butler_proc_def *butler_proc_find(const char *code);
/* Bring the snapshot up to date with the database's catalogue (a cheap
 * check when nothing changed). Safe from any thread. */
hm_err butler_catalog_sync(hm_db *db, hm_error *e);
#define BUTLER_CATALOG_MAX 64
/* Chinese name of a stage code, or the code. */
const char *butler_stage_name(const char *stage);
/* Chinese name of a procedure status, project level or delivery method. */
const char *butler_status_name(const char *status);
const char *butler_level_name(const char *level);
const char *butler_method_name(const char *method);
bool butler_stage_valid(const char *stage);   /* also accepts "completed" */
bool butler_level_valid(const char *level);
bool butler_method_valid(const char *method);

/* Check a procedure as the bureau writes it: stage (one of the four), code
 * (lower-case letters, digits, _; 2–31), name, department, source present,
 * time limit 1–365 working days, at least one material and one flow step
 * ("|"-separated, none empty). Pure; field and code in e. */
hm_err butler_catalog_check(const butler_proc_def *d, hm_error *e);
/* One version of a procedure, as it was after a change. */
typedef struct butler_catalog_version {
	butler_proc_def def;
	char action[12];         /* seed, create, update, retire, restore */
	char changed_by[64];     /* "" for the seed */
	int64_t changed_at;
} butler_catalog_version;
typedef void (*butler_catalog_version_visit)(const butler_catalog_version *v, void *arg);

/* Parameters of data/butler_rules.tsv. */
typedef struct butler_rules {
	int64_t exempt_investment;  /* fen, inclusive */
	int64_t exempt_area;        /* 0.01 m², inclusive */
	char exempt_source[256];
	int target_workdays;        /* 120 */
	char target_source[256];
	int question_deadline_max, question_deadline_default;
} butler_rules;
/* Static, parsed once. */
const butler_rules *butler_rules_get(void);

/* ---- pure rules ---------------------------------------------------------- */

/* Does the works need no 施工许可证? True when investment <= the limit, or
 * floor_area (0.01 m²; < 0 = unknown) <= the limit. why (n bytes) gets the
 * rule cited, in Chinese, when true. */
bool butler_permit_exempt(const butler_rules *r, int64_t investment, int64_t floor_area, char *why, size_t n);

/* One planned checklist row. */
typedef struct butler_plan_row {
	const butler_proc_def *def;
	char item[404];              /* building, "" for the whole project */
	const char *status;          /* "todo" or "exempt" (static) */
	char reason[300];
} butler_plan_row;
/* The checklist a project gets: every catalogue procedure once, and the
 * per-building ones once per building (once for the whole project when
 * there are no buildings). Exempted 施工许可 rows are "exempt" with the
 * rule cited. Returns the number of rows written (at most max). */
size_t butler_plan(const butler_rules *r, int64_t investment, int64_t floor_area, const char *const *buildings,
		   size_t nbuildings, butler_plan_row *out, size_t max);

/* May a procedure go from status `from` to `to`? todo→in_progress (start),
 * todo|in_progress→done, in_progress→todo (withdrawn), todo→exempt (waived
 * with a reason), exempt→todo (restored). Nothing leaves done. */
bool butler_proc_transition_ok(const char *from, const char *to);

/* The approval's span for the 120-working-day target. */
typedef struct butler_span_row {
	const char *status;
	const char *started_on;      /* "YYYY-MM-DD" or "" */
	const char *finished_on;
} butler_span_row;
typedef struct butler_span {
	int32_t first_start;         /* day of the earliest start, 0 = not started */
	int32_t end;                 /* last finish when complete, else today */
	bool complete;               /* every procedure that applies is done */
	int elapsed;                 /* working days after first_start up to end */
	bool over_target;
	bool estimated;              /* a year without holiday data was counted */
	int missing;                 /* rows still todo or in_progress */
} butler_span;
/* Working days taken from the earliest start to the last finish (or today
 * while anything is open). As for every period in days (民法典第二百零一条)
 * the start day itself does not count. Exempt rows are ignored. */
void butler_span_compute(hm_calendar *cal, const butler_span_row *rows, size_t n, int32_t today, int target,
			 butler_span *out);

/* 统一社会信用代码 (GB 32100-2015): 18 characters of the code set, check
 * character right. */
bool butler_uscc_valid(const char *s);
/* Phone: digits, spaces and hyphens, optional leading +, 7–20 characters. */
bool butler_phone_valid(const char *s);

/* ---- operations ---------------------------------------------------------- */

typedef struct butler_ctx {
	hm_db *db;
	const hm_user *user;
	int64_t now;
	hm_calendar *cal;
} butler_ctx;

/* The caller's limits as the queries take them: district code ("" = all)
 * and user id of a butler (0 = not limited to a team). */
const char *butler_scope_district(const hm_user *u);
int64_t butler_scope_butler(const hm_user *u);

typedef struct butler_member {
	int64_t user_id;
	char username[64];
	char name[64];
	char phone[24];
	bool leader;
} butler_member;

typedef struct butler_team {
	int64_t id;
	char district[16];
	char name[128];
	char phone[24];
	int64_t projects;            /* currently assigned */
	butler_member members[BUTLER_MAX_MEMBERS];
	int nmembers;
} butler_team;

typedef void (*butler_team_visit)(const butler_team *t, void *arg);
hm_err butler_team_list(const butler_ctx *c, butler_team_visit visit, void *arg, hm_error *e);
hm_err butler_team_get(const butler_ctx *c, int64_t id, butler_team *out, hm_error *e);
/* A new team in the caller's district. */
hm_err butler_team_create(const butler_ctx *c, butler_team *in, hm_error *e);
/* Add a butler of the team's district (by user name); leader marks the team
 * leader (the previous leader stays a member). out gets the team after. */
hm_err butler_member_add(const butler_ctx *c, int64_t team_id, const char *username, const char *phone, bool leader,
			 butler_team *out, hm_error *e);
hm_err butler_member_remove(const butler_ctx *c, int64_t team_id, int64_t user_id, butler_team *out, hm_error *e);

typedef struct butler_project {
	int64_t id;
	char district[16];
	char town[132];
	char name[404];
	char level[12];
	char industry[132];
	char enterprise[404];
	char uscc[20];
	char contact_name[132];
	char contact_phone[24];
	int64_t investment;          /* fen */
	int64_t floor_area;          /* 0.01 m², -1 = not given */
	char planned_start[11];
	char planned_finish[11];
	char stage[16];
	char problems[2004];
	char measures[2004];
	bool is_demo;
	int64_t created_at, updated_at;
	int64_t team_id;             /* current team, 0 = none */
	char team_name[128];
	/* derived for the reader at c->now */
	butler_span span;
	int nprocs;
	char missing[512];           /* names of what is still open, "、"-joined */
} butler_project;

/* Register a project in the caller's district and generate its checklist
 * (buildings: names of the buildings for per-building procedures). A
 * butler's new project is assigned to the butler's team. */
hm_err butler_project_create(const butler_ctx *c, butler_project *in, const char *const *buildings, size_t nb,
			     hm_error *e);
/* Update the ledger fields; a change of investment or area re-applies the
 * exemption to rows not yet started. */
hm_err butler_project_update(const butler_ctx *c, int64_t id, butler_project *in, hm_error *e);
hm_err butler_project_get(const butler_ctx *c, int64_t id, butler_project *out, hm_error *e);
/* Add a building: its per-building procedures join the checklist. */
hm_err butler_building_add(const butler_ctx *c, int64_t id, const char *name, hm_error *e);
/* Assign the project to a team of its district (ends the previous one). */
hm_err butler_project_assign(const butler_ctx *c, int64_t id, int64_t team_id, const char *note, hm_error *e);

typedef struct butler_project_filter {
	const char *q, *level, *stage, *town;
	int64_t team_id;
	bool lacking;                /* only projects with open procedures */
	int page, page_size;
} butler_project_filter;
typedef void (*butler_project_visit)(const butler_project *p, void *arg);
hm_err butler_project_list(const butler_ctx *c, const butler_project_filter *f, butler_project_visit visit, void *arg,
			   int64_t *total, hm_error *e);

typedef struct butler_assignment {
	int64_t id, team_id;
	char team_name[128];
	char note[804];
	char assigned_by[64];
	int64_t assigned_at, ended_at;
} butler_assignment;
typedef void (*butler_assignment_visit)(const butler_assignment *a, void *arg);
/* History, oldest first (caller has checked visibility). */
hm_err butler_project_assignments(const butler_ctx *c, int64_t id, butler_assignment_visit visit, void *arg,
				  hm_error *e);

typedef struct butler_proc {
	int64_t id, project_id;
	char project_name[404];
	int64_t team_id;
	char team_name[128];
	char code[32];
	char item[404];
	char status[12];
	char exempt_reason[804];
	bool by_rule;
	char started_on[11], finished_on[11];
	char doc_name[404], doc_no[132];
	char note[804];
	int64_t updated_at;
} butler_proc;
typedef void (*butler_proc_visit)(const butler_proc *p, void *arg);
/* The checklist of a project in catalogue order (visibility checked). */
hm_err butler_project_procs(const butler_ctx *c, int64_t id, butler_proc_visit visit, void *arg, hm_error *e);

typedef struct butler_proc_change {
	const char *status, *started_on, *finished_on, *doc_name, *doc_no, *note; /* "" = keep/none */
} butler_proc_change;
/* Move a procedure to a new status (dates default to today). out gets it. */
hm_err butler_proc_set_status(const butler_ctx *c, int64_t id, const butler_proc_change *ch, butler_proc *out,
			      hm_error *e);
typedef struct butler_proc_filter {
	int64_t project_id, team_id;
	const char *code, *status;
	bool open;                   /* todo or in_progress only (the missing permits) */
	int page, page_size;
} butler_proc_filter;
hm_err butler_proc_list(const butler_ctx *c, const butler_proc_filter *f, butler_proc_visit visit, void *arg,
			int64_t *total, hm_error *e);

typedef struct butler_notice {
	int64_t id, project_id;
	char project_name[404];
	char enterprise[404];
	int64_t team_id;
	char team_name[128];
	char contact_name[64];
	char contact_phone[24];
	char issued_by[64];
	int64_t issued_at;
	int64_t prints;
	char recipient[132];
	char method[12];
	int64_t delivered_at;
	char delivery_note[804];
	int nitems;
} butler_notice;
/* Issue a notice listing every open procedure of the project; contact_phone
 * "" = the caller's phone in their team, else the team's. */
hm_err butler_notice_create(const butler_ctx *c, int64_t project_id, const char *contact_phone, butler_notice *out,
			    hm_error *e);
hm_err butler_notice_get(const butler_ctx *c, int64_t id, butler_notice *out, hm_error *e);
/* Render the notice as a PDF (new in *pdf, caller frees); counts and audits
 * the print. */
hm_err butler_notice_print(const butler_ctx *c, int64_t id, char **pdf, size_t *len, hm_error *e);
/* Record to whom, how and when it was given (once). */
hm_err butler_notice_deliver(const butler_ctx *c, int64_t id, const char *recipient, const char *method,
			     int64_t delivered_at, const char *note, butler_notice *out, hm_error *e);
typedef struct butler_notice_filter {
	int64_t project_id;
	int delivered;               /* -1 any, 0 no, 1 yes */
	int page, page_size;
} butler_notice_filter;
typedef void (*butler_notice_visit)(const butler_notice *n, void *arg);
hm_err butler_notice_list(const butler_ctx *c, const butler_notice_filter *f, butler_notice_visit visit, void *arg,
			  int64_t *total, hm_error *e);

typedef struct butler_visit_rec {
	int64_t id, project_id;
	char project_name[404];
	int64_t team_id;
	char team_name[128];
	char visited_on[11];
	char staff[404];
	char people_met[404];
	char notes[8004];
	char created_by[64];
	int64_t created_at;
	int64_t photos;              /* photos filed for it */
} butler_visit_rec;
hm_err butler_visit_create(const butler_ctx *c, butler_visit_rec *in, hm_error *e);
typedef struct butler_visit_filter {
	int64_t project_id, team_id;
	const char *from, *to;       /* YYYY-MM-DD or "" */
	int page, page_size;
} butler_visit_filter;
typedef void (*butler_visit_visit)(const butler_visit_rec *v, void *arg);
hm_err butler_visit_list(const butler_ctx *c, const butler_visit_filter *f, butler_visit_visit visit, void *arg,
			 int64_t *total, hm_error *e);

typedef struct butler_question {
	int64_t id, project_id;
	char project_name[404];
	int64_t team_id;
	char team_name[128];
	int64_t visit_id;
	int64_t raised_at;
	char asker[132];
	char content[8004];
	char status[16];             /* handed_over, answered (derived from the appeal when there is one) */
	char department[404];        /* the department's name (free text in rows from before issue 8) */
	int64_t department_id;       /* hotline department (data/hotline_departments.tsv), 0 = old row */
	int64_t handed_at, due_at;   /* due_at: the appeal's reply due when there is one */
	bool estimated;
	char answer[8004];           /* the department's approved reply when handed through the hotline */
	bool on_site;
	int64_t answered_at;
	int64_t appeal_id;           /* hotline appeal carrying the hand-over, 0 = none */
	char appeal_no[24];
	char appeal_status[20];
	int64_t appeal_sign_due;
	bool appeal_in_hours;
	/* derived at c->now */
	bool overdue;
	const char *warning;         /* the appeal's warning: "none", "yellow", "red" (static) */
} butler_question;
/* The hotline category a hand-over is filed under (其他政务事项·其他). */
#define BUTLER_HANDOVER_CATEGORY "gov.other"
/* Record a question: answered on the spot (answer given), or handed to a
 * hotline department (in->department_id) through the hotline: an appeal of
 * channel 'butler' is registered and dispatched with a reply period of
 * deadline_days working days (0 = data/butler_rules.tsv's default); the
 * question keeps the appeal's id. */
hm_err butler_question_create(const butler_ctx *c, butler_question *in, int deadline_days, hm_error *e);
/* Record the department's answer to a question handed over before issue 8
 * (one handed through the hotline is answered there:
 * HM_E_BUTLER_QUESTION_VIA_HOTLINE). */
hm_err butler_question_answer(const butler_ctx *c, int64_t id, const char *answer, butler_question *out, hm_error *e);
typedef struct butler_question_filter {
	int64_t project_id, team_id;
	const char *status;
	bool overdue;
	int64_t answered_since;      /* UTC seconds, 0 = any */
	int page, page_size;
} butler_question_filter;
typedef void (*butler_question_visit)(const butler_question *q, void *arg);
hm_err butler_question_list(const butler_ctx *c, const butler_question_filter *f, butler_question_visit visit,
			    void *arg, int64_t *total, hm_error *e);

/* The bureau edits the catalogue (butler:catalog:manage). Every change is
 * a new version in the history and an audit record (entity butler_catalog)
 * with the procedure before and after. Checklists already made keep their
 * rows; new checklists and notices read the catalogue as it is then. */
hm_err butler_catalog_get(const butler_ctx *c, int64_t id, butler_proc_def *out, hm_error *e);
/* in->id and in->version are set. */
hm_err butler_catalog_create(const butler_ctx *c, butler_proc_def *in, hm_error *e);
/* Replace every field but the code; nothing changed = no new version. */
hm_err butler_catalog_update(const butler_ctx *c, int64_t id, const butler_proc_def *in, butler_proc_def *out,
			     hm_error *e);
/* Retire (retire = true) or bring back a procedure. */
hm_err butler_catalog_retire(const butler_ctx *c, int64_t id, bool retire, butler_proc_def *out, hm_error *e);
/* Every version of a procedure, oldest first. */
hm_err butler_catalog_history(const butler_ctx *c, int64_t id, butler_catalog_version_visit visit, void *arg,
			      hm_error *e);

/* A photo of a site visit. */
typedef struct butler_photo {
	int64_t id, visit_id, project_id;
	char hash[65];
	char filename[404];
	char content_type[24];       /* image/jpeg or image/png, from the bytes */
	int64_t size;
	char uploaded_by[64];
	int64_t uploaded_at;
} butler_photo;
/* The type of a visit photo from its first bytes: "image/jpeg" or
 * "image/png"; NULL for anything else (a PDF included). Pure. */
const char *butler_photo_type(const void *data, size_t len);
/* Largest photo accepted (the server's body limit applies first). */
#define BUTLER_PHOTO_MAX_BYTES (10 * 1024 * 1024)
/* File a photo for a visit in scope: JPEG or PNG by its bytes (declared
 * type, when given, must agree), stored once per content under data_dir
 * (the fund's content-addressed store). The same bytes again for the same
 * visit give back the first photo with *existed = true. Audited on the
 * project. */
hm_err butler_photo_upload(const butler_ctx *c, const char *data_dir, int64_t visit_id, const char *filename,
			   const void *data, size_t len, const char *declared_type, butler_photo *out, bool *existed,
			   hm_error *e);
typedef void (*butler_photo_visit)(const butler_photo *ph, void *arg);
/* The photos of a visit in scope, in upload order. */
hm_err butler_photo_list(const butler_ctx *c, int64_t visit_id, butler_photo_visit visit, void *arg, hm_error *e);
/* One photo with its bytes (*data new, free()), checked against its hash;
 * audited as butler_photo.download on the project. */
hm_err butler_photo_download(const butler_ctx *c, const char *data_dir, int64_t id, butler_photo *out, char **data,
			     hm_error *e);

/* One row of the approval progress ledger (审批进度台账): a main approval a
 * project needs before it starts. Progress, problems and measures are
 * separate fields, each with who wrote it last and when. */
typedef struct butler_ledger_row {
	int64_t id, project_id;
	char project_name[404];
	int64_t team_id;
	char team_name[128];
	char approval[404];          /* 审批事项 */
	char department[404];        /* 责任单位 */
	char progress[2004];         /* 进展情况 */
	char problems[2004];         /* 存在问题 */
	char measures[2004];         /* 采取措施 */
	char progress_by[64], problems_by[64], measures_by[64]; /* display names, "" = never written */
	int64_t progress_at, problems_at, measures_at;         /* 0 = never written */
	int64_t created_at, updated_at;
} butler_ledger_row;
/* Add a row to a project's ledger (in->project_id, approval, department and
 * any of the three texts). in gets the saved row. */
hm_err butler_ledger_add(const butler_ctx *c, butler_ledger_row *in, hm_error *e);
typedef struct butler_ledger_change {
	const char *approval, *department, *progress, *problems, *measures; /* NULL = keep */
} butler_ledger_change;
/* Apply a change to a ledger row (pure): out = old with the given fields
 * replaced; *progress, *problems, *measures tell which of the three texts
 * really changed (those get a new who/when). Returns whether anything at
 * all changed. */
bool butler_ledger_merge(const butler_ledger_row *old, const butler_ledger_change *ch, butler_ledger_row *out,
			 bool *progress, bool *problems, bool *measures);
/* Change a row; only the fields that really change get a new who/when.
 * out gets the row after. */
hm_err butler_ledger_update(const butler_ctx *c, int64_t id, const butler_ledger_change *ch, butler_ledger_row *out,
			    hm_error *e);
typedef struct butler_ledger_filter {
	int64_t project_id, team_id;
	int page, page_size;
} butler_ledger_filter;
typedef void (*butler_ledger_visit)(const butler_ledger_row *l, void *arg);
/* Rows in scope, by project then in the order they were added. */
hm_err butler_ledger_list(const butler_ctx *c, const butler_ledger_filter *f, butler_ledger_visit visit, void *arg,
			  int64_t *total, hm_error *e);

/* Dashboard figures within the caller's scope. */
typedef struct butler_count {
	char code[32];
	int64_t count;
} butler_count;
typedef struct butler_team_count {
	int64_t team_id;
	char name[128];
	int64_t answered, open, overdue;
} butler_team_count;
typedef struct butler_stats {
	int64_t projects;
	butler_count by_stage[8], by_level[4];
	int nstage, nlevel;
	int64_t projects_lacking;        /* with open procedures */
	int64_t procedures_open;         /* open rows (permits missing) */
	butler_count missing_by_code[16];
	int nmissing;
	int64_t started;                 /* projects whose approval has started */
	int64_t avg_workdays;            /* average elapsed of those, rounded down */
	int64_t over_target;
	int target;
	int64_t answered_total, questions_open, questions_overdue;
	butler_team_count teams[BUTLER_MAX_TEAMS_STATS];
	int nteams;
} butler_stats;
/* since: answers counted from 00:00 Beijing of that day (UTC seconds). */
hm_err butler_stats_get(const butler_ctx *c, int64_t since, butler_stats *out, hm_error *e);

/* Is the audited entity (butler_project, butler_team) visible to the
 * caller? HM_OK or its not_found code. */
hm_err butler_entity_visible(const butler_ctx *c, const char *entity, int64_t id, hm_error *e);

#endif
