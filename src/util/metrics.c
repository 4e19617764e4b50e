/* metrics.c: the counters behind metrics.h and their text format. */
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util/metrics.h"
#include "util/xalloc.h"

/* Request durations: 100 µs to 10 s. */
static const int64_t http_le_us[] = { 100, 250, 500, 1000, 2500, 5000, 10000,
	25000, 50000, 100000, 250000, 500000, 1000000, 2500000, 5000000,
	10000000 };
#define HTTP_BUCKETS (sizeof(http_le_us) / sizeof(http_le_us[0]))

/* Statement durations: 10 µs to 1 s. */
static const int64_t db_le_us[] = { 10, 25, 50, 100, 250, 500, 1000, 2500, 5000,
	10000, 25000, 50000, 100000, 250000, 1000000 };
#define DB_BUCKETS (sizeof(db_le_us) / sizeof(db_le_us[0]))

/* The statuses gazette answers with; anything else is "other". */
static const int statuses[] = { 200, 201, 204, 206, 301, 302, 303, 304, 307,
	308, 400, 401, 403, 404, 405, 406, 409, 410, 412, 413, 414, 415, 422,
	429, 431, 500, 501, 502, 503, 504, 505 };
#define NSTATUS (sizeof(statuses) / sizeof(statuses[0]) + 1)

#define NROUTES (METRICS_ROUTES_MAX + 1) /* + "none" */

typedef atomic_uint_fast64_t counter;

struct histo_http {
	counter bucket[HTTP_BUCKETS + 1]; /* not cumulative; last: +Inf */
	counter sum_us;
	counter count;
};

static struct {
	counter		    requests[NROUTES][NSTATUS];
	struct histo_http   latency[NROUTES];
	counter		    db_bucket[DB_BUCKETS + 1];
	counter		    db_sum_us;
	counter		    db_count;
	counter		    cache_hits, cache_misses;
	counter		    cache_notifications, cache_relistens;
	counter		    comments[METRICS_COMMENT__MAX];
	counter		    reloads[2];
	atomic_int_fast64_t gauges[METRICS_GAUGE__MAX];
} m;

static char    *route_names[NROUTES];
static unsigned nroute_names;
static int64_t	start_time;

static const char *const comment_names[METRICS_COMMENT__MAX] = {
	[METRICS_COMMENT_PUBLISHED] = "published",
	[METRICS_COMMENT_HELD] = "held",
	[METRICS_COMMENT_SPAM] = "spam",
	[METRICS_COMMENT_REFUSED] = "refused",
};

void
metrics_routes_set(const char *const *patterns, unsigned n)
{
	unsigned i;

	for (i = 0; i < nroute_names; i++)
		free(route_names[i]);
	if (n > METRICS_ROUTES_MAX)
		n = METRICS_ROUTES_MAX;
	for (i = 0; i < n; i++)
		route_names[i] = xstrdup(patterns[i]);
	nroute_names = n;
	if (start_time == 0)
		start_time = (int64_t)time(NULL);
}

static unsigned
status_index(int status)
{
	unsigned i;

	for (i = 0; i < NSTATUS - 1; i++)
		if (statuses[i] == status)
			return i;
	return NSTATUS - 1;
}

static unsigned
bucket_of(const int64_t *le, unsigned n, int64_t us)
{
	unsigned i;

	for (i = 0; i < n; i++)
		if (us <= le[i])
			return i;
	return n;
}

void
metrics_http(unsigned route, int status, int64_t us)
{
	struct histo_http *h;

	if (route > METRICS_ROUTE_NONE)
		route = METRICS_ROUTES_MAX - 1;
	if (us < 0)
		us = 0;
	h = &m.latency[route];
	atomic_fetch_add_explicit(&m.requests[route][status_index(status)], 1,
	    memory_order_relaxed);
	atomic_fetch_add_explicit(
	    &h->bucket[bucket_of(http_le_us, HTTP_BUCKETS, us)], 1,
	    memory_order_relaxed);
	atomic_fetch_add_explicit(&h->sum_us, (uint64_t)us,
	    memory_order_relaxed);
	atomic_fetch_add_explicit(&h->count, 1, memory_order_relaxed);
}

void
metrics_db(int64_t us)
{
	if (us < 0)
		us = 0;
	atomic_fetch_add_explicit(
	    &m.db_bucket[bucket_of(db_le_us, DB_BUCKETS, us)], 1,
	    memory_order_relaxed);
	atomic_fetch_add_explicit(&m.db_sum_us, (uint64_t)us,
	    memory_order_relaxed);
	atomic_fetch_add_explicit(&m.db_count, 1, memory_order_relaxed);
}

void
metrics_cache_hit(void)
{
	atomic_fetch_add_explicit(&m.cache_hits, 1, memory_order_relaxed);
}

