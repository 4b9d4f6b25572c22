-- 好差评 by the national rules. A rating is the applicant's, or the default one the site records
-- when none came in time ('default': channel then names where the case was received).
ALTER TABLE ratings ADD COLUMN indicators_json TEXT;
ALTER TABLE ratings ADD COLUMN kind TEXT NOT NULL DEFAULT 'applicant' CHECK (kind IN ('applicant', 'default'));
-- 追评: one comment the applicant may add later.
ALTER TABLE ratings ADD COLUMN appended_comment TEXT;
ALTER TABLE ratings ADD COLUMN appended_at TEXT;

-- A bad rating's call-back (回访) and rectification (整改), each with its deadline (China date).
ALTER TABLE rating_follow_ups ADD COLUMN callback_due TEXT;
ALTER TABLE rating_follow_ups ADD COLUMN rectify_due TEXT;
ALTER TABLE rating_follow_ups ADD COLUMN called_back_at TEXT;
ALTER TABLE rating_follow_ups ADD COLUMN callback_note TEXT;

-- 申诉复核: the rated office asks for a mistaken or malicious rating to be removed; the case's other
-- office decides. An approved appeal takes the rating out of the figures; the rows and the audit stay.
CREATE TABLE rating_appeals (
  rating_id TEXT PRIMARY KEY REFERENCES ratings(id),
  case_id TEXT NOT NULL REFERENCES cases(id),
  reason TEXT NOT NULL,
  filed_by_name TEXT NOT NULL,
  filed_at TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'rejected')),
  decided_by_name TEXT,
  decided_at TEXT,
  decision_reason TEXT
);
