/* str.c: string views, UTF-8 checks, slugs and times. */
#include "util/str.h"

#include <stdio.h>
#include <string.h>

#include "util/buf.h"

struct sv
sv_cstr(const char *s)
{
	return (struct sv){ s, s ? strlen(s) : 0 };
}

bool
sv_eq(struct sv v, const char *s)
{
	size_t n = strlen(s);

	return v.n == n && memcmp(v.p, s, n) == 0;
}

bool
sv_starts(struct sv v, const char *s)
{
	size_t n = strlen(s);

	return v.n >= n && memcmp(v.p, s, n) == 0;
}

struct sv
sv_trim(struct sv v)
{
	while (v.n &&
	    (v.p[0] == ' ' || v.p[0] == '\t' || v.p[0] == '\r' ||
		v.p[0] == '\n')) {
		v.p++;
		v.n--;
	}
	while (v.n &&
	    (v.p[v.n - 1] == ' ' || v.p[v.n - 1] == '\t' ||
		v.p[v.n - 1] == '\r' || v.p[v.n - 1] == '\n'))
		v.n--;
	return v;
}

bool
utf8_valid(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	uint32_t	     cp;
	size_t		     k;

	while (n > 0) {
		if (*p < 0x80) {
			p++;
			n--;
			continue;
		}
		if ((k = utf8_decode(p, n, &cp)) == 0)
			return false;
		p += k;
		n -= k;
	}
	return true;
}

size_t
utf8_len(const char *s, size_t n)
{
	size_t i, count = 0;

	for (i = 0; i < n; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80)
			count++;
	return count;
}

const char *
text_check(const char *s, size_t n, bool multiline)
{
	size_t	      i;
	unsigned char c;

	if (!utf8_valid(s, n))
		return "is not valid UTF-8";
	for (i = 0; i < n; i++) {
		c = (unsigned char)s[i];
		if (c == 0)
			return "contains a NUL byte";
		if (c < 0x20 || c == 0x7f) {
			if (multiline && (c == '\n' || c == '\r' || c == '\t'))
				continue;
			if (!multiline && c == '\t')
				continue;
			return "contains a control character";
		}
	}
	return NULL;
}

/* Latin-1 Supplement and Latin Extended-A letters folded to ASCII; index is
 * code point - 0xc0. Empty strings drop the character. */
static const char *const latin1[] = {
	"a", "a", "a", "a", "a", "a", "ae", "c",  /* C0-C7 */
	"e", "e", "e", "e", "i", "i", "i", "i",	  /* C8-CF */
	"d", "n", "o", "o", "o", "o", "o", "",	  /* D0-D7 (× dropped) */
	"o", "u", "u", "u", "u", "y", "th", "ss", /* D8-DF */
	"a", "a", "a", "a", "a", "a", "ae", "c",  /* E0-E7 */
	"e", "e", "e", "e", "i", "i", "i", "i",	  /* E8-EF */
	"d", "n", "o", "o", "o", "o", "o", "",	  /* F0-F7 (÷ dropped) */
	"o", "u", "u", "u", "u", "y", "th", "y",  /* F8-FF */
};

/* U+0100..U+017F: pairs of upper/lower case share a base letter. */
static const char latin_ext_a[] =
    "aaaaaaccccccccddddeeeeeeeeeegggggggghhhhiiiiiiiiiijjjjkkklllllllll"
    "lnnnnnnnnnoooooooorrrrrrssssssssttttttuuuuuuuuuuuuwwyyyzzzzzzs";

static const char *
fold(uint32_t cp, char tmp[2])
{
	if (cp >= 0xc0 && cp <= 0xff)
		return latin1[cp - 0xc0];
	if (cp >= 0x100 && cp <= 0x17f &&
	    cp - 0x100 < sizeof(latin_ext_a) - 1) {
		if (cp == 0x152 || cp == 0x153)
			return "oe";
		if (cp == 0x132 || cp == 0x133)
			return "ij";
		tmp[0] = latin_ext_a[cp - 0x100];
		tmp[1] = '\0';
		return tmp;
	}
	return NULL;
}