void
metrics_cache_miss(void)
{
	atomic_fetch_add_explicit(&m.cache_misses, 1, memory_order_relaxed);
}

void
metrics_cache_notification(void)
{
	atomic_fetch_add_explicit(&m.cache_notifications, 1,
	    memory_order_relaxed);
}

void
metrics_cache_relisten(void)
{
	atomic_fetch_add_explicit(&m.cache_relistens, 1, memory_order_relaxed);
}

void
metrics_comment_post(enum metrics_comment o)
{
	if ((unsigned)o < METRICS_COMMENT__MAX)
		atomic_fetch_add_explicit(&m.comments[o], 1,
		    memory_order_relaxed);
}

void
metrics_reload(int ok)
{
	atomic_fetch_add_explicit(&m.reloads[ok ? 1 : 0], 1,
	    memory_order_relaxed);
}

void
metrics_gauge_add(enum metrics_gauge g, int64_t d)
{
	if ((unsigned)g < METRICS_GAUGE__MAX)
		atomic_fetch_add_explicit(&m.gauges[g], d,
		    memory_order_relaxed);
}

void
metrics_gauge_set(enum metrics_gauge g, int64_t v)
{
	if ((unsigned)g < METRICS_GAUGE__MAX)
		atomic_store_explicit(&m.gauges[g], v, memory_order_relaxed);
}

void
metrics_reset(void)
{
	memset(&m, 0, sizeof(m));
}

static uint64_t
get(counter *c)
{
	return atomic_load_explicit(c, memory_order_relaxed);
}

/* A label value: route patterns are ours, but escape as the format says
 * (backslash, double quote, newline) all the same. */
static void
label(struct buf *b, const char *s)
{
	for (; *s; s++) {
		if (*s == '\\' || *s == '"')
			buf_putc(b, '\\');
		if (*s == '\n') {
			buf_puts(b, "\\n");
			continue;
		}
		buf_putc(b, *s);
	}
}

static const char *
route_name(unsigned i)
{
	if (i == METRICS_ROUTE_NONE)
		return "none";
	return i < nroute_names ? route_names[i] : "other";
}

/* Seconds from microseconds, exactly enough for the format. */
static void
seconds(struct buf *b, uint64_t us)
{
	buf_printf(b, "%llu.%06llu", (unsigned long long)(us / 1000000),
	    (unsigned long long)(us % 1000000));
}

static void
histo(struct buf *b, const char *name, const char *lbl, counter *bucket,
    const int64_t *le, unsigned n, uint64_t sum_us, uint64_t count)
{
	uint64_t cum = 0;
	unsigned i;

	/* Buckets are read one by one while others record, so the total
	 * can run ahead of count; +Inf and _count are written as the same
	 * number so the series stays self-consistent. */
	for (i = 0; i < n; i++) {
		cum += get(&bucket[i]);
		buf_printf(b, "%s_bucket{%sle=\"", name, lbl);
		seconds(b, (uint64_t)le[i]);
		buf_printf(b, "\"} %llu\n", (unsigned long long)cum);
	}
	cum += get(&bucket[n]);
	if (count < cum)
		count = cum;
	buf_printf(b, "%s_bucket{%sle=\"+Inf\"} %llu\n", name, lbl,
	    (unsigned long long)count);
	/* lbl is empty or ends in a comma, which _sum and _count drop. */
	if (*lbl)
		buf_printf(b, "%s_sum{%.*s} ", name, (int)strlen(lbl) - 1, lbl);
	else
		buf_printf(b, "%s_sum ", name);
	seconds(b, sum_us);
	if (*lbl)
		buf_printf(b, "\n%s_count{%.*s} %llu\n", name,
		    (int)strlen(lbl) - 1, lbl, (unsigned long long)count);
	else
		buf_printf(b, "\n%s_count %llu\n", name,
		    (unsigned long long)count);
}

