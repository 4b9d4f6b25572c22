-- A scan replaced by a better one stays on the case (and in its audit trail) but is no longer current:
-- the pre-check, the co-review and the handoff bag see only materials with replaced_by NULL.
-- No foreign key: a replacement removed later (a draft case) leaves the history as it was.
ALTER TABLE case_materials ADD COLUMN replaced_by TEXT;
ALTER TABLE case_materials ADD COLUMN replaced_at TEXT;
CREATE INDEX case_materials_current ON case_materials(case_id) WHERE replaced_by IS NULL;
