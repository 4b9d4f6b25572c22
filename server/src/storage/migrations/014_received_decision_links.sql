-- At the handling site: the case a bag brought in whose co-review this site's reviewer decided,
-- linked to that decision when the bag is imported (the bag must carry the same decision id).
ALTER TABLE remote_review_requests ADD COLUMN linked_case_id TEXT REFERENCES cases(id);
ALTER TABLE remote_review_requests ADD COLUMN linked_at TEXT;
CREATE INDEX remote_review_requests_linked_case ON remote_review_requests(linked_case_id);
