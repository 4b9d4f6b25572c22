-- Handoff (转递): signed BagIt bags, transfers between sites with receipts, results back, ratings.

-- Each bag built for a case; the zip itself is a blob. The latest row is the case's handoff.
CREATE TABLE handoff_bags (
  id TEXT PRIMARY KEY,
  case_id TEXT NOT NULL REFERENCES cases(id),
  mode TEXT NOT NULL CHECK (mode IN ('courier', 'online')),
  bag_sha256 TEXT NOT NULL REFERENCES blobs(sha256),
  bag_size INTEGER NOT NULL,
  tagmanifest_sha256 TEXT NOT NULL,
  payload_oxum TEXT NOT NULL,
  signer_fingerprint TEXT NOT NULL,
  courier_company TEXT,
  waybill_no TEXT,
  created_by TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE INDEX handoff_bags_case ON handoff_bags(case_id, created_at);
CREATE INDEX handoff_bags_tagmanifest ON handoff_bags(tagmanifest_sha256);

-- Bags pushed to (out) or received from (in) a peer site. A repeat of the same idempotency key
-- from the same peer finds this row instead of importing again.
CREATE TABLE transfers (
  id TEXT PRIMARY KEY,
  direction TEXT NOT NULL CHECK (direction IN ('out', 'in')),
  case_id TEXT NOT NULL REFERENCES cases(id),
  peer_site TEXT NOT NULL,
  idempotency_key TEXT NOT NULL,
  body_sha256 TEXT NOT NULL,
  tagmanifest_sha256 TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('sending', 'sent', 'failed', 'imported')),
  receipt_json TEXT,
  receipt_signature TEXT,
  receipt_key TEXT,
  error TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  UNIQUE (direction, peer_site, idempotency_key)
);
CREATE INDEX transfers_case ON transfers(case_id, created_at);

-- 办结 result: decided here (local) or received from the handling site (peer).
CREATE TABLE case_results (
  case_id TEXT PRIMARY KEY REFERENCES cases(id),
  origin TEXT NOT NULL CHECK (origin IN ('local', 'peer')),
  outcome TEXT NOT NULL CHECK (outcome IN ('approved', 'denied')),
  summary TEXT NOT NULL,
  delivery TEXT NOT NULL CHECK (delivery IN ('document', 'mail')),
  document_sha256 TEXT REFERENCES blobs(sha256),
  document_name TEXT,
  document_media_type TEXT,
  courier_company TEXT,
  waybill_no TEXT,
  decided_at TEXT NOT NULL,
  sent_at TEXT,
  send_error TEXT
);

-- 好差评: one rating per case.
CREATE TABLE ratings (
  id TEXT PRIMARY KEY,
  case_id TEXT NOT NULL UNIQUE REFERENCES cases(id),
  level INTEGER NOT NULL CHECK (level BETWEEN 1 AND 5),
  comment TEXT,
  channel TEXT NOT NULL CHECK (channel IN ('window', 'phone')),
  rated_at TEXT NOT NULL
);

-- One-time phone links for the applicant; only the token's hash is stored.
CREATE TABLE rating_links (
  token_hash TEXT PRIMARY KEY,
  case_id TEXT NOT NULL REFERENCES cases(id),
  created_by TEXT NOT NULL,
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL,
  used_at TEXT
);

-- A 不满意/非常不满意 rating opens a follow-up for the intake office's supervisor.
CREATE TABLE rating_follow_ups (
  id TEXT PRIMARY KEY,
  rating_id TEXT NOT NULL UNIQUE REFERENCES ratings(id),
  case_id TEXT NOT NULL REFERENCES cases(id),
  office_id TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('open', 'closed')),
  created_at TEXT NOT NULL,
  closed_by TEXT,
  closed_at TEXT,
  note TEXT
);
CREATE INDEX rating_follow_ups_office ON rating_follow_ups(office_id, status);
