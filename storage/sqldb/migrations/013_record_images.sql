-- Photos of chat records (issue 13): a picture sent with 上报 or 活动 (or
-- after it) is kept like a villager's photo, and a photo belongs to a record
-- of either kind: (kind, record_no) is 问题#N ('issue') or 活动#N
-- ('activity'). The villagers' photos so far are issues' photos.
ALTER TABLE images RENAME COLUMN issue_no TO record_no;
ALTER TABLE images ADD COLUMN kind TEXT NOT NULL DEFAULT 'issue';
DROP INDEX images_issue;
CREATE INDEX images_record ON images (town_id, kind, record_no);

-- A picture sent alone attaches to its sender's latest 上报 or 活动 in the
-- same chat within 10 minutes: the duplicate guard's notes (one per text a
-- member recorded something with, kept 10 minutes) say where each was sent.
ALTER TABLE recent_records ADD COLUMN chat_id TEXT NOT NULL DEFAULT '';
