/* store-pg-listen.c: the PostgreSQL listener behind store_listen_start: a
 * connection of its own, LISTENing on the channel every commit notifies
 * (pg_notify in store-pg.c), read by a thread of its own.
 *
 * The thread only ever waits in poll(), on the connection's socket and on
 * a pipe store_listen_stop writes to, so stopping never waits for the
 * database: the connection is made with PQconnectStartParams and
 * PQconnectPoll, and LISTEN sent with PQsendQuery, under that same poll.
 *
 * A lost connection (a server restart, pg_terminate_backend, a network
 * gone quiet, which TCP keepalives notice) is made again after a pause
 * that starts at BACKOFF_MIN_MS and doubles up to BACKOFF_MAX_MS, for as
 * long as the listener runs. Notifications sent while nobody listened
 * are lost for good, so once LISTEN is in force again the callback gets
 * "site": the node forgets every page it cached meanwhile. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <libpq-fe.h>

#include "store/store-int.h"
#include "util/metrics.h"
#include "util/xalloc.h"

#define BACKOFF_MIN_MS	   50
#define BACKOFF_MAX_MS	   5000
#define CONNECT_TIMEOUT_MS 10000
/* More keys in one notification than this: everything ("site"). */
#define KEYS_MAX 64

struct pg_listener {
	char	       *url;
	store_change_fn fn;
	void	       *ctx;
	int		wake[2]; /* stop writes a byte to [1] */
	pthread_t	thread;
};

static const char *const all[] = { "site" };

static int64_t
mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Waits for events on fd (-1: none, just the time) for ms milliseconds
 * at most (-1: no limit). 1: ready; 0: time is up; -1: stop was asked. */
static int
listener_wait(struct pg_listener *pl, int fd, short events, int ms)
{
	struct pollfd p[2];
	int	      n;

	p[0].fd = pl->wake[0];
	p[0].events = POLLIN;
	p[1].fd = fd;
	p[1].events = events;
	p[0].revents = p[1].revents = 0;
	do
		n = poll(p, fd >= 0 ? 2 : 1, ms);
	while (n < 0 && errno == EINTR);
	if (p[0].revents != 0)
		return -1;
	return n > 0 ? 1 : 0;
}

static void
notice_quiet(void *arg, const char *msg)
{
	(void)arg;
	(void)msg; /* the server's goodbye when it ends the connection */
}

/* Copies libpq's message, first line only and without the URL's
 * passwords, into err. */
static void
listener_err(const struct pg_listener *pl, PGconn *pg, const char *why,
    char *err, size_t errlen)
{
	store_url_scrub(pl->url,
	    why	   ? why :
		pg ? PQerrorMessage(pg) :
		     "out of memory",
	    err, errlen);
	err[strcspn(err, "\n")] = '\0';
}

/*
 * A new connection, listening. NULL when it could not be made (the reason
 * in err) or stop was asked (*stop then true). The URL comes last, so
 * whatever it says overrides the defaults before it; the keepalives make
 * a connection whose peer vanished without a word (a network partition,
 * a host powered off) fail within about a minute instead of never.
 */
static PGconn *
listener_connect(struct pg_listener *pl, bool *stop, char *err, size_t errlen)
{
	const char *const keys[] = { "client_encoding",
		"fallback_application_name", "keepalives", "keepalives_idle",
		"keepalives_interval", "keepalives_count", "dbname", NULL };
	const char *const vals[] = { "UTF8", "gazette-listen", "1", "30", "10",
		"3", pl->url, NULL };
	PostgresPollingStatusType st = PGRES_POLLING_WRITING;
	int64_t	  deadline = mono_ms() + CONNECT_TIMEOUT_MS, left;
	PGresult *res;
	PGconn	 *pg;
	bool	  ok = true;
	int	  r;

	*stop = false;
	pg = PQconnectStartParams(keys, vals, 1);
	if (pg == NULL || PQstatus(pg) == CONNECTION_BAD) {
		listener_err(pl, pg, NULL, err, errlen);
		goto fail;
	}
	PQsetNoticeProcessor(pg, notice_quiet, NULL);
	while (st != PGRES_POLLING_OK) {
		if (st == PGRES_POLLING_FAILED) {
			listener_err(pl, pg, NULL, err, errlen);
			goto fail;
		}
		if ((left = deadline - mono_ms()) <= 0) {
			listener_err(pl, pg, "timed out connecting", err,
			    errlen);
			goto fail;
		}
		r = listener_wait(pl, PQsocket(pg),
		    st == PGRES_POLLING_READING ? POLLIN : POLLOUT, (int)left);
		if (r < 0) {
			*stop = true;
			goto fail;
		}
		st = PQconnectPoll(pg);
	}
	if (!PQsendQuery(pg, "LISTEN " PG_CHANGE_CHANNEL)) {
		listener_err(pl, pg, NULL, err, errlen);
		goto fail;
	}
	while (PQisBusy(pg)) {
		if ((left = deadline - mono_ms()) <= 0) {
			listener_err(pl, pg, "timed out starting to listen",
			    err, errlen);
			goto fail;
		}
		if ((r = listener_wait(pl, PQsocket(pg), POLLIN, (int)left)) <
		    0) {
			*stop = true;
			goto fail;
		}
		if (r > 0 && !PQconsumeInput(pg)) {
			listener_err(pl, pg, NULL, err, errlen);
			goto fail;
		}
	}
	while ((res = PQgetResult(pg)) != NULL) {
		if (PQresultStatus(res) != PGRES_COMMAND_OK && ok) {
			listener_err(pl, pg, PQresultErrorMessage(res), err,
			    errlen);
			ok = false;
		}
		PQclear(res);
	}
	if (ok)
		return pg;
fail:
	PQfinish(pg);
	return NULL;
}

