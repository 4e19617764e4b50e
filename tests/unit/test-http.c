/* test-http.c: tables for routes, forms, cookies, URL decoding and status
 * texts, then a real server on loopback driven through plain sockets. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdlib.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "t.h"
#include "http/http-int.h"
#include "http/http.h"

static void
h_dummy(struct http_req *q, struct http_resp *r, void *c)
{
	(void)q;
	(void)r;
	(void)c;
}

static void
test_route(void)
{
	static const struct route routes[] = {
		{ HTTP_M(HTTP_GET), "/", h_dummy },
		{ HTTP_M(HTTP_GET), "/about", h_dummy },
		{ HTTP_M(HTTP_GET), "/:year/", h_dummy },
		{ HTTP_M(HTTP_GET), "/:year/:month/:slug", h_dummy },
		{ HTTP_M(HTTP_POST), "/:year/:month/:slug", h_dummy },
		{ HTTP_M(HTTP_GET) | HTTP_M(HTTP_DELETE), "/static/*",
		    h_dummy },
		{ HTTP_M(HTTP_POST) | HTTP_M(HTTP_PUT), "/api/items", h_dummy },
		{ HTTP_M(HTTP_PATCH), "/api/items/:id", h_dummy },
	};
	static const struct {
		enum http_method  m;
		const char	 *path;
		enum route_result want;
		int		  route; /* index when found */
		const char	 *p0, *p1, *p2;
		unsigned	  allow;
	} rows[] = {
		{ HTTP_GET, "/", ROUTE_FOUND, 0, NULL, NULL, NULL, 0 },
		{ HTTP_HEAD, "/", ROUTE_FOUND, 0, NULL, NULL, NULL, 0 },
		{ HTTP_POST, "/", ROUTE_BAD_METHOD, 0, NULL, NULL, NULL,
		    HTTP_M(HTTP_GET) | HTTP_M(HTTP_HEAD) },
		{ HTTP_GET, "", ROUTE_NOT_FOUND, 0, NULL, NULL, NULL, 0 },
		{ HTTP_GET, "//", ROUTE_NOT_FOUND, 0, NULL, NULL, NULL, 0 },
		{ HTTP_GET, "/about", ROUTE_FOUND, 1, NULL, NULL, NULL, 0 },
		{ HTTP_GET, "/about/", ROUTE_FOUND, 2, "about", NULL, NULL, 0 },
		{ HTTP_GET, "/aboutx", ROUTE_NOT_FOUND, 0, NULL, NULL, NULL,
		    0 },
		{ HTTP_GET, "/2022/", ROUTE_FOUND, 2, "2022", NULL, NULL, 0 },
		{ HTTP_GET, "/2022", ROUTE_NOT_FOUND, 0, NULL, NULL, NULL, 0 },
		{ HTTP_GET, "/2022/01/hello", ROUTE_FOUND, 3, "2022", "01",
		    "hello", 0 },
		{ HTTP_HEAD, "/2022/01/hello", ROUTE_FOUND, 3, "2022", "01",
		    "hello", 0 },
		{ HTTP_POST, "/2022/01/hello", ROUTE_FOUND, 4, "2022", "01",
		    "hello", 0 },
		{ HTTP_DELETE, "/2022/01/hello", ROUTE_BAD_METHOD, 0, NULL,
		    NULL, NULL,
		    HTTP_M(HTTP_GET) | HTTP_M(HTTP_HEAD) | HTTP_M(HTTP_POST) },
		{ HTTP_GET, "/2022/01/hello/", ROUTE_NOT_FOUND, 0, NULL, NULL,
		    NULL, 0 },
		{ HTTP_GET, "/2022//hello", ROUTE_NOT_FOUND, 0, NULL, NULL,
		    NULL, 0 },
		{ HTTP_GET, "/static/css/site.css", ROUTE_FOUND, 3, "static",
		    "css", "site.css", 0 }, /* the first match wins */
		{ HTTP_GET, "/static/css/x/site.css", ROUTE_FOUND, 5,
		    "css/x/site.css", NULL, NULL, 0 },
		{ HTTP_GET, "/static/a", ROUTE_FOUND, 5, "a", NULL, NULL, 0 },
		{ HTTP_GET, "/static/", ROUTE_FOUND, 2, "static", NULL, NULL,
		    0 },
		{ HTTP_POST, "/static/", ROUTE_BAD_METHOD, 0, NULL, NULL, NULL,
		    HTTP_M(HTTP_GET) | HTTP_M(HTTP_HEAD) },
		{ HTTP_GET, "/static", ROUTE_NOT_FOUND, 0, NULL, NULL, NULL,
		    0 },
		{ HTTP_PUT, "/static/x", ROUTE_BAD_METHOD, 0, NULL, NULL, NULL,
		    HTTP_M(HTTP_GET) | HTTP_M(HTTP_HEAD) |
			HTTP_M(HTTP_DELETE) },
		{ HTTP_GET, "/api/items", ROUTE_BAD_METHOD, 0, NULL, NULL, NULL,
		    HTTP_M(HTTP_POST) | HTTP_M(HTTP_PUT) },
		{ HTTP_HEAD, "/api/items", ROUTE_BAD_METHOD, 0, NULL, NULL,
		    NULL, HTTP_M(HTTP_POST) | HTTP_M(HTTP_PUT) },
		{ HTTP_OPTIONS, "/api/items", ROUTE_BAD_METHOD, 0, NULL, NULL,
		    NULL, HTTP_M(HTTP_POST) | HTTP_M(HTTP_PUT) },
		{ HTTP_PATCH, "/api/items/7", ROUTE_FOUND, 7, "7", NULL, NULL,
		    0 },
		{ HTTP_PATCH, "/api/items/", ROUTE_NOT_FOUND, 0, NULL, NULL,
		    NULL, 0 },
		{ HTTP_GET, "/nope/x", ROUTE_NOT_FOUND, 0, NULL, NULL, NULL,
		    0 },
	};
	size_t		    i, n = sizeof(routes) / sizeof(routes[0]);
	struct http_req	    req;
	const struct route *found;
	enum route_result   rr;
	unsigned	    allow;
	const char	   *want[3];
	size_t		    j;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		memset(&req, 0, sizeof(req));
		allow = 0;
		rr = route_match(routes, n, rows[i].m, rows[i].path, &req,
		    &found, &allow);
		T_CHECK(rr == rows[i].want, "route %s %s: got %d, want %d",
		    http_method_name(rows[i].m), rows[i].path, rr,
		    rows[i].want);
		if (rr != rows[i].want)
			continue;
		if (rr == ROUTE_BAD_METHOD)
			T_CHECK(allow == rows[i].allow,
			    "allow %s: %#x, want %#x", rows[i].path, allow,
			    rows[i].allow);
		if (rr != ROUTE_FOUND)
			continue;
		T_CHECK(found == &routes[rows[i].route], "route %s: index %d",
		    rows[i].path, (int)(found - routes));
		want[0] = rows[i].p0;
		want[1] = rows[i].p1;
		want[2] = rows[i].p2;
		for (j = 0; j < 3 && want[j]; j++)
			T_CHECK(j < req.nparams &&
				req.params[j].n == strlen(want[j]) &&
				memcmp(req.params[j].p, want[j],
				    req.params[j].n) == 0,
			    "route %s: param %zu", rows[i].path, j);
		T_CHECK(req.nparams == j, "route %s: nparams %zu, want %zu",
		    rows[i].path, req.nparams, j);
	}
}

