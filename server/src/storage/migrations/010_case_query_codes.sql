-- 查询码: issued when a case is accepted (受理), printed on the receipt, looked up by the public
-- status page. NULL until then; unique among the cases that have one.
ALTER TABLE cases ADD COLUMN query_code TEXT;
CREATE UNIQUE INDEX cases_query_code ON cases(query_code) WHERE query_code IS NOT NULL;
