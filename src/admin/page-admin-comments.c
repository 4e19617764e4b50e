/* page-admin-comments.c: the comment moderation queue and the moderator's
 * comment editor.
 *
 * GET /admin/comments?status=S&before=ID lists one page of comments with
 * status S (pending by default), newest first, keyset-paged on id. The
 * page is one form: each row's buttons (name "do", value "ACTION:ID") act
 * on that row, and the bulk button (do=bulk) applies the chosen action to
 * the ticked rows (name "id"), so everything works without JavaScript. A
 * POST changes the comments and answers 303 back to the list it came
 * from. Every verdict goes through comment_moderate(), which keeps the
 * article's comment count in step and trains the spam classifier. */
#include <stdio.h>
#include <string.h>

#include "admin/admin.h"
#include "comment/comment.h"
#include "comment/spam.h"
#include "util/str.h"

#define PER_PAGE 50 /* + the form's own fields < admin's 64 */

enum mod_action {
	MOD_APPROVE = 0,
	MOD_SPAM,
	MOD_DELETE,
	MOD_HOLD,
	MOD_ACTION__MAX
};

static const struct {
	const char	   *name;  /* in forms */
	const char	   *label; /* on buttons */
	const char	   *done;  /* past tense, for the message */
	enum comment_status to;
} actions[MOD_ACTION__MAX] = {
	[MOD_APPROVE] = { "approve", "Approve", "approved", COMMENT_APPROVED },
	[MOD_SPAM] = { "spam", "Spam", "marked as spam", COMMENT_SPAM },
	[MOD_DELETE] = { "delete", "Delete", "deleted", COMMENT_DELETED },
	[MOD_HOLD] = { "hold", "Hold", "held for moderation", COMMENT_PENDING },
};

static bool
action_parse(const char *s, size_t n, enum mod_action *out)
{
	int i;

	for (i = 0; i < MOD_ACTION__MAX; i++)
		if (strlen(actions[i].name) == n &&
		    memcmp(actions[i].name, s, n) == 0) {
			*out = (enum mod_action)i;
			return true;
		}
	return false;
}

static int64_t
id_of(const char *s, size_t n)
{
	int64_t id;

	if (n == 0 || n > 18 || !parse_int(s, n, 1, INT64_MAX, &id))
		return 0;
	return id;
}

static enum comment_status
status_of(const struct admin_req *ar)
{
	enum comment_status s;

	if (!comment_status_parse(admin_field(ar, "status", NULL), &s))
		s = COMMENT_PENDING;
	return s;
}

static bool
may_moderate(struct http_req *req, struct http_resp *resp,
    const struct admin_req *ar)
{
	if (acl_allows(ar->sess.user.role, ACL_COMMENT_MODERATE, false))
		return true;
	admin_forbidden(req, resp, ar, acl_action_name(ACL_COMMENT_MODERATE));
	return false;
}

static const char *
list_url(struct arena *a, enum comment_status s, const char *msg)
{
	return arena_printf(a, "/admin/comments?status=%s%s%s",
	    comment_status_name(s), msg ? "&msg=" : "", msg ? msg : "");
}

/* The "msg" codes the list shows after a change: "N-ACTION". */
static const char *
msg_text(struct arena *a, const char *code)
{
	const char     *dash;
	enum mod_action act;
	int64_t		n;

	if (code == NULL || (dash = strchr(code, '-')) == NULL ||
	    !parse_int(code, (size_t)(dash - code), 0, 1000, &n))
		return strcmp(code ? code : "", "edited") == 0 ?
		    "Comment saved." :
		    NULL;
	if (!action_parse(dash + 1, strlen(dash + 1), &act))
		return NULL;
	if (n == 0)
		return "No comments were ticked: nothing changed.";
	return arena_printf(a, "%lld comment%s %s.", (long long)n,
	    n == 1 ? "" : "s", actions[act].done);
}

