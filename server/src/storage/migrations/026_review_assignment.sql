-- REVIEW_ASSIGNMENT=random: the reviewer of the handling office a request was assigned to when it
-- was made; only they (or a supervisor of the office) may take it.
ALTER TABLE review_sessions ADD COLUMN assigned_to TEXT REFERENCES users(id);
