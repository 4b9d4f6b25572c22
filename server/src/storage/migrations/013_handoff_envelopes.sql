-- The paper envelope that follows a case by courier (handoff/envelopes.ts): in courier mode the
-- cover sheet with the paper originals, beside an online transfer the originals the catalogue marks
-- 原件需邮寄. Mailed at the intake window (or, at the handling site, as the bag said); signed for
-- (签收) at the handling office. No row: nothing mailed yet.
CREATE TABLE handoff_envelopes (
  case_id TEXT PRIMARY KEY REFERENCES cases(id),
  courier_company TEXT NOT NULL,
  waybill_no TEXT NOT NULL,
  -- NULL: first learnt from the envelope itself, when the handling office signed for it.
  mailed_at TEXT,
  -- The window's user; NULL when the row came in a bag from the intake site, or from the envelope.
  mailed_by TEXT REFERENCES users(id),
  received_at TEXT,
  received_by TEXT REFERENCES users(id),
  -- At the intake site: the handling site that reported the arrival (with its result).
  received_by_site TEXT
);

-- Cases handed off by courier before this table existed: their envelope is the bag's.
INSERT INTO handoff_envelopes (case_id, courier_company, waybill_no, mailed_at, mailed_by)
SELECT b.case_id, b.courier_company, b.waybill_no, b.created_at, b.created_by
FROM handoff_bags b
WHERE b.mode = 'courier' AND b.courier_company IS NOT NULL AND b.waybill_no IS NOT NULL
  AND b.rowid = (SELECT MAX(rowid) FROM handoff_bags WHERE case_id = b.case_id);
