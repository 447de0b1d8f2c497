-- Issue 9: fewer rows and index entries written per chat command.
--
-- An issue's deadline notices are planned as one row (the first to fall
-- due) that carries the others in plan (JSON) until they fall due, when
-- the scheduler stores each as its own row (sqldb's scheduleplan.go): a
-- 上报 writes one schedule row instead of seven.
ALTER TABLE schedule ADD COLUMN plan TEXT;
-- Listing a town's notices (gridbot notices) reads the town's part of the
-- unique (town_id, notice_key) index instead.
DROP INDEX schedule_town;
-- The same for the outbox: listing a town's jobs (Jobs, RequeueDeadJobs,
-- both by hand) reads the town's part of (town_id, notice_key); every job
-- otherwise wrote an entry here when queued and another when delivered.
DROP INDEX outbox_town;
-- Removing a robot finds its pending jobs here; replies and one-to-one
-- notices have no robot and need no entry.
DROP INDEX outbox_webhook;
CREATE INDEX outbox_webhook ON outbox (webhook_id) WHERE state = 'pending' AND webhook_id IS NOT NULL;