void
slugify(struct buf *b, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t		     start = b->len, k;
	uint32_t	     cp;
	bool		     dash = false;
	const char	    *f;
	char		     tmp[2];

	while (n > 0) {
		k = utf8_decode(p, n, &cp);
		if (k == 0)
			k = 1, cp = 0xfffd;
		p += k;
		n -= k;
		if (cp < 0x80 &&
		    ((cp >= 'a' && cp <= 'z') || (cp >= '0' && cp <= '9') ||
			(cp >= 'A' && cp <= 'Z'))) {
			tmp[0] = (char)(cp >= 'A' && cp <= 'Z' ? cp + 32 : cp);
			tmp[1] = '\0';
			f = tmp;
		} else if (cp == '\'' || cp == 0x2019) {
			continue; /* "China's" → "chinas" */
		} else
			f = fold(cp, tmp);
		if (f == NULL || *f == '\0') {
			dash = true;
			continue;
		}
		if (b->len - start + strlen(f) + 1 > 80)
			break;
		if (dash && b->len > start)
			buf_putc(b, '-');
		dash = false;
		buf_puts(b, f);
	}
}

void
byline_slug(struct buf *b, const char *s, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ULL; /* FNV-1a */
	size_t	 start = b->len, i;

	slugify(b, s, n);
	if (b->len > start)
		return;
	for (i = 0; i < n; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\n' && s[i] != '\r')
			break;
	if (i == n)
		return;
	for (i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= 0x100000001b3ULL;
	}
	buf_printf(b, "a-%016llx", (unsigned long long)h);
}

bool
slug_valid(const char *s, size_t n)
{
	size_t i;

	if (n == 0 || n > 80 || s[0] == '-' || s[n - 1] == '-')
		return false;
	for (i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') ||
			(s[i] >= '0' && s[i] <= '9') || s[i] == '-'))
			return false;
	return true;
}

bool
parse_int(const char *s, size_t n, int64_t min, int64_t max, int64_t *out)
{
	int64_t v = 0;
	bool	neg = false;
	size_t	i = 0;

	if (n > 0 && s[0] == '-') {
		neg = true;
		i = 1;
	}
	if (i == n || n - i > 18)
		return false;
	for (; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (s[i] - '0');
	}
	if (neg)
		v = -v;
	if (v < min || v > max)
		return false;
	*out = v;
	return true;
}

/* Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's
 * days_from_civil), so no time zone state is touched. */
