/* serve.c: gazette serve — the site over HTTP until SIGTERM; SIGHUP
 * reloads, SIGUSR2 starts a successor on the same listening socket. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <libgen.h>
#include <limits.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "admin/admin.h"
#include "cache/cache.h"
#include "cmd/cmd.h"
#include "http/http.h"
#include "routes.h"
#include "site/comments.h"
#include "site/page.h"
#include "site/search.h"
#include "store/fault.h"
#include "store/store.h"
#include "util/confine.h"
#include "util/metrics.h"
#include "util/str.h"
#include "util/xalloc.h"

/* Who may read /metrics when GAZETTE_METRICS_ALLOW is not set. */
#define METRICS_ALLOW_DEFAULT "127.0.0.0/8, ::1"

/* "127.0.0.1:8080", "[::1]:8080", ":8080" or "8080" into addr and port. */
static bool
parse_listen(const char *s, char *addr, size_t addrlen, unsigned *port)
{
	const char *colon, *host = s;
	size_t	    hl;
	int64_t	    p;

	if (s[0] == '[') {
		if ((colon = strstr(s, "]:")) == NULL)
			return false;
		host = s + 1;
		hl = (size_t)(colon - host);
		colon++;
	} else if ((colon = strrchr(s, ':')) != NULL) {
		hl = (size_t)(colon - s);
	} else {
		colon = s - 1;
		hl = 0;
	}
	if (!parse_int(colon + 1, strlen(colon + 1), 0, 65535, &p))
		return false;
	if (hl >= addrlen)
		return false;
	if (hl == 0)
		snprintf(addr, addrlen, "127.0.0.1");
	else {
		memcpy(addr, host, hl);
		addr[hl] = '\0';
	}
	*port = (unsigned)p;
	return true;
}

/* What serve keeps for reloads and hand-overs. */
struct serve {
	const char	   *db;
	const char	   *theme;   /* overlay, or NULL */
	const char	   *over[4]; /* settings from flags */
	char		    addr[INET6_ADDRSTRLEN];
	unsigned	    port; /* 0 until bound */
	struct site_holder *holder;
	struct comment_ctx *comments;	   /* every site loaded shares */
	struct cache	   *cache;	   /* the page cache, or NULL */
	struct http_cidr   *metrics_allow; /* GAZETTE_METRICS_ALLOW */
	size_t		    nmetrics_allow;
	struct search_gate *search;	   /* shared by every site loaded */
	char		    exe[PATH_MAX]; /* this binary, at start */
	int		    argc;
	char		  **argv;
	/* What serve_parse read for serve_start. */
	struct http_server_opts so;
	struct http_cidr       *trusted; /* --trusted-proxy and env */
	size_t			ntrusted;
	const char	       *sandboxing; /* "on" | "off" */
	int64_t			nthreads;
	int64_t			cache_mb;
	int64_t			search_slots;  /* searches at once */
	int64_t			search_budget; /* ms of database time each */
	/* What serve_start started, for serve_loop and serve_stop. */
	sigset_t	     sigs;
	struct http_server  *srv;
	struct cache_notify *notify;
};

static const char *
envor(const char *flag, const char *env, const char *def)
{
	const char *v;

	if (flag)
		return flag;
	if ((v = getenv(env)) != NULL && *v)
		return v;
	return def;
}

/* No base URL set: links in feeds and canonical tags point at the address
 * we listen on, known once bound. */
static void
base_url_default(const struct serve *sv, struct site *site)
{
	char *bu;

	if (*site->base_url != '\0' || sv->port == 0)
		return;
	if (asprintf(&bu,
		strchr(sv->addr, ':') ? "http://[%s]:%u" : "http://%s:%u",
		sv->addr, sv->port) < 0)
		return;
	free((char *)site->base_url);
	site->base_url = bu;
}

static struct site *
load(const struct serve *sv, struct store *st, char *err, size_t errlen)
{
	struct site *site;

	site = site_load(st, sv->db, site_default_theme(), sv->theme, sv->over,
	    err, errlen);
	if (site) {
		base_url_default(sv, site);
		site->metrics_allow = sv->metrics_allow;
		site->nmetrics_allow = sv->nmetrics_allow;
		site->comments = sv->comments;
		comment_ctx_site(sv->comments, site);
		site->search = sv->search;
	}
	return site;
}

