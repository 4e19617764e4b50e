/* moderate.c: moderators' verdicts and edits, each teaching the spam
 * classifier in the same transaction as the change it rides on. */
#include <string.h>

#include "comment/comment.h"
#include "comment/spam.h"
#include "util/arena.h"

enum store_err
comment_moderate(struct store *st, int64_t id, enum comment_status to,
    int64_t now)
{
	enum store_err e;

	if ((e = store_begin(st)) != STORE_OK)
		return e;
	if ((e = store_comment_set_status(st, id, to, now)) != STORE_OK)
		goto out;
	/* Deleting or holding again is no judgement of the text: the
	 * comment stays counted under the last verdict it had. */
	if (to == COMMENT_APPROVED)
		e = spam_train(st, id, SPAM_HAM);
	else if (to == COMMENT_SPAM)
		e = spam_train(st, id, SPAM_SPAM);
out:
	if (e != STORE_OK) {
		store_rollback(st);
		return e;
	}
	return store_commit(st);
}

enum store_err
comment_edit(struct store *st, struct arena *a, int64_t id,
    struct comment_form *cf, size_t na, size_t nu, size_t nb, int64_t now)
{
	enum spam_verdict was;
	const char	 *html;
	enum store_err	  e;
	size_t		  ne = 0;

	cf->email = "";
	if (!comment_fields_check(a, cf, &na, &ne, &nu, &nb))
		return STORE_INVALID;
	if ((html = comment_body_html(a, cf->body, nb)) == NULL) {
		cf->err_body = "the comment could not be rendered";
		return STORE_INVALID;
	}
	if ((e = store_begin(st)) != STORE_OK)
		return e;
	/* Counted under the old text, recounted under the new one. */
	if ((e = store_comment_trained(st, id, &was)) != STORE_OK ||
	    (was != SPAM_NONE &&
		(e = spam_train(st, id, SPAM_NONE)) != STORE_OK))
		goto out;
	if ((e = store_comment_edit(st, id, cf->author, cf->url, cf->body, html,
		 now)) != STORE_OK)
		goto out;
	if (was != SPAM_NONE)
		e = spam_train(st, id, was);
out:
	if (e != STORE_OK) {
		store_rollback(st);
		return e;
	}
	return store_commit(st);
}
