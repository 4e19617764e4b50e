/* limit.c: what per-address limits count by, and the table of open
 * connections per address. Pure (the caller locks), unit-tested. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http/http-int.h"
#include "util/xalloc.h"

/*
 * An IPv4 address is one subscriber; an IPv6 subscriber is given a whole
 * /64 at least (RFC 6177), and privacy addresses (RFC 8981) hand each
 * device new ones within it at will. Counting IPv6 by address would let
 * one client be 2^64 clients, so every per-address limit counts by the
 * /64. An IPv4-mapped address is the IPv4 address it carries.
 */
void
http_limit_key(const char *addr, char *out, size_t outlen)
{
	struct in6_addr a6;
	struct in_addr	a4;
	char		text[INET6_ADDRSTRLEN];

	if (outlen == 0)
		return;
	if (inet_pton(AF_INET, addr, &a4) == 1) {
		inet_ntop(AF_INET, &a4, text, sizeof(text));
		snprintf(out, outlen, "%s", text);
	} else if (inet_pton(AF_INET6, addr, &a6) == 1) {
		if (IN6_IS_ADDR_V4MAPPED(&a6)) {
			inet_ntop(AF_INET, a6.s6_addr + 12, text, sizeof(text));
			snprintf(out, outlen, "%s", text);
			return;
		}
		memset(a6.s6_addr + 8, 0, 8);
		inet_ntop(AF_INET6, &a6, text, sizeof(text));
		snprintf(out, outlen, "%s/64", text);
	} else
		snprintf(out, outlen, "%s", addr); /* "-", a name */
}

struct addr_node {
	struct addr_node *next;
	unsigned	  n;
	char		  key[HTTP_LIMIT_KEY_MAX];
};

struct http_addr_counts {
	struct addr_node **b;
	size_t		   nb; /* a power of two */
};

struct http_addr_counts *
http_addr_counts_new(size_t expect)
{
	struct http_addr_counts *t = xcalloc(1, sizeof(*t));

	for (t->nb = 64; t->nb < expect && t->nb < (1u << 20); t->nb <<= 1)
		;
	t->b = xcalloc(t->nb, sizeof(*t->b));
	return t;
}

void
http_addr_counts_free(struct http_addr_counts *t)
{
	struct addr_node *n, *next;
	size_t		  i;

	if (t == NULL)
		return;
	for (i = 0; i < t->nb; i++)
		for (n = t->b[i]; n != NULL; n = next) {
			next = n->next;
			free(n);
		}
	free(t->b);
	free(t);
}

/* FNV-1a: the keys are addresses, chosen by clients but few and short. */
static struct addr_node **
slot_of(struct http_addr_counts *t, const char *key)
{
	struct addr_node **pp;
	uint32_t	   h = 2166136261u;
	const char	  *p;

	for (p = key; *p; p++)
		h = (h ^ (unsigned char)*p) * 16777619u;
	for (pp = &t->b[h & (t->nb - 1)]; *pp; pp = &(*pp)->next)
		if (strcmp((*pp)->key, key) == 0)
			break;
	return pp;
}

bool
http_addr_counts_take(struct http_addr_counts *t, const char *key, unsigned max)
{
	struct addr_node **pp = slot_of(t, key);

	if (*pp == NULL) {
		if (max == 0)
			return false;
		*pp = xcalloc(1, sizeof(**pp));
		snprintf((*pp)->key, sizeof((*pp)->key), "%s", key);
	} else if ((*pp)->n >= max)
		return false;
	(*pp)->n++;
	return true;
}

void
http_addr_counts_put(struct http_addr_counts *t, const char *key)
{
	struct addr_node **pp = slot_of(t, key), *n = *pp;

	if (n == NULL)
		return;
	if (--n->n == 0) {
		*pp = n->next;
		free(n);
	}
}

unsigned
http_addr_counts_get(struct http_addr_counts *t, const char *key)
{
	struct addr_node *n = *slot_of(t, key);

	return n ? n->n : 0;
}
