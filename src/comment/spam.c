/* spam.c: the comment spam classifier: tokens, scoring and training.
 *
 * How it decides. A comment becomes a set of tokens (each counted once,
 * however often it appears):
 *  - words of the body: runs of Unicode letters and digits, lowercased,
 *    2 to SPAM_WORD_MAX code points (longer: "meta:longword"). Tricks that
 *    hide a word from filters are undone first: zero-width characters and
 *    soft hyphens are dropped inside words, fullwidth letters are folded
 *    to ASCII, Cyrillic look-alikes inside a Latin word are read as Latin
 *    ("meta:mixedscript"), a word mixing letters and digits also gives its
 *    de-leeted form (v1agr4 → viagra), and letters spelled apart
 *    (c.a.s.i.n.o, c a s i n o) are joined ("meta:spaced");
 *  - words of the author's name, as "name:WORD";
 *  - the host of every link in the body (http://, https://, www.: plain,
 *    Markdown links and autolinks alike) and of the url field, as
 *    "host:example.com" (without "www."), and its last label as "tld:com";
 *  - a few facts about the comment: "meta:links=0|1|2|3-4|5+",
 *    "meta:url=yes|no", "meta:email=yes|no", "meta:len=…" (a length
 *    bucket), "meta:shouting" (mostly capitals).
 * Reading stops after SPAM_SCAN_MAX bytes of a field and SPAM_TOKENS_MAX
 * distinct tokens, so a comment's cost is bounded whatever it holds.
 *
 * Every moderator verdict trains it: approving counts the comment's tokens
 * as ham, marking it spam counts them as spam, and a changed verdict
 * takes the old counts back out first (comments.spam_trained records
 * which verdict a comment is counted under); an edit by a moderator
 * recounts the new text. Comments the site itself held (honeypot, or the
 * classifier's own suspicion) train nothing until a moderator rules.
 *
 * Scoring is Robinson's, as in SpamBayes. For a token seen in h of the H
 * ham and s of the S spam comments, p = (s/S) / (s/S + h/H), smoothed
 * towards 1/2 by how little it has been seen:
 *     f = (0.45 * 0.5 + (h + s) * p) / (0.45 + h + s).
 * Tokens never seen, or with f within 0.1 of 1/2, say nothing; of the
 * rest the SPAM_CLUES farthest from 1/2 are combined with Fisher's method:
 *     S = 1 - chi2Q(-2 Σ ln(1 - f), 2k),  N = 1 - chi2Q(-2 Σ ln f, 2k),
 *     score = (1 + S - N) / 2,
 * near 1 when the clues agree on spam, near 0 when they agree on ham, and
 * near 1/2 when they disagree or there are none. Until there are
 * SPAM_MIN_VERDICTS verdicts of each kind the classifier abstains (score
 * 1/2). A new comment scoring above the spam_threshold setting (0.9 by
 * default) is stored with status spam — held, never shown — and sits in
 * the moderation queue's spam list with its score, where approving it
 * publishes it and teaches the classifier it was wrong. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "comment/spam.h"
#include "util/arena.h"
#include "util/str.h"

#define STRENGTH   0.45 /* Robinson's s */
#define NEUTRAL	   0.5	/* Robinson's x */
#define MIN_DEV	   0.1
#define HASH_SLOTS 1024 /* > 2 * SPAM_TOKENS_MAX: short probes */

struct tok {
	struct arena *a;
	const char   *slot[HASH_SLOTS];
	const char  **v;
	size_t	      n;
};

