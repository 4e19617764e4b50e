/* t.h: the tiny harness every unit test file includes.
 *
 * A test file defines test functions, lists them in main() with T_RUN, and
 * ends with T_DONE, which prints "NAME: N passed, N failed" and exits
 * non-zero on failure. A check failing does not stop its test: each check
 * counts on its own, so one run shows every broken row of a table. */
#ifndef GAZETTE_T_H
#define GAZETTE_T_H

#include <stdio.h>
#include <string.h>

static int t_pass, t_fail;

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

#define T_RUN(fn)	fn()
#define T_DONE(name)	do {						\
	printf("%s: %d passed, %d failed\n", (name), t_pass, t_fail);	\
	return t_fail ? 1 : 0;						\
} while (0)

#endif
