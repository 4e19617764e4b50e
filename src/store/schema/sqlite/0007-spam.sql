-- 0007-spam.sql: the spam classifier's memory (src/comment/spam.c).
--
-- For every token seen in a comment a moderator judged, how many ham
-- (approved) and how many spam comments held it; spam_totals counts the
-- judged comments themselves. A token counts once per comment, however
-- often it appears in it. spam_totals has its one row (id 1) once the
-- first verdict is counted; a fresh database holds none, so that restore
-- still sees it as empty. comments.spam_trained says which verdict a
-- comment's tokens are counted under ('' none, 'ham', 'spam'), so that a
-- changed verdict takes its old counts back out and the counts stay honest.

CREATE TABLE spam_tokens (
	token	TEXT PRIMARY KEY,
	ham	INTEGER NOT NULL DEFAULT 0,
	spam	INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;

CREATE TABLE spam_totals (
	id	INTEGER PRIMARY KEY CHECK (id = 1),
	ham	INTEGER NOT NULL DEFAULT 0,
	spam	INTEGER NOT NULL DEFAULT 0
);

ALTER TABLE comments ADD COLUMN spam_trained TEXT NOT NULL DEFAULT ''
	CHECK (spam_trained IN ('', 'ham', 'spam'));
