-- The web front (package web): each grid's villager link (one working at a
-- time: gridbot qr --rotate revokes it), villagers' private tracking links
-- with their phone and rating, images (photos) kept with issues, and the office's
-- one-time login links and sessions, by their SHA-256 only. In the store so
-- that any replica serves any link.
CREATE TABLE web_grid_links (
	token      TEXT PRIMARY KEY,
	town_id    BIGINT NOT NULL REFERENCES towns (id),
	grid_id    BIGINT NOT NULL REFERENCES grids (id),
	at_ms      BIGINT NOT NULL,
	revoked_ms BIGINT
);
CREATE INDEX web_grid_links_grid ON web_grid_links (town_id, grid_id);

CREATE TABLE web_tracking (
	token      TEXT PRIMARY KEY,
	town_id    BIGINT NOT NULL REFERENCES towns (id),
	issue_no   BIGINT NOT NULL,
	phone      TEXT NOT NULL DEFAULT '',
	lat        DOUBLE PRECISION,
	lng        DOUBLE PRECISION,
	at_ms      BIGINT NOT NULL,
	rating     TEXT NOT NULL DEFAULT '',
	comment    TEXT NOT NULL DEFAULT '',
	rated_ms   BIGINT,
	replaced   TEXT NOT NULL DEFAULT '',
	UNIQUE (town_id, issue_no)
);

CREATE TABLE images (
	id       {{id}},
	town_id  BIGINT NOT NULL REFERENCES towns (id),
	issue_no BIGINT NOT NULL,
	mime     TEXT NOT NULL,
	width    INTEGER NOT NULL,
	height   INTEGER NOT NULL,
	data     {{blob}} NOT NULL,
	at_ms    BIGINT NOT NULL
);
CREATE INDEX images_issue ON images (town_id, issue_no);

CREATE TABLE web_logins (
	hash       TEXT PRIMARY KEY,
	town_id    BIGINT NOT NULL REFERENCES towns (id),
	user_id    TEXT NOT NULL,
	expires_ms BIGINT NOT NULL,
	used_ms    BIGINT
);

CREATE TABLE web_sessions (
	hash       TEXT PRIMARY KEY,
	town_id    BIGINT NOT NULL REFERENCES towns (id),
	user_id    TEXT NOT NULL,
	csrf       TEXT NOT NULL,
	expires_ms BIGINT NOT NULL
);
