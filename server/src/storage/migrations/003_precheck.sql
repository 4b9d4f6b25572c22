-- OCR pre-check (智能预审): a persistent job queue, one result per material, the clerk's
-- corrections and overrides (each also an audit event).
CREATE TABLE precheck_jobs (
  id TEXT PRIMARY KEY,
  case_id TEXT NOT NULL REFERENCES cases(id),
  material_id TEXT NOT NULL,
  sha256 TEXT NOT NULL,
  -- The slot's kind/rules/required fields at the time of the request (MaterialSlotRules JSON).
  slot_json TEXT NOT NULL,
  camera INTEGER NOT NULL DEFAULT 0,
  status TEXT NOT NULL CHECK (status IN ('queued', 'running', 'done', 'failed')),
  attempts INTEGER NOT NULL DEFAULT 0,
  requested_by TEXT,
  error_code TEXT,
  error_message TEXT,
  created_at TEXT NOT NULL,
  started_at TEXT,
  finished_at TEXT
);
CREATE INDEX precheck_jobs_status ON precheck_jobs(status, created_at);
CREATE INDEX precheck_jobs_case ON precheck_jobs(case_id, material_id, created_at);

CREATE TABLE precheck_results (
  material_id TEXT PRIMARY KEY,
  case_id TEXT NOT NULL REFERENCES cases(id),
  job_id TEXT NOT NULL,
  -- { pages: PageOcr[] (with image sha256 per page), fields: ExtractedField[] }
  result_json TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE INDEX precheck_results_case ON precheck_results(case_id);

CREATE TABLE precheck_corrections (
  id TEXT PRIMARY KEY,
  case_id TEXT NOT NULL REFERENCES cases(id),
  material_id TEXT NOT NULL,
  field_key TEXT NOT NULL,
  value TEXT NOT NULL,
  reason TEXT NOT NULL,
  actor_id TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE INDEX precheck_corrections_case ON precheck_corrections(case_id, material_id);

CREATE TABLE precheck_overrides (
  id TEXT PRIMARY KEY,
  case_id TEXT NOT NULL REFERENCES cases(id),
  material_id TEXT NOT NULL,
  finding_key TEXT NOT NULL,
  reason TEXT NOT NULL,
  actor_id TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE INDEX precheck_overrides_case ON precheck_overrides(case_id, material_id);
