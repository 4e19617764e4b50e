/* writer.c: group commit of posted comments.
 *
 * With synchronous=FULL every COMMIT waits for the disk, so one
 * transaction per comment caps throughput at the disk's flush rate. Posters
 * instead queue their comment and sleep; one writer thread, owning its own
 * connection, takes everything queued, inserts it in one transaction,
 * commits once, and wakes every poster with its result. A poster is
 * answered only after the COMMIT that holds its comment has returned, so
 * an acknowledged comment survives a crash. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "comment/comment.h"
#include "util/xalloc.h"

/* Comments in one transaction at most: bounds how long a group holds the
 * write lock and how much a failed group must redo. */
#define GROUP_MAX 512

struct wjob {
	struct comment *c;
	enum moderation policy;
	bool		spam;
	bool		done;
	bool		failed; /* taken out of its group */
	enum store_err	err;
	struct wjob    *next;
};

struct comment_writer {
	struct store   *st;
	pthread_t	th;
	pthread_mutex_t mu;
	pthread_cond_t	work; /* the writer waits here */
	pthread_cond_t	done; /* posters wait here */
	struct wjob    *head, *tail;
	bool		stopping;
	bool		running;
};

static enum store_err
decide(struct store *st, struct wjob *j)
{
	bool	       trusted;
	enum store_err e;

	if (j->spam) {
		j->c->status = COMMENT_SPAM;
		return STORE_OK;
	}
	switch (j->policy) {
	case MODERATION_NONE:
		j->c->status = COMMENT_APPROVED;
		break;
	case MODERATION_ALL:
		j->c->status = COMMENT_PENDING;
		break;
	default:
		/* Trusted is what the poster holds (the signed commenter
		 * cookie of a browser with an approved comment), never an
		 * email address, which anyone can type. */
		if ((e = store_commenter_trusted(st, j->c->commenter,
			 &trusted)) != STORE_OK)
			return e;
		j->c->status = trusted ? COMMENT_APPROVED : COMMENT_PENDING;
		break;
	}
	return STORE_OK;
}

/* Writes one group. A comment the database refuses (its article was
 * deleted meanwhile) fails alone: the group is rolled back and written
 * again without it. A failed COMMIT fails the whole group. */
static void
write_group(struct comment_writer *w, struct wjob *list)
{
	struct wjob   *j, *bad;
	enum store_err e;

	for (;;) {
		bad = NULL;
		if ((e = store_begin(w->st)) != STORE_OK)
			goto fail_all;
		for (j = list; j != NULL; j = j->next) {
			if (j->failed)
				continue;
			if ((e = decide(w->st, j)) != STORE_OK ||
			    (e = store_comment_insert(w->st, j->c)) !=
				STORE_OK) {
				bad = j;
				break;
			}
		}
		if (bad == NULL)
			break;
		store_rollback(w->st);
		if (e != STORE_INVALID && e != STORE_CONFLICT)
			goto fail_all;
		bad->failed = true;
		bad->err = e;
	}
	if ((e = store_commit(w->st)) != STORE_OK)
		goto fail_all;
	for (j = list; j != NULL; j = j->next)
		if (!j->failed)
			j->err = STORE_OK;
	return;
fail_all:
	fprintf(stderr, "gazette: comments: cannot write: %s\n",
	    store_errmsg(w->st));
	for (j = list; j != NULL; j = j->next)
		if (!j->failed)
			j->err = e;
}

static void *
writer_main(void *arg)
{
	struct comment_writer *w = arg;
	struct wjob	      *list, *j, *last;
	size_t		       n;

	pthread_mutex_lock(&w->mu);
	for (;;) {
		while (w->head == NULL && !w->stopping)
			pthread_cond_wait(&w->work, &w->mu);
		if (w->head == NULL)
			break;
		list = last = w->head;
		for (n = 1; n < GROUP_MAX && last->next != NULL; n++)
			last = last->next;
		w->head = last->next;
		if (w->head == NULL)
			w->tail = NULL;
		last->next = NULL;
		pthread_mutex_unlock(&w->mu);

		write_group(w, list);

		pthread_mutex_lock(&w->mu);
		for (j = list; j != NULL; j = j->next)
			j->done = true;
		pthread_cond_broadcast(&w->done);
	}
	pthread_mutex_unlock(&w->mu);
	return NULL;
}

struct comment_writer *
comment_writer_start(const char *db_url, char *err, size_t errlen)
{
	struct comment_writer *w = xcalloc(1, sizeof(*w));

	if ((w->st = store_open(db_url, err, errlen)) == NULL) {
		free(w);
		return NULL;
	}
	pthread_mutex_init(&w->mu, NULL);
	pthread_cond_init(&w->work, NULL);
	pthread_cond_init(&w->done, NULL);
	if (pthread_create(&w->th, NULL, writer_main, w) != 0) {
		snprintf(err, errlen, "cannot start the comment writer");
		comment_writer_stop(w);
		return NULL;
	}
	w->running = true;
	return w;
}

void
comment_writer_stop(struct comment_writer *w)
{
	if (w == NULL)
		return;
	if (w->running) {
		pthread_mutex_lock(&w->mu);
		w->stopping = true;
		pthread_cond_signal(&w->work);
		pthread_mutex_unlock(&w->mu);
		pthread_join(w->th, NULL);
	}
	pthread_cond_destroy(&w->done);
	pthread_cond_destroy(&w->work);
	pthread_mutex_destroy(&w->mu);
	store_close(w->st);
	free(w);
}

enum store_err
comment_writer_submit(struct comment_writer *w, struct comment *c,
    enum moderation policy, bool spam)
{
	struct wjob j = { c, policy, spam, false, false, STORE_ERROR, NULL };

	pthread_mutex_lock(&w->mu);
	if (w->stopping) {
		pthread_mutex_unlock(&w->mu);
		return STORE_ERROR;
	}
	if (w->tail)
		w->tail->next = &j;
	else
		w->head = &j;
	w->tail = &j;
	pthread_cond_signal(&w->work);
	while (!j.done)
		pthread_cond_wait(&w->done, &w->mu);
	pthread_mutex_unlock(&w->mu);
	return j.err;
}
