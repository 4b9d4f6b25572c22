-- Where and how to reach an office (printed on the notices and receipts the applicant takes home).
ALTER TABLE offices ADD COLUMN address TEXT NOT NULL DEFAULT '';
ALTER TABLE offices ADD COLUMN phone TEXT NOT NULL DEFAULT '';

-- 补正材料通知书 (一次性告知): issued in the transaction of the 补正 decision, with every item the
-- applicant must correct. A case has at most one notice in force; a changed list withdraws it
-- (with the reason) and issues the next one, so the applicant is never told twice by halves.
CREATE TABLE correction_notices (
  id TEXT PRIMARY KEY,
  case_id TEXT NOT NULL REFERENCES cases(id),
  seq INTEGER NOT NULL,
  items_json TEXT NOT NULL,
  note TEXT,
  resubmit_by TEXT NOT NULL,
  issued_by_name TEXT NOT NULL,
  issued_at TEXT NOT NULL,
  withdrawn_at TEXT,
  withdrawn_reason TEXT,
  withdrawn_by_name TEXT,
  UNIQUE (case_id, seq)
);
CREATE UNIQUE INDEX correction_notices_in_force ON correction_notices(case_id) WHERE withdrawn_at IS NULL;
