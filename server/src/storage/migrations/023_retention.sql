-- 保存期限: evidence deleted after the retention period keeps its row (what it was, its hash),
-- marked with when it was deleted; the blob's bytes are gone.
ALTER TABLE review_recordings ADD COLUMN purged_at TEXT;
ALTER TABLE review_snapshots ADD COLUMN purged_at TEXT;
ALTER TABLE handoff_bags ADD COLUMN purged_at TEXT;
ALTER TABLE transfers ADD COLUMN purged_at TEXT;

-- 诉讼保全 (legal hold): while a row exists the case's evidence is kept whatever its age.
CREATE TABLE legal_holds (
  case_id TEXT PRIMARY KEY REFERENCES cases(id),
  reason TEXT NOT NULL,
  set_by_name TEXT NOT NULL,
  set_at TEXT NOT NULL
);
