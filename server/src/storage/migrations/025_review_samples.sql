-- 抽查复核: finished co-reviews drawn for a second opinion — a configured share at random, and every
-- 不予受理 — with the supervisor's opinion once given.
CREATE TABLE review_samples (
  session_id TEXT PRIMARY KEY REFERENCES review_sessions(id),
  case_id TEXT NOT NULL REFERENCES cases(id),
  office_id TEXT NOT NULL,
  reason TEXT NOT NULL CHECK (reason IN ('random', 'rejection')),
  outcome TEXT NOT NULL,
  sampled_at TEXT NOT NULL,
  opinion TEXT CHECK (opinion IN ('agree', 'disagree')),
  note TEXT,
  by_name TEXT,
  decided_at TEXT
);
CREATE INDEX review_samples_office ON review_samples(office_id, opinion);
