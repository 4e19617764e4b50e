-- 0008-author-listing.sql: an author's public articles, newest first.
--
-- articles_author has no status, so an author's listing had to read
-- each article row (past its body) to skip drafts, for every page up to
-- the one asked for. Partial like articles_public, it walks straight
-- to page N.
CREATE INDEX articles_author_public ON articles (author, published_at DESC, id DESC)
	WHERE status IN ('published', 'scheduled');
