-- 申请人签名: the applicant signed the declaration (申请人承诺) on their phone in the call, or on the
-- window's device with the clerk signed in. The exact text signed and the re-encoded PNG (a blob)
-- are kept with their hashes. One signature in force per case; signing again replaces it only with
-- the clerk's reason, the earlier one kept as the record. The image is deleted with the recordings
-- at the end of the retention period (purged_at), its row and hashes stay.
CREATE TABLE case_signatures (
  id TEXT PRIMARY KEY,
  case_id TEXT NOT NULL REFERENCES cases(id),
  channel TEXT NOT NULL CHECK (channel IN ('phone', 'window')),
  session_id TEXT REFERENCES review_sessions(id),
  signer_name TEXT NOT NULL,
  witnessed_by TEXT REFERENCES users(id),
  witnessed_by_name TEXT,
  text TEXT NOT NULL,
  text_sha256 TEXT NOT NULL,
  image_sha256 TEXT NOT NULL,
  width INTEGER NOT NULL,
  height INTEGER NOT NULL,
  strokes INTEGER NOT NULL,
  points INTEGER NOT NULL,
  pressure INTEGER NOT NULL CHECK (pressure IN (0, 1)),
  signed_at TEXT NOT NULL,
  replaces_reason TEXT,
  replaced_at TEXT,
  replaced_by_name TEXT,
  replaced_reason TEXT,
  purged_at TEXT
);
CREATE INDEX case_signatures_case ON case_signatures(case_id);
CREATE UNIQUE INDEX case_signatures_in_force ON case_signatures(case_id) WHERE replaced_at IS NULL;
