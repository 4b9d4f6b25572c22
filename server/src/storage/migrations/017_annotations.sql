-- 批注: marks drawn on a page of the shared materials during a co-review (a box, an arrow, a
-- freehand line, a short note), in the page's own coordinates (0..1). Kept with the page, the
-- author and the time; a removed mark stays as the record (removed_at), shown no more. A peer
-- site's reviewer has no account here (author_id NULL): named as their site vouched for them.
CREATE TABLE annotations (
  id TEXT PRIMARY KEY,
  case_id TEXT NOT NULL REFERENCES cases(id),
  session_id TEXT NOT NULL REFERENCES review_sessions(id),
  material_id TEXT NOT NULL REFERENCES case_materials(id) ON DELETE CASCADE,
  page INTEGER NOT NULL CHECK (page >= 1),
  kind TEXT NOT NULL CHECK (kind IN ('box', 'arrow', 'freehand', 'note')),
  geometry_json TEXT NOT NULL,
  note TEXT,
  author_id TEXT REFERENCES users(id),
  author_key TEXT NOT NULL,
  author_name TEXT NOT NULL,
  author_role TEXT NOT NULL,
  created_at TEXT NOT NULL,
  removed_at TEXT,
  removed_by_name TEXT
);
CREATE INDEX annotations_case ON annotations(case_id);
CREATE INDEX annotations_session ON annotations(session_id);
