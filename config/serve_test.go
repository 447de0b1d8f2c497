package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

const (
	aesA = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C"
	aesB = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"
)

func TestServeDefaults(t *testing.T) {
	s, err := LoadServe(env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if s.Addr != ":8080" || len(s.BotNames) != 1 || s.BotNames[0] != "网格助手" || s.UserRate != 10 || s.RankingTTL != 30*time.Second ||
		s.Default.Name != "" || s.Default.Enabled() || s.Default.WeCom.APIBase != "https://qyapi.weixin.qq.com" ||
		s.Default.DingTalk.APIBase != "https://oapi.dingtalk.com" || len(s.Towns) != 0 || s.GCPercent != 400 {
		t.Fatalf("defaults: %+v", s)
	}
	// GOGC set: the runtime has read it; serve leaves it.
	if s, err := LoadServe(env(map[string]string{"GOGC": "100"})); err != nil || s.GCPercent != 0 {
		t.Fatalf("with GOGC: %+v %v", s, err)
	}
}

func TestServeEverything(t *testing.T) {
	s, err := LoadServe(env(map[string]string{
		"GRIDBOT_ADDR": "127.0.0.1:9000", "GRIDBOT_BOT_NAMES": "@网格助手，小网, ", "GRIDBOT_USER_RATE": "0", "GRIDBOT_RANKING_TTL": "0",
		"GRIDBOT_TOWN": "海风镇", "GRIDBOT_WECOM_CORP_ID": "ww123", "GRIDBOT_WECOM_BOT_TOKEN": "bottok",
		"GRIDBOT_WECOM_BOT_AES_KEY": aesA, "GRIDBOT_WECOM_APP_AGENT_ID": "1000002", "GRIDBOT_WECOM_APP_SECRET": "appsecret",
		"GRIDBOT_WECOM_APP_TOKEN": "apptok", "GRIDBOT_WECOM_APP_AES_KEY": aesB, "GRIDBOT_WECOM_API_BASE": "http://127.0.0.1:8999/",
		"GRIDBOT_DINGTALK_APP_SECRET": "dingsecret",
	}))
	if err != nil {
		t.Fatal(err)
	}
	w := s.Default.WeCom
	if s.Addr != "127.0.0.1:9000" || strings.Join(s.BotNames, "|") != "网格助手|小网" || s.UserRate != 0 || s.RankingTTL != 0 || s.Default.Name != "海风镇" ||
		!w.BotEnabled() || !w.AppEnabled() || w.AppAgentID != 1000002 || w.APIBase != "http://127.0.0.1:8999" || !s.Default.DingTalk.RobotEnabled() {
		t.Fatalf("loaded %+v", s)
	}
	str := s.String()
	for _, secret := range []string{"bottok", aesA, "appsecret", "apptok", aesB, "dingsecret"} {
		if strings.Contains(str, secret) {
			t.Errorf("String shows %q:\n%s", secret, str)
		}
	}
	if !strings.Contains(str, "GRIDBOT_WECOM_APP_SECRET=***") || !strings.Contains(str, "GRIDBOT_WECOM_CORP_ID=ww123") {
		t.Errorf("String:\n%s", str)
	}
}

func TestServeRefusals(t *testing.T) {
	for _, c := range []struct {
		env  map[string]string
		want string
	}{
		{map[string]string{"GRIDBOT_ADDR": "8080"}, "GRIDBOT_ADDR"},
		{map[string]string{"GRIDBOT_USER_RATE": "ten"}, "GRIDBOT_USER_RATE"},
		{map[string]string{"GRIDBOT_RANKING_TTL": "30"}, "GRIDBOT_RANKING_TTL"},
		{map[string]string{"GRIDBOT_RANKING_TTL": "-1s"}, "GRIDBOT_RANKING_TTL"},
		{map[string]string{"GRIDBOT_WECOM_BOT_TOKEN": "tok-zz9"}, "还需要设置 GRIDBOT_WECOM_BOT_AES_KEY"},
		{map[string]string{"GRIDBOT_WECOM_BOT_TOKEN": "tok-zz9", "GRIDBOT_WECOM_BOT_AES_KEY": "short"}, "43 个字符"},
		{map[string]string{"GRIDBOT_WECOM_BOT_TOKEN": "tok-zz9", "GRIDBOT_WECOM_BOT_AES_KEY": strings.Repeat("!", 43)}, "不是有效的 EncodingAESKey"},
		{map[string]string{"GRIDBOT_WECOM_APP_SECRET": "sec-zz9"}, "GRIDBOT_WECOM_APP_AES_KEY、GRIDBOT_WECOM_APP_AGENT_ID、GRIDBOT_WECOM_APP_TOKEN、GRIDBOT_WECOM_CORP_ID"},
		{map[string]string{"GRIDBOT_WECOM_CORP_ID": "c", "GRIDBOT_WECOM_APP_AGENT_ID": "x", "GRIDBOT_WECOM_APP_SECRET": "sec-zz9",
			"GRIDBOT_WECOM_APP_TOKEN": "tok-zz8", "GRIDBOT_WECOM_APP_AES_KEY": aesA}, "GRIDBOT_WECOM_APP_AGENT_ID"},
		{map[string]string{"GRIDBOT_WECOM_API_BASE": "qyapi.weixin.qq.com"}, "GRIDBOT_WECOM_API_BASE"},
		{map[string]string{"GRIDBOT_DINGTALK_APP_SECRET": "ding-zz9", "GRIDBOT_DINGTALK_APP_SECRET_FILE": "/x"}, "只能设置一个"},
		{map[string]string{"GRIDBOT_DINGTALK_APP_SECRET_FILE": "/nonexistent/secret"}, "GRIDBOT_DINGTALK_APP_SECRET_FILE"},
		{map[string]string{"GRIDBOT_CONFIG_FILE": "/nonexistent/towns.yaml"}, "GRIDBOT_CONFIG_FILE"},
	} {
		_, err := LoadServe(env(c.env))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v: got %v, want an error containing %q", c.env, err, c.want)
			continue
		}
		for k, v := range c.env {
			if isSecret(k) && strings.Contains(err.Error(), v) {
				t.Errorf("the error shows the secret %s: %v", k, err)
			}
		}
	}
}

