-- 0003-search.sql (PostgreSQL): full-text search over articles with a
-- weighted tsvector, the twin of schema/sqlite/0003-search.sql (FTS5).
--
-- The same two columns feed it: body_text (the Markdown body as plain
-- text, written by the store after an insert or a body edit: md_plain()
-- cannot run in SQL) and tags_text (the tag names, kept by the triggers
-- below). The vector itself is a generated column, so a title, summary,
-- tags or body change (by the store, an admin edit or a hand-run UPDATE)
-- can never leave it behind. Weights: title A, summary B, tags C, body D;
-- the 'simple' configuration lowercases without stemming or stop words,
-- as FTS5's unicode61 tokenizer does (it does not fold diacritics).

ALTER TABLE articles ADD COLUMN body_text TEXT NOT NULL DEFAULT '';
ALTER TABLE articles ADD COLUMN tags_text TEXT NOT NULL DEFAULT '';
ALTER TABLE articles ADD COLUMN search tsvector GENERATED ALWAYS AS (
	setweight(to_tsvector('simple'::regconfig, title), 'A') ||
	setweight(to_tsvector('simple'::regconfig, summary), 'B') ||
	setweight(to_tsvector('simple'::regconfig, tags_text), 'C') ||
	setweight(to_tsvector('simple'::regconfig, body_text), 'D')) STORED;
CREATE INDEX articles_search ON articles USING gin (search);
CREATE INDEX articles_visible ON articles (id, status, published_at);

-- An article's tag names, as SQLite's group_concat gives them.
CREATE FUNCTION gazette_tags_text(aid BIGINT) RETURNS TEXT
LANGUAGE sql STABLE AS $$
	SELECT coalesce(string_agg(t.name, ' ' ORDER BY t.name COLLATE "C"),
	    '')
	FROM article_tags at JOIN tags t ON t.id = at.tag_id
	WHERE at.article_id = aid
$$;

-- Tag changes. While the store inserts an article its body_text is still
-- empty and the store sets tags_text with body_text at the end, so an
-- added tag is skipped then (as in SQLite).
CREATE FUNCTION gazette_article_tags_fts() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	IF TG_OP = 'INSERT' THEN
		UPDATE articles SET tags_text = gazette_tags_text(new.article_id)
		WHERE id = new.article_id AND body_text <> '';
	ELSE
		UPDATE articles SET tags_text = gazette_tags_text(old.article_id)
		WHERE id = old.article_id;
	END IF;
	RETURN NULL;
END
$$;
CREATE TRIGGER article_tags_fts AFTER INSERT OR DELETE ON article_tags
	FOR EACH ROW EXECUTE FUNCTION gazette_article_tags_fts();

CREATE FUNCTION gazette_tags_fts() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	UPDATE articles SET tags_text = gazette_tags_text(id)
	WHERE id IN (SELECT article_id FROM article_tags
	    WHERE tag_id = new.id);
	RETURN NULL;
END
$$;
CREATE TRIGGER tags_fts AFTER UPDATE OF name ON tags
	FOR EACH ROW EXECUTE FUNCTION gazette_tags_fts();

-- Existing articles: their tags now, their Markdown as body_text until the
-- store replaces it with plain text right after migrating
-- (store_search_backfill).
UPDATE articles SET tags_text = gazette_tags_text(id), body_text = body_md;
