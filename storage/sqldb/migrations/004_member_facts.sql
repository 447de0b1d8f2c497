-- 积分 settles one member (MemberFacts): the facts of the grids they belonged
-- to and those that name them. These indexes find them without reading the
-- whole town's month.
CREATE INDEX activities_grid_at ON activities (grid_id, at_ms);
CREATE INDEX issues_grid_reported ON issues (grid_id, reported_at_ms);
CREATE INDEX activity_participants_user ON activity_participants (userid, activity_id);
CREATE INDEX deliberation_participants_user ON deliberation_participants (userid, deliberation_id);
CREATE INDEX publicity_involved_user ON publicity_involved (userid, publicity_id);
CREATE INDEX adjustments_town_user ON adjustments (town_id, userid, at_ms);
