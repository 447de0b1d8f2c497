package sqldb

import (
	"crypto/rand"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"gridbot"
)

// EnqueueJob stores j as pending. A robot job reads its robot in the same
// INSERT ... SELECT, so a robot of another town, or one removed, inserts
// nothing and gives ENOTFOUND; other jobs carry their address. A key the
// town has queued before inserts nothing either (ON CONFLICT DO NOTHING
// keeps the transaction usable) and gives ECONFLICT. The parameters are
// cast because PostgreSQL would otherwise type those of a SELECT list as text.
func (t *tx) EnqueueJob(j *gridbot.OutboundJob) error {
	if strings.TrimSpace(j.Markdown) == "" && strings.TrimSpace(j.Text) == "" {
		return gridbot.Errorf(gridbot.EINVALID, "推送消息内容为空。")
	}
	if j.CreatedAt.IsZero() {
		return errors.New("sqldb: enqueue: job without CreatedAt")
	}
	if j.Channel == "" {
		j.Channel = gridbot.ChannelRobot
	}
	if j.Channel != gridbot.ChannelRobot && strings.TrimSpace(j.Address) == "" {
		return gridbot.Errorf(gridbot.EINVALID, "消息没有收件地址（%s）。", j.Channel)
	}
	if j.NextAt.IsZero() {
		j.NextAt = j.CreatedAt
	}
	mentions, err := json.Marshal(nonNil(j.Mentions))
	if err != nil {
		return fmt.Errorf("sqldb: enqueue: %w", err)
	}
	key := j.Key
	if key == "" {
		// Unique without a caller's key: nobody else writes "job:" keys.
		key = "job:" + rand.Text()
	}
	var claim, claimedUntil, until any
	if j.Claim != "" {
		claim, claimedUntil = j.Claim, j.ClaimedUntil.UnixMilli()
	}
	if !j.Until.IsZero() {
		until = j.Until.UnixMilli()
	}
	args := []any{key, j.Channel, j.Address, until, j.Markdown, j.Text, string(mentions), gridbot.JobPending,
		j.NextAt.UnixMilli(), claim, claimedUntil, j.CreatedAt.UnixMilli(), j.TownID}
	const cols = `INSERT INTO outbox (town_id, notice_key, channel, webhook_id, address, until_ms, markdown, text, mentions,
			state, sent, attempts, next_at_ms, claim, claimed_until_ms, last_error, created_at_ms) `
	const vals = `CAST($1 AS TEXT), CAST($2 AS TEXT), CAST($3 AS TEXT), CAST($4 AS BIGINT), CAST($5 AS TEXT),
			CAST($6 AS TEXT), CAST($7 AS TEXT), CAST($8 AS TEXT), 0, 0, CAST($9 AS BIGINT), CAST($10 AS TEXT),
			CAST($11 AS BIGINT), '', CAST($12 AS BIGINT)`
	const tail = ` ON CONFLICT (town_id, notice_key) DO NOTHING RETURNING id`
	deferred := false
	if j.Channel == gridbot.ChannelRobot {
		var n int
		if err := t.queryRow(`SELECT COUNT(*) FROM webhooks WHERE id = $1 AND town_id = $2 AND removed_at_ms IS NULL`,
			j.WebhookID, j.TownID).Scan(&n); err != nil {
			return t.fail("enqueue", err)
		}
		if n == 0 {
			return notFound("没有这个群机器人（编号 %d），请先导入群机器人名单: gridbot import webhooks 文件。", j.WebhookID)
		}
		err = t.queryRow(cols+`SELECT w.town_id, `+strings.Replace(vals, "CAST($2 AS TEXT), ", "CAST($2 AS TEXT), w.id, ", 1)+
			` FROM webhooks w WHERE w.id = $14 AND w.town_id = $13`+tail, append(args, j.WebhookID)...).Scan(&j.ID)
	} else if id, ok := t.deferJobIf(key, cols, vals, args); ok {
		err, j.ID, deferred = nil, id, true
	} else {
		err = t.queryRow(cols+`VALUES (CAST($13 AS BIGINT), `+strings.Replace(vals, "CAST($2 AS TEXT), ", "CAST($2 AS TEXT), NULL, ", 1)+`)`+tail,
			args...).Scan(&j.ID)
	}
	if !deferred {
		t.jobID = 0 // a later reply may not take an id taken before this job's
	}
	if errors.Is(err, sql.ErrNoRows) {
		return conflict("消息 %s 已经排队，不再重复发送。", key)
	} else if err != nil {
		return t.fail("enqueue", err)
	}
	j.Key, j.State, j.Sent, j.Attempts = key, gridbot.JobPending, 0, 0
	return nil
}

