-- The initial schema, shared by SQLite and PostgreSQL.
--
-- Conventions: {{id}} and {{blob}} are filled in by the dialect. Instants are
-- BIGINT unix milliseconds named *_ms, NULL when unknown (a zero time.Time);
-- calendar days are TEXT 'YYYY-MM-DD' and months TEXT 'YYYY-MM', in the
-- scheme's zone. Text that may be absent is '' except msg_id, which is NULL for
-- imported facts so that UNIQUE (town_id, msg_id) lets any number of them in.
-- Facts name people by platform user id (userid), as the domain does.

CREATE TABLE towns (
	id   {{id}},
	name TEXT NOT NULL UNIQUE
);

CREATE TABLE districts (
	id      {{id}},
	town_id BIGINT NOT NULL REFERENCES towns (id),
	name    TEXT NOT NULL,
	UNIQUE (town_id, name)
);

CREATE TABLE villages (
	id          {{id}},
	town_id     BIGINT NOT NULL REFERENCES towns (id),
	district_id BIGINT REFERENCES districts (id),
	name        TEXT NOT NULL,
	UNIQUE (town_id, name)
);

CREATE TABLE grids (
	id         {{id}},
	town_id    BIGINT NOT NULL REFERENCES towns (id),
	village_id BIGINT NOT NULL REFERENCES villages (id),
	name       TEXT NOT NULL,
	UNIQUE (town_id, name)
);

CREATE TABLE people (
	id      {{id}},
	town_id BIGINT NOT NULL REFERENCES towns (id),
	userid  TEXT NOT NULL,
	name    TEXT NOT NULL,
	role    TEXT NOT NULL,
	party   BOOLEAN NOT NULL,
	phone   TEXT NOT NULL,
	active  BOOLEAN NOT NULL,
	UNIQUE (town_id, userid)
);
CREATE INDEX people_town_name ON people (town_id, name);

-- A person's grid and role over time: [valid_from_ms, valid_to_ms), NULL from
-- meaning since always and NULL to meaning until now.
CREATE TABLE memberships (
	id            {{id}},
	town_id       BIGINT NOT NULL REFERENCES towns (id),
	person_id     BIGINT NOT NULL REFERENCES people (id),
	grid_id       BIGINT REFERENCES grids (id),
	role          TEXT NOT NULL,
	valid_from_ms BIGINT,
	valid_to_ms   BIGINT
);
CREATE INDEX memberships_town ON memberships (town_id, person_id);
-- At most one open membership per person.
CREATE UNIQUE INDEX memberships_open ON memberships (person_id) WHERE valid_to_ms IS NULL;

CREATE TABLE checkpoints (
	id         {{id}},
	town_id    BIGINT NOT NULL REFERENCES towns (id),
	village_id BIGINT NOT NULL REFERENCES villages (id),
	name       TEXT NOT NULL,
	lat        DOUBLE PRECISION NOT NULL,
	lng        DOUBLE PRECISION NOT NULL,
	radius_m   DOUBLE PRECISION NOT NULL,
	UNIQUE (town_id, village_id, name)
);

-- Platform messages being handled (ClaimMessage): the idempotency guard.
CREATE TABLE messages (
	id       {{id}},
	town_id  BIGINT NOT NULL REFERENCES towns (id),
	platform TEXT NOT NULL,
	msg_id   TEXT NOT NULL,
	at_ms    BIGINT,
	UNIQUE (town_id, msg_id)
);

-- Per-town numbering of issues, deliberations, publicity, photos and stories:
-- last_no is the last number handed out for kind.
CREATE TABLE counters (
	town_id BIGINT NOT NULL REFERENCES towns (id),
	kind    TEXT NOT NULL,
	last_no BIGINT NOT NULL,
	PRIMARY KEY (town_id, kind)
);