func TestServeSecretFiles(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "ding")
	os.WriteFile(path, []byte("from-a-file\n"), 0o600)
	s, err := LoadServe(env(map[string]string{"GRIDBOT_DINGTALK_APP_SECRET_FILE": path}))
	if err != nil {
		t.Fatal(err)
	}
	if s.Default.DingTalk.AppSecret != "from-a-file" {
		t.Fatalf("secret %q", s.Default.DingTalk.AppSecret)
	}
}

func TestServeTownsFile(t *testing.T) {
	dir := t.TempDir()
	secret := filepath.Join(dir, "shatou-ding")
	os.WriteFile(secret, []byte("shatou-secret"), 0o600)
	file := filepath.Join(dir, "towns.yaml")
	os.WriteFile(file, []byte(`towns:
  - name: 海风镇
    path: haifeng
    GRIDBOT_WECOM_BOT_TOKEN: haifeng-token
    GRIDBOT_WECOM_BOT_AES_KEY: `+aesA+`
    GRIDBOT_WECOM_APP_AGENT_ID: 1000005
    GRIDBOT_WECOM_APP_SECRET: hf-app
    GRIDBOT_WECOM_APP_TOKEN: hf-apptok
    GRIDBOT_WECOM_APP_AES_KEY: `+aesB+`
  - name: 沙头镇
    path: shatou
    GRIDBOT_DINGTALK_APP_SECRET_FILE: `+secret+`
`), 0o600)
	s, err := LoadServe(env(map[string]string{"GRIDBOT_CONFIG_FILE": file, "GRIDBOT_WECOM_CORP_ID": "ww-shared",
		"GRIDBOT_WECOM_API_BASE": "http://wecom.internal", "GRIDBOT_DINGTALK_APP_SECRET": "env-secret"}))
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Towns) != 2 {
		t.Fatalf("towns: %+v", s.Towns)
	}
	hf, st := s.Towns[0], s.Towns[1]
	if hf.Name != "海风镇" || hf.Path != "haifeng" || hf.WeCom.BotToken != "haifeng-token" || hf.WeCom.AppAgentID != 1000005 ||
		hf.WeCom.CorpID != "ww-shared" || hf.WeCom.APIBase != "http://wecom.internal" {
		t.Errorf("海风镇: %+v", hf)
	}
	// Secrets are never inherited from the environment.
	if hf.DingTalk.RobotEnabled() || st.DingTalk.AppSecret != "shatou-secret" || st.WeCom.BotEnabled() {
		t.Errorf("inheritance: 海风镇 %+v, 沙头镇 %+v", hf.DingTalk, st)
	}
	if str := s.String(); strings.Contains(str, "haifeng-token") || strings.Contains(str, "shatou-secret") || !strings.Contains(str, "[沙头镇 /shatou] GRIDBOT_DINGTALK_APP_SECRET=***") {
		t.Errorf("String:\n%s", str)
	}

	for body, want := range map[string]string{
		"towns:\n  - name: 甲镇\n    path: jia\n    GRIDBOT_WECOM_BOT_TOKN: x\n":           "不认识的键",
		"towns:\n  - name: 甲镇\n    path: Jia Zhen\n    GRIDBOT_DINGTALK_APP_SECRET: x\n": "path",
		"towns:\n  - name: 甲镇\n    path: wecom\n    GRIDBOT_DINGTALK_APP_SECRET: x\n":    "保留字",
		"towns:\n  - name: 甲镇\n    path: jia\n":                                          "没有配置任何平台",
		"towns:\n  - path: jia\n    GRIDBOT_DINGTALK_APP_SECRET: x\n":                    "缺少 name",
		"towns:\n  - name: 甲镇\n    path: jia\n    GRIDBOT_WECOM_BOT_TOKEN: x\n":          "GRIDBOT_WECOM_BOT_AES_KEY",
		"towns: []\n":    "没有任何镇",
		"town:\n  - x\n": "不是有效的 YAML",
		"towns:\n  - name: 甲镇\n    path: jia\n    GRIDBOT_DINGTALK_APP_SECRET: x\n  - name: 乙镇\n    path: jia\n    GRIDBOT_DINGTALK_APP_SECRET: y\n": "出现了两次",
	} {
		os.WriteFile(file, []byte(body), 0o600)
		if _, err := LoadServe(env(map[string]string{"GRIDBOT_CONFIG_FILE": file})); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: got %v, want %q", body, err, want)
		}
	}
}

