-- 0001-init.sql: articles, tags, users, comments and settings.
-- Times are Unix seconds (UTC). Text is UTF-8, checked before it gets here.

CREATE TABLE users (
	id		INTEGER PRIMARY KEY,
	name		TEXT NOT NULL UNIQUE COLLATE NOCASE,
	display_name	TEXT NOT NULL DEFAULT '',
	role		TEXT NOT NULL CHECK (role IN ('admin', 'editor', 'author')),
	pw_hash		TEXT NOT NULL DEFAULT '',
	created_at	INTEGER NOT NULL
);

CREATE TABLE articles (
	id		INTEGER PRIMARY KEY,
	slug		TEXT NOT NULL UNIQUE,
	title		TEXT NOT NULL,
	summary		TEXT NOT NULL DEFAULT '',
	body_md		TEXT NOT NULL DEFAULT '',
	body_html	TEXT NOT NULL DEFAULT '',
	author		TEXT NOT NULL DEFAULT '',
	author_id	INTEGER REFERENCES users(id) ON DELETE SET NULL,
	status		TEXT NOT NULL
			CHECK (status IN ('draft', 'published', 'scheduled')),
	published_at	INTEGER NOT NULL DEFAULT 0,
	created_at	INTEGER NOT NULL,
	updated_at	INTEGER NOT NULL,
	comments_closed	INTEGER NOT NULL DEFAULT 0,
	comment_count	INTEGER NOT NULL DEFAULT 0,
	version		INTEGER NOT NULL DEFAULT 1
);
-- Readers' listings: newest public first, keyset-paged on (time, id).
CREATE INDEX articles_public ON articles (published_at DESC, id DESC)
	WHERE status IN ('published', 'scheduled');
CREATE INDEX articles_author ON articles (author, published_at DESC);

CREATE TABLE tags (
	id	INTEGER PRIMARY KEY,
	name	TEXT NOT NULL,
	slug	TEXT NOT NULL UNIQUE
);

CREATE TABLE article_tags (
	article_id	INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
	tag_id		INTEGER NOT NULL REFERENCES tags(id) ON DELETE CASCADE,
	PRIMARY KEY (article_id, tag_id)
) WITHOUT ROWID;
CREATE INDEX article_tags_tag ON article_tags (tag_id, article_id);

CREATE TABLE comments (
	id		INTEGER PRIMARY KEY,
	article_id	INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
	parent_id	INTEGER REFERENCES comments(id) ON DELETE CASCADE,
	author		TEXT NOT NULL,
	email		TEXT NOT NULL DEFAULT '',
	url		TEXT NOT NULL DEFAULT '',
	body_md		TEXT NOT NULL,
	body_html	TEXT NOT NULL,
	status		TEXT NOT NULL
			CHECK (status IN ('pending', 'approved', 'spam', 'deleted')),
	client_hash	TEXT NOT NULL DEFAULT '',
	spam_score	REAL NOT NULL DEFAULT 0,
	created_at	INTEGER NOT NULL,
	updated_at	INTEGER NOT NULL
);
CREATE INDEX comments_article ON comments (article_id, status, id);
CREATE INDEX comments_status ON comments (status, id);
CREATE INDEX comments_email ON comments (email, status);

CREATE TABLE settings (
	key	TEXT PRIMARY KEY,
	value	TEXT NOT NULL
) WITHOUT ROWID;