static void
test_allow(void)
{
	struct buf b = BUF_INIT;

	http_allow_format(&b, HTTP_M(HTTP_GET));
	T_EQ_STR(buf_str(&b), "GET, HEAD, OPTIONS");
	buf_reset(&b);
	http_allow_format(&b, HTTP_M(HTTP_POST) | HTTP_M(HTTP_DELETE));
	T_EQ_STR(buf_str(&b), "POST, DELETE, OPTIONS");
	buf_free(&b);
}

static void
test_form(void)
{
	static const struct {
		const char   *in;
		size_t	      inlen; /* 0: strlen */
		size_t	      max;
		enum form_err want;
		size_t	      n;
		const char   *name[3];
		size_t	      nlen[3];
		const char   *value[3];
		size_t	      vlen[3];
	} rows[] = {
		{ "", 0, 10, FORM_OK, 0, { 0 }, { 0 }, { 0 }, { 0 } },
		{ "a=1", 0, 10, FORM_OK, 1, { "a" }, { 1 }, { "1" }, { 1 } },
		{ "a=1&b=two+words", 0, 10, FORM_OK, 2, { "a", "b" }, { 1, 1 },
		    { "1", "two words" }, { 1, 9 } },
		{ "a+b=%41%62%2B", 0, 10, FORM_OK, 1, { "a b" }, { 3 },
		    { "Ab+" }, { 3 } },
		{ "x=%e2%82%AC", 0, 10, FORM_OK, 1, { "x" }, { 1 },
		    { "\xe2\x82\xac" }, { 3 } },
		{ "a&&b=&=c", 0, 10, FORM_OK, 3, { "a", "b", "" }, { 1, 1, 0 },
		    { "", "", "c" }, { 0, 0, 1 } },
		{ "&&&", 0, 10, FORM_OK, 0, { 0 }, { 0 }, { 0 }, { 0 } },
		{ "n%00m=v%00w", 0, 10, FORM_OK, 1, { "n\0m" }, { 3 },
		    { "v\0w" }, { 3 } },
		{ "a=b=c", 0, 10, FORM_OK, 1, { "a" }, { 1 }, { "b=c" },
		    { 3 } },
		{ "a=1&b=2&c=3", 0, 3, FORM_OK, 3, { "a", "b", "c" },
		    { 1, 1, 1 }, { "1", "2", "3" }, { 1, 1, 1 } },
		{ "a=1&b=2&c=3&d=4", 0, 3, FORM_TOO_MANY, 0, { 0 }, { 0 },
		    { 0 }, { 0 } },
		{ "a=1&&&&b=2", 0, 2, FORM_OK, 2, { "a", "b" }, { 1, 1 },
		    { "1", "2" }, { 1, 1 } },
		{ "a=%", 0, 10, FORM_BAD_ESCAPE, 0, { 0 }, { 0 }, { 0 },
		    { 0 } },
		{ "a=%4", 0, 10, FORM_BAD_ESCAPE, 0, { 0 }, { 0 }, { 0 },
		    { 0 } },
		{ "a=%4g", 0, 10, FORM_BAD_ESCAPE, 0, { 0 }, { 0 }, { 0 },
		    { 0 } },
		{ "%zz=1", 0, 10, FORM_BAD_ESCAPE, 0, { 0 }, { 0 }, { 0 },
		    { 0 } },
		{ "ok=1&bad=%", 0, 10, FORM_BAD_ESCAPE, 0, { 0 }, { 0 }, { 0 },
		    { 0 } },
		/* the view ends before "%41": no reading past n */
		{ "a=1%41", 3, 10, FORM_OK, 1, { "a" }, { 1 }, { "1" }, { 1 } },
		{ "a=1%41", 4, 10, FORM_BAD_ESCAPE, 0, { 0 }, { 0 }, { 0 },
		    { 0 } },
	};
	struct arena  a;
	struct form   f;
	enum form_err e;
	size_t	      i, j, len;
	const char   *v;

	arena_init(&a);
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		len = rows[i].inlen ? rows[i].inlen : strlen(rows[i].in);
		e = form_parse(&a, rows[i].in, len, rows[i].max, &f);
		T_CHECK(e == rows[i].want, "form \"%s\": err %d, want %d",
		    rows[i].in, e, rows[i].want);
		if (e != FORM_OK)
			continue;
		T_CHECK(f.n == rows[i].n, "form \"%s\": n %zu, want %zu",
		    rows[i].in, f.n, rows[i].n);
		for (j = 0; j < f.n && j < 3; j++) {
			T_CHECK(f.fields[j].name_len == rows[i].nlen[j] &&
				memcmp(f.fields[j].name, rows[i].name[j],
				    rows[i].nlen[j]) == 0 &&
				f.fields[j].name[f.fields[j].name_len] == '\0',
			    "form \"%s\": name %zu", rows[i].in, j);
			T_CHECK(f.fields[j].value_len == rows[i].vlen[j] &&
				memcmp(f.fields[j].value, rows[i].value[j],
				    rows[i].vlen[j]) == 0 &&
				f.fields[j].value[f.fields[j].value_len] ==
				    '\0',
			    "form \"%s\": value %zu", rows[i].in, j);
		}
	}
	T_EQ_INT(form_parse(&a, "q=a+b&q=c&empty", 15, 10, &f), FORM_OK);
	v = form_get(&f, "q", &len);
	T_EQ_STR(v, "a b");
	T_EQ_INT(len, 3);
	T_EQ_STR(form_get(&f, "empty", NULL), "");
	T_TRUE(form_get(&f, "missing", NULL) == NULL);
	T_TRUE(form_get(&f, "", NULL) == NULL);
	arena_free(&a);
}

/* The query parser and the cache key made from what it keeps: every
 * spelling of one query is one key, and the key holds exactly what the
 * page can read. */
