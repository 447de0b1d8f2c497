package server

import (
	"context"
	"fmt"
	"strings"
	"sync/atomic"

	"gridbot"
	"gridbot/bot/dingtalk"
	"gridbot/bot/notify"
	"gridbot/bot/wecom"
	"gridbot/config"
)

// town is one town's callback endpoints.
type town struct {
	cfg    config.Town
	prefix string // "" or "/haifeng"
	id     atomic.Int64

	// Inbound adapters; nil when not configured.
	bot  *wecom.RobotAdapter // the smart robot
	appA *wecom.AppAdapter   // the self-built app's callbacks
	ding *dingtalk.Adapter   // the DingTalk enterprise robot
	// Outbound one-to-one channels; nil when not configured.
	app  *wecom.App     // the self-built app's message/send
	work *dingtalk.Work // DingTalk work notices

	files *dingtalk.Files // the pictures sent to the DingTalk robot; nil without it
}

func (s *Server) newTown(tc config.Town) (*town, error) {
	t := &town{cfg: tc}
	if tc.Path != "" {
		t.prefix = "/" + tc.Path
	}
	label := "（唯一的镇）"
	if tc.Name != "" {
		label = tc.Name
	}
	now := s.clock.Now
	if w := tc.WeCom; w.BotEnabled() {
		key, err := wecom.DecodeAESKey(w.BotAESKey)
		if err != nil {
			return nil, fmt.Errorf("GRIDBOT_WECOM_BOT_AES_KEY: %w", err)
		}
		t.bot = &wecom.RobotAdapter{CB: &wecom.Callback{Token: w.BotToken, Key: key, ReceiveID: "", Now: now}, Now: now}
		s.log.Info("wecom smart robot enabled", "town", label, "url", t.prefix+"/wecom/bot")
	} else {
		s.log.Info("wecom smart robot disabled: set GRIDBOT_WECOM_BOT_TOKEN and GRIDBOT_WECOM_BOT_AES_KEY to enable it", "town", label)
	}
	if w := tc.WeCom; w.AppEnabled() {
		key, err := wecom.DecodeAESKey(w.AppAESKey)
		if err != nil {
			return nil, fmt.Errorf("GRIDBOT_WECOM_APP_AES_KEY: %w", err)
		}
		t.appA = &wecom.AppAdapter{CB: &wecom.Callback{Token: w.AppToken, Key: key, ReceiveID: w.CorpID, Now: now}, Now: now}
		t.app = &wecom.App{HTTP: s.http, BaseURL: w.APIBase, CorpID: w.CorpID, Secret: w.AppSecret,
			AgentID: w.AppAgentID, Cache: s.kv, OnFetch: s.metrics.TokenFetches.Inc}
		s.log.Info("wecom self-built app enabled", "town", label, "url", t.prefix+"/wecom/app",
			"agent_id", w.AppAgentID, "api_base", w.APIBase)
	} else {
		s.log.Info("wecom self-built app disabled: set GRIDBOT_WECOM_CORP_ID, GRIDBOT_WECOM_APP_AGENT_ID, GRIDBOT_WECOM_APP_SECRET, GRIDBOT_WECOM_APP_TOKEN and GRIDBOT_WECOM_APP_AES_KEY to enable it", "town", label)
	}
	if d := tc.DingTalk; d.RobotEnabled() {
		t.ding = &dingtalk.Adapter{AppSecret: d.AppSecret, APIBase: d.APIBase, Now: now, Logger: s.log}
		t.files = &dingtalk.Files{HTTP: s.http, BaseURL: d.OpenAPIBase, AppKey: d.AppKey, AppSecret: d.AppSecret,
			Cache: s.kv, OnFetch: s.metrics.TokenFetches.Inc}
		s.log.Info("dingtalk robot enabled", "town", label, "url", t.prefix+"/dingtalk/robot")
	} else {
		s.log.Info("dingtalk robot disabled: set GRIDBOT_DINGTALK_APP_SECRET to enable it", "town", label)
	}
	if d := tc.DingTalk; d.WorkEnabled() {
		t.work = &dingtalk.Work{HTTP: s.http, BaseURL: d.APIBase, AppKey: d.AppKey, AppSecret: d.AppSecret,
			AgentID: d.AgentID, Cache: s.kv, OnFetch: s.metrics.TokenFetches.Inc}
		s.log.Info("dingtalk work notices enabled", "town", label, "agent_id", d.AgentID)
	} else if tc.DingTalk.RobotEnabled() {
		s.log.Info("dingtalk work notices disabled: set GRIDBOT_DINGTALK_APP_KEY and GRIDBOT_DINGTALK_AGENT_ID to notify members one-to-one", "town", label)
	}
	return t, nil
}

// channels returns the one-to-one channels of the town with id townID
// (notify.Options.Channels): a notice to a person goes by them. It never
// looks a town up (it runs inside transactions): a town is known from its
// start-up look-up or its first callback, before anything is queued for it.
func (s *Server) channels(townID int64) notify.Channels {
	for _, t := range s.towns {
		if t.id.Load() == townID {
			return notify.Channels{WeComApp: t.app, DingWork: t.work}
		}
	}
	return notify.Channels{}
}

// resolveAtStart looks the town up once at start-up. A town not imported
// yet is only a warning (it is looked up again on each callback until it
// exists); several towns with none named is a configuration error.
func (s *Server) resolveAtStart(t *town) error {
	_, err := s.townID(context.Background(), t)
	switch gridbot.ErrorCode(err) {
	case "":
		return nil
	case gridbot.EINVALID:
		return err
	case gridbot.ENOTFOUND:
		s.log.Warn("town not in the store yet: callbacks get 503 until its roster is imported", "town", t.cfg.Name, "reason", gridbot.ErrorMessage(err))
		return nil
	}
	return fmt.Errorf("looking up the town: %w", err)
}

// townID returns the store id of t's town, looked up on first use.
func (s *Server) townID(ctx context.Context, t *town) (int64, error) {
	if id := t.id.Load(); id != 0 {
		return id, nil
	}
	var id int64
	err := s.store.View(ctx, func(tx gridbot.Tx) error {
		if t.cfg.Name != "" {
			town, err := tx.TownByName(t.cfg.Name)
			if gridbot.ErrorCode(err) == gridbot.ENOTFOUND {
				return gridbot.Errorf(gridbot.ENOTFOUND, "没有名为「%s」的镇，请先导入它的花名册。", t.cfg.Name)
			}
			id = town.ID
			return err
		}
		towns, err := tx.Towns()
		if err != nil {
			return err
		}
		switch len(towns) {
		case 0:
			return gridbot.Errorf(gridbot.ENOTFOUND, "还没有任何镇，请先导入花名册。")
		case 1:
			id = towns[0].ID
			return nil
		}
		names := make([]string, len(towns))
		for i, tw := range towns {
			names[i] = tw.Name
		}
		return gridbot.Errorf(gridbot.EINVALID, "库中有多个镇（%s）：请用 GRIDBOT_TOWN 指定回调属于哪个镇，或用 GRIDBOT_CONFIG_FILE 为每个镇配置。", strings.Join(names, "、"))
	})
	if err != nil {
		return 0, err
	}
	t.id.Store(id)
	return id, nil
}
