/* test-comment.c: the comment form's anti-forgery tokens: the cookie's
 * validity window and tampering, and the per-article form token; the
 * commenter cookie that trust under moderation policy "first" rides on. */
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "t.h"
#include "comment/comment-int.h"
#include "util/arena.h"

static struct comment_ctx ctx, other;

static void
flip(char *hex, size_t i)
{
	hex[i] = hex[i] == '0' ? '1' : '0';
}

static void
test_cookie_window(void)
{
	const int64_t now = 1767225600; /* 2026-01-01 */
	static const struct {
		int64_t issued; /* relative to now */
		bool	ok;
	} rows[] = {
		{ 0, true }, { -1, true }, { -CSRF_MAX_AGE, true },
		{ -CSRF_MAX_AGE - 1, false }, /* too old */
		{ 60, true },		      /* another node's clock ahead */
		{ 61, false },		      /* from the future */
		{ -now, false },	      /* issued at 0: ancient */
	};
	char	tok[CSRF_HEX + 1];
	int64_t when;
	size_t	i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		comment_csrf_make(&ctx, now + rows[i].issued, tok);
		when = -1;
		T_CHECK(comment_csrf_check(&ctx, tok, now, &when) == rows[i].ok,
		    "row %zu: issued %+lld s", i, (long long)rows[i].issued);
		if (rows[i].ok)
			T_EQ_INT(when, now + rows[i].issued);
	}
}

static void
test_cookie_tampered(void)
{
	const int64_t now = 1767225600;
	char	      tok[CSRF_HEX + 1], bad[CSRF_HEX + 3], t2[CSRF_HEX + 1];
	size_t	      i;

	comment_csrf_make(&ctx, now, tok);
	T_EQ_INT(strlen(tok), CSRF_HEX);
	T_TRUE(comment_csrf_check(&ctx, tok, now, NULL));
	/* Every digit matters: time, random part and MAC. */
	for (i = 0; i < CSRF_HEX; i++) {
		memcpy(bad, tok, sizeof(tok));
		flip(bad, i);
		T_CHECK(!comment_csrf_check(&ctx, bad, now, NULL),
		    "digit %zu flipped accepted", i);
	}
	T_TRUE(!comment_csrf_check(&ctx, NULL, now, NULL));
	T_TRUE(!comment_csrf_check(&ctx, "", now, NULL));
	snprintf(bad, sizeof(bad), "%s00", tok);
	T_TRUE(!comment_csrf_check(&ctx, bad, now, NULL));
	memcpy(bad, tok, CSRF_HEX - 2);
	bad[CSRF_HEX - 2] = '\0';
	T_TRUE(!comment_csrf_check(&ctx, bad, now, NULL));
	memcpy(bad, tok, sizeof(tok));
	bad[7] = 'g';
	T_TRUE(!comment_csrf_check(&ctx, bad, now, NULL));
	/* Upper-case hex is the same bytes: still genuine. */
	memcpy(bad, tok, sizeof(tok));
	for (i = 0; i < CSRF_HEX; i++)
		if (bad[i] >= 'a' && bad[i] <= 'f')
			bad[i] = (char)(bad[i] - 'a' + 'A');
	T_TRUE(comment_csrf_check(&ctx, bad, now, NULL));
	/* Another site's key (another database) does not vouch for it. */
	T_TRUE(!comment_csrf_check(&other, tok, now, NULL));
	/* Two tokens at the same second differ. */
	comment_csrf_make(&ctx, now, t2);
	T_TRUE(strcmp(tok, t2) != 0);
}

static void
test_form_token(void)
{
	struct arena a;
	const char  *t1, *t1b, *t2, *o1;

	arena_init(&a);
	t1 = comment_form_token(&a, &ctx, 1);
	t1b = comment_form_token(&a, &ctx, 1);
	t2 = comment_form_token(&a, &ctx, 2);
	o1 = comment_form_token(&a, &other, 1);
	T_EQ_INT(strlen(t1), 32);
	T_EQ_STR(t1, t1b);
	T_TRUE(strcmp(t1, t2) != 0);
	T_TRUE(strcmp(t1, o1) != 0);
	arena_free(&a);
}

