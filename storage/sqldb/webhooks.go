package sqldb

import (
	"strings"
	"time"

	"gridbot"
)

// webhookKey is how a town knows a robot: one per (scope, name, platform).
func webhookKey(h gridbot.Webhook) string { return h.Scope + "\x00" + h.Name + "\x00" + h.Platform }

// checkWebhook refuses a robot the store cannot push through. The importer
// checks the office's file with line numbers first; this is the safety net
// for other callers.
func checkWebhook(h gridbot.Webhook) error {
	switch {
	case !gridbot.ValidScope(h.Scope):
		return gridbot.Errorf(gridbot.EINVALID, "群机器人范围「%s」不对，应为 镇、村 或 网格。", h.Scope)
	case h.Scope == gridbot.ScopeTown && h.Name != "":
		return gridbot.Errorf(gridbot.EINVALID, "镇级群机器人不填名称（现为「%s」）。", h.Name)
	case h.Scope != gridbot.ScopeTown && strings.TrimSpace(h.Name) == "":
		return gridbot.Errorf(gridbot.EINVALID, "%s级群机器人要填写%s名。", h.Scope, h.Scope)
	case h.Platform != gridbot.PlatformWeCom && h.Platform != gridbot.PlatformDingTalk:
		return gridbot.Errorf(gridbot.EINVALID, "群机器人平台「%s」不对，应为 企业微信 或 钉钉。", h.Platform)
	case strings.TrimSpace(h.Key) == "":
		return gridbot.Errorf(gridbot.EINVALID, "群机器人缺少地址或 key。")
	}
	return nil
}

// ReplaceWebhooks upserts hooks by (scope, name, platform), keeping their
// IDs, and removes the town's other robots, marking their pending jobs dead:
// nobody can deliver them any more.
func (t *tx) ReplaceWebhooks(townID int64, hooks []gridbot.Webhook, at time.Time) error {
	keep := map[string]bool{}
	for _, h := range hooks {
		if err := checkWebhook(h); err != nil {
			return err
		}
		if keep[webhookKey(h)] {
			return conflict("%s「%s」的%s群机器人重复了。", h.Scope, h.Name, gridbot.PlatformName(h.Platform))
		}
		keep[webhookKey(h)] = true
	}
	old, err := t.Webhooks(townID)
	if err != nil {
		return err
	}
	for _, h := range old {
		if keep[webhookKey(h)] {
			continue
		}
		if _, err := t.exec(`UPDATE webhooks SET removed_at_ms = $1 WHERE id = $2`, at.UnixMilli(), h.ID); err != nil {
			return t.fail("remove webhook", err)
		}
		if _, err := t.exec(`UPDATE outbox SET state = $1, last_error = $2, done_at_ms = $3, claim = NULL, claimed_until_ms = NULL
			WHERE webhook_id = $4 AND state = $5`,
			gridbot.JobDead, "群机器人已从名单中删除，消息未发送", at.UnixMilli(), h.ID, gridbot.JobPending); err != nil {
			return t.fail("remove webhook", err)
		}
	}
	for _, h := range hooks {
		// A robot removed earlier and listed again comes back with its old ID.
		if _, err := t.exec(`INSERT INTO webhooks (town_id, scope, name, platform, robot_key, secret)
			VALUES ($1, $2, $3, $4, $5, $6)
			ON CONFLICT (town_id, scope, name, platform)
			DO UPDATE SET robot_key = excluded.robot_key, secret = excluded.secret, removed_at_ms = NULL`,
			townID, h.Scope, h.Name, h.Platform, strings.TrimSpace(h.Key), strings.TrimSpace(h.Secret)); err != nil {
			return t.fail("save webhook", err)
		}
	}
	return nil
}

const webhookColumns = `w.id, w.town_id, w.scope, w.name, w.platform, w.robot_key, w.secret`

func webhookDest(h *gridbot.Webhook) []any {
	return []any{&h.ID, &h.TownID, &h.Scope, &h.Name, &h.Platform, &h.Key, &h.Secret}
}

// Webhooks returns the town's robots that were not removed, oldest first.
func (t *tx) Webhooks(townID int64) ([]gridbot.Webhook, error) {
	hooks, err := collect(t, func(r scanner) (gridbot.Webhook, error) {
		var h gridbot.Webhook
		err := r.Scan(webhookDest(&h)...)
		return h, err
	}, `SELECT `+webhookColumns+` FROM webhooks w WHERE w.town_id = $1 AND w.removed_at_ms IS NULL ORDER BY w.id`, townID)
	if err != nil {
		return nil, t.fail("webhooks", err)
	}
	return hooks, nil
}
