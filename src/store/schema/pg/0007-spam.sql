-- 0007-spam.sql (PostgreSQL): the spam classifier's token counts and the
-- verdict each comment trained (schema/sqlite/0007-spam.sql).

CREATE TABLE spam_tokens (
	token	TEXT PRIMARY KEY,
	ham	BIGINT NOT NULL DEFAULT 0,
	spam	BIGINT NOT NULL DEFAULT 0
);

CREATE TABLE spam_totals (
	id	BIGINT PRIMARY KEY CHECK (id = 1),
	ham	BIGINT NOT NULL DEFAULT 0,
	spam	BIGINT NOT NULL DEFAULT 0
);

ALTER TABLE comments ADD COLUMN spam_trained TEXT NOT NULL DEFAULT ''
	CHECK (spam_trained IN ('', 'ham', 'spam'));
