/* notify.c: change keys from other processes (the CLI: gazette comment,
 * import, user…; on PostgreSQL, the other nodes too) to the server's page
 * cache.
 *
 * The server listens on a Linux abstract datagram socket named after the
 * database (so no file to clean up, and one name per site). A writing
 * process sends each commit's keys there, one per line, and waits (a
 * second at most) for the server's "ok", sent after it invalidated them:
 * so when `gazette comment spam 7` returns, no reader of a server on this
 * host is served the comment any more. No server: the send fails at once
 * and nothing waits.
 *
 * On PostgreSQL every commit also sends its keys with NOTIFY (the store
 * does it, whoever writes), and the server listens for them too
 * (store_listen_start): that is what reaches the nodes on other hosts, and
 * a second node on this host, which cannot bind the same socket name. The
 * socket stays, for the command's wait above: NOTIFY is delivered to the
 * nodes after COMMIT returns, without telling the writer when. */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "cache/cache.h"
#include "store/store.h"
#include "util/xalloc.h"

#define MSG_MAX	    4096
#define ACK_WAIT_MS 1000

struct cache_notify {
	struct cache	      *cache;
	int		       fd; /* -1: no socket */
	pthread_t	       thread;
	struct store_listener *listener; /* NOTIFY, or NULL */
};

/* "\0gazette-cache-" + a hash of the database's absolute path. */
static socklen_t
notify_addr(const char *db_url, struct sockaddr_un *sa)
{
	char	   *abs = realpath(db_url, NULL);
	const char *s = abs ? abs : db_url;
	uint64_t    h = 1469598103934665603ULL;
	int	    n;

	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211ULL;
	}
	free(abs);
	memset(sa, 0, sizeof(*sa));
	sa->sun_family = AF_UNIX;
	n = snprintf(sa->sun_path + 1, sizeof(sa->sun_path) - 1,
	    "gazette-cache-%016llx", (unsigned long long)h);
	return (
	    socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + (size_t)n);
}

static void *
notify_loop(void *arg)
{
	struct cache_notify *cn = arg;
	struct sockaddr_un   from;
	const char	    *keys[64];
	char		     msg[MSG_MAX + 1], *p, *save = NULL;
	socklen_t	     fl;
	ssize_t		     n;
	size_t		     nk;

	for (;;) {
		fl = sizeof(from);
		n = recvfrom(cn->fd, msg, MSG_MAX, 0, (struct sockaddr *)&from,
		    &fl);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) /* shut down (cache_notify_stop) */
			break;
		msg[n] = '\0';
		nk = 0;
		for (p = strtok_r(msg, "\n", &save); p && nk < 64;
		     p = strtok_r(NULL, "\n", &save))
			keys[nk++] = p;
		if (nk == 64) {
			keys[0] = "site"; /* too many to name: all */
			nk = 1;
		}
		cache_invalidate(cn->cache, keys, nk);
		if (fl > sizeof(sa_family_t))
			sendto(cn->fd, "ok", 2, MSG_DONTWAIT,
			    (struct sockaddr *)&from, fl);
	}
	return NULL;
}

static void
notify_listened(void *cache, const char *const *keys, size_t n)
{
	cache_invalidate(cache, keys, n);
}

struct cache_notify *
cache_notify_start(const char *db_url, struct cache *c)
{
	struct cache_notify *cn;
	struct sockaddr_un   sa;
	socklen_t	     len;

	if (c == NULL)
		return NULL;
	cn = xcalloc(1, sizeof(*cn));
	cn->cache = c;
	cn->listener = store_listen_start(db_url, notify_listened, c);
	len = notify_addr(db_url, &sa);
	if ((cn->fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0)) < 0 ||
	    bind(cn->fd, (struct sockaddr *)&sa, len) != 0) {
		/* Another server on this database (a successor starting,
		 * another node on this host): this one then relies on
		 * NOTIFY, or else on the cache's time limit. */
		if (cn->listener == NULL)
			fprintf(stderr,
			    "gazette: serve: changes made by "
			    "other processes will reach the page cache only "
			    "after its time limit: %s\n",
			    strerror(errno));
		if (cn->fd >= 0)
			close(cn->fd);
		cn->fd = -1;
	} else if (pthread_create(&cn->thread, NULL, notify_loop, cn) != 0) {
		close(cn->fd);
		cn->fd = -1;
	}
	if (cn->fd < 0 && cn->listener == NULL) {
		free(cn);
		return NULL;
	}
	return cn;
}

void
cache_notify_stop(struct cache_notify *cn)
{
	if (cn == NULL)
		return;
	store_listen_stop(cn->listener);
	if (cn->fd >= 0) {
		/* Wakes the thread: a read error (or EOF) ends its loop. */
		shutdown(cn->fd, SHUT_RDWR);
		pthread_join(cn->thread, NULL);
		close(cn->fd);
	}
	free(cn);
}

void
cache_notify_send(const char *db_url, const char *const *keys, size_t n)
{
	static int		  fd = -1;
	static struct sockaddr_un sa;
	static socklen_t	  len;
	struct sockaddr_un	  me;
	struct pollfd		  pfd;
	char			  msg[MSG_MAX], ack[8];
	size_t			  used = 0, i, k;

	if (fd < 0) {
		len = notify_addr(db_url, &sa);
		if ((fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0)) < 0)
			return;
		/* An autobound (abstract) address, for the server's ack. */
		memset(&me, 0, sizeof(me));
		me.sun_family = AF_UNIX;
		if (bind(fd, (struct sockaddr *)&me, sizeof(sa_family_t)) !=
		    0) {
			close(fd);
			fd = -1;
			return;
		}
	}
	for (i = 0; i < n; i++) {
		k = strlen(keys[i]);
		if (used + k + 1 > sizeof(msg)) {
			memcpy(msg, "site\n", 5);
			used = 5;
			break;
		}
		memcpy(msg + used, keys[i], k);
		msg[used + k] = '\n';
		used += k + 1;
	}
	if (sendto(fd, msg, used, 0, (struct sockaddr *)&sa, len) < 0)
		return; /* no server on this database */
	pfd.fd = fd;
	pfd.events = POLLIN;
	if (poll(&pfd, 1, ACK_WAIT_MS) == 1)
		(void)recv(fd, ack, sizeof(ack), 0);
}