// deferJobIf defers the INSERT of a message's reply job (its key
// "reply:…") to COMMIT in a pipelined transaction (pipeline.go), unless a
// job was queued before it in the transaction: ids keep the order queued.
func (t *tx) deferJobIf(key, cols, vals string, args []any) (int64, bool) {
	if !strings.HasPrefix(key, "reply:") {
		return 0, false
	}
	return t.deferJob(cols, strings.Replace(vals, "CAST($2 AS TEXT), ", "CAST($2 AS TEXT), NULL, ", 1), args)
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// ClaimJobs leases due jobs in one UPDATE whose subquery picks them. In
// PostgreSQL the subquery locks what it picks and skips rows another claimer
// holds (Dialect.SkipLocked); a row that claimer has committed meanwhile is
// re-checked against the WHERE, whose lease test then excludes it. SQLite
// runs one write transaction at a time, so the same statement is safe there.
func (t *tx) ClaimJobs(claim string, now time.Time, lease time.Duration, limit int) ([]gridbot.OutboundJob, error) {
	if claim == "" || lease <= 0 || limit < 1 {
		return nil, fmt.Errorf("sqldb: claim jobs: claim %q, lease %v, limit %d", claim, lease, limit)
	}
	nowMS := now.UnixMilli()
	var ids []int64
	err := t.queryAll(func(r scanner) error {
		var id int64
		err := r.Scan(&id)
		ids = append(ids, id)
		return err
	}, `UPDATE outbox SET claim = $1, claimed_until_ms = $2
		WHERE id IN (SELECT id FROM outbox
			WHERE state = $3 AND next_at_ms <= $4 AND (claimed_until_ms IS NULL OR claimed_until_ms <= $4)
			ORDER BY id LIMIT $5`+t.d.SkipLocked+`)
		RETURNING id`,
		claim, now.Add(lease).UnixMilli(), gridbot.JobPending, nowMS, limit)
	if err != nil {
		return nil, t.fail("claim jobs", err)
	}
	if len(ids) == 0 {
		return nil, nil
	}
	in, args := inList(nil, ids)
	jobs, err := t.jobs(`WHERE o.id IN (`+in+`)`, args...)
	if err != nil {
		return nil, t.fail("claim jobs", err)
	}
	return jobs, nil
}

// MarkJobDelivered ends the claim with the job delivered.
func (t *tx) MarkJobDelivered(id int64, claim string, at time.Time) error {
	res, err := t.exec(`UPDATE outbox SET state = $1, done_at_ms = $2, claim = NULL, claimed_until_ms = NULL
		WHERE id = $3 AND claim = $4 AND state = $5`,
		gridbot.JobDelivered, at.UnixMilli(), id, claim, gridbot.JobPending)
	return t.claimEnded("mark job delivered", id, res, err)
}

// MarkJobsDelivered ends the claim on many jobs at once.
func (t *tx) MarkJobsDelivered(ids []int64, claim string, at time.Time) (int, error) {
	if len(ids) == 0 {
		return 0, nil
	}
	in, args := inList([]any{gridbot.JobDelivered, at.UnixMilli(), claim, gridbot.JobPending}, ids)
	res, err := t.exec(`UPDATE outbox SET state = $1, done_at_ms = $2, claim = NULL, claimed_until_ms = NULL
		WHERE claim = $3 AND state = $4 AND id IN (`+in+`)`, args...)
	if err != nil {
		return 0, t.fail("mark jobs delivered", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, t.fail("mark jobs delivered", err)
	}
	return int(n), nil
}

// MarkJobFailed ends the claim with the job waiting for its next attempt,
// or dead.
func (t *tx) MarkJobFailed(id int64, claim string, f gridbot.JobFailure) error {
	state, done := gridbot.JobPending, any(nil)
	if f.Dead {
		state, done = gridbot.JobDead, f.At.UnixMilli()
	}
	res, err := t.exec(`UPDATE outbox SET state = $1, sent = $2, attempts = $3, next_at_ms = $4, last_error = $5,
		done_at_ms = $6, claim = NULL, claimed_until_ms = NULL
		WHERE id = $7 AND claim = $8 AND state = $9`,
		state, f.Sent, f.Attempts, f.NextAt.UnixMilli(), f.Error, done, id, claim, gridbot.JobPending)
	return t.claimEnded("mark job failed", id, res, err)
}

// claimEnded turns an UPDATE that matched no row into ECONFLICT: the claim
// no longer holds the job.
func (t *tx) claimEnded(what string, id int64, res sql.Result, err error) error {
	if err != nil {
		return t.fail(what, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return t.fail(what, err)
	}
	if n == 0 {
		return conflict("推送任务 %d 已不归本次认领（租约已过期被他人认领，或群机器人已删除）。", id)
	}
	return nil
}

// Jobs returns the town's jobs in state, oldest first.
func (t *tx) Jobs(townID int64, state string) ([]gridbot.OutboundJob, error) {
	var jobs []gridbot.OutboundJob
	var err error
	if state == "" {
		jobs, err = t.jobs(`WHERE o.town_id = $1`, townID)
	} else {
		jobs, err = t.jobs(`WHERE o.town_id = $1 AND o.state = $2`, townID, state)
	}
	if err != nil {
		return nil, t.fail("jobs", err)
	}
	return jobs, nil
}

// RequeueDeadJobs makes the town's dead jobs pending again, unless their
// robot was removed.
func (t *tx) RequeueDeadJobs(townID int64, at time.Time) (int, error) {
	res, err := t.exec(`UPDATE outbox SET state = $1, attempts = 0, next_at_ms = $2, done_at_ms = NULL
		WHERE town_id = $3 AND state = $4
		AND (webhook_id IS NULL OR webhook_id IN (SELECT id FROM webhooks WHERE town_id = $3 AND removed_at_ms IS NULL))`,
		gridbot.JobPending, at.UnixMilli(), townID, gridbot.JobDead)
	if err != nil {
		return 0, t.fail("requeue dead jobs", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, t.fail("requeue dead jobs", err)
	}
	return int(n), nil
}

// jobSelect reads jobs with their robot, as it is now; a job of another
// channel has none (the COALESCEs read as the zero Webhook).
const jobSelect = `SELECT o.id, o.town_id, o.notice_key, o.channel, COALESCE(o.webhook_id, 0), o.address, o.until_ms,
	o.markdown, o.text, o.mentions, o.state, o.sent, o.attempts, o.next_at_ms, o.last_error, o.created_at_ms, o.done_at_ms,
	COALESCE(w.id, 0), COALESCE(w.town_id, 0), COALESCE(w.scope, ''), COALESCE(w.name, ''), COALESCE(w.platform, ''),
	COALESCE(w.robot_key, ''), COALESCE(w.secret, '')
	FROM outbox o LEFT JOIN webhooks w ON w.id = o.webhook_id `

// jobs runs jobSelect with where and orders by id.
func (t *tx) jobs(where string, args ...any) ([]gridbot.OutboundJob, error) {
	return collect(t, scanJob, jobSelect+where+` ORDER BY o.id`, args...)
}

func scanJob(r scanner) (gridbot.OutboundJob, error) {
	var j gridbot.OutboundJob
	var mentions string
	var next, created int64
	var done, until sql.NullInt64
	dest := []any{&j.ID, &j.TownID, &j.Key, &j.Channel, &j.WebhookID, &j.Address, &until, &j.Markdown, &j.Text,
		&mentions, &j.State, &j.Sent, &j.Attempts, &next, &j.LastError, &created, &done}
	if err := r.Scan(append(dest, webhookDest(&j.Webhook)...)...); err != nil {
		return j, err
	}
	if err := json.Unmarshal([]byte(mentions), &j.Mentions); err != nil {
		return j, fmt.Errorf("job %d: mentions: %w", j.ID, err)
	}
	if len(j.Mentions) == 0 {
		j.Mentions = nil
	}
	j.NextAt, j.CreatedAt = time.UnixMilli(next).In(gridbot.Zone), time.UnixMilli(created).In(gridbot.Zone)
	j.DoneAt, j.Until = instant(done), instant(until)
	return j, nil
}
