-- Live video co-review (视频会审): sessions, identity checks, liveness prompts, snapshots, applicant links.
CREATE TABLE review_sessions (
  id TEXT PRIMARY KEY,
  case_id TEXT NOT NULL REFERENCES cases(id),
  status TEXT NOT NULL CHECK (status IN ('waiting', 'active', 'decided', 'cancelled')),
  requested_by TEXT NOT NULL REFERENCES users(id),
  requested_at TEXT NOT NULL,
  accepted_by TEXT REFERENCES users(id),
  accepted_at TEXT,
  ended_at TEXT,
  consent_json TEXT,
  decision_json TEXT
);
-- At most one open session per case.
CREATE UNIQUE INDEX review_sessions_open ON review_sessions(case_id) WHERE status IN ('waiting', 'active');
CREATE INDEX review_sessions_status ON review_sessions(status, requested_at);

-- Every recorded result of a checklist step (the latest per step counts; earlier ones stay as history).
CREATE TABLE review_identity_checks (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  session_id TEXT NOT NULL REFERENCES review_sessions(id),
  step TEXT NOT NULL,
  passed INTEGER NOT NULL CHECK (passed IN (0, 1)),
  note TEXT NOT NULL,
  prompt_json TEXT,
  checked_by TEXT NOT NULL REFERENCES users(id),
  checked_at TEXT NOT NULL
);
CREATE INDEX review_identity_checks_session ON review_identity_checks(session_id, id);

-- The latest server-generated liveness prompt of a session.
CREATE TABLE review_liveness_prompts (
  session_id TEXT PRIMARY KEY REFERENCES review_sessions(id),
  prompt_json TEXT NOT NULL,
  issued_by TEXT NOT NULL REFERENCES users(id),
  issued_at TEXT NOT NULL
);

-- Watermarked evidence snapshots; original_sha256 is the hash of the unmarked upload.
CREATE TABLE review_snapshots (
  id TEXT PRIMARY KEY,
  session_id TEXT NOT NULL REFERENCES review_sessions(id),
  case_id TEXT NOT NULL REFERENCES cases(id),
  sha256 TEXT NOT NULL REFERENCES blobs(sha256),
  original_sha256 TEXT NOT NULL,
  label TEXT NOT NULL,
  width INTEGER NOT NULL,
  height INTEGER NOT NULL,
  taken_by TEXT NOT NULL REFERENCES users(id),
  taken_at TEXT NOT NULL
);
CREATE INDEX review_snapshots_case ON review_snapshots(case_id, taken_at);

-- Applicant access: 'link' = one-time QR link (15 min, single use); 'key' = what redeeming it
-- gives the browser for (re)connecting to that session only. Only hashes are stored.
CREATE TABLE review_applicant_tokens (
  token_hash TEXT PRIMARY KEY,
  kind TEXT NOT NULL CHECK (kind IN ('link', 'key')),
  session_id TEXT NOT NULL REFERENCES review_sessions(id),
  created_by TEXT,
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL,
  used_at TEXT
);
CREATE INDEX review_applicant_tokens_session ON review_applicant_tokens(session_id);