static uint32_t
fnv(const char *s, size_t n)
{
	uint32_t h = 2166136261u;
	size_t	 i;

	for (i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 16777619u;
	return h;
}

/* Adds prefix + s[0..n) unless it is there already or the set is full. */
static void
add(struct tok *t, const char *prefix, const char *s, size_t n)
{
	char	 buf[SPAM_TOKEN_MAX + 1];
	size_t	 pl = strlen(prefix), len;
	uint32_t h;
	char	*copy;

	if (t->n >= SPAM_TOKENS_MAX || n == 0)
		return;
	if (pl + n > SPAM_TOKEN_MAX)
		n = SPAM_TOKEN_MAX - pl;
	memcpy(buf, prefix, pl);
	memcpy(buf + pl, s, n);
	len = pl + n;
	buf[len] = '\0';
	for (h = fnv(buf, len) % HASH_SLOTS; t->slot[h] != NULL;
	     h = (h + 1) % HASH_SLOTS)
		if (strcmp(t->slot[h], buf) == 0)
			return;
	copy = arena_strndup(t->a, buf, len);
	t->slot[h] = copy;
	t->v[t->n++] = copy;
}

static void
add_str(struct tok *t, const char *tokstr)
{
	add(t, "", tokstr, strlen(tokstr));
}

/* One code point of s[*i..n), advancing *i; -1 for a byte that does not
 * start a well-formed sequence (it is skipped alone). */
static int32_t
next_cp(const char *s, size_t n, size_t *i)
{
	uint32_t cp;
	size_t	 len = utf8_decode((const unsigned char *)s + *i, n - *i, &cp);

	if (len == 0) {
		(*i)++;
		return -1;
	}
	*i += len;
	return (int32_t)cp;
}

/* Characters that hide inside words: dropped, never separating. */
static bool
invisible(int32_t c)
{
	return c == 0xad || (c >= 0x200b && c <= 0x200d) || c == 0x2060 ||
	    c == 0xfeff || c == 0x34f || (c >= 0xfe00 && c <= 0xfe0f);
}

/* Letters and digits, roughly: ASCII ones, and every code point from
 * Latin-1's letters up, but for the blocks of punctuation, symbols,
 * arrows, shapes, CJK punctuation, emoji and U+FFFD. Close enough for
 * splitting words; no tables of Unicode needed. */
static bool
wordish(int32_t c)
{
	if (c < 0x80)
		return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9');
	if (c < 0xc0 || c == 0xd7 || c == 0xf7)
		return false;
	if ((c >= 0x2000 && c <= 0x2bff) || (c >= 0x3000 && c <= 0x303f) ||
	    (c >= 0xfe10 && c <= 0xfe6f) || (c >= 0xff00 && c <= 0xff0f) ||
	    (c >= 0xff1a && c <= 0xff20) || (c >= 0xff3b && c <= 0xff40) ||
	    (c >= 0xff5b && c <= 0xff65) || c >= 0x1f000 || c == 0xfffd)
		return false;
	return true;
}

/* Lower case for the scripts spam is written in, and fullwidth ASCII
 * folded to ASCII. */
static int32_t
lower(int32_t c)
{
	if (c >= 'A' && c <= 'Z')
		return c + 32;
	if (c >= 0xff21 && c <= 0xff3a)
		return c - 0xff21 + 'a';
	if (c >= 0xff41 && c <= 0xff5a)
		return c - 0xff41 + 'a';
	if (c >= 0xff10 && c <= 0xff19)
		return c - 0xff10 + '0';
	if ((c >= 0xc0 && c <= 0xde && c != 0xd7) ||
	    (c >= 0x391 && c <= 0x3a9) || (c >= 0x410 && c <= 0x42f))
		return c + 32;
	if (c >= 0x400 && c <= 0x40f)
		return c + 80;
	if (c >= 0x100 && c <= 0x17f && c % 2 == 0 &&
	    !(c >= 0x138 && c <= 0x148) && c < 0x178)
		return c + 1;
	return c;
}

/* The Latin letter a Cyrillic one passes for, or 0. */
static int32_t
homoglyph(int32_t c)
{
	static const struct {
		int32_t cyr, lat;
	} map[] = {
		{ 0x430, 'a' },
		{ 0x435, 'e' },
		{ 0x43e, 'o' },
		{ 0x440, 'p' },
		{ 0x441, 'c' },
		{ 0x443, 'y' },
		{ 0x445, 'x' },
		{ 0x456, 'i' },
		{ 0x455, 's' },
		{ 0x458, 'j' },
		{ 0x4bb, 'h' },
		{ 0x43a, 'k' },
		{ 0x43c, 'm' },
		{ 0x442, 't' },
		{ 0x432, 'b' },
	};
	size_t i;

	for (i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (map[i].cyr == c)
			return map[i].lat;
	return 0;
}

/* One word's code points, as read. */
struct word {
	int32_t cp[SPAM_WORD_MAX + 1];
	size_t	n;     /* kept, at most SPAM_WORD_MAX */
	size_t	total; /* read, for "too long" */
	bool	latin, cyrillic, digit;
};

static void
word_emit(struct tok *t, const char *prefix, struct word *w)
{
	char	buf[SPAM_WORD_MAX * 4 + 1];
	size_t	i, o = 0;
	int32_t c, g;
	bool	mixed = w->latin && w->cyrillic, allnum = true;

	if (w->total > SPAM_WORD_MAX) {
		add_str(t, "meta:longword");
		return;
	}
	if (w->n < 2)
		return;
	for (i = 0; i < w->n; i++) {
		c = w->cp[i];
		if (mixed && (g = homoglyph(c)) != 0)
			c = g;
		if (!(c >= '0' && c <= '9'))
			allnum = false;
		o += utf8_encode((uint32_t)c, buf + o);
	}
	if (mixed)
		add_str(t, "meta:mixedscript");
	if (allnum) {
		/* Years and small counts are words; phone and order numbers
		 * are all alike. */
		if (w->n >= 5) {
			add_str(t, "meta:number");
			return;
		}
	}
	add(t, prefix, buf, o);
	if (w->digit && w->latin && !allnum) {
		o = 0;
		for (i = 0; i < w->n; i++) {
			c = w->cp[i];
			if (mixed && (g = homoglyph(c)) != 0)
				c = g;
			if (c >= '0' && c <= '9' &&
			    strchr("01345", (int)c) != NULL)
				c = c == '0' ? 'o' :
				    c == '1' ? 'i' :
				    c == '3' ? 'e' :
				    c == '4' ? 'a' :
					       's';
			o += utf8_encode((uint32_t)c, buf + o);
		}
		add(t, prefix, buf, o);
	}
}

/* Letters spelled apart, one at a time: joined when 4 or more. */
struct spaced {
	char   buf[SPAM_WORD_MAX + 1];
	size_t n;
};

static void
spaced_end(struct tok *t, struct spaced *sp)
{
	if (sp->n >= 4) {
		add(t, "", sp->buf, sp->n);
		add_str(t, "meta:spaced");
	}
	sp->n = 0;
}

/* Splits s into words (prefixed), returning the number of ASCII capitals
 * and letters seen (for shouting). */
static void
words(struct tok *t, const char *prefix, const char *s, size_t n, size_t *caps,
    size_t *letters)
{
	struct word   w = { .n = 0 };
	struct spaced sp = { .n = 0 };
	size_t	      i = 0, gap = 0;
	int32_t	      c;

	if (n > SPAM_SCAN_MAX)
		n = SPAM_SCAN_MAX;
	for (;;) {
		c = i < n ? next_cp(s, n, &i) : -2; /* -2: the end */
		if (c >= 0 && invisible(c))
			continue;
		if (c >= 0 && wordish(c)) {
			if (caps && c < 0x80 &&
			    ((c | 32) >= 'a' && (c | 32) <= 'z')) {
				(*letters)++;
				if (c <= 'Z')
					(*caps)++;
			}
			c = lower(c);
			if (w.n < SPAM_WORD_MAX)
				w.cp[w.n++] = c;
			w.total++;
			if (c >= '0' && c <= '9')
				w.digit = true;
			else if (c < 0x250)
				w.latin = true;
			else if (c >= 0x400 && c <= 0x4ff)
				w.cyrillic = true;
			continue;
		}
		/* A word ends here. */
		if (w.total > 0) {
			if (w.total == 1 && w.cp[0] < 0x80 && gap <= 1 &&
			    sp.n < SPAM_WORD_MAX)
				sp.buf[sp.n++] = (char)w.cp[0];
			else {
				spaced_end(t, &sp);
				if (w.total == 1 && w.cp[0] < 0x80)
					sp.buf[sp.n++] = (char)w.cp[0];
			}
			word_emit(t, prefix, &w);
			memset(&w, 0, sizeof(w));
			gap = 0;
		}
		if (c == -2)
			break;
		gap++;
		if (gap > 1 || c == '\n')
			spaced_end(t, &sp);
	}
	spaced_end(t, &sp);
}

static bool
hostch(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '.' || c == '-' || c >= 0x80;
}

/* Adds host:H and tld:T for the host starting at p (n bytes left). */
static void
host_at(struct tok *t, const char *p, size_t n)
{
	char	    h[SPAM_TOKEN_MAX];
	size_t	    k = 0, i;
	const char *dot;

	for (i = 0; i < n && hostch((unsigned char)p[i]); i++)
		if (k < sizeof(h) - 8)
			h[k++] = (char)((p[i] >= 'A' && p[i] <= 'Z') ?
				p[i] + 32 :
				p[i]);
	while (k > 0 && (h[k - 1] == '.' || h[k - 1] == '-'))
		k--;
	h[k] = '\0';
	if (k >= 4 && strncmp(h, "www.", 4) == 0) {
		memmove(h, h + 4, k - 3);
		k -= 4;
	}
	if (k == 0 || memchr(h, '.', k) == NULL)
		return;
	add(t, "host:", h, k);
	dot = strrchr(h, '.');
	add(t, "tld:", dot + 1, k - (size_t)(dot + 1 - h));
}

static bool
prefix_ci(const char *p, size_t n, const char *pre)
{
	size_t k = strlen(pre), i;

	if (n < k)
		return false;
	for (i = 0; i < k; i++)
		if ((p[i] >= 'A' && p[i] <= 'Z' ? p[i] + 32 : p[i]) != pre[i])
			return false;
	return true;
}

/* Counts links in s and adds their hosts. */
static size_t
links(struct tok *t, const char *s, size_t n)
{
	size_t i, count = 0;

	if (n > SPAM_SCAN_MAX)
		n = SPAM_SCAN_MAX;
	for (i = 0; i < n; i++) {
		if (prefix_ci(s + i, n - i, "https://")) {
			i += 8;
		} else if (prefix_ci(s + i, n - i, "http://")) {
			i += 7;
		} else if (prefix_ci(s + i, n - i, "www.") &&
		    (i == 0 || !hostch((unsigned char)s[i - 1]))) {
			;
		} else
			continue;
		count++;
		host_at(t, s + i, n - i);
		while (i < n && hostch((unsigned char)s[i]))
			i++;
	}
	return count;
}

void
spam_tokenize(struct arena *a, const char *author, const char *email,
    const char *url, const char *body, size_t nbody, struct spam_tokens *out)
{
	struct tok		*t = arena_alloc(a, sizeof(*t));
	size_t			 nlinks, caps = 0, letters = 0, cps = 0, i;
	static const char *const lbucket[] = { "meta:links=0", "meta:links=1",
		"meta:links=2", "meta:links=3-4", "meta:links=3-4" };

	t->a = a;
	t->v = arena_alloc(a, SPAM_TOKENS_MAX * sizeof(*t->v));
	if (body == NULL)
		body = "", nbody = 0;
	/* The facts first: they must never be crowded out. */
	nlinks = links(t, body, nbody);
	add_str(t, nlinks < 5 ? lbucket[nlinks] : "meta:links=5+");
	add_str(t, url && *url ? "meta:url=yes" : "meta:url=no");
	add_str(t, email && *email ? "meta:email=yes" : "meta:email=no");
	for (i = 0; i < nbody && i < SPAM_SCAN_MAX; i++)
		if (((unsigned char)body[i] & 0xc0) != 0x80)
			cps++;
	add_str(t,
	    cps < 40	   ? "meta:len<40" :
		cps < 200  ? "meta:len<200" :
		cps < 1000 ? "meta:len<1000" :
			     "meta:len>=1000");
	if (url && *url)
		links(t, url, strlen(url));
	words(t, "", body, nbody, &caps, &letters);
	if (letters >= 12 && caps * 2 > letters)
		add_str(t, "meta:shouting");
	if (author)
		words(t, "name:", author, strlen(author), NULL, NULL);
	out->v = t->v;
	out->n = t->n;
}

void
spam_tokens_of(struct arena *a, const struct comment *c,
    struct spam_tokens *out)
{
	spam_tokenize(a, c->author, c->email, c->url, c->body_md,
	    c->body_md ? strlen(c->body_md) : 0, out);
}

/* The probability that chi-square with v (even) degrees of freedom is at
 * least x2: the series for even v needs no gamma function. */
static double
chi2q(double x2, size_t v)
{
	double m = x2 / 2.0, term, sum;
	size_t i;

	term = sum = exp(-m);
	for (i = 1; i < v / 2; i++) {
		term *= m / (double)i;
		sum += term;
	}
	return sum < 1.0 ? sum : 1.0;
}

static int
by_strength(const void *x, const void *y)
{
	double a = fabs(*(const double *)x - 0.5);
	double b = fabs(*(const double *)y - 0.5);

	return a < b ? 1 : a > b ? -1 : 0;
}

double
spam_combine(const struct spam_count *c, size_t n, int64_t ham_total,
    int64_t spam_total)
{
	double f[SPAM_TOKENS_MAX], p, hr, sr, cnt, lns = 0, lnh = 0, s, h;
	size_t i, k = 0;

	if (ham_total < SPAM_MIN_VERDICTS || spam_total < SPAM_MIN_VERDICTS)
		return SPAM_UNSURE;
	for (i = 0; i < n && k < SPAM_TOKENS_MAX; i++) {
		if (c[i].ham <= 0 && c[i].spam <= 0)
			continue;
		hr = (double)(c[i].ham > 0 ? c[i].ham : 0) / (double)ham_total;
		sr = (double)(c[i].spam > 0 ? c[i].spam : 0) /
		    (double)spam_total;
		/* Counts past their totals (a hand-edited table) are
		 * clipped: a ratio is at most 1. */
		hr = hr > 1 ? 1 : hr;
		sr = sr > 1 ? 1 : sr;
		p = sr / (hr + sr);
		cnt = (double)((c[i].ham > 0 ? c[i].ham : 0) +
		    (c[i].spam > 0 ? c[i].spam : 0));
		p = (STRENGTH * NEUTRAL + cnt * p) / (STRENGTH + cnt);
		if (fabs(p - 0.5) >= MIN_DEV)
			f[k++] = p;
	}
	if (k == 0)
		return SPAM_UNSURE;
	qsort(f, k, sizeof(f[0]), by_strength);
	if (k > SPAM_CLUES)
		k = SPAM_CLUES;
	for (i = 0; i < k; i++) {
		lns += log(f[i]);
		lnh += log(1.0 - f[i]);
	}
	/* Σ ln(1 - f) is very negative when the f are near 1: evidence of
	 * spam, and the other way about. */
	s = 1.0 - chi2q(-2.0 * lnh, 2 * k);
	h = 1.0 - chi2q(-2.0 * lns, 2 * k);
	p = (1.0 + s - h) / 2.0;
	return p < 0 ? 0 : p > 1 ? 1 : p;
}

enum store_err
spam_score(struct store *st, const struct spam_tokens *t, double *score)
{
	struct spam_count counts[SPAM_TOKENS_MAX];
	int64_t		  ham, spam;
	enum store_err	  e;

	*score = SPAM_UNSURE;
	if ((e = store_spam_totals(st, &ham, &spam)) != STORE_OK)
		return e;
	/* Abstaining needs no token lookups. */
	if (ham < SPAM_MIN_VERDICTS || spam < SPAM_MIN_VERDICTS)
		return STORE_OK;
	if ((e = store_spam_counts(st, t->v, t->n, counts)) != STORE_OK)
		return e;
	*score = spam_combine(counts, t->n, ham, spam);
	return STORE_OK;
}

enum store_err
spam_train(struct store *st, int64_t id, enum spam_verdict to)
{
	struct spam_tokens t;
	enum spam_verdict  was;
	struct comment	   c;
	struct arena	   a;
	enum store_err	   e;

	arena_init(&a);
	if ((e = store_begin(st)) != STORE_OK)
		goto done;
	if ((e = store_comment_trained(st, id, &was)) != STORE_OK || was == to)
		goto out;
	if ((e = store_comment_get(st, &a, id, &c)) != STORE_OK)
		goto out;
	spam_tokens_of(&a, &c, &t);
	if (was != SPAM_NONE &&
	    (e = store_spam_add(st, t.v, t.n, was, -1)) != STORE_OK)
		goto out;
	if (to != SPAM_NONE &&
	    (e = store_spam_add(st, t.v, t.n, to, 1)) != STORE_OK)
		goto out;
	e = store_comment_set_trained(st, id, to);
out:
	if (e != STORE_OK)
		store_rollback(st);
	else
		e = store_commit(st);
done:
	arena_free(&a);
	return e;
}
