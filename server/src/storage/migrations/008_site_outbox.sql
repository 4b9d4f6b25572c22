-- Site-to-site messages (federation/). The outbox: signed messages to peer sites, written in the
-- transaction of the change they announce and delivered (retried with backoff) by the delivery
-- loop, so a restart or an unreachable peer loses none. `seq` orders a session's messages (a
-- withdrawal never overtakes its request); `idempotency_key` is what the peer deduplicates on.
CREATE TABLE site_outbox (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  peer_site TEXT NOT NULL,
  kind TEXT NOT NULL,
  path TEXT NOT NULL,
  idempotency_key TEXT NOT NULL UNIQUE,
  session_id TEXT NOT NULL,
  case_id TEXT NOT NULL,
  body_json TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('pending', 'delivered', 'failed')),
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at TEXT NOT NULL,
  last_error_json TEXT,
  created_at TEXT NOT NULL,
  delivered_at TEXT
);
CREATE INDEX site_outbox_due ON site_outbox(state, next_attempt_at);
CREATE INDEX site_outbox_session ON site_outbox(session_id, kind);

-- At the handling site: co-review requests a peer's intake window sent for an office hosted here,
-- as received (the CoReviewRequest, validated), until withdrawn, timed out or accepted.
CREATE TABLE remote_review_requests (
  session_id TEXT PRIMARY KEY,
  intake_site TEXT NOT NULL,
  intake_office_id TEXT NOT NULL,
  handling_office_id TEXT NOT NULL,
  case_no TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('waiting', 'accepted', 'withdrawn', 'timed_out')),
  request_json TEXT NOT NULL,
  body_sha256 TEXT NOT NULL,
  requested_at TEXT NOT NULL,
  received_at TEXT NOT NULL,
  ended_at TEXT
);
CREATE INDEX remote_review_requests_queue ON remote_review_requests(handling_office_id, status, requested_at);
