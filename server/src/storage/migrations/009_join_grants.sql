-- Join grants (接入凭证) this site issued to reviewers of a peer site: one reviewer, one session,
-- minutes long, used up by the first join of the call, which gives that connection a rejoin key.
-- Only SHA-256 hashes of the grant and of the rejoin key are stored; `id` names the grant in the
-- audit trail. (site, request_key) is the signed request's idempotency key: answered once.
CREATE TABLE review_join_grants (
  id TEXT PRIMARY KEY,
  grant_hash TEXT NOT NULL UNIQUE,
  session_id TEXT NOT NULL REFERENCES review_sessions(id),
  site TEXT NOT NULL,
  request_key TEXT NOT NULL,
  reviewer_json TEXT NOT NULL,
  issued_at TEXT NOT NULL,
  expires_at TEXT NOT NULL,
  used_at TEXT,
  rejoin_hash TEXT UNIQUE,
  rejoin_expires_at TEXT,
  UNIQUE (site, request_key)
);
CREATE INDEX review_join_grants_session ON review_join_grants(session_id);