static void
test_query(void)
{
	static const struct {
		const char	   *in;
		size_t		    inlen; /* 0: strlen(in) */
		const char	   *names;
		bool		    strict;
		enum http_query_err want;
		const char	   *bad; /* *bad on an error */
		const char	   *key; /* http_cache_key("/p", ...) when OK */
	} rows[] = {
		{ "", 0, "a b", false, HTTP_QUERY_OK, NULL, "/p" },
		{ "a=1&b=2", 0, "a b", false, HTTP_QUERY_OK, NULL,
		    "/p?a=1&b=2" },
		/* the route's order, not the request's */
		{ "b=2&a=1", 0, "a b", false, HTTP_QUERY_OK, NULL,
		    "/p?a=1&b=2" },
		/* escaped names and values are the names and values */
		{ "%61=1", 0, "a", false, HTTP_QUERY_OK, NULL, "/p?a=1" },
		{ "a=%31", 0, "a", false, HTTP_QUERY_OK, NULL, "/p?a=1" },
		{ "comments_%61fter=9&%68eld=1", 0, "comments_after reply held",
		    false, HTTP_QUERY_OK, NULL, "/p?comments_after=9&held=1" },
		{ "a=x+y", 0, "a", false, HTTP_QUERY_OK, NULL, "/p?a=x%20y" },
		{ "a=x%20y", 0, "a", false, HTTP_QUERY_OK, NULL, "/p?a=x%20y" },
		{ "a=x%2By", 0, "a", false, HTTP_QUERY_OK, NULL, "/p?a=x%2By" },
		{ "a=%26b%3Dc", 0, "a", false, HTTP_QUERY_OK, NULL,
		    "/p?a=%26b%3Dc" },
		{ "a=caf%C3%A9", 0, "a", false, HTTP_QUERY_OK, NULL,
		    "/p?a=caf%C3%A9" },
		{ "a=caf\xc3\xa9", 0, "a", false, HTTP_QUERY_OK, NULL,
		    "/p?a=caf%C3%A9" },
		{ "a=%09", 0, "a", false, HTTP_QUERY_OK, NULL, "/p?a=%09" },
		/* ';' separates nothing */
		{ "a=1;b=2", 0, "a b", false, HTTP_QUERY_OK, NULL,
		    "/p?a=1%3Bb%3D2" },
		{ "x=1;a=2", 0, "a", false, HTTP_QUERY_OK, NULL, "/p" },
		/* present and empty is not absent */
		{ "a", 0, "a", false, HTTP_QUERY_OK, NULL, "/p?a=" },
		{ "a=", 0, "a", false, HTTP_QUERY_OK, NULL, "/p?a=" },
		{ "&&a=1&&", 0, "a", false, HTTP_QUERY_OK, NULL, "/p?a=1" },
		/* not the route's: dropped, however spelled */
		{ "x=1&a=2", 0, "a", false, HTTP_QUERY_OK, NULL, "/p?a=2" },
		{ "x=%zz&y=%00&y=%ff&a=2", 0, "a", false, HTTP_QUERY_OK, NULL,
		    "/p?a=2" },
		{ "a+=1&A=2&a%=3", 0, "a", false, HTTP_QUERY_OK, NULL, "/p" },
		{ "a=1", 0, NULL, false, HTTP_QUERY_OK, NULL, "/p" },
		{ "b=1", 0, "  a   b ", false, HTTP_QUERY_OK, NULL, "/p?b=1" },
		/* the view ends before "%41": no reading past n */
		{ "a=1%41", 3, "a", false, HTTP_QUERY_OK, NULL, "/p?a=1" },
		{ "a=1%41", 4, "a", false, HTTP_QUERY_BAD_ESCAPE, "a", NULL },
		/* a used parameter must be well-formed, and come once */
		{ "a=%zz", 0, "a", false, HTTP_QUERY_BAD_ESCAPE, "a", NULL },
		{ "a=%4", 0, "a", false, HTTP_QUERY_BAD_ESCAPE, "a", NULL },
		{ "a=%", 0, "a", false, HTTP_QUERY_BAD_ESCAPE, "a", NULL },
		{ "a=x%00y", 0, "a", false, HTTP_QUERY_NUL, "a", NULL },
		{ "a=%01", 0, "a", false, HTTP_QUERY_CONTROL, "a", NULL },
		{ "a=%7f", 0, "a", false, HTTP_QUERY_CONTROL, "a", NULL },
		{ "a=%ff", 0, "a", false, HTTP_QUERY_BAD_UTF8, "a", NULL },
		{ "a=%ed%a0%80", 0, "a", false, HTTP_QUERY_BAD_UTF8, "a",
		    NULL },
		{ "a=1&a=1", 0, "a", false, HTTP_QUERY_TWICE, "a", NULL },
		{ "a=1&%61=2", 0, "a b", false, HTTP_QUERY_TWICE, "a", NULL },
		{ "a&a", 0, "a", false, HTTP_QUERY_TWICE, "a", NULL },
		/* strict: anything else is refused */
		{ "a=1&x=1", 0, "a", true, HTTP_QUERY_UNKNOWN, "x", NULL },
		{ "%78=1", 0, "a", true, HTTP_QUERY_UNKNOWN, "x", NULL },
		{ "x%01=1", 0, "a", true, HTTP_QUERY_UNKNOWN, NULL, NULL },
		{ "=1", 0, "a", true, HTTP_QUERY_UNKNOWN, NULL, NULL },
		{ "x=1", 0, NULL, true, HTTP_QUERY_UNKNOWN, "x", NULL },
		{ "%zz=1", 0, "a", true, HTTP_QUERY_BAD_ESCAPE, NULL, NULL },
		{ "a=1", 0, "a", true, HTTP_QUERY_OK, NULL, "/p?a=1" },
		{ "", 0, NULL, true, HTTP_QUERY_OK, NULL, "/p" },
	};
	struct arena	    a;
	struct form	    f;
	enum http_query_err e;
	const char	   *bad, *key;
	size_t		    i, len, klen;

	arena_init(&a);
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		len = rows[i].inlen ? rows[i].inlen : strlen(rows[i].in);
		bad = "unset";
		e = http_query_parse(&a, rows[i].in, len, rows[i].names,
		    rows[i].strict, &f, &bad);
		T_CHECK(e == rows[i].want, "query \"%s\": err %d, want %d",
		    rows[i].in, e, rows[i].want);
		if (e != HTTP_QUERY_OK) {
			T_CHECK(f.n == 0, "query \"%s\": empty on error",
			    rows[i].in);
			T_CHECK(rows[i].bad ?
				bad && strcmp(bad, rows[i].bad) == 0 :
				bad == NULL,
			    "query \"%s\": bad \"%s\"", rows[i].in,
			    bad ? bad : "(null)");
			continue;
		}
		T_CHECK(bad == NULL, "query \"%s\": bad set", rows[i].in);
		key = http_cache_key(&a, "/p", &f, &klen);
		T_CHECK(strcmp(key, rows[i].key) == 0 && klen == strlen(key),
		    "query \"%s\": key \"%s\", want \"%s\"", rows[i].in, key,
		    rows[i].key);
	}
	T_EQ_INT(http_query_parse(&a, "held=1&x=2&reply=%33", 20,
		     "comments_after reply held", false, &f, &bad),
	    HTTP_QUERY_OK);
	T_EQ_INT(f.n, 2);
	T_EQ_STR(form_get(&f, "reply", &len), "3");
	T_EQ_STR(form_get(&f, "held", NULL), "1");
	T_TRUE(form_get(&f, "x", NULL) == NULL);
	T_TRUE(form_get(&f, "comments_after", NULL) == NULL);
	T_EQ_STR(http_query_problem(&a, HTTP_QUERY_NUL, "q"),
	    "query parameter 'q' contains a NUL byte");
	T_EQ_STR(http_query_problem(&a, HTTP_QUERY_TWICE, "q"),
	    "query parameter 'q' is given more than once");
	T_EQ_STR(http_query_problem(&a, HTTP_QUERY_UNKNOWN, "utm"),
	    "unknown query parameter 'utm'");
	T_EQ_STR(http_query_problem(&a, HTTP_QUERY_UNKNOWN, NULL),
	    "unknown query parameter");
	T_CONTAINS(http_query_problem(&a, HTTP_QUERY_BAD_ESCAPE, NULL),
	    "the query string has a broken percent-escape");
	arena_free(&a);
}

