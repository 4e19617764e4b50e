-- 0009-search-once.sql: a new article is indexed once, not twice.
--
-- The store used to insert an article with an empty body_text (FTS5
-- indexed its title and summary), link its tags (skipped by the trigger
-- below while body_text was empty), then set body_text and tags_text:
-- FTS5 deleted what it had just indexed and indexed the article again,
-- and the row, bodies and all, was written twice. Now the store inserts
-- the row with both texts already made, so articles_fts_ai indexes it
-- once, and links the tags after it in the order tags_text lists them
-- (tag id: see ST_TAG_ORDER).
--
-- So an added link leaves the article alone when its tags_text already
-- starts with the names of its links so far: all of them, or the first
-- ones with the rest to come. Any other added link (an edit's, a
-- hand-run INSERT's) makes the text longer than what is stored, never a
-- start of it, and recomputes tags_text as before. Should the store's
-- order ever differ from group_concat's, the trigger recomputes: slower,
-- never wrong.

DROP TRIGGER article_tags_fts_ai;

CREATE TRIGGER article_tags_fts_ai AFTER INSERT ON article_tags
WHEN (SELECT a.tags_text <> x.t AND
	    substr(a.tags_text, 1, length(x.t) + 1) <> x.t || ' '
	FROM articles a, (SELECT coalesce(group_concat(t.name, ' '), '') AS t
	    FROM article_tags at JOIN tags t ON t.id = at.tag_id
	    WHERE at.article_id = new.article_id) x
	WHERE a.id = new.article_id) BEGIN
	UPDATE articles SET tags_text = (SELECT coalesce(group_concat(t.name,
	    ' '), '') FROM article_tags at JOIN tags t ON t.id = at.tag_id
	    WHERE at.article_id = new.article_id)
	WHERE id = new.article_id;
END;
