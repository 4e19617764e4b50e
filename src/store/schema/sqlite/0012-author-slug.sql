-- 0012-author-slug.sql: authors' pages at /authors/SLUG, and the format of
-- each revision's body.
--
-- An author's pages and feeds were at the byline itself
-- (/authors/J.%20Smith), which a static build cannot write ("J. Smith"
-- is a file name there, not a directory) and which is no slug. The slug
-- is util/str.c's byline_slug() of the byline, which SQL cannot compute:
-- the store writes it with every save and fills it in for the articles
-- already there once this has run (store_migrate). The old URLs answer
-- 301 to the new ones.
ALTER TABLE articles ADD COLUMN author_slug TEXT NOT NULL DEFAULT '';
CREATE INDEX articles_author_slug_public ON articles (author_slug,
	published_at DESC, id DESC) WHERE status IN ('published', 'scheduled');

-- A revision restored is made again in the language it was saved in,
-- which the article may have changed since. Revisions saved before this
-- take their article's present format, the best that is known of them.
ALTER TABLE revisions ADD COLUMN body_format TEXT NOT NULL DEFAULT 'markdown'
	CHECK (body_format IN ('markdown', 'html'));
UPDATE revisions SET body_format = (SELECT a.body_format FROM articles a
	WHERE a.id = revisions.article_id);
