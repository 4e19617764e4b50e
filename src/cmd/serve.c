/* serve.c: gazette serve — the site over HTTP until SIGTERM. */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd/cmd.h"
#include "admin/admin.h"
#include "http/http.h"
#include "render/page.h"
#include "store/fault.h"
#include "store/store.h"
#include "util/str.h"

/* "127.0.0.1:8080", "[::1]:8080", ":8080" or "8080" into addr and port. */
static bool
parse_listen(const char *s, char *addr, size_t addrlen, unsigned *port)
{
	const char *colon, *host = s;
	size_t hl;
	int64_t p;

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

static bool
set_base_url(struct site *site, const char *addr, unsigned port, char **bu)
{
	if (asprintf(bu, strchr(addr, ':') ? "http://[%s]:%u" :
	    "http://%s:%u", addr, port) < 0)
		return false;
	free((char *)site->base_url);
	site->base_url = *bu;
	return true;
}

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

int
cmd_serve(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "listen", required_argument, NULL, 'l' },
		{ "threads", required_argument, NULL, 't' },
		{ "theme", required_argument, NULL, 'T' },
		{ "base-url", required_argument, NULL, 'b' },
		{ "no-access-log", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *db = NULL, *listen = NULL, *threads = NULL, *theme = NULL,
	    *base = NULL, *alog;
	const char *over[4] = { NULL, NULL, NULL, NULL };
	struct http_server_opts so = { 0 };
	struct http_server *srv = NULL;
	struct route *routes = NULL;
	struct site *site = NULL;
	struct store *st = NULL;
	char addr[128], err[512], *bu = NULL;
	unsigned port;
	int64_t nthreads;
	sigset_t set;
	int c, sig, rc = 1;
	bool quiet = false;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'd': db = optarg; break;
		case 'l': listen = optarg; break;
		case 't': threads = optarg; break;
		case 'T': theme = optarg; break;
		case 'b': base = optarg; break;
		case 'q': quiet = true; break;
		case 'h': return cmd_usage("serve", true);
		default: return cmd_usage("serve", false);
		}
	}
	if (optind != argc)
		return cmd_usage("serve", false);
	listen = envor(listen, "GAZETTE_LISTEN", "127.0.0.1:8080");
	if (!parse_listen(listen, addr, sizeof(addr), &port)) {
		cmd_err("serve", "--listen '%s' is not ADDR:PORT", listen);
		return EXIT_USAGE;
	}
	threads = envor(threads, "GAZETTE_THREADS", NULL);
	nthreads = sysconf(_SC_NPROCESSORS_ONLN);
	if (threads && !parse_int(threads, strlen(threads), 1, 256,
	    &nthreads)) {
		cmd_err("serve", "--threads '%s' is not a number from 1 to 256",
		    threads);
		return EXIT_USAGE;
	}
	if (nthreads < 1)
		nthreads = 1;
	theme = envor(theme, "GAZETTE_THEME", NULL);
	alog = getenv("GAZETTE_ACCESS_LOG");
	if (alog && (strcmp(alog, "off") == 0 || strcmp(alog, "0") == 0))
		quiet = true;

	db = cmd_db_url(db);
	if ((st = cmd_open("serve", db, true)) == NULL)
		return 1;
	if (base) {
		over[0] = "base_url";
		over[1] = base;
	}
	if ((site = site_load(st, db, site_default_theme(), theme, over, err,
	    sizeof(err))) == NULL) {
		cmd_err("serve", "%s", err);
		goto out;
	}
	store_close(st);
	st = NULL;

	/* Signals are taken by this thread alone, with sigwait: the server
	 * threads start with them blocked and never see them. */
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);

	/* No base URL set: links in feeds and canonical tags point at the
	 * address we listen on. With port 0 it is known only once bound. */
	if (*site->base_url == '\0' && port != 0 &&
	    !set_base_url(site, addr, port, &bu))
		goto out;
	so.addr = addr;
	so.port = port;
	so.threads = (unsigned)nthreads;
	so.access_log = !quiet;
	/* The admin's routes first: the readers' "/:year/:month/:slug"
	 * would take /admin/articles/7. */
	routes = calloc(admin_routes_n + site_routes_n, sizeof(*routes));
	if (routes == NULL)
		goto out;
	memcpy(routes, admin_routes, admin_routes_n * sizeof(*routes));
	memcpy(routes + admin_routes_n, site_routes,
	    site_routes_n * sizeof(*routes));
	so.routes = routes;
	so.nroutes = admin_routes_n + site_routes_n;
	so.not_found = page_not_found;
	so.decorate = page_decorate;
	so.ctx = site;
	if ((srv = http_server_start(&so, err, sizeof(err))) == NULL) {
		cmd_err("serve", "%s", err);
		goto out;
	}
	port = http_server_port(srv);
	if (bu == NULL && *site->base_url == '\0' &&
	    !set_base_url(site, addr, port, &bu))
		goto out;
	fault_arm_listen();
	fprintf(stderr, strchr(addr, ':') ? "listening on http://[%s]:%u\n" :
	    "listening on http://%s:%u\n", addr, port);
	for (;;) {
		if (sigwait(&set, &sig) != 0)
			continue;
		if (sig == SIGHUP) {
			fprintf(stderr, "gazette: serve: SIGHUP: reloading "
			    "is not supported yet; restart to apply changes\n");
			continue;
		}
		break;
	}
	fprintf(stderr, "gazette: serve: stopping: finishing requests in "
	    "flight\n");
	http_server_stop(srv);
	srv = NULL;
	rc = 0;
out:
	if (srv)
		http_server_stop(srv);
	site_free(site);
	store_close(st);
	free(routes);
	return rc;
}
