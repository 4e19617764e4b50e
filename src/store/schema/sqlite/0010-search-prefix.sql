-- 0010-search-prefix.sql: a prefix index for the search words ending in
-- '*' (search/query.h: at least 2 characters, at most 4 in a query).
--
-- Without it FTS5 answers "co*" by merging the list of every indexed
-- word starting with "co", thousands on a large site, and does it again
-- for each result's snippet (the snippet query matches once per row):
-- "co* re* pr*" took seconds on 30,000 articles. With prefix = '2 3' the
-- index also keeps each word under its first 2 and first 3 characters,
-- so such a prefix is one list read; a longer one starts fewer words.
-- It costs about a tenth more space.
--
-- An FTS5 table's options are fixed when it is made: the table is made
-- again (same columns, tokenizer and external content as 0003) and
-- rebuilt from the articles, once, here. The triggers of 0003 name the
-- table and keep working on the new one.

DROP TABLE articles_fts;
CREATE VIRTUAL TABLE articles_fts USING fts5(
	title, summary, body_text, tags_text,
	content = 'articles', content_rowid = 'id',
	tokenize = 'unicode61 remove_diacritics 2',
	prefix = '2 3'
);
INSERT INTO articles_fts (articles_fts) VALUES ('rebuild');