void
metrics_write(struct buf *b)
{
	struct buf lbl = BUF_INIT;
	unsigned   r, i;
	uint64_t   v;

	buf_puts(b,
	    "# HELP gazette_http_requests_total HTTP requests "
	    "answered, by route pattern and status.\n"
	    "# TYPE gazette_http_requests_total counter\n");
	for (r = 0; r < NROUTES; r++) {
		if (r < METRICS_ROUTE_NONE && r >= nroute_names)
			continue;
		for (i = 0; i < NSTATUS; i++) {
			if ((v = get(&m.requests[r][i])) == 0)
				continue;
			buf_puts(b, "gazette_http_requests_total{route=\"");
			label(b, route_name(r));
			if (i < NSTATUS - 1)
				buf_printf(b, "\",status=\"%d\"} %llu\n",
				    statuses[i], (unsigned long long)v);
			else
				buf_printf(b, "\",status=\"other\"} %llu\n",
				    (unsigned long long)v);
		}
	}
	buf_puts(b,
	    "# HELP gazette_http_request_duration_seconds Time from "
	    "a request's arrival to its response being sent, by route.\n"
	    "# TYPE gazette_http_request_duration_seconds histogram\n");
	for (r = 0; r < NROUTES; r++) {
		if ((v = get(&m.latency[r].count)) == 0)
			continue;
		buf_reset(&lbl);
		buf_puts(&lbl, "route=\"");
		label(&lbl, route_name(r));
		buf_puts(&lbl, "\",");
		histo(b, "gazette_http_request_duration_seconds", buf_str(&lbl),
		    m.latency[r].bucket, http_le_us, HTTP_BUCKETS,
		    get(&m.latency[r].sum_us), v);
	}
	buf_free(&lbl);
	buf_printf(b,
	    "# HELP gazette_http_connections_open TCP connections "
	    "open.\n# TYPE gazette_http_connections_open gauge\n"
	    "gazette_http_connections_open %lld\n"
	    "# HELP gazette_http_requests_in_flight Requests being handled."
	    "\n# TYPE gazette_http_requests_in_flight gauge\n"
	    "gazette_http_requests_in_flight %lld\n",
	    (long long)atomic_load(&m.gauges[METRICS_CONNECTIONS]),
	    (long long)atomic_load(&m.gauges[METRICS_IN_FLIGHT]));
	buf_puts(b,
	    "# HELP gazette_db_statement_duration_seconds Time spent "
	    "in database statements.\n"
	    "# TYPE gazette_db_statement_duration_seconds histogram\n");
	histo(b, "gazette_db_statement_duration_seconds", "", m.db_bucket,
	    db_le_us, DB_BUCKETS, get(&m.db_sum_us), get(&m.db_count));
	buf_printf(b,
	    "# HELP gazette_cache_hits_total Pages answered from "
	    "the page cache.\n# TYPE gazette_cache_hits_total counter\n"
	    "gazette_cache_hits_total %llu\n"
	    "# HELP gazette_cache_misses_total Pages rendered because the "
	    "cache did not hold them.\n"
	    "# TYPE gazette_cache_misses_total counter\n"
	    "gazette_cache_misses_total %llu\n"
	    "# HELP gazette_cache_bytes Bytes held by the page cache.\n"
	    "# TYPE gazette_cache_bytes gauge\ngazette_cache_bytes %lld\n",
	    (unsigned long long)get(&m.cache_hits),
	    (unsigned long long)get(&m.cache_misses),
	    (long long)atomic_load(&m.gauges[METRICS_CACHE_BYTES]));
	buf_printf(b,
	    "# HELP gazette_cache_listening 1 while this node "
	    "listens for the changes other nodes make (PostgreSQL LISTEN), "
	    "else 0.\n# TYPE gazette_cache_listening gauge\n"
	    "gazette_cache_listening %lld\n"
	    "# HELP gazette_cache_notifications_total Change notifications "
	    "received from the database (PostgreSQL NOTIFY).\n"
	    "# TYPE gazette_cache_notifications_total counter\n"
	    "gazette_cache_notifications_total %llu\n"
	    "# HELP gazette_cache_relistens_total Times the listening "
	    "connection was made again after it was lost (each drops the "
	    "whole page cache).\n"
	    "# TYPE gazette_cache_relistens_total counter\n"
	    "gazette_cache_relistens_total %llu\n",
	    (long long)atomic_load(&m.gauges[METRICS_CACHE_LISTENING]),
	    (unsigned long long)get(&m.cache_notifications),
	    (unsigned long long)get(&m.cache_relistens));
	buf_puts(b,
	    "# HELP gazette_comment_posts_total Comments posted, by "
	    "outcome.\n# TYPE gazette_comment_posts_total counter\n");
	for (i = 0; i < METRICS_COMMENT__MAX; i++)
		buf_printf(b,
		    "gazette_comment_posts_total{outcome=\"%s\"} "
		    "%llu\n",
		    comment_names[i], (unsigned long long)get(&m.comments[i]));
	buf_printf(b,
	    "# HELP gazette_reloads_total Configuration reloads "
	    "(SIGHUP), by result.\n# TYPE gazette_reloads_total counter\n"
	    "gazette_reloads_total{result=\"ok\"} %llu\n"
	    "gazette_reloads_total{result=\"failed\"} %llu\n"
	    "# HELP gazette_start_time_seconds When this process started, "
	    "Unix time.\n# TYPE gazette_start_time_seconds gauge\n"
	    "gazette_start_time_seconds %lld\n",
	    (unsigned long long)get(&m.reloads[1]),
	    (unsigned long long)get(&m.reloads[0]), (long long)start_time);
}
