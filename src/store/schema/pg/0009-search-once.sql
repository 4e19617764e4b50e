-- 0009-search-once.sql: a new article's search text is written once, the
-- twin of schema/sqlite/0009-search-once.sql.
--
-- The store now inserts an article with body_text and tags_text already
-- made, then links its tags in the order gazette_tags_text lists them
-- (ST_TAG_ORDER). An added link leaves the article alone when its
-- tags_text already starts with the names of its links so far (all of
-- them, or the first ones with the rest to come); any other added link
-- makes the text longer than what is stored and recomputes it, as before.

CREATE OR REPLACE FUNCTION gazette_article_tags_fts() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
	now_text TEXT;
BEGIN
	IF TG_OP = 'INSERT' THEN
		now_text := gazette_tags_text(new.article_id);
		UPDATE articles SET tags_text = now_text
		WHERE id = new.article_id AND tags_text <> now_text
		    AND left(tags_text, length(now_text) + 1) <>
		    now_text || ' ';
	ELSE
		UPDATE articles SET tags_text = gazette_tags_text(old.article_id)
		WHERE id = old.article_id;
	END IF;
	RETURN NULL;
END
$$;
