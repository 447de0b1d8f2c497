-- 积分 finds a member's issues from their side (MemberFacts): those assigned
-- to them and those they reported, besides their grids' (issues_grid_reported).
CREATE INDEX issues_assignee ON issues (town_id, assignee, reported_at_ms);
CREATE INDEX issues_reporter ON issues (town_id, reported_by, reported_at_ms);