static void
test_url_decode(void)
{
	static const struct {
		const char *in;
		const char *want; /* NULL: malformed */
		size_t	    wlen;
	} rows[] = {
		{ "hello", "hello", 5 },
		{ "", "", 0 },
		{ "a+b", "a+b", 3 },
		{ "a%20b", "a b", 3 },
		{ "%2F%2f", "//", 2 },
		{ "caf%C3%A9", "caf\xc3\xa9", 5 },
		{ "x%00y", "x\0y", 3 },
		{ "%", NULL, 0 },
		{ "%a", NULL, 0 },
		{ "%%41", NULL, 0 },
		{ "%G0", NULL, 0 },
		{ "ok%2", NULL, 0 },
	};
	struct arena a;
	size_t	     i, len;
	char	    *out;

	arena_init(&a);
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		len = 999;
		out = url_decode_segment(&a, rows[i].in, strlen(rows[i].in),
		    &len);
		if (rows[i].want == NULL) {
			T_CHECK(out == NULL, "decode \"%s\": want NULL",
			    rows[i].in);
			continue;
		}
		T_CHECK(out && len == rows[i].wlen &&
			memcmp(out, rows[i].want, len) == 0 && out[len] == '\0',
		    "decode \"%s\"", rows[i].in);
	}
	arena_free(&a);
}

static void
test_cookie(void)
{
	static const struct {
		const char *header, *name, *want;
	} rows[] = {
		{ "sid=abc", "sid", "abc" },
		{ "a=1; b=2", "a", "1" },
		{ "a=1; b=2", "b", "2" },
		{ "a=1;b=2", "b", "2" },
		{ "  a = 1 ;  b =  2  ", "b", "2" },
		{ "a=1; b=2", "c", NULL },
		{ "ab=1; b=2", "b", "2" },
		{ "b=first; b=second", "b", "first" },
		{ "q=\"quoted value\"", "q", "quoted value" },
		{ "q=\"", "q", "\"" },
		{ "q=\"\"", "q", "" },
		{ "e=", "e", "" },
		{ "flag; x=1", "x", "1" },
		{ "flag; x=1", "flag", NULL },
		{ "x=a=b", "x", "a=b" },
		{ "", "x", NULL },
		{ ";;;", "x", NULL },
		{ "=v; x=1", "", "v" },
		{ "X=1", "x", NULL },
		{ NULL, "x", NULL },
	};
	struct arena a;
	size_t	     i;
	const char  *got;

	arena_init(&a);
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		got = cookie_find(&a, rows[i].header, rows[i].name);
		if (rows[i].want == NULL)
			T_CHECK(got == NULL, "cookie %s in \"%s\": got \"%s\"",
			    rows[i].name, rows[i].header ? rows[i].header : "",
			    got);
		else
			T_EQ_STR(got, rows[i].want);
	}
	arena_free(&a);
}

static void
test_limit_key(void)
{
	static const struct {
		const char *addr, *key;
	} rows[] = {
		{ "192.0.2.7", "192.0.2.7" },
		{ "::ffff:192.0.2.7", "192.0.2.7" },
		{ "::FFFF:192.0.2.7", "192.0.2.7" },
		{ "2001:db8:1:2::1", "2001:db8:1:2::/64" },
		{ "2001:db8:1:2:aaaa:bbbb:cccc:dddd", "2001:db8:1:2::/64" },
		{ "2001:0db8:0001:0002:0:0:0:ffff", "2001:db8:1:2::/64" },
		{ "2001:db8:1:3::1", "2001:db8:1:3::/64" },
		{ "2001:db8::1", "2001:db8::/64" },
		{ "::1", "::/64" },
		{ "fe80::1%eth0", "fe80::1%eth0" }, /* no address: itself */
		{ "-", "-" },
		{ "", "" },
	};
	char   key[HTTP_LIMIT_KEY_MAX], small[8];
	size_t i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		http_limit_key(rows[i].addr, key, sizeof(key));
		T_CHECK(strcmp(key, rows[i].key) == 0,
		    "limit key of \"%s\": "
		    "\"%s\", want \"%s\"",
		    rows[i].addr, key, rows[i].key);
	}
	http_limit_key("2001:db8:1:2::1", small, sizeof(small));
	T_EQ_STR(small, "2001:db"); /* truncated, terminated */
}

static void
test_addr_counts(void)
{
	struct http_addr_counts *t = http_addr_counts_new(4);
	char			 key[32];
	int			 i;

	T_TRUE(http_addr_counts_take(t, "a", 2));
	T_TRUE(http_addr_counts_take(t, "a", 2));
	T_TRUE(!http_addr_counts_take(t, "a", 2)); /* at the cap */
	T_EQ_INT(http_addr_counts_get(t, "a"), 2);
	T_TRUE(http_addr_counts_take(t, "b", 2)); /* others unhurt */
	http_addr_counts_put(t, "a");
	T_TRUE(http_addr_counts_take(t, "a", 2));
	T_TRUE(!http_addr_counts_take(t, "c", 0));
	T_EQ_INT(http_addr_counts_get(t, "c"), 0);
	/* Many keys in a small table; all gone once put back. */
	for (i = 0; i < 5000; i++) {
		snprintf(key, sizeof(key), "10.0.%d.%d", i / 256, i % 256);
		T_CHECK(http_addr_counts_take(t, key, 1), "take %s", key);
	}
	for (i = 0; i < 5000; i++) {
		snprintf(key, sizeof(key), "10.0.%d.%d", i / 256, i % 256);
		http_addr_counts_put(t, key);
	}
	for (i = 0; i < 5000; i += 499) {
		snprintf(key, sizeof(key), "10.0.%d.%d", i / 256, i % 256);
		T_EQ_INT(http_addr_counts_get(t, key), 0);
	}
	http_addr_counts_put(t, "never"); /* not counted: nothing */
	T_EQ_INT(http_addr_counts_get(t, "a"), 2);
	T_EQ_INT(http_addr_counts_get(t, "b"), 1);
	http_addr_counts_free(t);
	http_addr_counts_free(NULL);
}

