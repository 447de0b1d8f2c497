-- Settling a month reads a town's whole month: 3M check-ins and 1.5M
-- activity participants in a town of 100,000. This keeps both summarized
-- as they are written, so that the month is read in far fewer rows.

-- A person's check-ins of one month, summarized in one row: settling a month
-- reads a town's 100,000 of these instead of aggregating its 3M check-ins.
-- Every write of a check-in updates its row in the same transaction
-- (checkinmonths.go); checkindays.go says when a row may stand for the
-- check-ins it sums and reads those check-ins themselves otherwise. With d the
-- day of the month of a check-in's day column:
--   days                 the sum of 1 << (d-1): the days as bits (a person
--                        checks in at most once a day);
--   anchor_min_ms/_max   the least and greatest at_ms - (d-1) days: both in
--                        the month's first day exactly when every instant
--                        falls on the day of its day column;
--   last_at_ms           the latest instant;
--   first_recorded_at_ms the earliest time of recording, NULL when one has
--                        none (a check-in never Late);
--   last_recorded_at_ms  the latest time of recording, NULL when none has one.
CREATE TABLE checkin_months (
	town_id              BIGINT NOT NULL REFERENCES towns (id),
	month                TEXT NOT NULL,
	userid               TEXT NOT NULL,
	days                 BIGINT NOT NULL,
	anchor_min_ms        BIGINT NOT NULL,
	anchor_max_ms        BIGINT NOT NULL,
	last_at_ms           BIGINT NOT NULL,
	first_recorded_at_ms BIGINT,
	last_recorded_at_ms  BIGINT,
	PRIMARY KEY (town_id, month, userid)
);

-- The check-ins stored so far. Days are 'YYYY-MM-DD' text (prepareCheckin),
-- read through index checkins_town_month in the order of the groups.
INSERT INTO checkin_months (town_id, month, userid, days, anchor_min_ms, anchor_max_ms, last_at_ms,
	first_recorded_at_ms, last_recorded_at_ms)
SELECT town_id, substr(day, 1, 7), userid,
	SUM(1 << (CAST(substr(day, 9, 2) AS INTEGER) - 1)),
	MIN(at_ms - (CAST(substr(day, 9, 2) AS BIGINT) - 1) * 86400000),
	MAX(at_ms - (CAST(substr(day, 9, 2) AS BIGINT) - 1) * 86400000),
	MAX(at_ms),
	CASE WHEN COUNT(recorded_at_ms) < COUNT(*) THEN NULL ELSE MIN(recorded_at_ms) END,
	MAX(recorded_at_ms)
FROM checkins
GROUP BY town_id, substr(day, 1, 7), userid;

-- An activity's participants in its own row too: the user ids of
-- activity_participants in their order, joined by U+001F (listSep, which no
-- user id holds), '' for none. AddActivity writes both; PeriodFacts reads
-- this column instead of a row per participant. The list table stays for
-- looking activities up by participant (MemberFacts).
ALTER TABLE activities ADD COLUMN participants TEXT NOT NULL DEFAULT '';
UPDATE activities SET participants = COALESCE(
	(SELECT {{listagg}} FROM activity_participants l WHERE l.activity_id = activities.id), '');
