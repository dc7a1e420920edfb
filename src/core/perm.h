/* Roles and permissions. A permission is a string such as
 * "fund:application:approve"; the web UI uses the same strings to show
 * buttons. A role belongs to an organisation level (city or district), and
 * a district user sees only its own district's records. */
#ifndef HM_CORE_PERM_H
#define HM_CORE_PERM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct hm_role {
	const char *code;        /* caseworker, reviewer, approver, finance, admin, leader */
	const char *name;        /* Chinese title */
	const char *level;       /* "city", "district" or "any": where users of this role sit */
	const char *const *perms;/* NULL-terminated */
} hm_role;

/* The signed-in user as handlers see it. */
typedef struct hm_user {
	int64_t id;              /* 0 = anonymous */
	char username[64];
	char display_name[64];
	const hm_role *role;     /* static */
	int64_t org_id;
	char org_code[16];
	char org_name[96];
	int64_t scope_org_id;    /* 0 = whole city; else only this district */
} hm_user;

/* The role with that code, or NULL. Borrowed, static. */
const hm_role *perm_role(const char *code);
/* All roles, NULL-terminated. */
const hm_role *const *perm_roles(void);
/* Does the role grant the permission? NULL role grants nothing. */
bool perm_has(const hm_role *role, const char *perm);

#endif