static void
test_status_and_resp(void)
{
	static const struct {
		int	    code;
		const char *want;
	} rows[] = {
		{ 200, "OK" },
		{ 204, "No Content" },
		{ 301, "Moved Permanently" },
		{ 303, "See Other" },
		{ 304, "Not Modified" },
		{ 400, "Bad Request" },
		{ 403, "Forbidden" },
		{ 404, "Not Found" },
		{ 405, "Method Not Allowed" },
		{ 413, "Content Too Large" },
		{ 414, "URI Too Long" },
		{ 429, "Too Many Requests" },
		{ 431, "Request Header Fields Too Large" },
		{ 500, "Internal Server Error" },
		{ 501, "Not Implemented" },
		{ 505, "HTTP Version Not Supported" },
		{ 799, "Unknown" },
		{ -1, "Unknown" },
	};
	struct http_resp    r;
	struct http_shared *sh;
	struct buf	    b = BUF_INIT;
	size_t		    i, len;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		T_EQ_STR(http_status_text(rows[i].code), rows[i].want);

	http_resp_init(&r);
	T_EQ_INT(r.status, 200);
	for (i = 0; i < 30; i++)
		http_resp_header(&r, "X-A", "1");
	T_EQ_INT(r.nheaders, 24);
	http_resp_clear(&r);
	http_resp_redirect(&r, 0, "/x");
	T_EQ_INT(r.status, 303);
	T_EQ_STR(r.headers[r.nheaders - 1].value, "/x");
	http_resp_text(&r, 400, "bad");
	T_EQ_STR(buf_str(&r.body), "bad\n");
	T_CONTAINS(r.content_type, "text/plain");
	http_resp_clear(&r);

	sh = http_shared_new("page", 4);
	http_shared_ref(sh);
	http_shared_unref(sh);
	T_EQ_STR(http_shared_data(sh, &len), "page");
	T_EQ_INT(len, 4);
	http_shared_unref(sh);
	http_shared_unref(NULL);

	http_log_escape(&b, "/a\"b\n\x7f c\\", 9);
	T_EQ_STR(buf_str(&b), "/a\\x22b\\x0a\\x7f\\x20c\\x5c");
	buf_free(&b);
}

/* --- the server on loopback ------------------------------------------- */

static struct http_shared *shared_page;

static void
h_hello(struct http_req *req, struct http_resp *resp, void *ctx)
{
	(void)req;
	(void)ctx;
	buf_puts(&resp->body, "hello");
}

static void
h_echo(struct http_req *req, struct http_resp *resp, void *ctx)
{
	(void)ctx;
	resp->content_type = "application/octet-stream";
	buf_put(&resp->body, req->body, req->body_len);
}

static void
h_param(struct http_req *req, struct http_resp *resp, void *ctx)
{
	(void)ctx;
	buf_printf(&resp->body, "id=%.*s q=%s", (int)req->params[0].n,
	    req->params[0].p, req->query);
}

static void
h_cookie(struct http_req *req, struct http_resp *resp, void *ctx)
{
	const char *v = http_req_cookie(req, "sid");
	const char *ua = http_req_header(req, "x-test-header");

	(void)ctx;
	buf_printf(&resp->body, "sid=%s h=%s", v ? v : "(none)",
	    ua ? ua : "(none)");
}

static void
h_shared(struct http_req *req, struct http_resp *resp, void *ctx)
{
	(void)req;
	(void)ctx;
	http_shared_ref(shared_page);
	resp->shared = shared_page;
}

static void
h_slow(struct http_req *req, struct http_resp *resp, void *ctx)
{
	(void)req;
	(void)ctx;
	usleep(300 * 1000);
	buf_puts(&resp->body, "slow");
}

static void
nf_themed(struct http_req *req, struct http_resp *resp, void *ctx)
{
	(void)req;
	(void)ctx;
	resp->status = 404;
	buf_puts(&resp->body, "<p>themed 404</p>");
}

static void
deco(struct http_req *req, struct http_resp *resp, void *ctx)
{
	(void)req;
	(void)ctx;
	http_resp_header(resp, "X-Content-Type-Options", "nosniff");
}

