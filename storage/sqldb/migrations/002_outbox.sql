-- Group robots and the outbox: durable pushes to WeCom and DingTalk groups.

-- A town's group robots, one per (scope, name, platform). scope is 镇, 村 or
-- 网格; name is the village or grid ('' for the town). robot_key is the WeCom
-- webhook key or the DingTalk access_token, secret the DingTalk signing
-- secret ('' when none). A robot dropped from the office's file is kept with
-- removed_at_ms set, because delivered jobs still refer to it.
CREATE TABLE webhooks (
	id            {{id}},
	town_id       BIGINT NOT NULL REFERENCES towns (id),
	scope         TEXT NOT NULL,
	name          TEXT NOT NULL,
	platform      TEXT NOT NULL,
	robot_key     TEXT NOT NULL,
	secret        TEXT NOT NULL,
	removed_at_ms BIGINT,
	UNIQUE (town_id, scope, name, platform)
);

-- One message for one robot. state is pending, delivered or dead. sent counts
-- the parts already delivered; attempts the failed attempts. A worker claims
-- a due job by writing its claim token and lease end (claimed_until_ms); the
-- job is claimable again once the lease has run out. mentions is a JSON array
-- of user ids.
CREATE TABLE outbox (
	id               {{id}},
	town_id          BIGINT NOT NULL REFERENCES towns (id),
	webhook_id       BIGINT NOT NULL REFERENCES webhooks (id),
	markdown         TEXT NOT NULL,
	text             TEXT NOT NULL,
	mentions         TEXT NOT NULL,
	state            TEXT NOT NULL,
	sent             INTEGER NOT NULL,
	attempts         INTEGER NOT NULL,
	next_at_ms       BIGINT NOT NULL,
	claim            TEXT,
	claimed_until_ms BIGINT,
	last_error       TEXT NOT NULL,
	created_at_ms    BIGINT NOT NULL,
	done_at_ms       BIGINT
);
-- The queue: only pending jobs, in the order they are claimed.
CREATE INDEX outbox_pending ON outbox (id) WHERE state = 'pending';
CREATE INDEX outbox_town ON outbox (town_id, state);
CREATE INDEX outbox_webhook ON outbox (webhook_id) WHERE state = 'pending';
