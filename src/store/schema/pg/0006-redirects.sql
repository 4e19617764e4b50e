-- 0006-redirects.sql (PostgreSQL): old links of imported articles, and
-- articles whose body is HTML kept from another system
-- (schema/sqlite/0006-redirects.sql).

CREATE TABLE redirects (
	old_path	TEXT PRIMARY KEY,
	article_id	BIGINT NOT NULL REFERENCES articles(id) ON DELETE CASCADE
			DEFERRABLE INITIALLY IMMEDIATE
);
CREATE INDEX redirects_article ON redirects (article_id);

ALTER TABLE articles ADD COLUMN body_format TEXT NOT NULL DEFAULT 'markdown'
	CHECK (body_format IN ('markdown', 'html'));
