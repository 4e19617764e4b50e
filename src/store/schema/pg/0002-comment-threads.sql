-- 0002-comment-threads.sql (PostgreSQL): comment threads for keyset-paged
-- reading, as schema/sqlite/0002-comment-threads.sql explains: thread_id is
-- the thread's top-level comment's id, depth counts ancestors.

ALTER TABLE comments ADD COLUMN thread_id BIGINT NOT NULL DEFAULT 0;
ALTER TABLE comments ADD COLUMN depth BIGINT NOT NULL DEFAULT 0;

UPDATE comments SET thread_id = id WHERE parent_id IS NULL;

CREATE INDEX comments_threads ON comments (article_id, status, thread_id);
CREATE INDEX comments_thread_items ON comments (article_id, thread_id, id);
