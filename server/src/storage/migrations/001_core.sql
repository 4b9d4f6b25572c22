-- Core: offices, accounts, sessions, catalog, cases, materials, the audit ledger.
CREATE TABLE offices (
  id TEXT PRIMARY KEY,
  code TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('intake', 'handling')),
  province TEXT NOT NULL,
  city TEXT NOT NULL
);

CREATE TABLE users (
  id TEXT PRIMARY KEY,
  username TEXT NOT NULL UNIQUE,
  display_name TEXT NOT NULL,
  role TEXT NOT NULL CHECK (role IN ('clerk', 'reviewer', 'supervisor', 'admin')),
  office_id TEXT NOT NULL REFERENCES offices(id),
  password_hash TEXT NOT NULL,
  created_at TEXT NOT NULL,
  disabled INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE sessions (
  token_hash TEXT PRIMARY KEY,
  user_id TEXT NOT NULL REFERENCES users(id),
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL
);
CREATE INDEX sessions_user ON sessions(user_id);

CREATE TABLE service_items (
  code TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  handling_office_id TEXT NOT NULL REFERENCES offices(id),
  spec_json TEXT NOT NULL
);

CREATE TABLE cases (
  id TEXT PRIMARY KEY,
  case_no TEXT NOT NULL UNIQUE,
  item_code TEXT NOT NULL REFERENCES service_items(code),
  intake_office_id TEXT NOT NULL REFERENCES offices(id),
  handling_office_id TEXT NOT NULL REFERENCES offices(id),
  state TEXT NOT NULL,
  applicant_name TEXT NOT NULL,
  applicant_id_type TEXT NOT NULL,
  applicant_id_number TEXT NOT NULL,
  applicant_phone TEXT NOT NULL,
  company_name TEXT,
  company_uscc TEXT,
  created_by TEXT NOT NULL REFERENCES users(id),
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  deadline TEXT NOT NULL,
  decided_at TEXT,
  source_site TEXT
);
CREATE INDEX cases_intake ON cases(intake_office_id, state);
CREATE INDEX cases_handling ON cases(handling_office_id, state);
CREATE INDEX cases_created_by ON cases(created_by, created_at);

-- Daily case-number sequence per intake office: prefix `GD-SG-20261125` → last number issued.
CREATE TABLE case_no_counters (
  prefix TEXT PRIMARY KEY,
  last_seq INTEGER NOT NULL
);

-- Content-addressed blobs (DATA_DIR/blobs/ab/cd/<sha256>): one row per distinct content.
CREATE TABLE blobs (
  sha256 TEXT PRIMARY KEY,
  size INTEGER NOT NULL,
  media_type TEXT NOT NULL,
  created_at TEXT NOT NULL
);

CREATE TABLE case_materials (
  id TEXT PRIMARY KEY,
  case_id TEXT NOT NULL REFERENCES cases(id),
  slot_code TEXT NOT NULL,
  file_name TEXT NOT NULL,
  sha256 TEXT NOT NULL REFERENCES blobs(sha256),
  media_type TEXT NOT NULL,
  size INTEGER NOT NULL,
  source TEXT NOT NULL DEFAULT 'upload',
  uploaded_by TEXT NOT NULL,
  uploaded_at TEXT NOT NULL,
  UNIQUE (case_id, slot_code, sha256)
);
CREATE INDEX case_materials_case ON case_materials(case_id);

-- Append-only, hash-chained (责任追溯). hash = sha256(canonical JSON of every other column).
CREATE TABLE audit_events (
  seq INTEGER PRIMARY KEY,
  at TEXT NOT NULL,
  actor_id TEXT,
  actor_name TEXT,
  actor_role TEXT NOT NULL,
  office_id TEXT,
  case_id TEXT,
  action TEXT NOT NULL,
  details_json TEXT NOT NULL,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL UNIQUE
);
CREATE INDEX audit_events_case ON audit_events(case_id, seq);
CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END;
CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END;
