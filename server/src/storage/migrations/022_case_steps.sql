-- 环节时限: a catalogue item's own limit (working days) or responsible side for a step of its
-- cases; a step without a row here takes the default of shared/src/cases/steps.ts.
CREATE TABLE service_item_steps (
  item_code TEXT NOT NULL REFERENCES service_items(code),
  step TEXT NOT NULL,
  limit_days INTEGER CHECK (limit_days IS NULL OR limit_days BETWEEN 0 AND 365),
  responsible_side TEXT CHECK (responsible_side IS NULL OR responsible_side IN ('intake', 'handling')),
  PRIMARY KEY (item_code, step)
);

-- Each step's reminder and overdue notice goes out once (per start of the step: a reopened case starts over).
CREATE TABLE step_alerts (
  case_id TEXT NOT NULL REFERENCES cases(id),
  step TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('reminder', 'overdue')),
  started_at TEXT NOT NULL,
  office_id TEXT NOT NULL,
  due_at TEXT NOT NULL,
  sent_at TEXT NOT NULL,
  PRIMARY KEY (case_id, step, kind, started_at)
);

-- In-app notifications (the bell in the header), one row per recipient.
CREATE TABLE notifications (
  id TEXT PRIMARY KEY,
  user_id TEXT NOT NULL REFERENCES users(id),
  kind TEXT NOT NULL CHECK (kind IN ('step_due_soon', 'step_overdue')),
  case_id TEXT NOT NULL REFERENCES cases(id),
  case_no TEXT NOT NULL,
  step TEXT NOT NULL,
  office_name TEXT NOT NULL,
  due_at TEXT NOT NULL,
  created_at TEXT NOT NULL,
  read_at TEXT
);
CREATE INDEX notifications_user ON notifications(user_id, created_at);
