-- 0005-revisions.sql: every save of an article keeps what it saved, who
-- saved it and when, so nothing is lost by an edit and any version can be
-- restored.

CREATE TABLE revisions (
	id		INTEGER PRIMARY KEY,
	article_id	INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
	version		INTEGER NOT NULL,
	editor		TEXT NOT NULL DEFAULT '',
	title		TEXT NOT NULL,
	slug		TEXT NOT NULL,
	summary		TEXT NOT NULL DEFAULT '',
	body_md		TEXT NOT NULL DEFAULT '',
	tags		TEXT NOT NULL DEFAULT '',
	status		TEXT NOT NULL,
	published_at	INTEGER NOT NULL DEFAULT 0,
	created_at	INTEGER NOT NULL,
	UNIQUE (article_id, version)
);
