-- 0008-author-listing.sql (PostgreSQL): an author's public articles,
-- newest first, from an index that holds only public ones
-- (schema/sqlite/0008-author-listing.sql).
CREATE INDEX articles_author_public ON articles (author, published_at DESC, id DESC)
	WHERE status IN ('published', 'scheduled');
