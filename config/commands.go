package config

import (
	"fmt"
	"os"
	"strings"
)

// Push is the configuration of gridbot push: the platforms' API hosts the
// group robots' webhooks are on.
type Push struct {
	WeComAPIBase    string // GRIDBOT_WECOM_API_BASE, without a trailing slash
	DingTalkAPIBase string // GRIDBOT_DINGTALK_API_BASE, without a trailing slash
}

// LoadPush reads and validates the configuration of gridbot push.
func LoadPush(getenv Getenv) (*Push, error) {
	if getenv == nil {
		getenv = os.Getenv
	}
	var p Push
	var err error
	if p.WeComAPIBase, err = baseURL("GRIDBOT_WECOM_API_BASE", strings.TrimSpace(getenv("GRIDBOT_WECOM_API_BASE")), DefaultWeComAPIBase); err != nil {
		return nil, err
	}
	if p.DingTalkAPIBase, err = baseURL("GRIDBOT_DINGTALK_API_BASE", strings.TrimSpace(getenv("GRIDBOT_DINGTALK_API_BASE")), DefaultDingTalkAPIBase); err != nil {
		return nil, err
	}
	return &p, nil
}

// Checkin is the configuration of gridbot sync checkins: WeCom's 打卡 API.
type Checkin struct {
	CorpID string // GRIDBOT_WECOM_CORP_ID
	// Secret is GRIDBOT_WECOM_CHECKIN_SECRET, the 打卡 app's own Secret, or
	// when that is unset GRIDBOT_WECOM_APP_SECRET: companies created after
	// 2023-12-01 call the check-in API through their self-built app.
	Secret  string
	APIBase string // GRIDBOT_WECOM_API_BASE, without a trailing slash
}

// LoadCheckin reads and validates the configuration of gridbot sync
// checkins. Both secrets may be given as KEY_FILE, as serve's are.
func LoadCheckin(getenv Getenv) (*Checkin, error) {
	if getenv == nil {
		getenv = os.Getenv
	}
	c := &Checkin{CorpID: strings.TrimSpace(getenv("GRIDBOT_WECOM_CORP_ID"))}
	var err error
	if c.APIBase, err = baseURL("GRIDBOT_WECOM_API_BASE", strings.TrimSpace(getenv("GRIDBOT_WECOM_API_BASE")), DefaultWeComAPIBase); err != nil {
		return nil, err
	}
	for _, key := range []string{"GRIDBOT_WECOM_CHECKIN_SECRET", "GRIDBOT_WECOM_APP_SECRET"} {
		v, err := secret(getenv, key)
		if err != nil {
			return nil, err
		}
		if v != "" {
			c.Secret = v
			break
		}
	}
	if c.CorpID == "" || c.Secret == "" {
		return nil, fmt.Errorf("请设置 GRIDBOT_WECOM_CORP_ID（企业 ID）和 GRIDBOT_WECOM_CHECKIN_SECRET" +
			"（「打卡」应用的 Secret，或可调用打卡接口的自建应用的 Secret；也可用 GRIDBOT_WECOM_CHECKIN_SECRET_FILE 指向文件）后再同步。")
	}
	return c, nil
}
