/* acl.c: who may do what, in the admin pages and the API: the one table,
 * and the one rule for articles on top of it. */
#include "auth/acl.h"

enum grant {
	NO = 0, /* never */
	OWN,	/* only on the user's own object */
	ANY,	/* always */
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

bool
acl_owns(const struct user *u, const struct article *a)
{
	return u != NULL && a != NULL && a->author_id != 0 &&
	    a->author_id == u->id;
}

/* Live: what readers see now or will at its time without anyone saving
 * it again. */
static bool
live(const struct article *a)
{
	return a->status != ARTICLE_DRAFT;
}

enum acl_action
acl_article_refused(const struct user *u, enum acl_action action,
    const struct article *cur, enum article_status want)
{
	bool own;

	if (u == NULL || (cur == NULL && action != ACL_ARTICLE_CREATE))
		return action;
	/* A new article is its creator's. */
	own = cur == NULL || acl_owns(u, cur);
	if (!acl_allows(u->role, action, own))
		return action;
	if ((action == ACL_ARTICLE_EDIT || action == ACL_ARTICLE_DELETE) &&
	    live(cur) && !acl_allows(u->role, ACL_ARTICLE_EDIT_LIVE, own))
		return ACL_ARTICLE_EDIT_LIVE;
	if ((action == ACL_ARTICLE_EDIT || action == ACL_ARTICLE_CREATE) &&
	    want != ARTICLE_DRAFT &&
	    !acl_allows(u->role, ACL_ARTICLE_PUBLISH, own))
		return ACL_ARTICLE_PUBLISH;
	return ACL__MAX;
}
