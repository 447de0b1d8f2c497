-- The scheduler's notices (spec/notices.md): one row per notice, planned
-- and then sent or skipped, exactly once: notice_key is unique per town
-- ("dispatch-warning:#12:0.50", "checkin-nudge:U001:2026-10-05"). A deadline
-- notice is inserted by 上报 in its own transaction; the calendar's are
-- inserted by the scheduler when their time comes (planned_through_ms of
-- schedule_marks says how far it got). state is planned, sent or skipped;
-- reason says why skipped; recipients is a JSON array of user ids.
CREATE TABLE schedule (
	id              {{id}},
	town_id         BIGINT NOT NULL REFERENCES towns (id),
	notice_key      TEXT NOT NULL,
	kind            TEXT NOT NULL,
	ref             TEXT NOT NULL,
	issue_no        BIGINT,
	threshold       DOUBLE PRECISION NOT NULL,
	subject         TEXT NOT NULL,
	planned_at_ms   BIGINT NOT NULL,
	due_at_ms       BIGINT NOT NULL,
	deadline_at_ms  BIGINT,
	expires_at_ms   BIGINT,
	state           TEXT NOT NULL,
	reason          TEXT NOT NULL,
	recipients      TEXT NOT NULL,
	via             TEXT NOT NULL,
	text            TEXT NOT NULL,
	done_at_ms      BIGINT,
	UNIQUE (town_id, notice_key)
);
-- What is due: only planned rows are in it, so finding them reads only them.
CREATE INDEX schedule_due ON schedule (due_at_ms) WHERE state = 'planned';
CREATE INDEX schedule_issue ON schedule (town_id, issue_no) WHERE issue_no IS NOT NULL;
CREATE INDEX schedule_town ON schedule (town_id, state, due_at_ms);

-- How far each town's calendar notices have been planned.
CREATE TABLE schedule_marks (
	town_id            BIGINT PRIMARY KEY REFERENCES towns (id),
	planned_through_ms BIGINT NOT NULL
);

-- A member's switches of notices ("提醒 关 打卡"): a row per kind turned off
-- or on again.
CREATE TABLE notice_prefs (
	town_id   BIGINT NOT NULL REFERENCES towns (id),
	userid    TEXT NOT NULL,
	kind      TEXT NOT NULL,
	off       INTEGER NOT NULL,
	at_ms     BIGINT NOT NULL,
	PRIMARY KEY (town_id, userid, kind)
);
