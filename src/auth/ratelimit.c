/* ratelimit.c: counting failed sign-ins per client address and account. */
#include <ctype.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "auth/auth.h"
#include "http/http.h"

/* A fixed table, so a flood of made-up names costs memory of its own
 * size and no more. When full, the entry idle longest goes; an attacker
 * rotating names to push out a locked account is himself one address,
 * locked after LOGIN_MAX_FAILS. */
#define SLOTS 4096

struct slot {
	char	key[96]; /* "a:" address or "u:" lowercased name */
	int	fails;
	int64_t last;
	int64_t locked_until;
};

static struct slot     slots[SLOTS];
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

static void
make_key(char *key, size_t size, char kind, const char *s)
{
	char   lk[HTTP_LIMIT_KEY_MAX];
	size_t i;

	/* An address counts by its limit key (an IPv6 /64), as every
	 * per-address limit does. */
	if (kind == 'a') {
		http_limit_key(s, lk, sizeof(lk));
		s = lk;
	}

	key[0] = kind;
	key[1] = ':';
	for (i = 0; s[i] && i + 3 < size; i++)
		key[i + 2] = (char)tolower((unsigned char)s[i]);
	key[i + 2] = '\0';
}

/* The slot of key, or NULL; with create, a new or recycled one. */
static struct slot *
find(const char *key, bool create)
{
	struct slot *s, *old = NULL;
	size_t	     i;

	for (i = 0; i < SLOTS; i++) {
		s = &slots[i];
		if (s->key[0] == '\0') {
			if (old == NULL || old->key[0] != '\0')
				old = s;
			continue;
		}
		if (strcmp(s->key, key) == 0)
			return s;
		if (old == NULL || (old->key[0] != '\0' && s->last < old->last))
			old = s;
	}
	if (!create || old == NULL)
		return NULL;
	memset(old, 0, sizeof(*old));
	snprintf(old->key, sizeof(old->key), "%s", key);
	return old;
}

static int64_t
wait_of(const char *key, int64_t now)
{
	struct slot *s = find(key, false);

	return s && s->locked_until > now ? s->locked_until - now : 0;
}

int64_t
login_limit_wait(const char *client, const char *name, int64_t now)
{
	char	ka[96], ku[96];
	int64_t a, u;

	make_key(ka, sizeof(ka), 'a', client);
	make_key(ku, sizeof(ku), 'u', name);
	pthread_mutex_lock(&lock);
	a = wait_of(ka, now);
	u = wait_of(ku, now);
	pthread_mutex_unlock(&lock);
	return a > u ? a : u;
}

static void
fail(const char *key, int64_t now)
{
	struct slot *s = find(key, true);

	/* Failures long apart are not "in a row"; a lock that ran out
	 * starts a new count. */
	if (now - s->last > LOGIN_LOCK_S ||
	    (s->locked_until != 0 && s->locked_until <= now)) {
		s->fails = 0;
		s->locked_until = 0;
	}
	s->last = now;
	if (++s->fails >= LOGIN_MAX_FAILS)
		s->locked_until = now + LOGIN_LOCK_S;
}

void
login_limit_fail(const char *client, const char *name, int64_t now)
{
	char ka[96], ku[96];

	make_key(ka, sizeof(ka), 'a', client);
	make_key(ku, sizeof(ku), 'u', name);
	pthread_mutex_lock(&lock);
	fail(ka, now);
	fail(ku, now);
	pthread_mutex_unlock(&lock);
}

void
login_limit_success(const char *name)
{
	struct slot *s;
	char	     ku[96];

	make_key(ku, sizeof(ku), 'u', name);
	pthread_mutex_lock(&lock);
	if ((s = find(ku, false)) != NULL)
		memset(s, 0, sizeof(*s));
	pthread_mutex_unlock(&lock);
}