/* SIGHUP: settings, templates and static files are loaded whole into a new
 * site, which replaces the old one only if it loaded. */
static void
reload(struct serve *sv)
{
	struct store *st;
	struct site  *site = NULL;
	char	      err[512];

	if ((st = store_open(sv->db, err, sizeof(err))) != NULL) {
		site = load(sv, st, err, sizeof(err));
		store_close(st);
	}
	metrics_reload(site != NULL);
	if (site == NULL) {
		fprintf(stderr,
		    "gazette: serve: reload failed, still serving "
		    "the previous settings and theme: %s\n",
		    err);
		return;
	}
	site_holder_swap(sv->holder, site);
	/* After the swap: a page rendered from the old site either started
	 * before this (and is not stored) or is dropped now. */
	{
		static const char *const all[] = { "site" };

		cache_invalidate(sv->cache, all, 1);
	}
	fprintf(stderr, "gazette: serve: reloaded settings and theme\n");
}

/* Bounds how stale a page can get from changes no hook reports: the
 * database edited by hand (sqlite3, psql), or by a process that could not
 * reach this one (cache_notify; on PostgreSQL, a notification sent while
 * this node was not listening is made up for by dropping everything),
 * and time passing on pages that show "the last two days" (the news
 * sitemap). gazette's own commands and other nodes notify at once. */
#define CACHE_TTL 60

static void
on_change(void *cache, const char *const *keys, size_t n)
{
	cache_invalidate(cache, keys, n);
}

static void *
ctx_acquire(void *holder)
{
	return site_acquire(holder);
}

static void
ctx_release(void *holder, void *site)
{
	(void)holder;
	site_release(site);
}

/* The listening socket handed over by systemd or by a predecessor's
 * SIGUSR2 (LISTEN_FDS protocol: fds from 3, for LISTEN_PID only); 0 when
 * there is none. */
static int
inherited_fd(void)
{
	const char *p = getenv("LISTEN_PID"), *n = getenv("LISTEN_FDS");
	int64_t	    pid, nfds;

	if (p == NULL || n == NULL ||
	    !parse_int(p, strlen(p), 1, INT64_MAX, &pid) ||
	    pid != (int64_t)getpid() || !parse_int(n, strlen(n), 1, 64, &nfds))
		return 0;
	unsetenv("LISTEN_PID");
	unsetenv("LISTEN_FDS");
	unsetenv("LISTEN_FDNAMES");
	if (nfds > 1)
		fprintf(stderr,
		    "gazette: serve: %lld sockets inherited; "
		    "listening on the first\n",
		    (long long)nfds);
	return 3;
}

static void
sock_addr(int fd, char *addr, size_t n)
{
	struct sockaddr_storage ss;
	socklen_t		sl = sizeof(ss);

	if (getsockname(fd, (struct sockaddr *)&ss, &sl) != 0)
		return;
	if (ss.ss_family == AF_INET)
		inet_ntop(AF_INET, &((struct sockaddr_in *)&ss)->sin_addr, addr,
		    (socklen_t)n);
	else if (ss.ss_family == AF_INET6)
		inet_ntop(AF_INET6, &((struct sockaddr_in6 *)&ss)->sin6_addr,
		    addr, (socklen_t)n);
}

/*
 * SIGUSR2: starts the binary at our path (an upgrade may have replaced
 * it) with our arguments, giving it the listening socket as fd 3 with
 * LISTEN_FDS=1. Both processes then accept from the one socket and its
 * one queue, so when this one is told to stop, connections it has not
 * accepted are still there for the successor: nothing is refused or
 * reset, which separate SO_REUSEPORT sockets cannot promise (closing one
 * resets the connections queued on it). Everything the child needs is
 * built before fork, as only async-signal-safe calls may follow it.
 */