CREATE TABLE checkins (
	id             {{id}},
	town_id        BIGINT NOT NULL REFERENCES towns (id),
	userid         TEXT NOT NULL,
	day            TEXT NOT NULL,
	at_ms          BIGINT NOT NULL,
	source         TEXT NOT NULL,
	lat            DOUBLE PRECISION,
	lng            DOUBLE PRECISION,
	recorded_by    TEXT NOT NULL,
	recorded_at_ms BIGINT,
	platform       TEXT NOT NULL,
	msg_id         TEXT,
	UNIQUE (town_id, userid, day),
	UNIQUE (town_id, msg_id)
);
CREATE INDEX checkins_town_at ON checkins (town_id, at_ms);

CREATE TABLE activities (
	id             {{id}},
	town_id        BIGINT NOT NULL REFERENCES towns (id),
	grid_id        BIGINT REFERENCES grids (id),
	category       TEXT NOT NULL,
	content        TEXT NOT NULL,
	leader         TEXT NOT NULL,
	at_ms          BIGINT NOT NULL,
	recorded_by    TEXT NOT NULL,
	recorded_at_ms BIGINT,
	platform       TEXT NOT NULL,
	msg_id         TEXT,
	UNIQUE (town_id, msg_id)
);
CREATE INDEX activities_town_at ON activities (town_id, at_ms);

-- Participants keep the order they were named in (pos).
CREATE TABLE activity_participants (
	activity_id BIGINT NOT NULL REFERENCES activities (id),
	pos         INTEGER NOT NULL,
	userid      TEXT NOT NULL,
	PRIMARY KEY (activity_id, userid)
);

CREATE TABLE issues (
	id               {{id}},
	town_id          BIGINT NOT NULL REFERENCES towns (id),
	no               BIGINT NOT NULL,
	grid_id          BIGINT REFERENCES grids (id),
	description      TEXT NOT NULL,
	reported_by      TEXT NOT NULL,
	reported_at_ms   BIGINT NOT NULL,
	assignee         TEXT NOT NULL,
	dispatched_by    TEXT NOT NULL,
	dispatched_at_ms BIGINT,
	closed_by        TEXT NOT NULL,
	closed_at_ms     BIGINT,
	result           TEXT NOT NULL,
	rating           TEXT NOT NULL,
	rated_by         TEXT NOT NULL,
	rated_at_ms      BIGINT,
	recorded_by      TEXT NOT NULL,
	recorded_at_ms   BIGINT,
	platform         TEXT NOT NULL,
	msg_id           TEXT,
	UNIQUE (town_id, no),
	UNIQUE (town_id, msg_id)
);
CREATE INDEX issues_town_reported ON issues (town_id, reported_at_ms);
CREATE INDEX issues_town_dispatched ON issues (town_id, dispatched_at_ms);
CREATE INDEX issues_town_closed ON issues (town_id, closed_at_ms);
CREATE INDEX issues_open ON issues (town_id, grid_id, reported_at_ms) WHERE closed_at_ms IS NULL;

CREATE TABLE deliberations (
	id              {{id}},
	town_id         BIGINT NOT NULL REFERENCES towns (id),
	no              BIGINT NOT NULL,
	grid_id         BIGINT REFERENCES grids (id),
	minutes         TEXT NOT NULL,
	leader          TEXT NOT NULL,
	at_ms           BIGINT NOT NULL,
	confirmed_by    TEXT NOT NULL,
	confirmed_at_ms BIGINT,
	recorded_by     TEXT NOT NULL,
	recorded_at_ms  BIGINT,
	platform        TEXT NOT NULL,
	msg_id          TEXT,
	UNIQUE (town_id, no),
	UNIQUE (town_id, msg_id)
);
CREATE INDEX deliberations_town_at ON deliberations (town_id, at_ms);

CREATE TABLE deliberation_participants (
	deliberation_id BIGINT NOT NULL REFERENCES deliberations (id),
	pos             INTEGER NOT NULL,
	userid          TEXT NOT NULL,
	PRIMARY KEY (deliberation_id, userid)
);

