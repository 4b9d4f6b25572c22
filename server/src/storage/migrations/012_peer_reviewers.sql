-- A co-review whose handling office a peer site hosts: its reviewer (no account here) accepts,
-- verifies and decides through a join grant. Who did it is kept as the peer site vouched for them
-- (`peer_name`: "王审核（湖南省站点）"), so the user columns become optional: exactly one of the two.
ALTER TABLE review_sessions ADD COLUMN accepted_peer_json TEXT;
-- The decision a peer site signed (SignedDecision), kept as received: verifiable later.
ALTER TABLE review_sessions ADD COLUMN signed_decision_json TEXT;

CREATE TABLE review_identity_checks_010 (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  session_id TEXT NOT NULL REFERENCES review_sessions(id),
  step TEXT NOT NULL,
  passed INTEGER NOT NULL CHECK (passed IN (0, 1)),
  note TEXT NOT NULL,
  prompt_json TEXT,
  checked_by TEXT REFERENCES users(id),
  peer_name TEXT,
  checked_at TEXT NOT NULL,
  CHECK ((checked_by IS NULL) <> (peer_name IS NULL))
);
INSERT INTO review_identity_checks_010 (id, session_id, step, passed, note, prompt_json, checked_by, checked_at)
  SELECT id, session_id, step, passed, note, prompt_json, checked_by, checked_at FROM review_identity_checks;
DROP TABLE review_identity_checks;
ALTER TABLE review_identity_checks_010 RENAME TO review_identity_checks;
CREATE INDEX review_identity_checks_session ON review_identity_checks(session_id, id);

CREATE TABLE review_liveness_prompts_010 (
  session_id TEXT PRIMARY KEY REFERENCES review_sessions(id),
  prompt_json TEXT NOT NULL,
  issued_by TEXT REFERENCES users(id),
  peer_name TEXT,
  issued_at TEXT NOT NULL,
  CHECK ((issued_by IS NULL) <> (peer_name IS NULL))
);
INSERT INTO review_liveness_prompts_010 (session_id, prompt_json, issued_by, issued_at)
  SELECT session_id, prompt_json, issued_by, issued_at FROM review_liveness_prompts;
DROP TABLE review_liveness_prompts;
ALTER TABLE review_liveness_prompts_010 RENAME TO review_liveness_prompts;

CREATE TABLE review_snapshots_010 (
  id TEXT PRIMARY KEY,
  session_id TEXT NOT NULL REFERENCES review_sessions(id),
  case_id TEXT NOT NULL REFERENCES cases(id),
  sha256 TEXT NOT NULL REFERENCES blobs(sha256),
  original_sha256 TEXT NOT NULL,
  label TEXT NOT NULL,
  width INTEGER NOT NULL,
  height INTEGER NOT NULL,
  taken_by TEXT REFERENCES users(id),
  peer_name TEXT,
  taken_at TEXT NOT NULL,
  CHECK ((taken_by IS NULL) <> (peer_name IS NULL))
);
INSERT INTO review_snapshots_010 (id, session_id, case_id, sha256, original_sha256, label, width, height, taken_by, taken_at)
  SELECT id, session_id, case_id, sha256, original_sha256, label, width, height, taken_by, taken_at FROM review_snapshots;
DROP TABLE review_snapshots;
ALTER TABLE review_snapshots_010 RENAME TO review_snapshots;
CREATE INDEX review_snapshots_case ON review_snapshots(case_id, taken_at);

-- At the handling site: who of this site accepted a peer's request, and the decision they signed.
ALTER TABLE remote_review_requests ADD COLUMN accepted_by TEXT REFERENCES users(id);
ALTER TABLE remote_review_requests ADD COLUMN accepted_at TEXT;
ALTER TABLE remote_review_requests ADD COLUMN decision_id TEXT;
ALTER TABLE remote_review_requests ADD COLUMN decision_json TEXT;
