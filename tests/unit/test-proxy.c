/* test-proxy.c: tables for CIDR parsing and the client address behind
 * trusted proxies, hostile X-Forwarded-For headers included. */
#include <arpa/inet.h>
#include <stdlib.h>
#include <sys/socket.h>

#include "t.h"
#include "http/http-int.h"
#include "http/http.h"

static void
test_cidr_parse(void)
{
	static const struct {
		const char *in;
		int	    ok;
		int	    family;
		unsigned    bits;
		const char *net; /* the network, as text */
	} rows[] = {
		{ "127.0.0.1", 1, AF_INET, 32, "127.0.0.1" },
		{ "10.0.0.0/8", 1, AF_INET, 8, "10.0.0.0" },
		{ "10.1.2.3/8", 1, AF_INET, 8, "10.0.0.0" }, /* host bits */
		{ "192.168.1.130/25", 1, AF_INET, 25, "192.168.1.128" },
		{ "0.0.0.0/0", 1, AF_INET, 0, "0.0.0.0" },
		{ "::1", 1, AF_INET6, 128, "::1" },
		{ "fd00::/8", 1, AF_INET6, 8, "fd00::" },
		{ "2001:db8::1/33", 1, AF_INET6, 33, "2001:db8::" },
		{ "::ffff:10.0.0.1", 1, AF_INET, 32, "10.0.0.1" },
		{ "::ffff:10.0.0.0/104", 1, AF_INET, 8, "10.0.0.0" },
		{ "::ffff:10.0.0.0/64", 0, 0, 0, NULL },
		{ "10.0.0.0/33", 0, 0, 0, NULL },
		{ "10.0.0.0/-1", 0, 0, 0, NULL },
		{ "10.0.0.0/", 0, 0, 0, NULL },
		{ "10.0.0.0/8x", 0, 0, 0, NULL },
		{ "10.0.0/8", 0, 0, 0, NULL },
		{ "10.0.0.256", 0, 0, 0, NULL },
		{ "::1/129", 0, 0, 0, NULL },
		{ "localhost", 0, 0, 0, NULL },
		{ "", 0, 0, 0, NULL },
		{ "/8", 0, 0, 0, NULL },
		{ " 10.0.0.1", 0, 0, 0, NULL },
		{ "1.2.3.4/08", 1, AF_INET, 8, "1.0.0.0" },
	};
	struct http_cidr c;
	char		 text[64];
	size_t		 i;
	bool		 ok;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		ok = http_cidr_parse(rows[i].in, strlen(rows[i].in), &c);
		T_CHECK(ok == (bool)rows[i].ok, "cidr \"%s\": ok %d",
		    rows[i].in, ok);
		if (!ok || !rows[i].ok)
			continue;
		T_CHECK(c.family == rows[i].family && c.bits == rows[i].bits,
		    "cidr \"%s\": family %d bits %u", rows[i].in, c.family,
		    c.bits);
		inet_ntop(c.family, c.addr, text, sizeof(text));
		T_CHECK(strcmp(text, rows[i].net) == 0, "cidr \"%s\": net %s",
		    rows[i].in, text);
	}
}

static void
test_cidr_list(void)
{
	struct http_cidr *l = NULL;
	const char	 *bad = NULL;
	size_t		  n = 0, badlen = 0;

	T_TRUE(http_cidr_list_parse(" 127.0.0.1 , ::1,,10.0.0.0/8 ", &l, &n,
	    &bad, &badlen));
	T_EQ_INT(n, 3);
	T_TRUE(http_proxy_trusted(l, n, "10.200.0.1"));
	T_TRUE(http_proxy_trusted(l, n, "::ffff:127.0.0.1"));
	T_TRUE(!http_proxy_trusted(l, n, "11.0.0.1"));
	T_TRUE(!http_proxy_trusted(l, n, "::2"));
	T_TRUE(!http_proxy_trusted(l, n, "garbage"));
	/* The same test in public (GAZETTE_METRICS_ALLOW), empty lists
	 * included: nobody is in none. */
	T_TRUE(http_cidr_list_match(l, n, "::1"));
	T_TRUE(!http_cidr_list_match(l, n, "127.0.0.2"));
	T_TRUE(!http_cidr_list_match(l, n, ""));
	T_TRUE(!http_cidr_list_match(NULL, 0, "127.0.0.1"));
	T_TRUE(!http_cidr_list_parse("1.2.3.4, nope ,5.6.7.8", &l, &n, &bad,
	    &badlen));
	T_CHECK(badlen == 4 && strncmp(bad, "nope", 4) == 0, "bad item");
	T_EQ_INT(n, 4); /* what parsed before it was kept */
	T_TRUE(http_cidr_list_parse("", &l, &n, &bad, &badlen));
	free(l);
}

