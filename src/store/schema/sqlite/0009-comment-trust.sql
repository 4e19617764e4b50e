-- 0009-comment-trust.sql: who may post live under moderation policy
-- "first", and reply threads that delete in one step.
--
-- A browser that posts a comment holds a random commenter id in a signed
-- cookie (src/comment/ctx.c); comments.commenter keeps a keyed hash of it
-- ('' when the comment came without one: the JSON API, imports, older
-- comments). When a moderator approves a comment, its commenter is
-- trusted; a spam verdict takes the trust back. An email address is
-- never trust: anyone can type anyone's.
--
-- comments_parent: the child key of comments.parent_id, so that removing
-- a comment looks up its replies by index instead of reading every
-- comment (and store_article_delete unthreads an article's comments by
-- article before the cascade, so no chain depth is recursed).

ALTER TABLE comments ADD COLUMN commenter TEXT NOT NULL DEFAULT '';

CREATE TABLE trusted_commenters (
	commenter	TEXT PRIMARY KEY,
	trusted_at	INTEGER NOT NULL
) WITHOUT ROWID;

CREATE INDEX comments_parent ON comments (parent_id);
