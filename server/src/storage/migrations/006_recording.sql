-- Recordings of co-review sessions (only with the applicant's consent): one row per file, i.e. per
-- participant's camera + microphone or document camera, per stretch of unchanged tracks.
CREATE TABLE review_recordings (
  id TEXT PRIMARY KEY,
  session_id TEXT NOT NULL REFERENCES review_sessions(id),
  case_id TEXT NOT NULL REFERENCES cases(id),
  peer_role TEXT NOT NULL,
  source TEXT NOT NULL CHECK (source IN ('camera', 'document')),
  tracks TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('recording', 'stored', 'failed')),
  started_at TEXT NOT NULL,
  ended_at TEXT,
  sha256 TEXT REFERENCES blobs(sha256),
  media_type TEXT,
  size INTEGER,
  duration_ms INTEGER,
  error TEXT
);
CREATE INDEX review_recordings_session ON review_recordings(session_id, started_at);