static void
queue_page(struct http_req *req, struct http_resp *resp,
    const struct admin_req *ar)
{
	struct arena	    *a = req->arena;
	struct comment_queue q;
	struct tval	    *root, *tabs, *rows, *m, *acts;
	enum comment_status  status = status_of(ar), s;
	const char	    *v;
	int64_t		     before = 0, n;
	size_t		     i;
	int		     k;

	v = admin_field(ar, "before", NULL);
	if (*v)
		before = id_of(v, strlen(v));
	if (store_comment_queue(ar->st, a, status, before, PER_PAGE, &q) !=
	    STORE_OK) {
		admin_store_failed(resp, ar->st);
		return;
	}
	root = admin_root(req, ar, "Comments",
	    msg_text(a, form_get(&ar->form, "msg", NULL)));
	tv_set_str(a, root, "status", comment_status_name(status));
	tabs = tv_list(a);
	for (k = 0; k < COMMENT_STATUS__MAX; k++) {
		s = (enum comment_status)k;
		if (store_comment_count_status(ar->st, s, &n) != STORE_OK) {
			admin_store_failed(resp, ar->st);
			return;
		}
		m = tv_map(a);
		tv_set_str(a, m, "name", comment_status_name(s));
		tv_set_str(a, m, "url", list_url(a, s, NULL));
		tv_set_int(a, m, "count", n);
		tv_set_bool(a, m, "current", s == status);
		tv_push(a, tabs, m);
	}
	tv_set(a, root, "tabs", tabs);
	/* The actions that change something from this list. */
	acts = tv_list(a);
	for (k = 0; k < MOD_ACTION__MAX; k++) {
		if (actions[k].to == status)
			continue;
		m = tv_map(a);
		tv_set_str(a, m, "name", actions[k].name);
		tv_set_str(a, m, "label", actions[k].label);
		tv_push(a, acts, m);
	}
	tv_set(a, root, "actions", acts);
	rows = tv_list(a);
	for (i = 0; i < q.n; i++) {
		struct comment_queue_item *it = &q.items[i];
		struct tval		  *racts = tv_list(a), *ra;

		m = tv_map(a);
		tv_set_int(a, m, "id", it->c.id);
		tv_set_str(a, m, "author", it->c.author);
		tv_set_str(a, m, "email", it->c.email);
		tv_set_str(a, m, "url", it->c.url);
		tv_set(a, m, "html",
		    tv_raw(a, it->c.body_html, strlen(it->c.body_html)));
		tv_set_str(a, m, "time", admin_time(ar, a, it->c.created_at));
		tv_set_str(a, m, "score",
		    arena_printf(a, "%.2f", it->c.spam_score));
		tv_set_bool(a, m, "suspect",
		    it->c.spam_score > ar->site->spam_threshold);
		tv_set_str(a, m, "trained", spam_verdict_name(it->trained));
		tv_set_str(a, m, "article_title", it->article.title);
		tv_set_str(a, m, "article_url",
		    article_path(ar->site, a, &it->article));
		tv_set_bool(a, m, "article_public",
		    article_is_public(&it->article, ar->now));
		tv_set_str(a, m, "article_edit",
		    arena_printf(a, "/admin/articles/%lld",
			(long long)it->article.id));
		tv_set_str(a, m, "edit_url",
		    arena_printf(a, "/admin/comments/%lld?status=%s",
			(long long)it->c.id, comment_status_name(status)));
		for (k = 0; k < MOD_ACTION__MAX; k++) {
			if (actions[k].to == status)
				continue;
			ra = tv_map(a);
			tv_set_str(a, ra, "label", actions[k].label);
			tv_set_str(a, ra, "value",
			    arena_printf(a, "%s:%lld", actions[k].name,
				(long long)it->c.id));
			tv_push(a, racts, ra);
		}
		tv_set(a, m, "actions", racts);
		tv_push(a, rows, m);
	}
	tv_set(a, root, "comments", rows);
	tv_set_bool(a, root, "any", q.n > 0);
	if (q.next_before)
		tv_set_str(a, root, "older_url",
		    arena_printf(a, "/admin/comments?status=%s&before=%lld",
			comment_status_name(status), (long long)q.next_before));
	if (before)
		tv_set_str(a, root, "newest_url", list_url(a, status, NULL));
	tv_set_str(a, root, "threshold",
	    arena_printf(a, "%.2f", ar->site->spam_threshold));
	admin_render(resp, ar, "admin/comments.html", root);
}

/* Applies act to comment id; false when the database failed (a comment
 * gone meanwhile is no failure: there is nothing left to moderate). */
static bool
apply(const struct admin_req *ar, enum mod_action act, int64_t id)
{
	enum spam_verdict v;
	enum store_err	  e;

	/* Asked first: a miss inside comment_moderate would roll back the
	 * whole bulk transaction. */
	if ((e = store_comment_trained(ar->st, id, &v)) == STORE_NOTFOUND)
		return true;
	if (e != STORE_OK)
		return false;
	return comment_moderate(ar->st, id, actions[act].to, ar->now) ==
	    STORE_OK;
}