static void
successor(const struct serve *sv, int fd)
{
	extern char **environ;
	char	    **args, **envp, pidenv[32] = "LISTEN_PID=", digits[16];
	size_t	      i, n = 0, k;
	sigset_t      none;
	pid_t	      pid, me;

	for (i = 0; environ[i]; i++)
		;
	envp = xcalloc(i + 3, sizeof(*envp));
	for (i = 0; environ[i]; i++)
		if (strncmp(environ[i], "LISTEN_", 7) != 0)
			envp[n++] = environ[i];
	envp[n++] = "LISTEN_FDS=1";
	envp[n++] = pidenv;
	args = xcalloc((size_t)sv->argc + 2, sizeof(*args));
	args[0] = (char *)sv->exe;
	for (i = 0; i < (size_t)sv->argc; i++)
		args[i + 1] = sv->argv[i];
	sigemptyset(&none);

	if ((pid = fork()) == 0) {
		sigprocmask(SIG_SETMASK, &none, NULL);
		if (fd == 3)
			fcntl(3, F_SETFD, 0);
		else if (dup2(fd, 3) != 3)
			_exit(127);
		me = getpid();
		for (k = 0; me > 0 && k < sizeof(digits); me /= 10)
			digits[k++] = (char)('0' + me % 10);
		for (i = 11; k > 0;)
			pidenv[i++] = digits[--k];
		pidenv[i] = '\0';
		execve(sv->exe, args, envp);
		_exit(127);
	}
	if (pid < 0)
		fprintf(stderr, "gazette: serve: SIGUSR2: cannot fork: %s\n",
		    strerror(errno));
	else
		fprintf(stderr,
		    "gazette: serve: SIGUSR2: started %s as pid "
		    "%ld on the listening socket; stop this process (pid %ld) "
		    "with SIGTERM once it listens\n",
		    sv->exe, (long)pid, (long)getpid());
	free(args);
	free(envp);
}

/* A successor that exited (failed to start) is reaped and reported. */
static void
reap(void)
{
	pid_t pid;
	int   status;

	while ((pid = waitpid(-1, &status, WNOHANG)) > 0)
		fprintf(stderr,
		    "gazette: serve: successor pid %ld exited "
		    "with status %d; still serving\n",
		    (long)pid,
		    WIFEXITED(status) ?
			WEXITSTATUS(status) :
			128 + WTERMSIG(status));
}

/* After start-up serve needs the theme, the time zones, the database's
 * directory and (for SIGUSR2) its own binary: confine.h. */
static bool
sandbox(const struct serve *sv, char *what, size_t n)
{
	struct confine c = { 0 };
	const char    *path = store_url_path(sv->db);
	char	      *copy = NULL;
	bool	       ok;

	c.read[c.nread++] = site_default_theme();
	if (sv->theme)
		c.read[c.nread++] = sv->theme;
	c.read[c.nread++] = "/usr/share/zoneinfo";
	c.read[c.nread++] = "/etc/localtime";
	/* A SQLite database is a file: its directory holds the -wal and
	 * -shm files too. Another backend is reached over the network and
	 * writes nothing here. */
	if (path != NULL) {
		copy = xstrdup(path);
		c.write[c.nwrite++] = dirname(copy);
	}
	c.exe = *sv->exe ? sv->exe : NULL;
	ok = confine_apply(&c, what, n);
	free(copy);
	return ok;
}

/* Flags into sv (and what they leave for the environment to fill in,
 * into the out parameters). -1 to go on; else the exit code. */
static int
serve_flags(struct serve *sv, int argc, char **argv, const char **listen,
    const char **threads, const char **logfmt)
{
	static const struct option opts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "listen", required_argument, NULL, 'l' },
		{ "threads", required_argument, NULL, 't' },
		{ "theme", required_argument, NULL, 'T' },
		{ "base-url", required_argument, NULL, 'b' },
		{ "no-access-log", no_argument, NULL, 'q' },
		{ "access-log", required_argument, NULL, 'a' },
		{ "trusted-proxy", required_argument, NULL, 'p' },
		{ "no-sandbox", no_argument, NULL, 'S' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *bad;
	size_t	    badlen;
	int	    c;

	sv->argc = argc;
	sv->argv = argv;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'd':
			sv->db = optarg;
			break;
		case 'l':
			*listen = optarg;
			break;
		case 't':
			*threads = optarg;
			break;
		case 'T':
			sv->theme = optarg;
			break;
		case 'b':
			sv->over[0] = "base_url";
			sv->over[1] = optarg;
			break;
		case 'q':
			*logfmt = "off";
			break;
		case 'S':
			sv->sandboxing = "off";
			break;
		case 'a':
			*logfmt = optarg;
			break;
		case 'p':
			if (strchr(optarg, ',') == NULL &&
			    http_cidr_list_parse(optarg, &sv->trusted,
				&sv->ntrusted, &bad, &badlen))
				break;
			cmd_err("serve",
			    "--trusted-proxy '%s' is not an "
			    "address or a network (10.0.0.0/8)",
			    optarg);
			return EXIT_USAGE;
		case 'h':
			return cmd_usage("serve", true);
		default:
			return cmd_usage("serve", false);
		}
	}
	if (optind != argc)
		return cmd_usage("serve", false);
	return -1;
}

