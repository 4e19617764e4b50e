-- 0003-search.sql: full-text search over articles (FTS5), kept in step by
-- triggers, so every write path (the store's, an admin edit, a hand-run
-- UPDATE or DELETE) leaves the index right.
--
-- The index is an external-content FTS5 table over articles: the text is
-- not stored twice. It reads two columns kept for it:
--   body_text  the Markdown body as plain text (md_plain), written by the
--              store after an insert or a body edit;
--   tags_text  the article's tag names, kept by the triggers below.
-- Whoever changes body_md writes body_text in the same transaction (the
-- store does, through store_search_set_text); everything else (titles,
-- summaries, tags, deletes) the triggers follow on their own. A trigger
-- cannot do it for them: body_text is md_plain() of the Markdown.

ALTER TABLE articles ADD COLUMN body_text TEXT NOT NULL DEFAULT '';
ALTER TABLE articles ADD COLUMN tags_text TEXT NOT NULL DEFAULT '';

-- rowid = articles.id. The weights of the columns (title > summary >
-- tags > body) are given by the query's bm25().
CREATE VIRTUAL TABLE articles_fts USING fts5(
	title, summary, body_text, tags_text,
	content = 'articles', content_rowid = 'id',
	tokenize = 'unicode61 remove_diacritics 2'
);

-- Whether a match may be shown, without reading the article row (whose
-- bodies come before these columns): the search query names it.
CREATE INDEX articles_visible ON articles (id, status, published_at);

CREATE TRIGGER articles_fts_ai AFTER INSERT ON articles BEGIN
	INSERT INTO articles_fts (rowid, title, summary, body_text, tags_text)
	VALUES (new.id, new.title, new.summary, new.body_text, new.tags_text);
END;

CREATE TRIGGER articles_fts_ad AFTER DELETE ON articles BEGIN
	INSERT INTO articles_fts (articles_fts, rowid, title, summary,
	    body_text, tags_text)
	VALUES ('delete', old.id, old.title, old.summary, old.body_text,
	    old.tags_text);
END;

CREATE TRIGGER articles_fts_au AFTER UPDATE OF title, summary, body_text,
    tags_text ON articles BEGIN
	INSERT INTO articles_fts (articles_fts, rowid, title, summary,
	    body_text, tags_text)
	VALUES ('delete', old.id, old.title, old.summary, old.body_text,
	    old.tags_text);
	INSERT INTO articles_fts (rowid, title, summary, body_text, tags_text)
	VALUES (new.id, new.title, new.summary, new.body_text, new.tags_text);
END;

-- Tag changes. While the store inserts an article its body_text is still
-- empty and the store sets tags_text with body_text at the end, so these
-- skip it then rather than reindex the row once per tag.
CREATE TRIGGER article_tags_fts_ai AFTER INSERT ON article_tags
WHEN (SELECT body_text FROM articles WHERE id = new.article_id) <> '' BEGIN
	UPDATE articles SET tags_text = (SELECT coalesce(group_concat(t.name,
	    ' '), '') FROM article_tags at JOIN tags t ON t.id = at.tag_id
	    WHERE at.article_id = new.article_id)
	WHERE id = new.article_id;
END;

CREATE TRIGGER article_tags_fts_ad AFTER DELETE ON article_tags BEGIN
	UPDATE articles SET tags_text = (SELECT coalesce(group_concat(t.name,
	    ' '), '') FROM article_tags at JOIN tags t ON t.id = at.tag_id
	    WHERE at.article_id = old.article_id)
	WHERE id = old.article_id;
END;

CREATE TRIGGER tags_fts_au AFTER UPDATE OF name ON tags BEGIN
	UPDATE articles SET tags_text = (SELECT coalesce(group_concat(t.name,
	    ' '), '') FROM article_tags at JOIN tags t ON t.id = at.tag_id
	    WHERE at.article_id = articles.id)
	WHERE id IN (SELECT article_id FROM article_tags WHERE tag_id = new.id);
END;

-- Existing articles: their tags now, their Markdown as body_text until
-- the store replaces it with plain text right after migrating (see
-- store_search_backfill), then the whole index.
UPDATE articles SET
    tags_text = (SELECT coalesce(group_concat(t.name, ' '), '')
	FROM article_tags at JOIN tags t ON t.id = at.tag_id
	WHERE at.article_id = articles.id),
    body_text = body_md;
INSERT INTO articles_fts (articles_fts) VALUES ('rebuild');
