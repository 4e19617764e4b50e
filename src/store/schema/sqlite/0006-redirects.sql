-- 0006-redirects.sql: old links of imported articles, and articles whose
-- body is HTML kept from another system.
--
-- A site moved from WordPress or Blogger has links out in the world
-- (/?p=42, /2019/05/04/slug/, /2019/05/slug.html); each is kept here and
-- answered with a 301 to the article's current URL. The path is stored as
-- the importer normalised it (for /?p=N the query is part of it).

CREATE TABLE redirects (
	old_path	TEXT PRIMARY KEY,
	article_id	INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE
) WITHOUT ROWID;
CREATE INDEX redirects_article ON redirects (article_id);

-- An imported WordPress or Blogger body is HTML (sanitised through one
-- allow-list on the way in) and is kept as HTML rather than converted to
-- Markdown, which could not hold it without loss: body_md then holds that
-- HTML source and body_format says which language body_md is in.
ALTER TABLE articles ADD COLUMN body_format TEXT NOT NULL DEFAULT 'markdown'
	CHECK (body_format IN ('markdown', 'html'));
