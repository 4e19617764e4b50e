/* acl.c: who may do what in the administration: the one table. */
#include "admin/admin.h"

enum grant {
	NO = 0,		/* never */
	OWN,		/* only on the user's own object */
	ANY,		/* always */
};

/* An author writes their own drafts and hands them to an editor: they may
 * not publish, schedule, or change what readers already see. */
static const enum grant table[ROLE__MAX][ACL__MAX] = {
	[ROLE_ADMIN] = {
		[ACL_ARTICLE_LIST_ALL] = ANY, [ACL_ARTICLE_VIEW] = ANY,
		[ACL_ARTICLE_CREATE] = ANY, [ACL_ARTICLE_EDIT] = ANY,
		[ACL_ARTICLE_EDIT_LIVE] = ANY, [ACL_ARTICLE_PUBLISH] = ANY,
		[ACL_ARTICLE_DELETE] = ANY, [ACL_COMMENT_MODERATE] = ANY,
		[ACL_USER_MANAGE] = ANY, [ACL_SETTINGS] = ANY,
	},
	[ROLE_EDITOR] = {
		[ACL_ARTICLE_LIST_ALL] = ANY, [ACL_ARTICLE_VIEW] = ANY,
		[ACL_ARTICLE_CREATE] = ANY, [ACL_ARTICLE_EDIT] = ANY,
		[ACL_ARTICLE_EDIT_LIVE] = ANY, [ACL_ARTICLE_PUBLISH] = ANY,
		[ACL_ARTICLE_DELETE] = ANY, [ACL_COMMENT_MODERATE] = ANY,
		[ACL_USER_MANAGE] = NO, [ACL_SETTINGS] = NO,
	},
	[ROLE_AUTHOR] = {
		[ACL_ARTICLE_LIST_ALL] = NO, [ACL_ARTICLE_VIEW] = OWN,
		[ACL_ARTICLE_CREATE] = ANY, [ACL_ARTICLE_EDIT] = OWN,
		[ACL_ARTICLE_EDIT_LIVE] = NO, [ACL_ARTICLE_PUBLISH] = NO,
		[ACL_ARTICLE_DELETE] = OWN, [ACL_COMMENT_MODERATE] = NO,
		[ACL_USER_MANAGE] = NO, [ACL_SETTINGS] = NO,
	},
};

static const char *const names[ACL__MAX] = {
	[ACL_ARTICLE_LIST_ALL] = "list all articles",
	[ACL_ARTICLE_VIEW] = "open this article",
	[ACL_ARTICLE_CREATE] = "create articles",
	[ACL_ARTICLE_EDIT] = "edit this article",
	[ACL_ARTICLE_EDIT_LIVE] = "edit a published or scheduled article",
	[ACL_ARTICLE_PUBLISH] = "publish or schedule articles",
	[ACL_ARTICLE_DELETE] = "delete this article",
	[ACL_COMMENT_MODERATE] = "moderate comments",
	[ACL_USER_MANAGE] = "manage users",
	[ACL_SETTINGS] = "change the site settings",
};

bool
acl_allows(enum user_role role, enum acl_action action, bool is_owner)
{
	enum grant g;

	/* Anything out of range is a refusal, never an index. */
	if ((unsigned)role >= ROLE__MAX || (unsigned)action >= ACL__MAX)
		return false;
	g = table[role][action];
	return g == ANY || (g == OWN && is_owner);
}

const char *
acl_action_name(enum acl_action a)
{
	return (unsigned)a < ACL__MAX ? names[a] : "do that";
}