/* The commenter cookie: its own value maps to one stored hash, and any
 * other value (tampered, forged, another site's, cut short) to none, so a
 * post with it is a stranger's. */
static void
test_commenter(void)
{
	char	     ck[COMMENTER_HEX + 1], ck2[COMMENTER_HEX + 1];
	char	     bad[COMMENTER_HEX + 3];
	const char  *h, *h2;
	struct arena a;
	size_t	     i;

	arena_init(&a);
	comment_commenter_make(&ctx, ck);
	T_EQ_INT(strlen(ck), COMMENTER_HEX);
	h = comment_commenter_hash(&a, &ctx, ck);
	T_TRUE(h != NULL);
	if (h == NULL)
		goto out;
	T_EQ_INT(strlen(h), 32);
	T_EQ_STR(comment_commenter_hash(&a, &ctx, ck), h);
	/* The store's hash is not the cookie, nor any part of it. */
	T_TRUE(strstr(ck, h) == NULL);
	comment_commenter_make(&ctx, ck2);
	T_TRUE(strcmp(ck, ck2) != 0);
	h2 = comment_commenter_hash(&a, &ctx, ck2);
	T_TRUE(h2 != NULL && strcmp(h, h2) != 0);
	for (i = 0; i < COMMENTER_HEX; i++) {
		memcpy(bad, ck, sizeof(ck));
		flip(bad, i);
		T_CHECK(comment_commenter_hash(&a, &ctx, bad) == NULL,
		    "digit %zu flipped accepted", i);
	}
	T_TRUE(comment_commenter_hash(&a, &ctx, NULL) == NULL);
	T_TRUE(comment_commenter_hash(&a, &ctx, "") == NULL);
	snprintf(bad, sizeof(bad), "%s00", ck);
	T_TRUE(comment_commenter_hash(&a, &ctx, bad) == NULL);
	memcpy(bad, ck, COMMENTER_HEX - 2);
	bad[COMMENTER_HEX - 2] = '\0';
	T_TRUE(comment_commenter_hash(&a, &ctx, bad) == NULL);
	memcpy(bad, ck, sizeof(ck));
	bad[3] = 'z';
	T_TRUE(comment_commenter_hash(&a, &ctx, bad) == NULL);
	/* A forger's own id with a made-up MAC. */
	memset(bad, 'a', COMMENTER_HEX);
	bad[COMMENTER_HEX] = '\0';
	T_TRUE(comment_commenter_hash(&a, &ctx, bad) == NULL);
	/* The id of a genuine cookie under another MAC: not the same
	 * commenter, and not genuine either. */
	memcpy(bad, ck, sizeof(ck));
	memcpy(bad + 2 * COMMENTER_ID, ck2 + 2 * COMMENTER_ID,
	    2 * COMMENTER_MAC);
	T_TRUE(comment_commenter_hash(&a, &ctx, bad) == NULL);
	/* Another site's key does not vouch for it. */
	T_TRUE(comment_commenter_hash(&a, &other, ck) == NULL);
out:
	arena_free(&a);
}

int
main(void)
{
	if (sodium_init() < 0)
		return 1;
	randombytes_buf(ctx.form_key, sizeof(ctx.form_key));
	randombytes_buf(other.form_key, sizeof(other.form_key));
	randombytes_buf(ctx.commenter_mac_key, sizeof(ctx.commenter_mac_key));
	randombytes_buf(ctx.commenter_id_key, sizeof(ctx.commenter_id_key));
	randombytes_buf(other.commenter_mac_key,
	    sizeof(other.commenter_mac_key));
	randombytes_buf(other.commenter_id_key, sizeof(other.commenter_id_key));
	T_RUN(test_cookie_window);
	T_RUN(test_cookie_tampered);
	T_RUN(test_form_token);
	T_RUN(test_commenter);
	T_DONE("comment");
}