static int
dial(unsigned port)
{
	struct sockaddr_in sin;
	struct timeval	   tv = { 5, 0 };
	int		   fd = socket(AF_INET, SOCK_STREAM, 0);

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons((uint16_t)port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (connect(fd, (struct sockaddr *)&sin, sizeof(sin)) != 0) {
		close(fd);
		return -1;
	}
	return fd;
}

static int
send_all(int fd, const char *s, size_t n)
{
	ssize_t w;

	while (n > 0) {
		if ((w = send(fd, s, n, MSG_NOSIGNAL)) <= 0)
			return -1;
		s += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Reads one response into out (NUL-terminated); returns its status, or -1
 * when the connection ended or timed out before a whole response. */
static int
read_resp(int fd, char *out, size_t cap, int head)
{
	size_t	    len = 0, hlen = 0, clen = 0;
	const char *eoh, *cl;
	ssize_t	    r;

	out[0] = '\0';
	for (;;) {
		if ((eoh = strstr(out, "\r\n\r\n")) != NULL && hlen == 0) {
			hlen = (size_t)(eoh - out) + 4;
			cl = strcasestr(out, "\r\ncontent-length:");
			clen = cl && cl < eoh && !head ?
			    strtoul(cl + 17, NULL, 10) :
			    0;
		}
		if (hlen && len >= hlen + clen)
			break;
		if (len + 1 >= cap)
			return -1;
		r = recv(fd, out + len, cap - 1 - len, 0);
		if (r <= 0)
			return -1;
		len += (size_t)r;
		out[len] = '\0';
	}
	if (strncmp(out, "HTTP/1.", 7) != 0 || len < 12)
		return -1;
	return atoi(out + 9);
}

/* One request on a fresh connection. */
static int
roundtrip(unsigned port, const char *req, size_t n, char *out, size_t cap)
{
	int fd = dial(port), st;

	if (fd < 0)
		return -2;
	if (send_all(fd, req, n ? n : strlen(req)) != 0) {
		close(fd);
		return -3;
	}
	st = read_resp(fd, out, cap, strncmp(req, "HEAD ", 5) == 0);
	close(fd);
	return st;
}

/* true when the server closes the connection within about 5 s. */
static int
closed_by_peer(int fd)
{
	char	b[4096];
	ssize_t r;

	while ((r = recv(fd, b, sizeof(b), 0)) > 0)
		;
	return r == 0 || (r < 0 && errno == ECONNRESET);
}

/* A connection from a loopback address of its own (all of 127/8 is
 * local on Linux), receive timeout in ms. */
static int
dial_from(unsigned port, const char *from, int ms)
{
	struct sockaddr_in sin, src;
	struct timeval	   tv = { ms / 1000, (ms % 1000) * 1000 };
	int		   fd = socket(AF_INET, SOCK_STREAM, 0);

	memset(&src, 0, sizeof(src));
	src.sin_family = AF_INET;
	inet_pton(AF_INET, from, &src.sin_addr);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons((uint16_t)port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (bind(fd, (struct sockaddr *)&src, sizeof(src)) != 0 ||
	    connect(fd, (struct sockaddr *)&sin, sizeof(sin)) != 0) {
		close(fd);
		return -1;
	}
	return fd;
}

static int64_t
mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* true when fd was closed (or reset) by the server, false when it is
 * still open after its receive timeout. */
static int
gone(int fd)
{
	char	b[4096];
	ssize_t r;

	while ((r = recv(fd, b, sizeof(b), 0)) > 0)
		;
	return r == 0 || (r < 0 && errno == ECONNRESET);
}

static void
err_hook(struct http_req *req, struct http_resp *resp, int status,
    const char *msg, void *ctx)
{
	(void)ctx;
	resp->content_type = "text/x-error";
	buf_printf(&resp->body, "E%d %s: %s", status, req->path, msg);
}

static const char slow_post[] =
    "POST /echo HTTP/1.1\r\nHost: x\r\n"
    "Content-Length: 1000\r\n\r\na";

/* The connection caps, the body's deadline and rate, a half-closed
 * partial body and the error hook, on a server with tiny limits. */
static void
test_server_limits(void)
{
	static const struct route routes[] = {
		{ HTTP_M(HTTP_GET), "/", h_hello },
		{ HTTP_M(HTTP_POST), "/echo", h_echo },
	};
	struct http_server_opts o;
	struct http_server     *s;
	static char		out[1 << 16];
	char			err[256];
	int			fd[8], extra, i, st;
	unsigned		port;
	int64_t			t0;

	memset(&o, 0, sizeof(o));
	o.addr = "127.0.0.1";
	o.routes = routes;
	o.nroutes = sizeof(routes) / sizeof(routes[0]);
	o.error = err_hook;
	o.access_log = getenv("TEST_HTTP_LOG") != NULL;
	o.limits.max_conns = 4;
	o.limits.max_conns_per_ip = 2;
	o.limits.body_timeout = 2;
	o.limits.body_min_rate = HTTP_LIMIT_OFF;
	s = http_server_start(&o, err, sizeof(err));
	T_CHECK(s != NULL, "server start: %s", err);
	if (s == NULL)
		return;
	port = http_server_port(s);

	/* the per-address cap: a third connection from one address goes */
	fd[0] = dial_from(port, "127.0.0.2", 1000);
	fd[1] = dial_from(port, "127.0.0.2", 1000);
	usleep(100 * 1000);
	extra = dial_from(port, "127.0.0.2", 1000);
	T_TRUE(extra >= 0 && gone(extra));
	close(extra);
	send_all(fd[1], "GET / HTTP/1.1\r\nHost: x\r\n\r\n", 27);
	T_EQ_INT(read_resp(fd[1], out, sizeof(out), 0), 200);
	close(fd[0]);
	close(fd[1]);
	usleep(100 * 1000);

	/* the connection cap: four slow bodies fill it; a newcomer takes
	 * the slot of the oldest, and is served at once */
	for (i = 0; i < 4; i++) {
		fd[i] = dial_from(port, i < 2 ? "127.0.0.3" : "127.0.0.4",
		    4000);
		T_TRUE(fd[i] >= 0);
		send_all(fd[i], slow_post, sizeof(slow_post) - 1);
		usleep(20 * 1000);
	}
	usleep(100 * 1000);
	t0 = mono_ms();
	st = roundtrip(port, "GET / HTTP/1.1\r\nHost: x\r\n\r\n", 0, out,
	    sizeof(out));
	T_EQ_INT(st, 200);
	T_CHECK(mono_ms() - t0 < 1500, "served at the cap in %lld ms",
	    (long long)(mono_ms() - t0));
	T_TRUE(gone(fd[0])); /* the oldest made room */
	/* the body deadline (2 s) closes the others */
	t0 = mono_ms();
	for (i = 1; i < 4; i++)
		T_CHECK(gone(fd[i]), "slow body %d still open", i);
	T_CHECK(mono_ms() - t0 < 3500, "body deadline: %lld ms",
	    (long long)(mono_ms() - t0));
	for (i = 0; i < 4; i++)
		close(fd[i]);

	/* a partial chunked body, then a half-close: closed at once */
	fd[0] = dial_from(port, "127.0.0.5", 3000);
	{
		static const char part[] =
		    "POST /echo HTTP/1.1\r\nHost: x\r\n"
		    "Transfer-Encoding: chunked\r\n\r\n5\r\nhel";

		send_all(fd[0], part, sizeof(part) - 1);
	}
	shutdown(fd[0], SHUT_WR);
	t0 = mono_ms();
	T_TRUE(gone(fd[0]));
	T_CHECK(mono_ms() - t0 < 1500, "half-closed body: %lld ms",
	    (long long)(mono_ms() - t0));
	close(fd[0]);
	/* a whole body, then a half-close: answered */
	fd[0] = dial_from(port, "127.0.0.5", 3000);
	{
		static const char whole[] =
		    "POST /echo HTTP/1.1\r\nHost: x\r\n"
		    "Content-Length: 2\r\n\r\nab";

		send_all(fd[0], whole, sizeof(whole) - 1);
	}
	shutdown(fd[0], SHUT_WR);
	T_EQ_INT(read_resp(fd[0], out, sizeof(out), 0), 200);
	close(fd[0]);

	/* the error hook answers the layer's errors, with the target's
	 * path even when the request was refused before it was parsed */
	st = roundtrip(port,
	    "POST /api/x?a=1 HTTP/1.1\r\nHost: x\r\n"
	    "Content-Length: 2000000\r\n\r\n",
	    0, out, sizeof(out));
	T_EQ_INT(st, 413);
	T_CONTAINS(out, "text/x-error");
	T_CONTAINS(out, "E413 /api/x: request body too large");
	st = roundtrip(port,
	    "GET /api/y HTTP/1.1\r\nHost: x\r\nHost: y\r\n"
	    "\r\n",
	    0, out, sizeof(out));
	T_EQ_INT(st, 400);
	T_CONTAINS(out, "E400 /api/y: more than one Host header");
	st = roundtrip(port, "DELETE / HTTP/1.1\r\nHost: x\r\n\r\n", 0, out,
	    sizeof(out));
	T_EQ_INT(st, 405);
	T_CONTAINS(out, "E405 /: method not allowed");
	T_CONTAINS(out, "Allow: GET, HEAD, OPTIONS\r\n");
	http_server_stop(s);

	/* the minimum rate: a byte every 250 ms is cut soon after the
	 * grace, long before the body deadline */
	o.limits.body_timeout = 30;
	o.limits.body_min_rate = 100;
	o.port = port;
	s = http_server_start(&o, err, sizeof(err));
	T_CHECK(s != NULL, "restart: %s", err);
	if (s == NULL)
		return;
	fd[0] = dial_from(port, "127.0.0.6", 300);
	send_all(fd[0], slow_post, sizeof(slow_post) - 1);
	t0 = mono_ms();
	for (i = 0; i < 40; i++) {
		if (send_all(fd[0], "b", 1) != 0 || gone(fd[0]))
			break;
	}
	T_CHECK(i < 40, "a body under the minimum rate still open");
	T_CHECK(mono_ms() - t0 < 5000, "minimum rate: %lld ms",
	    (long long)(mono_ms() - t0));
	close(fd[0]);
	http_server_stop(s);
}

static void
test_server(void)
{
	static const struct route routes[] = {
		{ HTTP_M(HTTP_GET), "/", h_hello },
		{ HTTP_M(HTTP_POST), "/echo", h_echo },
		{ HTTP_M(HTTP_GET), "/p/:id", h_param },
		{ HTTP_M(HTTP_GET), "/cookie", h_cookie },
		{ HTTP_M(HTTP_GET), "/shared", h_shared },
		{ HTTP_M(HTTP_GET), "/slow", h_slow },
	};
	struct http_server_opts o;
	struct http_server     *s;
	static char		out[1 << 16], req[1 << 16];
	char			err[256], chunk[70000];
	unsigned		port;
	int			fd, st;
	size_t			i, n;
	time_t			t0;

	memset(&o, 0, sizeof(o));
	o.addr = "127.0.0.1";
	o.routes = routes;
	o.nroutes = sizeof(routes) / sizeof(routes[0]);
	o.decorate = deco;
	o.access_log = getenv("TEST_HTTP_LOG") != NULL;
	o.limits.header_timeout = 1;
	o.limits.idle_timeout = 2;
	shared_page = http_shared_new("shared bytes", 12);

	s = http_server_start(&o, err, sizeof(err));
	T_CHECK(s != NULL, "server start: %s", err);
	if (s == NULL)
		return;
	port = http_server_port(s);
	T_TRUE(port != 0);

	/* keep-alive: two requests, one connection */
	fd = dial(port);
	T_TRUE(fd >= 0);
	send_all(fd, "GET / HTTP/1.1\r\nHost: x\r\n\r\n", 27);
	st = read_resp(fd, out, sizeof(out), 0);
	T_EQ_INT(st, 200);
	T_CONTAINS(out, "\r\n\r\nhello");
	T_CONTAINS(out, "text/html; charset=utf-8");
	T_CONTAINS(out, "X-Content-Type-Options: nosniff");
	T_LACKS(out, "onnection: close");
	send_all(fd, "GET /p/42?x=%20y HTTP/1.1\r\nHost: x\r\n\r\n", 38);
	st = read_resp(fd, out, sizeof(out), 0);
	T_EQ_INT(st, 200);
	T_CONTAINS(out, "id=42 q=x=%20y");
	{
		static const char post[] =
		    "POST /echo HTTP/1.1\r\nHost: x\r\n"
		    "Content-Length: 7\r\n\r\nab\0cdef";
		const char *b;

		send_all(fd, post, sizeof(post) - 1);
		st = read_resp(fd, out, sizeof(out), 0);
		T_EQ_INT(st, 200);
		b = strstr(out, "\r\n\r\n");
		T_TRUE(b && memcmp(b + 4, "ab\0cdef", 7) == 0);
	}
	close(fd);

	/* HEAD: GET's route, no body, the right length */
	st = roundtrip(port, "HEAD / HTTP/1.1\r\nHost: x\r\n\r\n", 0, out,
	    sizeof(out));
	T_EQ_INT(st, 200);
	T_CONTAINS(out, "Content-Length: 5\r\n");
	T_LACKS(out, "hello");

	/* shared body, cookies, headers */
	st = roundtrip(port, "GET /shared HTTP/1.1\r\nHost: x\r\n\r\n", 0, out,
	    sizeof(out));
	T_EQ_INT(st, 200);
	T_CONTAINS(out, "\r\n\r\nshared bytes");
	st = roundtrip(port,
	    "GET /cookie HTTP/1.1\r\nHost: x\r\n"
	    "Cookie: a=1\r\nCookie: b=2; sid=\"s 1\"\r\n"
	    "X-Test-Header: yes\r\n\r\n",
	    0, out, sizeof(out));
	T_EQ_INT(st, 200);
	T_CONTAINS(out, "sid=s 1 h=yes");

	/* 404, 405, OPTIONS */
	st = roundtrip(port, "GET /nope HTTP/1.1\r\nHost: x\r\n\r\n", 0, out,
	    sizeof(out));
	T_EQ_INT(st, 404);
	T_CONTAINS(out, "nosniff");
	st = roundtrip(port, "DELETE / HTTP/1.1\r\nHost: x\r\n\r\n", 0, out,
	    sizeof(out));
	T_EQ_INT(st, 405);
	T_CONTAINS(out, "Allow: GET, HEAD, OPTIONS\r\n");
	st = roundtrip(port, "OPTIONS /echo HTTP/1.1\r\nHost: x\r\n\r\n", 0,
	    out, sizeof(out));
	T_EQ_INT(st, 204);
	T_CONTAINS(out, "Allow: POST, OPTIONS\r\n");
	st = roundtrip(port, "OPTIONS * HTTP/1.1\r\nHost: x\r\n\r\n", 0, out,
	    sizeof(out));
	T_EQ_INT(st, 204);
	st = roundtrip(port, "GET * HTTP/1.1\r\nHost: x\r\n\r\n", 0, out,
	    sizeof(out));
	T_EQ_INT(st, 400);
	st = roundtrip(port, "GET http://x/ HTTP/1.1\r\nHost: x\r\n\r\n", 0,
	    out, sizeof(out));
	T_EQ_INT(st, 400);

	/* 413: announced, then chunked past the cap */
	st = roundtrip(port,
	    "POST /echo HTTP/1.1\r\nHost: x\r\n"
	    "Content-Length: 2000000\r\n\r\n",
	    0, out, sizeof(out));
	T_EQ_INT(st, 413);
	T_CONTAINS(out, "nosniff");
	memset(chunk, 'a', sizeof(chunk));
	memcpy(chunk, "10000\r\n", 7);
	memcpy(chunk + 7 + 65536, "\r\n", 2);
	for (n = 24; n <= 64; n += 40) { /* 1.5 MB, then 4 MB */
		fd = dial(port);
		send_all(fd,
		    "POST /echo HTTP/1.1\r\nHost: x\r\n"
		    "Transfer-Encoding: chunked\r\n\r\n",
		    60);
		for (i = 0; i < n; i++)
			if (send_all(fd, chunk, 7 + 65536 + 2) != 0)
				break;
		send_all(fd, "0\r\n\r\n", 5);
		st = read_resp(fd, out, sizeof(out), 0);
		fprintf(stderr, "note: chunked %zu KiB -> %d\n", n * 64, st);
		if (n == 24)
			T_EQ_INT(st, 413);
		else
			T_CHECK(st == 413 || st == -1, "chunked 4 MB: %d", st);
		close(fd);
	}

	/* 414, 501, 505, 400 */
	memcpy(req, "GET /", 5);
	memset(req + 5, 'a', 9000);
	strcpy(req + 9005, " HTTP/1.1\r\nHost: x\r\n\r\n");
	st = roundtrip(port, req, 0, out, sizeof(out));
	T_EQ_INT(st, 414);
	st = roundtrip(port, "BREW / HTTP/1.1\r\nHost: x\r\n\r\n", 0, out,
	    sizeof(out));
	T_EQ_INT(st, 501);
	st = roundtrip(port,
	    "POST /echo HTTP/1.1\r\nHost: x\r\n"
	    "Transfer-Encoding: gzip\r\n\r\n",
	    0, out, sizeof(out));
	T_CHECK(st == 501 || st == 400, "transfer-encoding gzip: %d", st);
	fprintf(stderr, "note: Transfer-Encoding: gzip -> %d\n", st);
	st = roundtrip(port, "GET / HTTP/2.0\r\nHost: x\r\n\r\n", 0, out,
	    sizeof(out));
	T_EQ_INT(st, 505);
	st = roundtrip(port, "GET / HTTP/1.2\r\nHost: x\r\n\r\n", 0, out,
	    sizeof(out));
	fprintf(stderr, "note: HTTP/1.2 -> %d\n", st);
	T_CHECK(st == 505 || st == 200, "HTTP/1.2: %d", st);
	st = roundtrip(port,
	    "GET /a\x01"
	    "b HTTP/1.1\r\nHost: x\r\n\r\n",
	    0, out, sizeof(out));
	T_CHECK(st == 400 || st == -1, "control byte in target: %d", st);
	st = roundtrip(port,
	    "GET /a\x7f"
	    "b HTTP/1.1\r\nHost: x\r\n\r\n",
	    0, out, sizeof(out));
	T_CHECK(st == 400 || st == -1, "DEL in target: %d", st);
	st = roundtrip(port, "GET /a\0b HTTP/1.1\r\nHost: x\r\n\r\n", 31, out,
	    sizeof(out));
	T_CHECK(st == 400 || st == -1, "NUL in target: %d", st);
	fprintf(stderr, "note: NUL in target -> %d\n", st);

	/* malformed request lines and headers: a 4xx or a close */
	{
		static const char *bad[] = {
			"GARBAGE\r\n\r\n",
			"GET\r\n\r\n",
			"GET / HTTP/1.1 extra\r\nHost: x\r\n\r\n",
			"GET / HTTP/1.1\r\nNo colon here\r\n\r\n",
			"GET / HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n",
			"GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\n"
			"Content-Length: 2\r\n\r\nab",
			"POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: "
			"chunked\r\n\r\nzz\r\n",
			"GET / HTTP/1.1\r\n Host: x\r\n\r\n",
			"\r\n\r\n\r\n",
			"GET / HTTP/1.1\r\n\r\n", /* no Host */
			"GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n"
			"Content-Length: 2\r\n\r\nab",
			"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n"
			"Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
			"POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: "
			"chunked\r\nTransfer-Encoding: chunked\r\n\r\n"
			"0\r\n\r\n",
			"GET /a\tb HTTP/1.1\r\nHost: x\r\n\r\n",
			"GET /a b HTTP/1.1\r\nHost: x\r\n\r\n",
		};
		for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
			st = roundtrip(port, bad[i], 0, out, sizeof(out));
			T_CHECK(st == -1 || (st >= 400 && st < 500),
			    "malformed %zu: %d", i, st);
			fprintf(stderr, "note: malformed %zu -> %d\n", i, st);
		}
	}

	/* headers past header_mem */
	memcpy(req, "GET / HTTP/1.1\r\nHost: x\r\nX-Big: ", 32);
	memset(req + 32, 'b', 40000);
	strcpy(req + 40032, "\r\n\r\n");
	st = roundtrip(port, req, 0, out, sizeof(out));
	fprintf(stderr, "note: 40 KB header -> %d\n", st);
	T_CHECK(st == 431 || st == 413 || st == 400 || st == -1,
	    "big header: %d", st);

	/* header deadline: trickled headers are cut off near 1 s */
	fd = dial(port);
	t0 = time(NULL);
	send_all(fd, "GET / HTTP/1.1\r\n", 16);
	for (i = 0; i < 12; i++) {
		if (send_all(fd, "X", 1) != 0)
			break;
		usleep(250 * 1000);
	}
	T_TRUE(closed_by_peer(fd));
	T_CHECK(time(NULL) - t0 <= 3, "header deadline: %lds",
	    (long)(time(NULL) - t0));
	close(fd);

	/* idle keep-alive is closed after idle_timeout */
	fd = dial(port);
	send_all(fd, "GET / HTTP/1.1\r\nHost: x\r\n\r\n", 27);
	T_EQ_INT(read_resp(fd, out, sizeof(out), 0), 200);
	t0 = time(NULL);
	T_TRUE(closed_by_peer(fd));
	T_CHECK(time(NULL) - t0 <= 4, "idle close: %lds",
	    (long)(time(NULL) - t0));
	close(fd);

	/* still serving after all that */
	st = roundtrip(port, "GET / HTTP/1.1\r\nHost: x\r\n\r\n", 0, out,
	    sizeof(out));
	T_EQ_INT(st, 200);
	for (i = 0; i < 100 && http_server_active(s) > 0; i++)
		usleep(10 * 1000); /* completion runs after the send */
	T_EQ_INT(http_server_active(s), 0);

	/* stop lets a request in flight finish */
	fd = dial(port);
	send_all(fd, "GET /slow HTTP/1.1\r\nHost: x\r\n\r\n", 31);
	usleep(100 * 1000);
	T_EQ_INT(http_server_active(s), 1);
	http_server_stop(s);
	st = read_resp(fd, out, sizeof(out), 0);
	T_EQ_INT(st, 200);
	T_CONTAINS(out, "slow");
	close(fd);
	T_TRUE(dial(port) < 0);

	/* a themed 404 */
	o.not_found = nf_themed;
	o.port = port; /* rebinding the same port works */
	s = http_server_start(&o, err, sizeof(err));
	T_CHECK(s != NULL, "restart: %s", err);
	if (s) {
		st = roundtrip(port, "GET /x HTTP/1.1\r\nHost: x\r\n\r\n", 0,
		    out, sizeof(out));
		T_EQ_INT(st, 404);
		T_CONTAINS(out, "themed 404");
		T_CONTAINS(out, "nosniff");
		http_server_stop(s);
	}
	http_shared_unref(shared_page);

	o.addr = "not an address";
	T_TRUE(http_server_start(&o, err, sizeof(err)) == NULL);
	T_CONTAINS(err, "not an address");
}

int
main(void)
{
	signal(SIGPIPE, SIG_IGN);
	T_RUN(test_route);
	T_RUN(test_allow);
	T_RUN(test_form);
	T_RUN(test_query);
	T_RUN(test_url_decode);
	T_RUN(test_cookie);
	T_RUN(test_limit_key);
	T_RUN(test_addr_counts);
	T_RUN(test_status_and_resp);
	T_RUN(test_server);
	T_RUN(test_server_limits);
	T_DONE("http");
}
