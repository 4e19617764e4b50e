/* index.c: the importers' map from a source's id (a comment's, a post's,
 * an author's login) to where it sits in the import model.
 *
 * An export is hostile input: a file of 100,000 comments must import in
 * time linear in its size, so every "which comment is this id" is one
 * probe here rather than a walk over the comments. The hash is SipHash
 * under a key drawn per map, so a file cannot be made of ids that all
 * collide. The table is sized once from the count the caller knows, in
 * the import's arena: nothing to grow, nothing to free. */
#include <sodium.h>
#include <string.h>

#include "import/import-int.h"
#include "util/arena.h"

static size_t
slot_of(const struct imp_index *x, const char *key)
{
	unsigned char h[crypto_shorthash_BYTES];
	uint64_t      v;

	crypto_shorthash(h, (const unsigned char *)key, strlen(key), x->key);
	memcpy(&v, h, sizeof(v));
	return (size_t)v & (x->cap - 1);
}

void
imp_index_init(struct imp_index *x, struct arena *a, size_t n)
{
	x->cap = 16;
	while (x->cap < 2 * n + 1)
		x->cap *= 2;
	x->n = 0;
	x->max = n;
	x->keys = arena_alloc(a, x->cap * sizeof(*x->keys));
	x->vals = arena_alloc(a, x->cap * sizeof(*x->vals));
	/* sodium_init is idempotent; the key only needs to be unguessable
	 * by whoever wrote the file. */
	if (sodium_init() < 0)
		memset(x->key, 0x5a, sizeof(x->key));
	else
		randombytes_buf(x->key, sizeof(x->key));
}

bool
imp_index_add(struct imp_index *x, const char *key, size_t val)
{
	size_t j;

	if (*key == '\0' || x->n == x->max)
		return false;
	for (j = slot_of(x, key); x->keys[j]; j = (j + 1) & (x->cap - 1))
		if (strcmp(x->keys[j], key) == 0)
			return false;
	x->keys[j] = key;
	x->vals[j] = val;
	x->n++;
	return true;
}

bool
imp_index_get(const struct imp_index *x, const char *key, size_t *val)
{
	size_t j;

	if (*key == '\0' || x->cap == 0)
		return false;
	for (j = slot_of(x, key); x->keys[j]; j = (j + 1) & (x->cap - 1))
		if (strcmp(x->keys[j], key) == 0) {
			*val = x->vals[j];
			return true;
		}
	return false;
}

/* The pass number of every item, by walking up from each item to the
 * first ancestor whose pass is known and then back down: every item is
 * walked through once. An item's pass is its parent's when the parent
 * comes before it (the same pass reaches the parent first), else one
 * more. */
#define PASS_NONE  0
#define PASS_STUCK SIZE_MAX

size_t
imp_order(struct arena *a, const ssize_t *parent, size_t n, size_t *order)
{
	size_t	      *pass, *stack, *count, i, k, e, sp, max = 0, placed = 0;
	unsigned char *on;

	if (n == 0)
		return 0;
	pass = arena_alloc(a, n * sizeof(*pass));
	stack = arena_alloc(a, n * sizeof(*stack));
	on = arena_alloc(a, n);
	for (i = 0; i < n; i++) {
		if (pass[i] != PASS_NONE)
			continue;
		sp = 0;
		for (k = i; pass[k] == PASS_NONE && !on[k];
		     k = (size_t)parent[k]) {
			on[k] = 1;
			stack[sp++] = k;
			if (parent[k] < 0)
				break;
		}
		/* The walk ended at a root, at an item already known, or at
		 * one on this very walk: a loop, which every item walked
		 * hangs from. */
		e = stack[sp - 1];
		if (parent[e] >= 0 && pass[parent[e]] == PASS_NONE) {
			while (sp > 0)
				pass[stack[--sp]] = PASS_STUCK;
			continue;
		}
		while (sp > 0) {
			e = stack[--sp];
			if (parent[e] == IMP_ROOT)
				pass[e] = 1;
			else if (parent[e] < 0 || pass[parent[e]] == PASS_STUCK)
				pass[e] = PASS_STUCK;
			else
				pass[e] = pass[parent[e]] +
				    ((size_t)parent[e] > e);
			if (pass[e] != PASS_STUCK && pass[e] > max)
				max = pass[e];
		}
	}
	/* By pass, then by index: a counting sort. */
	count = arena_alloc(a, (max + 2) * sizeof(*count));
	for (i = 0; i < n; i++)
		if (pass[i] != PASS_STUCK)
			count[pass[i] + 1]++;
	for (k = 1; k <= max + 1; k++)
		count[k] += count[k - 1];
	for (i = 0; i < n; i++)
		if (pass[i] != PASS_STUCK) {
			order[count[pass[i]]++] = i;
			placed++;
		}
	return placed;
}
