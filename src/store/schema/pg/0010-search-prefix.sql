-- 0010-search-prefix.sql (PostgreSQL): the twin of SQLite's prefix
-- index, which PostgreSQL has no equivalent of and does not need in the
-- same way: its GIN index answers 'co':* by scanning the words that
-- start with "co" in its sorted entry tree once per query, and the
-- snippets (ts_headline) work on the text of the page's rows, not on the
-- index. What bounds a search here is the grammar (search/query.h: a
-- prefix has at least 2 characters, a query at most 4 prefixes) and the
-- search time budget (statement_timeout around the search statement).
-- Nothing changes in the schema; the note stays on the index, and the
-- version keeps both backends at the same number.

COMMENT ON INDEX articles_search IS 'full-text search over articles.search '
    '(title A, summary B, tags C, body D); prefix queries are bounded by '
    'the search grammar and statement_timeout, schema 0010';
