-- The audit log: withdrawals, reassignments, exclusions from a ranking,
-- publishing and unpublishing, each with who, when and why. Rows are only
-- ever added.
CREATE TABLE audit (
	id      {{id}},
	town_id BIGINT NOT NULL REFERENCES towns (id),
	at_ms   BIGINT NOT NULL,
	by_user TEXT NOT NULL,
	action  TEXT NOT NULL,
	ref     TEXT NOT NULL,
	reason  TEXT NOT NULL DEFAULT '',
	detail  TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_town_at ON audit (town_id, at_ms);
