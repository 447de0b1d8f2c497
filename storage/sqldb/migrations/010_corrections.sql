-- Corrections (issue 12).
--
-- Activities and adjustments are numbered per town like the other records
-- (活动#7, 调整#5): the ones stored so far get numbers in the order they were
-- stored, and the counters go on from there.
ALTER TABLE activities ADD COLUMN no BIGINT NOT NULL DEFAULT 0;
UPDATE activities SET no = r.rn
	FROM (SELECT id, ROW_NUMBER() OVER (PARTITION BY town_id ORDER BY id) AS rn FROM activities) r
	WHERE r.id = activities.id;
INSERT INTO counters (town_id, kind, last_no) SELECT town_id, 'activity', MAX(no) FROM activities GROUP BY town_id;
CREATE UNIQUE INDEX activities_town_no ON activities (town_id, no);

ALTER TABLE adjustments ADD COLUMN no BIGINT NOT NULL DEFAULT 0;
UPDATE adjustments SET no = r.rn
	FROM (SELECT id, ROW_NUMBER() OVER (PARTITION BY town_id ORDER BY id) AS rn FROM adjustments) r
	WHERE r.id = adjustments.id;
INSERT INTO counters (town_id, kind, last_no) SELECT town_id, 'adjustment', MAX(no) FROM adjustments GROUP BY town_id;
CREATE UNIQUE INDEX adjustments_town_no ON adjustments (town_id, no);

-- A withdrawn record (撤回) stays stored with who withdrew it, when and why;
-- every read for scoring leaves out the rows whose withdrawn_at_ms is set.
ALTER TABLE issues ADD COLUMN withdrawn_at_ms BIGINT;
ALTER TABLE issues ADD COLUMN withdrawn_by TEXT NOT NULL DEFAULT '';
ALTER TABLE issues ADD COLUMN withdraw_reason TEXT NOT NULL DEFAULT '';
ALTER TABLE deliberations ADD COLUMN withdrawn_at_ms BIGINT;
ALTER TABLE deliberations ADD COLUMN withdrawn_by TEXT NOT NULL DEFAULT '';
ALTER TABLE deliberations ADD COLUMN withdraw_reason TEXT NOT NULL DEFAULT '';
ALTER TABLE activities ADD COLUMN withdrawn_at_ms BIGINT;
ALTER TABLE activities ADD COLUMN withdrawn_by TEXT NOT NULL DEFAULT '';
ALTER TABLE activities ADD COLUMN withdraw_reason TEXT NOT NULL DEFAULT '';
ALTER TABLE publicity ADD COLUMN withdrawn_at_ms BIGINT;
ALTER TABLE publicity ADD COLUMN withdrawn_by TEXT NOT NULL DEFAULT '';
ALTER TABLE publicity ADD COLUMN withdraw_reason TEXT NOT NULL DEFAULT '';
ALTER TABLE photos ADD COLUMN withdrawn_at_ms BIGINT;
ALTER TABLE photos ADD COLUMN withdrawn_by TEXT NOT NULL DEFAULT '';
ALTER TABLE photos ADD COLUMN withdraw_reason TEXT NOT NULL DEFAULT '';
ALTER TABLE stories ADD COLUMN withdrawn_at_ms BIGINT;
ALTER TABLE stories ADD COLUMN withdrawn_by TEXT NOT NULL DEFAULT '';
ALTER TABLE stories ADD COLUMN withdraw_reason TEXT NOT NULL DEFAULT '';
ALTER TABLE adjustments ADD COLUMN withdrawn_at_ms BIGINT;
ALTER TABLE adjustments ADD COLUMN withdrawn_by TEXT NOT NULL DEFAULT '';
ALTER TABLE adjustments ADD COLUMN withdraw_reason TEXT NOT NULL DEFAULT '';

-- The duplicate guard: the texts each member recorded something with in the
-- last 10 minutes (text_key is the command and its words, normalized), and
-- each member's one message waiting for 确认.
CREATE TABLE recent_records (
	town_id BIGINT NOT NULL REFERENCES towns (id),
	userid  TEXT NOT NULL,
	text_key TEXT NOT NULL,
	ref     TEXT NOT NULL,
	at_ms   BIGINT NOT NULL,
	PRIMARY KEY (town_id, userid, text_key)
);

CREATE TABLE pending_records (
	town_id BIGINT NOT NULL REFERENCES towns (id),
	userid  TEXT NOT NULL,
	text    TEXT NOT NULL,
	at_ms   BIGINT NOT NULL,
	PRIMARY KEY (town_id, userid)
);
