/* acl.h: who may do what, for the admin pages and the API alike.
 *
 * The rules are one table in acl.c, asked through acl_allows(). Articles
 * have one more rule on top, written once in acl_article_refused(): what
 * readers already see (published and scheduled articles) is the editors',
 * so an author's grant on their own article ends when it goes live. Every
 * page and every API handler that touches an article asks that function
 * and nothing else; a second copy of the rule is how an author's API
 * token once rewrote live articles the admin pages refused them. */
#ifndef GAZETTE_ACL_H
#define GAZETTE_ACL_H

#include <stdbool.h>

#include "store/store.h"

/* Things a user may try. An "owned" article is one whose author_id is the
 * user's id. */
enum acl_action {
	ACL_ARTICLE_LIST_ALL = 0, /* see everyone's articles listed */
	ACL_ARTICLE_VIEW,	  /* open an unpublished article */
	ACL_ARTICLE_CREATE,	  /* start a new (draft) article */
	ACL_ARTICLE_EDIT,	  /* save a draft */
	ACL_ARTICLE_EDIT_LIVE,	  /* save a published or scheduled one */
	ACL_ARTICLE_PUBLISH,	  /* set status published or scheduled */
	ACL_ARTICLE_DELETE,	  /* delete a draft (live: also EDIT_LIVE) */
	ACL_COMMENT_MODERATE,	  /* the comment queue */
	ACL_USER_MANAGE,	  /* the users page */
	ACL_SETTINGS,		  /* the site settings page */
	ACL__MAX
};

/* true when role may do action; is_owner says whether the object is the
 * user's own (ignored by actions that have no owner). */
bool	    acl_allows(enum user_role, enum acl_action, bool is_owner);
const char *acl_action_name(enum acl_action);

/* Whether a is u's: its author_id is u's id. An imported article
 * (author_id 0) is nobody's. */
bool acl_owns(const struct user *u, const struct article *a);

/*
 * May u do action to article cur? The one rule for articles:
 *   ACL_ARTICLE_CREATE	cur is NULL; want is the new article's status.
 *   ACL_ARTICLE_EDIT	saving cur with status want.
 *   ACL_ARTICLE_DELETE	deleting cur (want is ignored).
 *   ACL_ARTICLE_VIEW	opening cur (want is ignored).
 * Editing or deleting a live article (published or scheduled) also needs
 * ACL_ARTICLE_EDIT_LIVE; a status other than draft also needs
 * ACL_ARTICLE_PUBLISH. Returns ACL__MAX when allowed, else the action
 * refused (for acl_action_name, and to tell a status refused from the
 * rest). A NULL u or cur (where one is needed) is refused.
 */
enum acl_action acl_article_refused(const struct user *u, enum acl_action,
    const struct article *cur, enum article_status want);

#endif
