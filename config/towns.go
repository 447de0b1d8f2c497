package config

import (
	"fmt"
	"os"
	"regexp"
	"sort"
	"strings"

	"github.com/goccy/go-yaml"
)

// townsFile is GRIDBOT_CONFIG_FILE: one entry a town, with its name, its
// URL path and its own values of the platform keys (or their _FILE
// variants):
//
//	towns:
//	  - name: 海风镇
//	    path: haifeng        # callbacks at /haifeng/wecom/bot, /haifeng/wecom/app, /haifeng/dingtalk/robot
//	    GRIDBOT_WECOM_BOT_TOKEN: "…"
//	    GRIDBOT_WECOM_BOT_AES_KEY: "…"
//	  - name: 沙头镇
//	    path: shatou
//	    GRIDBOT_DINGTALK_APP_SECRET_FILE: /run/secrets/shatou-dingtalk
type townsFile struct {
	Towns []map[string]any `yaml:"towns"`
}

var pathRe = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,39}$`)

// reservedPaths would shadow the service's own routes.
var reservedPaths = map[string]bool{"wecom": true, "dingtalk": true, "healthz": true, "readyz": true, "metrics": true}

// loadTownsFile reads GRIDBOT_CONFIG_FILE. A town takes from the
// environment only the keys in inherited.
func loadTownsFile(path string, env Getenv) ([]Town, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("GRIDBOT_CONFIG_FILE: 读不到文件 %s: %v", path, err)
	}
	var f townsFile
	if err := yaml.UnmarshalWithOptions(data, &f, yaml.Strict()); err != nil {
		return nil, fmt.Errorf("GRIDBOT_CONFIG_FILE %s 不是有效的 YAML（应为 towns: 列表）: %v", path, err)
	}
	allowed := map[string]bool{"name": true, "path": true}
	for _, k := range townKeys {
		allowed[k] = true
		if isSecret(k) {
			allowed[k+"_FILE"] = true
		}
	}
	var towns []Town
	names, paths := map[string]bool{}, map[string]bool{}
	for i, entry := range f.Towns {
		where := fmt.Sprintf("GRIDBOT_CONFIG_FILE 第 %d 个镇", i+1)
		vals := map[string]string{}
		for k, v := range entry {
			if !allowed[k] {
				return nil, fmt.Errorf("%s: 不认识的键 %q（可用: name、path、%s 及密钥的 _FILE 形式）", where, k, strings.Join(townKeys, "、"))
			}
			vals[k] = strings.TrimSpace(fmt.Sprint(v))
		}
		name, p := vals["name"], vals["path"]
		switch {
		case name == "":
			return nil, fmt.Errorf("%s: 缺少 name（镇名，与导入花名册时的 --town 相同）", where)
		case !pathRe.MatchString(p) || reservedPaths[p]:
			return nil, fmt.Errorf("%s（%s）: path 应为小写字母、数字或连字符（如 haifeng），且不能是 wecom、dingtalk 等保留字，现为 %q", where, name, p)
		case names[name]:
			return nil, fmt.Errorf("GRIDBOT_CONFIG_FILE: 镇 %s 出现了两次", name)
		case paths[p]:
			return nil, fmt.Errorf("GRIDBOT_CONFIG_FILE: path %s 出现了两次", p)
		}
		names[name], paths[p] = true, true
		get := func(k string) string {
			if v, ok := vals[k]; ok {
				return v
			}
			for _, ik := range inherited {
				if k == ik {
					return env(k)
				}
			}
			return ""
		}
		t, err := loadTown(get)
		if err != nil {
			return nil, fmt.Errorf("%s（%s）: %w", where, name, err)
		}
		if !t.Enabled() {
			return nil, fmt.Errorf("%s（%s）没有配置任何平台（智能机器人、自建应用或钉钉机器人）", where, name)
		}
		t.Name, t.Path = name, p
		towns = append(towns, t)
	}
	if len(towns) == 0 {
		return nil, fmt.Errorf("GRIDBOT_CONFIG_FILE %s 中没有任何镇（towns: 列表为空）", path)
	}
	return towns, nil
}

// String lists the configuration with every secret redacted ("***" when
// set), for the start-up log.
func (s *Serve) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "GRIDBOT_ADDR=%s\nGRIDBOT_BOT_NAMES=%s\nGRIDBOT_USER_RATE=%d\nGRIDBOT_RANKING_TTL=%s\nGRIDBOT_CONFIG_FILE=%s\nGRIDBOT_TOWN=%s\n",
		s.Addr, strings.Join(s.BotNames, ","), s.UserRate, s.RankingTTL, s.ConfigFile, s.Default.Name)
	b.WriteString(s.Durability.String())
	if s.GCPercent > 0 {
		fmt.Fprintf(&b, "GOGC=%d\n", s.GCPercent)
	}
	s.Default.write(&b, "")
	for _, t := range s.Towns {
		t.write(&b, "["+t.Name+" /"+t.Path+"] ")
	}
	return b.String()
}

func (t Town) write(b *strings.Builder, prefix string) {
	agent := ""
	if t.WeCom.AppAgentID != 0 {
		agent = fmt.Sprint(t.WeCom.AppAgentID)
	}
	dingAgent := ""
	if t.DingTalk.AgentID != 0 {
		dingAgent = fmt.Sprint(t.DingTalk.AgentID)
	}
	kv := map[string]string{
		"GRIDBOT_WECOM_CORP_ID":         t.WeCom.CorpID,
		"GRIDBOT_WECOM_BOT_TOKEN":       redact(t.WeCom.BotToken),
		"GRIDBOT_WECOM_BOT_AES_KEY":     redact(t.WeCom.BotAESKey),
		"GRIDBOT_WECOM_APP_AGENT_ID":    agent,
		"GRIDBOT_WECOM_APP_SECRET":      redact(t.WeCom.AppSecret),
		"GRIDBOT_WECOM_APP_TOKEN":       redact(t.WeCom.AppToken),
		"GRIDBOT_WECOM_APP_AES_KEY":     redact(t.WeCom.AppAESKey),
		"GRIDBOT_WECOM_API_BASE":        t.WeCom.APIBase,
		"GRIDBOT_DINGTALK_APP_SECRET":   redact(t.DingTalk.AppSecret),
		"GRIDBOT_DINGTALK_API_BASE":     t.DingTalk.APIBase,
		"GRIDBOT_DINGTALK_OPENAPI_BASE": t.DingTalk.OpenAPIBase,
		"GRIDBOT_DINGTALK_APP_KEY":      t.DingTalk.AppKey,
		"GRIDBOT_DINGTALK_AGENT_ID":     dingAgent,
	}
	keys := make([]string, 0, len(kv))
	for k := range kv {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		fmt.Fprintf(b, "%s%s=%s\n", prefix, k, kv[k])
	}
}

// redact shows whether a secret is set, never its value.
func redact(v string) string {
	if v == "" {
		return ""
	}
	return "***"
}
