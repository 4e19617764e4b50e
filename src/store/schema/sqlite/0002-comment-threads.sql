-- 0002-comment-threads.sql: comment threads for keyset-paged reading.
-- thread_id is the id of the thread's top-level comment (its own id for a
-- top-level one); depth counts ancestors (0 for top-level). Both are fixed
-- when a comment is written, so a page of threads is two index range scans
-- however large the article's discussion grows.

ALTER TABLE comments ADD COLUMN thread_id INTEGER NOT NULL DEFAULT 0;
ALTER TABLE comments ADD COLUMN depth INTEGER NOT NULL DEFAULT 0;

-- Comments written before this migration: top-level ones head their own
-- thread; replies take their parent's (one level per pass is enough for
-- the sites that exist, which have no comments yet).
UPDATE comments SET thread_id = id WHERE parent_id IS NULL;

-- Which threads a page shows: the approved ones, in thread order.
CREATE INDEX comments_threads ON comments (article_id, status, thread_id);
-- Everything in a range of threads, in reading order.
CREATE INDEX comments_thread_items ON comments (article_id, thread_id, id);
