-- Which site (deployment) hosts each office, as data: every site seeds the same office registry, so
-- intake and handling sites agree where a co-review request or a bag must go. Offices seeded
-- before this migration took their site from the old naming convention (`hn-cs-office` → `hn`).
ALTER TABLE offices ADD COLUMN site_id TEXT NOT NULL DEFAULT '';
UPDATE offices SET site_id = substr(id, 1, instr(id, '-') - 1) WHERE site_id = '';
CREATE INDEX offices_site ON offices(site_id);
