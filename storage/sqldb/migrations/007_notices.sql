-- The outbox carries every message the bot sends, not only group pushes: a
-- job goes to a group robot (channel 'robot', webhook_id), to a person on
-- the town's one-to-one channel ('wecom-app', 'dingtalk-work': address is the
-- user id), or to the reply channel of one message ('wecom-robot',
-- 'dingtalk-session': address is the response_url or sessionWebhook, until
-- until_ms). notice_key is unique per town, so that a notice (a reply keyed
-- by its message, 派发's notice keyed by the issue) is queued at most once.
-- The table is rebuilt rather than altered because SQLite cannot drop
-- webhook_id's NOT NULL; old jobs keep their order and get 'job:<old id>'.
CREATE TABLE outbox_v7 (
	id               {{id}},
	town_id          BIGINT NOT NULL REFERENCES towns (id),
	notice_key       TEXT NOT NULL,
	channel          TEXT NOT NULL,
	webhook_id       BIGINT REFERENCES webhooks (id),
	address          TEXT NOT NULL,
	until_ms         BIGINT,
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
	done_at_ms       BIGINT,
	UNIQUE (town_id, notice_key)
);
INSERT INTO outbox_v7 (town_id, notice_key, channel, webhook_id, address, until_ms, markdown, text, mentions,
	state, sent, attempts, next_at_ms, claim, claimed_until_ms, last_error, created_at_ms, done_at_ms)
SELECT town_id, 'job:' || CAST(id AS TEXT), 'robot', webhook_id, '', NULL, markdown, text, mentions,
	state, sent, attempts, next_at_ms, claim, claimed_until_ms, last_error, created_at_ms, done_at_ms
FROM outbox ORDER BY id;
DROP TABLE outbox;
ALTER TABLE outbox_v7 RENAME TO outbox;
-- The queue: only pending jobs, in the order they are claimed.
CREATE INDEX outbox_pending ON outbox (id) WHERE state = 'pending';
CREATE INDEX outbox_town ON outbox (town_id, state);
CREATE INDEX outbox_webhook ON outbox (webhook_id) WHERE state = 'pending';
