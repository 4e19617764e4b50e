-- 0009-comment-trust.sql (PostgreSQL): trusted commenters for moderation
-- policy "first" and the index of comments.parent_id, as
-- schema/sqlite/0009-comment-trust.sql explains.

ALTER TABLE comments ADD COLUMN commenter TEXT NOT NULL DEFAULT '';

CREATE TABLE trusted_commenters (
	commenter	TEXT PRIMARY KEY,
	trusted_at	BIGINT NOT NULL
);

CREATE INDEX comments_parent ON comments (parent_id);
