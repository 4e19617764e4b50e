-- 0004-auth.sql: sign-in sessions and API tokens. Both are stored as
-- hashes of the secret the client holds, so a copy of the database does
-- not let anyone sign in.

CREATE TABLE sessions (
	hash		TEXT PRIMARY KEY,
	user_id		INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	csrf		TEXT NOT NULL,
	created_at	INTEGER NOT NULL,
	seen_at		INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE api_tokens (
	id		INTEGER PRIMARY KEY,
	user_id		INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	hash		TEXT NOT NULL UNIQUE,
	created_at	INTEGER NOT NULL,
	used_at		INTEGER NOT NULL DEFAULT 0,
	revoked_at	INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX api_tokens_user ON api_tokens (user_id);