/* One notification's keys (separated by spaces) to the callback. */
static void
listener_deliver(struct pg_listener *pl, const char *payload)
{
	const char *keys[KEYS_MAX];
	char	   *copy = xstrdup(payload), *p, *save = NULL;
	size_t	    n = 0;

	metrics_cache_notification();
	for (p = strtok_r(copy, " \n", &save); p != NULL;
	     p = strtok_r(NULL, " \n", &save)) {
		if (n == KEYS_MAX) {
			n = 0;
			break;
		}
		keys[n++] = p;
	}
	if (n > 0)
		pl->fn(pl->ctx, keys, n);
	else if (*payload != '\0')
		pl->fn(pl->ctx, all, 1); /* too many to name */
	free(copy);
}

/* Hands notifications to the callback until the connection is lost (0,
 * the reason in err) or stop is asked (-1). */
static int
listener_read(struct pg_listener *pl, PGconn *pg, char *err, size_t errlen)
{
	PGnotify *n;
	int	  r;

	for (;;) {
		/* First what libpq holds already (some may have come in
		 * with the answer to LISTEN): poll would not show it. */
		while ((n = PQnotifies(pg)) != NULL) {
			if (strcmp(n->relname, PG_CHANGE_CHANNEL) == 0)
				listener_deliver(pl, n->extra);
			PQfreemem(n);
		}
		if (PQsocket(pg) < 0) {
			listener_err(pl, pg, NULL, err, errlen);
			return 0;
		}
		if ((r = listener_wait(pl, PQsocket(pg), POLLIN, -1)) < 0)
			return -1;
		if (!PQconsumeInput(pg) || PQstatus(pg) != CONNECTION_OK) {
			listener_err(pl, pg, NULL, err, errlen);
			return 0;
		}
	}
}

static void *
listener_loop(void *arg)
{
	struct pg_listener *pl = arg;
	char		    err[256];
	PGconn		   *pg;
	bool		    stop, lost = false, told = false;
	int		    backoff = 0, r;

	for (;;) {
		if (backoff > 0 && listener_wait(pl, -1, 0, backoff) < 0)
			break;
		if ((pg = listener_connect(pl, &stop, err, sizeof(err))) ==
		    NULL) {
			if (stop)
				break;
			/* Once per loss: the log is not a retry counter. */
			if (!told)
				fprintf(stderr,
				    "gazette: cannot listen for "
				    "changes made by other nodes: %s; "
				    "retrying\n",
				    err);
			told = true;
			backoff = backoff == 0 ?
			    BACKOFF_MIN_MS :
			    backoff * 2 > BACKOFF_MAX_MS ?
			    BACKOFF_MAX_MS :
			    backoff * 2;
			continue;
		}
		/* Listening from here on: what changed before is unknown. */
		pl->fn(pl->ctx, all, 1);
		metrics_gauge_set(METRICS_CACHE_LISTENING, 1);
		if (lost) {
			metrics_cache_relisten();
			fprintf(stderr,
			    "gazette: listening again for changes "
			    "made by other nodes; dropped the page cache\n");
		}
		told = false;
		r = listener_read(pl, pg, err, sizeof(err));
		metrics_gauge_set(METRICS_CACHE_LISTENING, 0);
		PQfinish(pg);
		if (r < 0)
			break;
		fprintf(stderr,
		    "gazette: lost the connection listening for "
		    "changes made by other nodes: %s; reconnecting\n",
		    err);
		lost = told = true;
		backoff = BACKOFF_MIN_MS;
	}
	return NULL;
}

void *
pg_listen_start(const char *url, store_change_fn fn, void *ctx)
{
	struct pg_listener *pl = xcalloc(1, sizeof(*pl));

	pl->url = xstrdup(url);
	pl->fn = fn;
	pl->ctx = ctx;
	if (pipe2(pl->wake, O_CLOEXEC) != 0)
		goto fail;
	if (pthread_create(&pl->thread, NULL, listener_loop, pl) != 0) {
		close(pl->wake[0]);
		close(pl->wake[1]);
		goto fail;
	}
	return pl;
fail:
	free(pl->url);
	free(pl);
	return NULL;
}

void
pg_listen_stop(void *listener)
{
	struct pg_listener *pl = listener;

	if (pl == NULL)
		return;
	while (write(pl->wake[1], "", 1) < 0 && errno == EINTR)
		;
	pthread_join(pl->thread, NULL);
	close(pl->wake[0]);
	close(pl->wake[1]);
	free(pl->url);
	free(pl);
}