/* A whole number from the environment variable name, between min and
 * max, into *out (left alone when the variable is unset or empty); false
 * and a message naming what it should be otherwise. */
static bool
env_num(const char *name, int64_t min, int64_t max, int64_t *out,
    const char *what)
{
	const char *env = getenv(name);

	if (env == NULL || *env == '\0' ||
	    parse_int(env, strlen(env), min, max, out))
		return true;
	cmd_err("serve", "%s '%s' is not %s", name, env, what);
	return false;
}

/* Flags, then the environment, then the defaults: every setting serve
 * takes outside the database, checked before anything starts. -1 to go
 * on; else the exit code. */
static int
serve_parse(struct serve *sv, int argc, char **argv)
{
	const char		*listen = NULL, *threads = NULL, *logfmt = NULL;
	const char		*bad, *env;
	struct http_server_opts *so = &sv->so;
	int64_t			 body_s = 30, body_rate = 1024;
	size_t			 badlen;
	ssize_t			 n;
	int			 rc;

	if ((rc = serve_flags(sv, argc, argv, &listen, &threads, &logfmt)) >= 0)
		return rc;
	if ((env = getenv("GAZETTE_TRUSTED_PROXIES")) != NULL &&
	    !http_cidr_list_parse(env, &sv->trusted, &sv->ntrusted, &bad,
		&badlen)) {
		cmd_err("serve",
		    "GAZETTE_TRUSTED_PROXIES: '%.*s' is not an "
		    "address or a network (10.0.0.0/8)",
		    (int)badlen, bad);
		return EXIT_USAGE;
	}
	/* Who may read /metrics: loopback unless told otherwise; "none" for
	 * nobody. */
	env = envor(NULL, "GAZETTE_METRICS_ALLOW", METRICS_ALLOW_DEFAULT);
	if (strcmp(env, "none") != 0 &&
	    !http_cidr_list_parse(env, &sv->metrics_allow, &sv->nmetrics_allow,
		&bad, &badlen)) {
		cmd_err("serve",
		    "GAZETTE_METRICS_ALLOW: '%.*s' is not an "
		    "address or a network (10.0.0.0/8), nor 'none'",
		    (int)badlen, bad);
		return EXIT_USAGE;
	}
	so->access_log = true;
	logfmt = envor(logfmt, "GAZETTE_ACCESS_LOG", "text");
	if (strcmp(logfmt, "off") == 0 || strcmp(logfmt, "0") == 0)
		so->access_log = false;
	else if (strcmp(logfmt, "json") == 0)
		so->log_format = HTTP_LOG_JSON;
	else if (strcmp(logfmt, "text") != 0) {
		cmd_err("serve", "--access-log '%s' is not text, json or off",
		    logfmt);
		return EXIT_USAGE;
	}
	sv->sandboxing = envor(sv->sandboxing, "GAZETTE_SANDBOX", "on");
	if (strcmp(sv->sandboxing, "on") != 0 &&
	    strcmp(sv->sandboxing, "off") != 0) {
		cmd_err("serve", "GAZETTE_SANDBOX '%s' is not on or off",
		    sv->sandboxing);
		return EXIT_USAGE;
	}
	listen = envor(listen, "GAZETTE_LISTEN", "127.0.0.1:8080");
	if (!parse_listen(listen, sv->addr, sizeof(sv->addr), &sv->port)) {
		cmd_err("serve", "--listen '%s' is not ADDR:PORT", listen);
		return EXIT_USAGE;
	}
	threads = envor(threads, "GAZETTE_THREADS", NULL);
	sv->nthreads = sysconf(_SC_NPROCESSORS_ONLN);
	if (threads &&
	    !parse_int(threads, strlen(threads), 1, 256, &sv->nthreads)) {
		cmd_err("serve", "--threads '%s' is not a number from 1 to 256",
		    threads);
		return EXIT_USAGE;
	}
	if (sv->nthreads < 1)
		sv->nthreads = 1;
	sv->theme = envor(sv->theme, "GAZETTE_THEME", NULL);
	/* Searches leave a thread free for every other request. */
	sv->search_slots = sv->nthreads > 1 ? sv->nthreads - 1 : 1;
	sv->search_budget = SEARCH_BUDGET_MS_DEFAULT;
	/* A request body's deadline and minimum rate (http_limits), and the
	 * page cache's size. */
	sv->cache_mb = 32;
	if (!env_num("GAZETTE_BODY_TIMEOUT", 1, 86400, &body_s,
		"a number of seconds from 1 to 86400") ||
	    !env_num("GAZETTE_BODY_MIN_RATE", 0, 1 << 30, &body_rate,
		"a number of bytes a second (0: no minimum)") ||
	    !env_num("GAZETTE_CACHE_MB", 0, 1 << 20, &sv->cache_mb,
		"a number of MiB (0: no cache)") ||
	    !env_num("GAZETTE_SEARCH_CONCURRENCY", 1, 256, &sv->search_slots,
		"a number from 1 to 256") ||
	    !env_num("GAZETTE_SEARCH_BUDGET_MS", 0, 600000, &sv->search_budget,
		"a number of milliseconds from 0 (no limit) to 600000"))
		return EXIT_USAGE;
	so->limits.body_timeout = (unsigned)body_s;
	so->limits.body_min_rate =
	    body_rate ? (unsigned)body_rate : HTTP_LIMIT_OFF;
	if ((n = readlink("/proc/self/exe", sv->exe, sizeof(sv->exe) - 1)) < 0)
		n = 0;
	sv->exe[n] = '\0';
	so->listen_fd = inherited_fd();
	if (so->listen_fd > 0) {
		sock_addr(so->listen_fd, sv->addr, sizeof(sv->addr));
		sv->port = 0; /* from the socket, once started */
	}
	return -1;
}