static void
test_client(void)
{
	static const struct {
		const char *peer;
		const char *xff;
		const char *want;
	} rows[] = {
		/* untrusted peers: the header is ignored, whatever it says */
		{ "203.0.113.9", "1.1.1.1", "203.0.113.9" },
		{ "203.0.113.9", NULL, "203.0.113.9" },
		{ "10.0.0.1", "1.1.1.1", "10.0.0.1" }, /* not in the list */
		/* a trusted peer */
		{ "127.0.0.1", NULL, "127.0.0.1" },
		{ "127.0.0.1", "", "127.0.0.1" },
		{ "127.0.0.1", "198.51.100.7", "198.51.100.7" },
		{ "127.0.0.1", " 198.51.100.7 ", "198.51.100.7" },
		/* the client's own forged items sit left of the real one */
		{ "127.0.0.1", "6.6.6.6, 198.51.100.7", "198.51.100.7" },
		{ "127.0.0.1", "127.0.0.1, 198.51.100.7", "198.51.100.7" },
		/* chains of our own proxies are skipped from the right */
		{ "127.0.0.1", "198.51.100.7, 192.168.0.5", "198.51.100.7" },
		{ "127.0.0.1", "6.6.6.6, 198.51.100.7, 192.168.0.5, 127.0.0.2",
		    "198.51.100.7" },
		/* all hops trusted: the left-most */
		{ "127.0.0.1", "192.168.0.9, 192.168.0.5", "192.168.0.9" },
		/* garbage stops the walk at the last trusted hop */
		{ "127.0.0.1", "198.51.100.7, <script>", "127.0.0.1" },
		{ "127.0.0.1", "unknown", "127.0.0.1" },
		{ "127.0.0.1", "198.51.100.7, unknown, 192.168.0.5",
		    "192.168.0.5" },
		{ "127.0.0.1", "1.2.3.4\r\nX-Evil: 1", "127.0.0.1" },
		{ "127.0.0.1", "999.1.1.1", "127.0.0.1" },
		{ "127.0.0.1", ",,,", "127.0.0.1" },
		{ "127.0.0.1", "1.1.1.1,,", "1.1.1.1" },
		{ "127.0.0.1", "1.1.1.1 2.2.2.2", "127.0.0.1" },
		{ "127.0.0.1",
		    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
		    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
		    "127.0.0.1" },
		/* ports and brackets, as some proxies write them */
		{ "127.0.0.1", "198.51.100.7:5123", "198.51.100.7" },
		{ "127.0.0.1", "[2001:db8::7]:443", "2001:db8::7" },
		{ "127.0.0.1", "[2001:db8::7]", "2001:db8::7" },
		{ "127.0.0.1", "2001:db8::7", "2001:db8::7" },
		{ "127.0.0.1", "[2001:db8::7", "127.0.0.1" },
		{ "127.0.0.1", "[198.51.100.7]", "127.0.0.1" },
		{ "127.0.0.1", "::ffff:198.51.100.7", "198.51.100.7" },
		/* IPv6 peers and mapped peers */
		{ "::1", "198.51.100.7", "198.51.100.7" },
		{ "::ffff:127.0.0.1", "198.51.100.7", "198.51.100.7" },
		{ "::ffff:203.0.113.9", "198.51.100.7", "203.0.113.9" },
		{ "2001:db8::1", "198.51.100.7", "2001:db8::1" },
	};
	struct http_cidr *l = NULL;
	const char	 *bad;
	size_t		  n = 0, badlen, i;
	char		  out[64];

	T_TRUE(http_cidr_list_parse("127.0.0.0/8, ::1, 192.168.0.0/16", &l, &n,
	    &bad, &badlen));
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		http_proxy_client(l, n, rows[i].peer, rows[i].xff, out,
		    sizeof(out));
		T_CHECK(strcmp(out, rows[i].want) == 0,
		    "peer %s xff \"%s\": got %s, want %s", rows[i].peer,
		    rows[i].xff ? rows[i].xff : "(none)", out, rows[i].want);
	}
	/* No trusted proxies at all: the peer, always. */
	http_proxy_client(NULL, 0, "127.0.0.1", "1.1.1.1", out, sizeof(out));
	T_EQ_STR(out, "127.0.0.1");
	/* A tiny output buffer truncates, never overflows. */
	http_proxy_client(l, n, "127.0.0.1", "198.51.100.7", out, 4);
	T_EQ_STR(out, "198");
	free(l);
}

static void
test_scheme(void)
{
	static const struct {
		const char *in, *want;
	} rows[] = {
		{ "https", "https" },
		{ "HTTPS", "https" },
		{ "http", "http" },
		{ " https ", "https" },
		{ "http, https", "https" },
		{ "https, http", "http" },
		{ "ftp", NULL },
		{ "", NULL },
		{ "https\r\n", NULL },
		{ "httpsx", NULL },
		{ NULL, NULL },
	};
	const char *got;
	size_t	    i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		got = http_proxy_scheme(rows[i].in);
		T_CHECK((got == NULL && rows[i].want == NULL) ||
			(got && rows[i].want && strcmp(got, rows[i].want) == 0),
		    "scheme \"%s\": got %s", rows[i].in ? rows[i].in : "(null)",
		    got ? got : "(null)");
	}
}

int
main(void)
{
	T_RUN(test_cidr_parse);
	T_RUN(test_cidr_list);
	T_RUN(test_client);
	T_RUN(test_scheme);
	T_DONE("proxy");
}
