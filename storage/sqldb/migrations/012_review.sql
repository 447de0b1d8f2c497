-- The office's review before publishing: members kept out of a month's
-- ranking (取消排名, 综合表现), with who decided it, when and why. A row is
-- deleted by 恢复排名; the audit log keeps both.
CREATE TABLE ranking_exclusions (
	town_id BIGINT NOT NULL REFERENCES towns (id),
	month   TEXT NOT NULL,
	userid  TEXT NOT NULL,
	reason  TEXT NOT NULL,
	by_user TEXT NOT NULL,
	at_ms   BIGINT NOT NULL,
	PRIMARY KEY (town_id, month, userid)
);