/* Everything up to the first request: the database and the site, the
 * signals, the sandbox, the page cache, comment posting, the server.
 * false (and a message) when one of them cannot start. */
static bool
serve_start(struct serve *sv)
{
	struct http_server_opts *so = &sv->so;
	struct site		*site = NULL;
	struct store		*st = NULL;
	char			 err[512], what[2048];
	bool			 ok = false;

	sv->db = cmd_db_url(sv->db);
	if ((st = cmd_open("serve", sv->db, true)) == NULL)
		goto out;
	if ((site = load(sv, st, err, sizeof(err))) == NULL) {
		cmd_err("serve", "%s", err);
		goto out;
	}
	/* Signals are taken by this thread alone, with sigwait: every other
	 * thread (the comment writer, started next, and the server's)
	 * starts with them blocked and never sees them; one that did would
	 * die of SIGTERM's default action instead of draining. */
	sigemptyset(&sv->sigs);
	sigaddset(&sv->sigs, SIGINT);
	sigaddset(&sv->sigs, SIGTERM);
	sigaddset(&sv->sigs, SIGHUP);
	sigaddset(&sv->sigs, SIGUSR2);
	sigaddset(&sv->sigs, SIGCHLD);
	pthread_sigmask(SIG_BLOCK, &sv->sigs, NULL);
	signal(SIGPIPE, SIG_IGN);

	/* Confined before any other thread starts (Landlock holds for the
	 * calling thread and those it creates), with the database open. */
	if (strcmp(sv->sandboxing, "on") == 0) {
		if (!sandbox(sv, what, sizeof(what))) {
			cmd_err("serve",
			    "cannot confine the server (%s); "
			    "--no-sandbox or GAZETTE_SANDBOX=off runs without",
			    what);
			goto out;
		}
		fprintf(stderr, "gazette: serve: confined: %s\n", what);
	} else
		fprintf(stderr,
		    "gazette: serve: not confined "
		    "(GAZETTE_SANDBOX=off or --no-sandbox)\n");

	/* The page cache, told of every write this process commits (the
	 * comment writer's included) by the store's change hook, and of
	 * other processes' (commands; on PostgreSQL, every node's) by
	 * cache_notify. Started after confinement, like every other
	 * thread. */
	sv->cache = cache_new((size_t)sv->cache_mb << 20, CACHE_TTL);
	store_on_change(on_change, sv->cache);
	sv->notify = cache_notify_start(sv->db, sv->cache);
	sv->search = search_gate_new((unsigned)sv->search_slots,
	    sv->search_budget, sv->cache);
	site->search = sv->search;

	/* Comment posting: keys, pacing and the group-commit writer, which
	 * outlives the server so requests in flight still get answers, and
	 * outlives reloads: every site loaded borrows it. */
	if ((sv->comments = comment_ctx_new(st, site->db_url, err,
		 sizeof(err))) == NULL) {
		cmd_err("serve", "%s", err);
		goto out;
	}
	site->comments = sv->comments;
	comment_ctx_site(sv->comments, site);
	store_close(st);
	st = NULL;

	sv->holder = site_holder_new(site);
	site = NULL;
	so->addr = sv->addr;
	so->port = sv->port;
	so->threads = (unsigned)sv->nthreads;
	so->trusted = sv->trusted;
	so->ntrusted = sv->ntrusted;
	so->routes = routes;
	so->nroutes = routes_n;
	so->not_found = routes_not_found;
	so->bad_query = routes_bad_query;
	so->error = routes_error;
	so->decorate = page_decorate;
	so->ctx = sv->holder;
	so->ctx_acquire = ctx_acquire;
	so->ctx_release = ctx_release;
	so->cache = sv->cache;
	if ((sv->srv = http_server_start(so, err, sizeof(err))) == NULL) {
		cmd_err("serve", "%s", err);
		goto out;
	}
	if (sv->port == 0) {
		/* Bound only now: the base URL default can be set. No request
		 * has a reference yet that could see it change. */
		sv->port = http_server_port(sv->srv);
		site = site_acquire(sv->holder);
		base_url_default(sv, site);
		site_release(site);
		site = NULL;
	}
	fault_arm_listen();
	fault_probe();
	fprintf(stderr,
	    strchr(sv->addr, ':') ?
		"listening on http://[%s]:%u\n" :
		"listening on http://%s:%u\n",
	    sv->addr, sv->port);
	ok = true;
out:
	site_free(site);
	store_close(st);
	return ok;
}

