-- 已核验原件: the window compared a scan with the applicant's original (the paper at the window, or
-- the original under the document camera in the call). One mark in force per scan; a mark recorded
-- by mistake is withdrawn with a reason and stays as the record. A case received by transfer brings
-- its marks in the bag (checked_by NULL: the clerk has no account at this site, only a name).
CREATE TABLE original_checks (
  id TEXT PRIMARY KEY,
  case_id TEXT NOT NULL REFERENCES cases(id),
  material_id TEXT NOT NULL REFERENCES case_materials(id) ON DELETE CASCADE,
  method TEXT NOT NULL CHECK (method IN ('window_paper', 'call_document_camera')),
  note TEXT,
  checked_by TEXT REFERENCES users(id),
  checked_by_name TEXT NOT NULL,
  checked_at TEXT NOT NULL,
  withdrawn_at TEXT,
  withdrawn_reason TEXT,
  withdrawn_by_name TEXT
);
CREATE INDEX original_checks_case ON original_checks(case_id);
CREATE UNIQUE INDEX original_checks_in_force ON original_checks(material_id) WHERE withdrawn_at IS NULL;