CREATE TABLE publicity (
	id             {{id}},
	town_id        BIGINT NOT NULL REFERENCES towns (id),
	no             BIGINT NOT NULL,
	level          TEXT NOT NULL,
	comprehensive  BOOLEAN NOT NULL,
	title          TEXT NOT NULL,
	at_ms          BIGINT NOT NULL,
	recorded_by    TEXT NOT NULL,
	recorded_at_ms BIGINT,
	platform       TEXT NOT NULL,
	msg_id         TEXT,
	UNIQUE (town_id, no),
	UNIQUE (town_id, msg_id)
);
CREATE INDEX publicity_town_at ON publicity (town_id, at_ms);

CREATE TABLE publicity_involved (
	publicity_id BIGINT NOT NULL REFERENCES publicity (id),
	pos          INTEGER NOT NULL,
	userid       TEXT NOT NULL,
	PRIMARY KEY (publicity_id, userid)
);

CREATE TABLE photos (
	id             {{id}},
	town_id        BIGINT NOT NULL REFERENCES towns (id),
	no             BIGINT NOT NULL,
	photo_count    INTEGER NOT NULL,
	at_ms          BIGINT NOT NULL,
	recorded_by    TEXT NOT NULL,
	recorded_at_ms BIGINT,
	platform       TEXT NOT NULL,
	msg_id         TEXT,
	UNIQUE (town_id, no),
	UNIQUE (town_id, msg_id)
);
CREATE INDEX photos_town_at ON photos (town_id, at_ms);

CREATE TABLE photo_involved (
	photo_id BIGINT NOT NULL REFERENCES photos (id),
	pos      INTEGER NOT NULL,
	userid   TEXT NOT NULL,
	PRIMARY KEY (photo_id, userid)
);

CREATE TABLE stories (
	id             {{id}},
	town_id        BIGINT NOT NULL REFERENCES towns (id),
	no             BIGINT NOT NULL,
	village_id     BIGINT NOT NULL REFERENCES villages (id),
	title          TEXT NOT NULL,
	at_ms          BIGINT NOT NULL,
	recorded_by    TEXT NOT NULL,
	recorded_at_ms BIGINT,
	platform       TEXT NOT NULL,
	msg_id         TEXT,
	UNIQUE (town_id, no),
	UNIQUE (town_id, msg_id)
);
CREATE INDEX stories_town_at ON stories (town_id, at_ms);

CREATE TABLE adjustments (
	id             {{id}},
	town_id        BIGINT NOT NULL REFERENCES towns (id),
	userid         TEXT NOT NULL,
	points         DOUBLE PRECISION NOT NULL,
	reason         TEXT NOT NULL,
	category       TEXT NOT NULL,
	at_ms          BIGINT NOT NULL,
	recorded_by    TEXT NOT NULL,
	recorded_at_ms BIGINT,
	platform       TEXT NOT NULL,
	msg_id         TEXT,
	UNIQUE (town_id, msg_id)
);
CREATE INDEX adjustments_town_at ON adjustments (town_id, at_ms);

-- The city platform's points, imported per month ('YYYY-MM').
CREATE TABLE base_points (
	town_id BIGINT NOT NULL REFERENCES towns (id),
	month   TEXT NOT NULL,
	userid  TEXT NOT NULL,
	points  DOUBLE PRECISION NOT NULL,
	PRIMARY KEY (town_id, month, userid)
);

-- Frozen results: written once per (town, kind, period), never recomputed.
CREATE TABLE published (
	id      {{id}},
	town_id BIGINT NOT NULL REFERENCES towns (id),
	kind    TEXT NOT NULL,
	period  TEXT NOT NULL,
	data    {{blob}} NOT NULL,
	at_ms   BIGINT,
	UNIQUE (town_id, kind, period)
);