func TestDingTalkWorkNotices(t *testing.T) {
	s, err := LoadServe(env(map[string]string{"GRIDBOT_DINGTALK_APP_SECRET": "ding-s", "GRIDBOT_DINGTALK_APP_KEY": "dingkey",
		"GRIDBOT_DINGTALK_AGENT_ID": "2981"}))
	if err != nil || !s.Default.DingTalk.WorkEnabled() || s.Default.DingTalk.AgentID != 2981 ||
		!strings.Contains(s.String(), "GRIDBOT_DINGTALK_AGENT_ID=2981") {
		t.Fatalf("work notices: %v %+v", err, s)
	}
	for bad, want := range map[string]map[string]string{
		"GRIDBOT_DINGTALK_AGENT_ID":   {"GRIDBOT_DINGTALK_APP_SECRET": "x", "GRIDBOT_DINGTALK_APP_KEY": "k"},
		"GRIDBOT_DINGTALK_APP_SECRET": {"GRIDBOT_DINGTALK_APP_KEY": "k", "GRIDBOT_DINGTALK_AGENT_ID": "1"},
		"正整数":                         {"GRIDBOT_DINGTALK_APP_SECRET": "x", "GRIDBOT_DINGTALK_APP_KEY": "k", "GRIDBOT_DINGTALK_AGENT_ID": "x"},
	} {
		if _, err := LoadServe(env(want)); err == nil || !strings.Contains(err.Error(), bad) {
			t.Errorf("%v: %v, want an error naming %s", want, err, bad)
		}
	}
}
