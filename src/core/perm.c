/* The role table. Each permission names the smallest thing a button or a
 * route does; roles get only what DOMAIN.md says they need. Full views of
 * sensitive fields need their own permission and are audited. */
#include "core/perm.h"

#include <string.h>

/* fund:care:* — services, visits and their notes (sensitive) for the
 * child's district; fund:attachment:* — documents; fund:donation:*,
 * fund:receipt:*, fund:books:* — the money side, kept by city finance. */
static const char *const caseworker[] = {
	"fund:child:read", "fund:child:create", "fund:child:update", "fund:child:sensitive",
	"fund:application:read", "fund:application:create", "fund:application:accept",
	"fund:application:return", "fund:application:resubmit", "fund:care:read", "fund:care:write",
	"fund:attachment:upload", "fund:attachment:download", "audit:read", NULL};
static const char *const reviewer[] = {
	"fund:child:read", "fund:child:sensitive", "fund:application:read",
	"fund:application:review", "fund:application:return", "fund:care:read",
	"fund:attachment:download", "audit:read", NULL};
static const char *const approver[] = {
	"fund:child:read", "fund:child:sensitive", "fund:application:read",
	"fund:application:approve", "fund:application:return", "fund:ledger:read", "fund:care:read",
	"fund:attachment:download", "fund:donation:read", "fund:books:read", "audit:read", NULL};
static const char *const finance[] = {
	"fund:child:read", "fund:application:read", "fund:application:pay",
	"fund:ledger:read", "fund:donation:read", "fund:donation:write", "fund:receipt:issue",
	"fund:books:read", "fund:books:write", "audit:read", NULL};
static const char *const admin[] = {
	"user:manage", "calendar:write", "audit:read", "org:read", NULL};
static const char *const leader[] = {
	"fund:child:read", "fund:application:read", "fund:ledger:read", "fund:donation:read",
	"fund:books:read", "hotline:appeal:read", "hotline:stats:read", "butler:project:read",
	"butler:stats:read", "audit:read", NULL};

/* The citizen hotline: operators take and dispatch appeals and call back;
 * supervisors watch deadlines, settle disputed dispatches and issue 督办单;
 * a department clerk sees only what was dispatched to the department. */
static const char *const hotline_operator[] = {
	"hotline:appeal:read", "hotline:appeal:create", "hotline:appeal:dispatch", "hotline:callback",
	"hotline:caller:view", "hotline:programme:manage", "hotline:stats:read", "audit:read",
	"hotline:attachment:upload", "hotline:programme:report", NULL};
static const char *const hotline_supervisor[] = {
	"hotline:appeal:read", "hotline:appeal:dispatch", "hotline:appeal:supervise", "hotline:dispatch:review",
	"hotline:caller:view", "hotline:catalog:manage", "hotline:stats:read", "audit:read",
	"hotline:programme:report", NULL};
static const char *const dept_clerk[] = {
	"hotline:appeal:read", "hotline:appeal:handle", "audit:read", "hotline:attachment:upload", NULL};
/* The department head (部门负责人) belongs to a department like its clerks,
 * sees what they see, and alone approves or sends back their replies. */
static const char *const dept_head[] = {
	"hotline:appeal:read", "hotline:appeal:handle", "hotline:reply:review", "audit:read",
	"hotline:attachment:upload", NULL};

/* The project butler: a butler serves the projects of their team; the
 * approval bureau's administrator keeps projects, teams and assignments. */
static const char *const butler[] = {
	"butler:project:read", "butler:project:write", "butler:visit:write", "butler:question:write",
	"butler:stats:read", "audit:read", NULL};
static const char *const butler_admin[] = {
	"butler:project:read", "butler:project:write", "butler:team:manage", "butler:visit:write",
	"butler:catalog:manage", /* edits the procedure catalogue (issue 8) */
	"butler:question:write", "butler:stats:read", "audit:read", NULL};

static const hm_role roles[] = {
	{"caseworker", "经办人", "district", caseworker},
	{"reviewer", "审核人", "district", reviewer},
	{"approver", "审批人", "city", approver},
	{"finance", "财务", "city", finance},
	{"admin", "管理员", "city", admin},
	{"leader", "领导", "city", leader},
	{"hotline_operator", "热线话务员", "city", hotline_operator},
	{"hotline_supervisor", "热线督办员", "city", hotline_supervisor},
	{"dept_clerk", "承办单位经办人", "any", dept_clerk},
	{"butler", "项目管家", "district", butler},
	{"butler_admin", "审批局管理员", "district", butler_admin},
	{"dept_head", "部门负责人", "any", dept_head},
};

static const hm_role *const role_list[] = {&roles[0], &roles[1], &roles[2], &roles[3], &roles[4], &roles[5],
					   &roles[6], &roles[7], &roles[8], &roles[9], &roles[10], &roles[11], NULL};

const hm_role *perm_role(const char *code)
{
	for (size_t i = 0; i < sizeof roles / sizeof roles[0]; i++)
		if (strcmp(roles[i].code, code) == 0)
			return &roles[i];
	return NULL;
}

const hm_role *const *perm_roles(void)
{
	return role_list;
}

bool perm_has(const hm_role *role, const char *perm)
{
	if (!role || !perm)
		return false;
	for (const char *const *p = role->perms; *p; p++)
		if (strcmp(*p, perm) == 0)
			return true;
	return false;
}
