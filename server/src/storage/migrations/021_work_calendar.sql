-- 节假日与调休 entered by this site's admin: a year the npm package does not carry yet, or a day of
-- one it does (a site day overrides the package's day of the same date). A row of calendar_years
-- says the site has entered that year, so deadlines into it are counted as known.
CREATE TABLE calendar_days (
  date TEXT PRIMARY KEY,
  year INTEGER NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('holiday', 'workday')),
  name TEXT NOT NULL,
  set_by_name TEXT NOT NULL,
  set_at TEXT NOT NULL
);
CREATE INDEX calendar_days_year ON calendar_days(year);
CREATE TABLE calendar_years (
  year INTEGER PRIMARY KEY,
  set_by_name TEXT NOT NULL,
  set_at TEXT NOT NULL
);