/* Serves until SIGINT or SIGTERM: SIGHUP reloads the site, SIGUSR2
 * starts a successor on the same socket, SIGCHLD reaps it. */
static void
serve_loop(struct serve *sv)
{
	int sig;

	for (;;) {
		if (sigwait(&sv->sigs, &sig) != 0)
			continue;
		if (sig == SIGHUP)
			reload(sv);
		else if (sig == SIGUSR2)
			successor(sv, http_server_listen_fd(sv->srv));
		else if (sig == SIGCHLD)
			reap();
		else
			break;
	}
	fprintf(stderr,
	    "gazette: serve: stopping: finishing requests in "
	    "flight\n");
}

/* Stops in the order the parts depend on each other; what never started
 * is NULL, which every free takes. */
static void
serve_stop(struct serve *sv)
{
	http_server_stop(sv->srv);
	site_holder_free(sv->holder);
	search_gate_free(sv->search);
	/* After the server drained: the writer answers requests in flight. */
	comment_ctx_free(sv->comments);
	/* Last: the writer's commits above still report to it. */
	store_on_change(NULL, NULL);
	cache_notify_stop(sv->notify);
	cache_free(sv->cache);
	free(sv->trusted);
	free(sv->metrics_allow);
}

int
cmd_serve(int argc, char **argv)
{
	struct serve sv = { 0 };
	int	     rc;

	if ((rc = serve_parse(&sv, argc, argv)) < 0) {
		rc = 1;
		if (serve_start(&sv)) {
			serve_loop(&sv);
			rc = 0;
		}
	}
	serve_stop(&sv);
	return rc;
}
