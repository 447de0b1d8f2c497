-- Issue 9: the tables every chat command writes do not reference towns.
--
-- A foreign key's check locks the referenced row (FOR KEY SHARE). A town
-- has one row, and every command of the town inserts into messages and the
-- outbox (a 上报 into recent_records too): on PostgreSQL concurrent
-- commands then share that one row's lock, which it keeps as a multixact
-- rebuilt at every insert. Without these three keys the claim statement
-- alone ran 25-30% faster under 16 clients, the callback benchmark's mix
-- about 5% (README, Benchmarks, perf5). They are the
-- bot's own bookkeeping — which message was handled, what is to be sent,
-- the duplicate guard's note — always written with the town the process
-- serves, never with a town id from outside; towns are never deleted. The
-- facts (issues, activities...) and schedule keep their keys.
--
-- The tables are rebuilt rather than altered because SQLite cannot drop a
-- constraint. messages loses its id, which nothing read: its key is
-- (town_id, msg_id). The outbox keeps its ids (a claim names them), and the
-- id sequence is moved past them ({{setseq:outbox}}).
CREATE TABLE messages_v15 (
	town_id  BIGINT NOT NULL,
	platform TEXT NOT NULL,
	msg_id   TEXT NOT NULL,
	at_ms    BIGINT,
	PRIMARY KEY (town_id, msg_id)
);
INSERT INTO messages_v15 (town_id, platform, msg_id, at_ms) SELECT town_id, platform, msg_id, at_ms FROM messages;
DROP TABLE messages;
ALTER TABLE messages_v15 RENAME TO messages;

CREATE TABLE recent_records_v15 (
	town_id  BIGINT NOT NULL,
	userid   TEXT NOT NULL,
	text_key TEXT NOT NULL,
	ref      TEXT NOT NULL,
	at_ms    BIGINT NOT NULL,
	chat_id  TEXT NOT NULL DEFAULT '',
	PRIMARY KEY (town_id, userid, text_key)
);
INSERT INTO recent_records_v15 (town_id, userid, text_key, ref, at_ms, chat_id)
SELECT town_id, userid, text_key, ref, at_ms, chat_id FROM recent_records;
DROP TABLE recent_records;
ALTER TABLE recent_records_v15 RENAME TO recent_records;

CREATE TABLE outbox_v15 (
	id               {{id}},
	town_id          BIGINT NOT NULL,
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
INSERT INTO outbox_v15 (id, town_id, notice_key, channel, webhook_id, address, until_ms, markdown, text, mentions,
	state, sent, attempts, next_at_ms, claim, claimed_until_ms, last_error, created_at_ms, done_at_ms)
SELECT id, town_id, notice_key, channel, webhook_id, address, until_ms, markdown, text, mentions,
	state, sent, attempts, next_at_ms, claim, claimed_until_ms, last_error, created_at_ms, done_at_ms
FROM outbox ORDER BY id;
DROP TABLE outbox;
ALTER TABLE outbox_v15 RENAME TO outbox;
{{setseq:outbox}}
CREATE INDEX outbox_pending ON outbox (id) WHERE state = 'pending';
CREATE INDEX outbox_webhook ON outbox (webhook_id) WHERE state = 'pending' AND webhook_id IS NOT NULL;
