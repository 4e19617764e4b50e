/* t.h: the tiny harness every unit test file includes.
 *
 * A test file defines test functions, lists them in main() with T_RUN, and
 * ends with T_DONE. Each T_RUN is one named case; a case fails when any of
 * its checks fails (a crash ends the binary without a summary, which
 * tests/run.sh counts as a failed case). A check failing does not stop its
 * case: every check runs, so one run shows every broken row of a table.
 *
 * T_DONE prints "NAME: N cases, N checks: N passed, N failed", where passed
 * and failed count cases (a property loop of 27,000 checks is one case, not
 * 27,000 successes), and exits non-zero when a case failed. Checks made
 * outside any T_RUN (in main, say) form one more case, "main".
 *
 * t_pass and t_fail stay the running counts of checks: a test file that
 * gives up early prints its own line from them. */
#ifndef GAZETTE_T_H
#define GAZETTE_T_H

#include <stdio.h>
#include <string.h>

/* The harness is laid out by hand. */
/* clang-format off */
static int t_pass, t_fail;		/* checks, over the whole binary */
static int t_cases, t_cases_failed;
static int t_case_checks, t_case_fails;	/* checks made inside some T_RUN */

#define T_CHECK(cond, ...) do {						\
	if (cond) t_pass++;						\
	else {								\
		t_fail++;						\
		fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__);	\
		fprintf(stderr, __VA_ARGS__);				\
		fputc('\n', stderr);					\
	}								\
} while (0)

#define T_TRUE(c)	T_CHECK((c), "%s", #c)
#define T_EQ_INT(a, b)	do { long long _a = (a), _b = (b);		\
	T_CHECK(_a == _b, "%s == %lld, want %lld", #a, _a, _b); } while (0)
#define T_EQ_STR(a, b)	do { const char *_a = (a), *_b = (b);		\
	T_CHECK(_a && _b && strcmp(_a, _b) == 0,			\
	    "%s\n  got:  \"%s\"\n  want: \"%s\"", #a,			\
	    _a ? _a : "(null)", _b ? _b : "(null)"); } while (0)
#define T_CONTAINS(hay, needle) do { const char *_h = (hay), *_n = (needle); \
	T_CHECK(_h && strstr(_h, _n), "%s\n  got:  \"%s\"\n  lacks: \"%s\"", \
	    #hay, _h ? _h : "(null)", _n); } while (0)
#define T_LACKS(hay, needle) do { const char *_h = (hay), *_n = (needle); \
	T_CHECK(_h && !strstr(_h, _n), "%s\n  got:  \"%s\"\n  has:  \"%s\"", \
	    #hay, _h ? _h : "(null)", _n); } while (0)

/* Ends one case: counts it, and names it when one of its checks failed
 * (the FAIL lines above it say which). */
static inline void
t_case_end(const char *name, int pass0, int fail0)
{
	int checks = t_pass + t_fail - pass0 - fail0;
	int fails = t_fail - fail0;

	t_cases++;
	t_case_checks += checks;
	t_case_fails += fails;
	if (fails > 0) {
		t_cases_failed++;
		fprintf(stderr, "FAIL case %s: %d of %d checks failed\n",
		    name, fails, checks);
	}
}

/* n with a comma every three digits, into buf. */
static inline const char *
t_num(char *buf, size_t sz, int n)
{
	char d[16];
	size_t len, i, o = 0;

	snprintf(d, sizeof(d), "%d", n < 0 ? 0 : n);
	len = strlen(d);
	for (i = 0; i < len && o + 2 < sz; i++) {
		if (i > 0 && (len - i) % 3 == 0)
			buf[o++] = ',';
		buf[o++] = d[i];
	}
	buf[o] = '\0';
	return buf;
}

static inline int
t_done(const char *name)
{
	char a[20], b[20], c[20], d[20];
	int loose = t_pass + t_fail - t_case_checks;
	int loose_fails = t_fail - t_case_fails;

	/* The checks made outside any T_RUN, as the case "main". */
	if (loose > 0) {
		t_cases++;
		if (loose_fails > 0) {
			t_cases_failed++;
			fprintf(stderr, "FAIL case main: %d of %d checks failed\n",
			    loose_fails, loose);
		}
	}
	printf("%s: %s cases, %s checks: %s passed, %s failed\n", name,
	    t_num(a, sizeof(a), t_cases),
	    t_num(b, sizeof(b), t_pass + t_fail),
	    t_num(c, sizeof(c), t_cases - t_cases_failed),
	    t_num(d, sizeof(d), t_cases_failed));
	return t_cases_failed ? 1 : 0;
}

#define T_RUN(fn)	do {						\
	int _p0 = t_pass, _f0 = t_fail;					\
	fn();								\
	t_case_end(#fn, _p0, _f0);					\
} while (0)
#define T_DONE(name)	return t_done(name)

/* clang-format on */
#endif
