-- 代办人 (an agent applying for the applicant), the applicant's 收件地址 and how they want the result
-- (window / ems / online). All NULL on cases opened before intake asked, and on agent-less cases.
ALTER TABLE cases ADD COLUMN agent_name TEXT;
ALTER TABLE cases ADD COLUMN agent_id_type TEXT;
ALTER TABLE cases ADD COLUMN agent_id_number TEXT;
ALTER TABLE cases ADD COLUMN agent_phone TEXT;
ALTER TABLE cases ADD COLUMN agent_relation TEXT;
ALTER TABLE cases ADD COLUMN result_channel TEXT;
ALTER TABLE cases ADD COLUMN mail_province TEXT;
ALTER TABLE cases ADD COLUMN mail_city TEXT;
ALTER TABLE cases ADD COLUMN mail_district TEXT;
ALTER TABLE cases ADD COLUMN mail_detail TEXT;
ALTER TABLE cases ADD COLUMN mail_recipient TEXT;
ALTER TABLE cases ADD COLUMN mail_phone TEXT;