static int64_t
days_from_civil(int64_t y, int64_t m, int64_t d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static int
days_in_month(int64_t y, int64_t m)
{
	static const int
	    dm[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 29;
	return dm[m - 1];
}

static bool
digits(const char *s, size_t n, size_t at, size_t len, int64_t *v)
{
	return at + len <= n && parse_int(s + at, len, 0, 9999, v) &&
	    s[at] != '-';
}

bool
time_parse_rfc3339(const char *s, size_t n, int64_t *out)
{
	int64_t y, mo, d, h = 0, mi = 0, se = 0, oh = 0, om = 0, off = 0;
	size_t	i;

	if (!digits(s, n, 0, 4, &y) || n < 10 || s[4] != '-' ||
	    !digits(s, n, 5, 2, &mo) || s[7] != '-' || !digits(s, n, 8, 2, &d))
		return false;
	if (y < 1 || mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo))
		return false;
	i = 10;
	if (i < n) {
		if (s[i] != 'T' && s[i] != 't' && s[i] != ' ')
			return false;
		if (!digits(s, n, i + 1, 2, &h) || i + 3 >= n ||
		    s[i + 3] != ':' || !digits(s, n, i + 4, 2, &mi) ||
		    i + 6 >= n || s[i + 6] != ':' ||
		    !digits(s, n, i + 7, 2, &se))
			return false;
		if (h > 23 || mi > 59 || se > 60)
			return false;
		i += 9;
		if (i < n && s[i] == '.') {
			i++;
			if (i >= n || s[i] < '0' || s[i] > '9')
				return false;
			while (i < n && s[i] >= '0' && s[i] <= '9')
				i++;
		}
		if (i >= n)
			return false; /* RFC 3339 requires an offset */
		if (s[i] == 'Z' || s[i] == 'z') {
			i++;
		} else if (s[i] == '+' || s[i] == '-') {
			if (!digits(s, n, i + 1, 2, &oh) || i + 3 >= n ||
			    s[i + 3] != ':' || !digits(s, n, i + 4, 2, &om) ||
			    oh > 23 || om > 59)
				return false;
			off = (oh * 60 + om) * 60 * (s[i] == '-' ? -1 : 1);
			i += 6;
		} else
			return false;
		if (i != n)
			return false;
	}
	if (se == 60)
		se = 59; /* leap second: keep it in the same minute */
	*out = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + se -
	    off;
	return true;
}

void
time_utc(int64_t t, struct tm *tm)
{
	int64_t days = t / 86400, secs = t % 86400, z, era, doe, yoe, y, doy,
		mp, d, m;

	if (secs < 0) {
		secs += 86400;
		days--;
	}
	memset(tm, 0, sizeof(*tm));
	tm->tm_hour = (int)(secs / 3600);
	tm->tm_min = (int)(secs % 3600 / 60);
	tm->tm_sec = (int)(secs % 60);
	tm->tm_wday = (int)((days % 7 + 11) % 7); /* 1970-01-01: Thursday */
	z = days + 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	y = yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	d = doy - (153 * mp + 2) / 5 + 1;
	m = mp + (mp < 10 ? 3 : -9);
	y += m <= 2;
	tm->tm_year = (int)(y - 1900);
	tm->tm_mon = (int)(m - 1);
	tm->tm_mday = (int)d;
	tm->tm_yday = (int)(days - days_from_civil(y, 1, 1));
}

static const char
    *const wday_abbr[] = { "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" };
static const char *const mon_abbr[] = { "Jan", "Feb", "Mar", "Apr", "May",
	"Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
static const char *const mon_name[] = { "January", "February", "March", "April",
	"May", "June", "July", "August", "September", "October", "November",
	"December" };

/* n as exactly w decimal digits at p (0 <= n < 10^w); p + w. */
static char *
put_digits(char *p, int n, int w)
{
	int i;

	for (i = w - 1; i >= 0; i--, n /= 10)
		p[i] = (char)('0' + n % 10);
	return p + w;
}

/* Dates are formatted for every comment of every page rendered: digits
 * by hand, not printf (which cost a tenth of an article's render). */
size_t
time_rfc3339(char out[TIME_RFC3339_MAX], int64_t t)
{
	struct tm tm;
	char	 *p = out;

	time_utc(t, &tm);
	if (tm.tm_year + 1900 < 0 || tm.tm_year + 1900 > 9999)
		return (size_t)snprintf(out, TIME_RFC3339_MAX,
		    "%04d-%02d-%02dT%02d:%02d:%02dZ", tm.tm_year + 1900,
		    tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min,
		    tm.tm_sec);
	p = put_digits(p, tm.tm_year + 1900, 4);
	*p++ = '-';
	p = put_digits(p, tm.tm_mon + 1, 2);
	*p++ = '-';
	p = put_digits(p, tm.tm_mday, 2);
	*p++ = 'T';
	p = put_digits(p, tm.tm_hour, 2);
	*p++ = ':';
	p = put_digits(p, tm.tm_min, 2);
	*p++ = ':';
	p = put_digits(p, tm.tm_sec, 2);
	*p++ = 'Z';
	*p = '\0';
	return (size_t)(p - out);
}

void
time_format_rfc3339(struct buf *b, int64_t t)
{
	char s[TIME_RFC3339_MAX];

	buf_put(b, s, time_rfc3339(s, t));
}

void
time_format_http(struct buf *b, int64_t t)
{
	struct tm tm;

	time_utc(t, &tm);
	buf_printf(b, "%s, %02d %s %04d %02d:%02d:%02d GMT",
	    wday_abbr[tm.tm_wday], tm.tm_mday, mon_abbr[tm.tm_mon],
	    tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

size_t
time_human_tm(char out[TIME_HUMAN_MAX], const struct tm *tm)
{
	const char *m = mon_name[tm->tm_mon];
	size_t	    n = strlen(m);
	char	   *p = out;

	if (tm->tm_year + 1900 < 0 || tm->tm_year + 1900 > 9999)
		return (size_t)snprintf(out, TIME_HUMAN_MAX, "%d %s %04d",
		    tm->tm_mday, m, tm->tm_year + 1900);
	p = put_digits(p, tm->tm_mday, tm->tm_mday >= 10 ? 2 : 1);
	*p++ = ' ';
	memcpy(p, m, n);
	p += n;
	*p++ = ' ';
	p = put_digits(p, tm->tm_year + 1900, 4);
	*p = '\0';
	return (size_t)(p - out);
}

void
time_format_human(struct buf *b, int64_t t)
{
	struct tm tm;
	char	  s[TIME_HUMAN_MAX];

	time_utc(t, &tm);
	buf_put(b, s, time_human_tm(s, &tm));
}