static void
queue_post(struct http_req *req, struct http_resp *resp,
    const struct admin_req *ar)
{
	struct arena   *a = req->arena;
	const char     *dov, *colon, *act_s;
	enum mod_action act;
	size_t		n, i;
	int64_t		id, done = 0;

	dov = admin_field(ar, "do", &n);
	if (strcmp(dov, "bulk") == 0) {
		act_s = admin_field(ar, "action", &n);
		if (!action_parse(act_s, n, &act)) {
			http_resp_text(resp, 400,
			    "choose an action for the "
			    "ticked comments");
			return;
		}
		/* Every ticked row (the form repeats "id"), all or none: one
		 * transaction, so a failure leaves the list as it was. */
		if (store_begin(ar->st) != STORE_OK) {
			admin_store_failed(resp, ar->st);
			return;
		}
		for (i = 0; i < ar->form.n; i++) {
			const struct form_field *f = &ar->form.fields[i];

			if (strcmp(f->name, "id") != 0)
				continue;
			if ((id = id_of(f->value, f->value_len)) == 0)
				continue;
			if (!apply(ar, act, id)) {
				store_rollback(ar->st);
				admin_store_failed(resp, ar->st);
				return;
			}
			done++;
		}
		if (store_commit(ar->st) != STORE_OK) {
			admin_store_failed(resp, ar->st);
			return;
		}
	} else {
		if ((colon = memchr(dov, ':', n)) == NULL ||
		    !action_parse(dov, (size_t)(colon - dov), &act) ||
		    (id = id_of(colon + 1, n - (size_t)(colon + 1 - dov))) ==
			0) {
			http_resp_text(resp, 400, "unknown moderation action");
			return;
		}
		if (!apply(ar, act, id)) {
			admin_store_failed(resp, ar->st);
			return;
		}
		done = 1;
	}
	http_resp_redirect(resp, 303,
	    list_url(a, status_of(ar),
		arena_printf(a, "%lld-%s", (long long)done,
		    actions[act].name)));
}

void
admin_comments(struct http_req *req, struct http_resp *resp, void *ctx)
{
	struct admin_req ar;

	if (!admin_begin(req, resp, ctx, &ar) || !may_moderate(req, resp, &ar))
		return;
	if (req->method == HTTP_POST)
		queue_post(req, resp, &ar);
	else
		queue_page(req, resp, &ar);
}

static void
edit_page(struct http_req *req, struct http_resp *resp,
    const struct admin_req *ar, const struct comment *c,
    const struct comment_form *cf, int status)
{
	struct arena *a = req->arena;
	struct tval  *root = admin_root(req, ar, "Edit comment", NULL), *f;

	f = tv_map(a);
	tv_set(a, root, "comment", f);
	tv_set_int(a, f, "id", c->id);
	tv_set_str(a, f, "author", cf->author);
	tv_set_str(a, f, "url", cf->url);
	tv_set_str(a, f, "body", cf->body);
	tv_set_str(a, f, "email", c->email);
	tv_set_str(a, f, "status", comment_status_name(c->status));
	tv_set_str(a, f, "back", list_url(a, c->status, NULL));
	tv_set(a, f, "html", tv_raw(a, c->body_html, strlen(c->body_html)));
	tv_set_str(a, f, "err_author", cf->err_author);
	tv_set_str(a, f, "err_url", cf->err_url);
	tv_set_str(a, f, "err_body", cf->err_body);
	if (cf->err_author || cf->err_url || cf->err_body)
		tv_set_str(a, root, "error",
		    "The comment was not saved: "
		    "please see the notes by the fields below.");
	admin_render(resp, ar, "admin/comment-edit.html", root);
	if (status != 200 && resp->status == 200)
		resp->status = status;
}

void
admin_comment_edit(struct http_req *req, struct http_resp *resp, void *ctx)
{
	struct admin_req    ar;
	struct comment_form cf = { 0 };
	struct comment	    c;
	int64_t		    id = 0;
	size_t		    na, nu, nb;
	enum store_err	    e;

	if (!admin_begin(req, resp, ctx, &ar) || !may_moderate(req, resp, &ar))
		return;
	if (req->nparams > 0)
		id = id_of(req->params[0].p, req->params[0].n);
	e = id ? store_comment_get(ar.st, req->arena, id, &c) : STORE_NOTFOUND;
	if (e == STORE_NOTFOUND) {
		page_not_found(req, resp, ctx);
		http_resp_header(resp, "Cache-Control", "no-store");
		return;
	}
	if (e != STORE_OK) {
		admin_store_failed(resp, ar.st);
		return;
	}
	if (req->method != HTTP_POST) {
		cf.author = c.author;
		cf.url = c.url;
		cf.body = c.body_md;
		edit_page(req, resp, &ar, &c, &cf, 200);
		return;
	}
	cf.author = admin_field(&ar, "author", &na);
	cf.url = admin_field(&ar, "url", &nu);
	cf.body = admin_field(&ar, "body", &nb);
	e = comment_edit(ar.st, req->arena, id, &cf, na, nu, nb, ar.now);
	if (e == STORE_INVALID) {
		edit_page(req, resp, &ar, &c, &cf, 400);
		return;
	}
	if (e == STORE_NOTFOUND) {
		page_not_found(req, resp, ctx);
		return;
	}
	if (e != STORE_OK) {
		admin_store_failed(resp, ar.st);
		return;
	}
	http_resp_redirect(resp, 303, list_url(req->arena, c.status, "edited"));
}
