/* metrics.h: process-wide counters, gauges and histograms, written out in
 * the Prometheus text format (version 0.0.4).
 *
 * Every series is a fixed slot of an atomic counter set up before use, so
 * recording is a relaxed atomic add: no lock, no allocation, safe from any
 * thread. Labels with many possible values are bounded: HTTP requests are
 * labelled by route pattern (registered once, at most METRICS_ROUTES_MAX)
 * and by status among a fixed list (others count as "other"). Knows nothing
 * of the server or the store: they call in. */
#ifndef GAZETTE_METRICS_H
#define GAZETTE_METRICS_H

#include <stdint.h>

#include "util/buf.h"

#define METRICS_ROUTES_MAX 128
/* The route index of a request no route matched (label "none"). */
#define METRICS_ROUTE_NONE METRICS_ROUTES_MAX

enum metrics_comment {
	METRICS_COMMENT_PUBLISHED = 0,
	METRICS_COMMENT_HELD,
	METRICS_COMMENT_SPAM,
	METRICS_COMMENT_REFUSED,
	METRICS_COMMENT__MAX
};

enum metrics_gauge {
	METRICS_CONNECTIONS = 0, /* TCP connections open */
	METRICS_IN_FLIGHT,	 /* requests being handled */
	METRICS_CACHE_BYTES,	 /* bytes the page cache holds */
	METRICS_CACHE_LISTENING, /* 1: hears other nodes' changes */
	METRICS_GAUGE__MAX
};

/* Names the routes (patterns, copied) that route indexes refer to; past
 * METRICS_ROUTES_MAX they share the last slot. Called at start-up, before
 * requests are recorded; a second call replaces the names. */
void metrics_routes_set(const char *const *patterns, unsigned n);
/* One request answered: its route index, status and duration. */
void metrics_http(unsigned route, int status, int64_t us);
/* Time spent in one database statement. */
void metrics_db(int64_t us);
void metrics_cache_hit(void);
void metrics_cache_miss(void);
void metrics_comment_post(enum metrics_comment);
/* The listener for other nodes' changes (PostgreSQL NOTIFY): one
 * notification received; its connection made again after a loss. */
void metrics_cache_notification(void);
void metrics_cache_relisten(void);
/* A configuration reload, succeeded or not. */
void metrics_reload(int ok);
void metrics_gauge_add(enum metrics_gauge, int64_t delta);
void metrics_gauge_set(enum metrics_gauge, int64_t value);

/* Appends every metric in the text format. */
void metrics_write(struct buf *);
/* Zeroes every counter and gauge (tests). */
void metrics_reset(void);

#endif
