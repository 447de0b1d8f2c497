-- PeriodFacts reads a month's check-ins as one row per person and month (the
-- days as bits, see checkindays.go). This index holds every column that query
-- reads, in the order of its groups: the engine reads it alone, in order, and
-- aggregates as it goes, without sorting a month's millions of check-ins or
-- visiting the table. Both engines index the month expression as written.
CREATE INDEX checkins_town_month ON checkins (town_id, (substr(day, 1, 7)), userid, day, at_ms, recorded_at_ms);

-- PeriodFacts reads a month's activity participants (1.5M rows in a town of
-- 100,000) in the order of the activities and of the positions: with this
-- index SQLite reads them so, without sorting them or visiting the table.
CREATE INDEX activity_participants_list ON activity_participants (activity_id, pos, userid);
