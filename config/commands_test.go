package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestCheckin(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "checkin")
	if err := os.WriteFile(file, []byte("ck-from-file\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name   string
		env    map[string]string
		secret string // "" for a refusal
		want   string // what the refusal names
	}{
		{"secret", map[string]string{"GRIDBOT_WECOM_CORP_ID": "ww1", "GRIDBOT_WECOM_CHECKIN_SECRET": "ck"}, "ck", ""},
		{"file", map[string]string{"GRIDBOT_WECOM_CORP_ID": "ww1", "GRIDBOT_WECOM_CHECKIN_SECRET_FILE": file}, "ck-from-file", ""},
		{"app secret when no check-in secret", map[string]string{"GRIDBOT_WECOM_CORP_ID": "ww1", "GRIDBOT_WECOM_APP_SECRET": "app"}, "app", ""},
		{"app secret file", map[string]string{"GRIDBOT_WECOM_CORP_ID": "ww1", "GRIDBOT_WECOM_APP_SECRET_FILE": file}, "ck-from-file", ""},
		{"check-in secret first", map[string]string{"GRIDBOT_WECOM_CORP_ID": "ww1", "GRIDBOT_WECOM_CHECKIN_SECRET": "ck",
			"GRIDBOT_WECOM_APP_SECRET": "app"}, "ck", ""},
		{"both set", map[string]string{"GRIDBOT_WECOM_CORP_ID": "ww1", "GRIDBOT_WECOM_CHECKIN_SECRET": "ck-zz9",
			"GRIDBOT_WECOM_CHECKIN_SECRET_FILE": file}, "", "GRIDBOT_WECOM_CHECKIN_SECRET 与 GRIDBOT_WECOM_CHECKIN_SECRET_FILE 只能设置一个"},
		{"app secret both set", map[string]string{"GRIDBOT_WECOM_CORP_ID": "ww1", "GRIDBOT_WECOM_APP_SECRET": "app-zz9",
			"GRIDBOT_WECOM_APP_SECRET_FILE": file}, "", "只能设置一个"},
		{"missing file", map[string]string{"GRIDBOT_WECOM_CORP_ID": "ww1",
			"GRIDBOT_WECOM_CHECKIN_SECRET_FILE": filepath.Join(dir, "nonexistent")}, "", "GRIDBOT_WECOM_CHECKIN_SECRET_FILE: 读不到文件"},
		{"nothing", nil, "", "请设置 GRIDBOT_WECOM_CORP_ID"},
		{"no corp id", map[string]string{"GRIDBOT_WECOM_CHECKIN_SECRET": "ck-zz9"}, "", "GRIDBOT_WECOM_CORP_ID"},
		{"no secret", map[string]string{"GRIDBOT_WECOM_CORP_ID": "ww1"}, "", "GRIDBOT_WECOM_CHECKIN_SECRET"},
		{"bad base", map[string]string{"GRIDBOT_WECOM_CORP_ID": "ww1", "GRIDBOT_WECOM_CHECKIN_SECRET": "ck-zz9",
			"GRIDBOT_WECOM_API_BASE": "qyapi.weixin.qq.com"}, "", "GRIDBOT_WECOM_API_BASE"},
	} {
		c, err := LoadCheckin(env(tc.env))
		switch {
		case tc.secret != "" && err != nil:
			t.Errorf("%s: %v", tc.name, err)
		case tc.secret != "" && (c.Secret != tc.secret || c.CorpID != "ww1" || c.APIBase != DefaultWeComAPIBase):
			t.Errorf("%s: loaded %+v, want secret %q", tc.name, c, tc.secret)
		case tc.secret == "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
			t.Errorf("%s: got %v, want a refusal naming %q", tc.name, err, tc.want)
		case err != nil && strings.Contains(err.Error(), "zz9"):
			t.Errorf("%s: the refusal shows the secret: %v", tc.name, err)
		}
	}
}

func TestPush(t *testing.T) {
	p, err := LoadPush(env(nil))
	if err != nil || p.WeComAPIBase != DefaultWeComAPIBase || p.DingTalkAPIBase != DefaultDingTalkAPIBase {
		t.Fatalf("defaults: %+v, %v", p, err)
	}
	p, err = LoadPush(env(map[string]string{"GRIDBOT_WECOM_API_BASE": "http://127.0.0.1:9/", "GRIDBOT_DINGTALK_API_BASE": "http://127.0.0.1:8"}))
	if err != nil || p.WeComAPIBase != "http://127.0.0.1:9" || p.DingTalkAPIBase != "http://127.0.0.1:8" {
		t.Fatalf("set: %+v, %v", p, err)
	}
	if _, err := LoadPush(env(map[string]string{"GRIDBOT_DINGTALK_API_BASE": "oapi.dingtalk.com"})); err == nil ||
		!strings.Contains(err.Error(), "GRIDBOT_DINGTALK_API_BASE") {
		t.Fatalf("a base without a scheme: %v", err)
	}
}
