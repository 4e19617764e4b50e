-- 0012-author-slug.sql (PostgreSQL): authors' pages at /authors/SLUG, and
-- the format of each revision's body (schema/sqlite/0012-author-slug.sql).
ALTER TABLE articles ADD COLUMN author_slug TEXT NOT NULL DEFAULT '';
CREATE INDEX articles_author_slug_public ON articles (author_slug,
	published_at DESC, id DESC) WHERE status IN ('published', 'scheduled');

ALTER TABLE revisions ADD COLUMN body_format TEXT NOT NULL DEFAULT 'markdown'
	CHECK (body_format IN ('markdown', 'html'));
UPDATE revisions SET body_format = a.body_format FROM articles a
	WHERE a.id = revisions.article_id;
