package config

import (
	"encoding/base64"
	"fmt"
	"net"
	"net/url"
	"os"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Defaults of gridbot serve.
const (
	DefaultAddr            = ":8080"
	DefaultWeComAPIBase    = "https://qyapi.weixin.qq.com"
	DefaultDingTalkAPIBase = "https://oapi.dingtalk.com"
	// DefaultDingTalkOpenAPIBase is DingTalk's new server API, where the
	// pictures members send the robot are downloaded.
	DefaultDingTalkOpenAPIBase = "https://api.dingtalk.com"
	DefaultBotName             = "网格助手"
	DefaultUserRate            = 10 // commands a minute per member
	// DefaultRankingTTL is how long serve reuses a town's live month
	// ranking for places (积分) and 排行: a busy town settles its month a
	// couple of times a minute rather than for every question, and a place
	// is never more than half a minute behind the others' points. A
	// member's own items are always exact.
	DefaultRankingTTL = 30 * time.Second
	// DefaultGCPercent is serve's garbage collection target unless GOGC is
	// set (the Go runtime reads GOGC itself). serve's live heap is a few
	// megabytes, so Go's default of 100 collected after every few megabytes
	// allocated, about ten times a second at 1,000 callbacks/s; at 400 the
	// heap peaks a few tens of megabytes higher and gridbot spends about a
	// tenth less CPU per callback (README, Benchmarks).
	DefaultGCPercent = 400
)

// Serve is the configuration of gridbot serve: where to listen, the bot's
// names, the per-member rate limit, and the platform credentials of each
// town it answers for.
type Serve struct {
	Addr     string   // GRIDBOT_ADDR
	BotNames []string // GRIDBOT_BOT_NAMES, comma-separated, without "@"
	UserRate int      // GRIDBOT_USER_RATE: commands a minute per member; 0 turns the limit off
	// RankingTTL (GRIDBOT_RANKING_TTL, a Go duration such as 30s; 0 settles
	// for every question) is how long a town's live ranking is reused.
	RankingTTL time.Duration
	// Default is the town of GRIDBOT_TOWN (the store's only town when unset),
	// served at /wecom/bot, /wecom/app and /dingtalk/robot.
	Default Town
	// Towns come from GRIDBOT_CONFIG_FILE, each served under /PATH/….
	Towns      []Town
	ConfigFile string // GRIDBOT_CONFIG_FILE
	// Durability: the journal and the outbox's leases (journal.go).
	Durability
	// GCPercent is the garbage collector's target serve sets
	// (debug.SetGCPercent): DefaultGCPercent, or 0 when GOGC is set and the
	// runtime's own reading of it stands.
	GCPercent int
}

// Town is one town's platform credentials.
type Town struct {
	Name     string // the town's name in the store; "" for the store's only town
	Path     string // URL path prefix without slashes; "" for the default town
	WeCom    WeCom
	DingTalk DingTalk
}

// WeCom holds a town's WeCom (企业微信) credentials.
type WeCom struct {
	CorpID     string // GRIDBOT_WECOM_CORP_ID
	BotToken   string // GRIDBOT_WECOM_BOT_TOKEN (smart robot callback Token)
	BotAESKey  string // GRIDBOT_WECOM_BOT_AES_KEY (smart robot EncodingAESKey)
	AppAgentID int64  // GRIDBOT_WECOM_APP_AGENT_ID
	AppSecret  string // GRIDBOT_WECOM_APP_SECRET
	AppToken   string // GRIDBOT_WECOM_APP_TOKEN
	AppAESKey  string // GRIDBOT_WECOM_APP_AES_KEY
	APIBase    string // GRIDBOT_WECOM_API_BASE, without a trailing slash
}

// DingTalk holds a town's DingTalk (钉钉) credentials.
type DingTalk struct {
	AppSecret string // GRIDBOT_DINGTALK_APP_SECRET: the enterprise robot's AppSecret
	APIBase   string // GRIDBOT_DINGTALK_API_BASE, without a trailing slash
	// OpenAPIBase (GRIDBOT_DINGTALK_OPENAPI_BASE, without a trailing slash)
	// is the new server API's host: pictures sent to the robot.
	OpenAPIBase string
	// AppKey (GRIDBOT_DINGTALK_APP_KEY) and AgentID (GRIDBOT_DINGTALK_AGENT_ID)
	// of the same enterprise internal app turn on work notices (工作通知):
	// one-to-one notices to members. Neither is a secret.
	AppKey  string
	AgentID int64
}

// BotEnabled reports whether the smart robot is configured.
func (w WeCom) BotEnabled() bool { return w.BotToken != "" }

// AppEnabled reports whether the self-built app is configured.
func (w WeCom) AppEnabled() bool { return w.AppSecret != "" }

// RobotEnabled reports whether the DingTalk enterprise robot is configured.
func (d DingTalk) RobotEnabled() bool { return d.AppSecret != "" }

// WorkEnabled reports whether DingTalk work notices are configured.
func (d DingTalk) WorkEnabled() bool { return d.AppSecret != "" && d.AppKey != "" && d.AgentID > 0 }

// Enabled reports whether any platform of the town is configured.
func (t Town) Enabled() bool {
	return t.WeCom.BotEnabled() || t.WeCom.AppEnabled() || t.DingTalk.RobotEnabled()
}

// secretKeys may also be given as KEY_FILE, the path of a file holding the
// value (Docker and Kubernetes secrets); they are redacted in String.
var secretKeys = []string{
	"GRIDBOT_WECOM_BOT_TOKEN", "GRIDBOT_WECOM_BOT_AES_KEY", "GRIDBOT_WECOM_APP_SECRET",
	"GRIDBOT_WECOM_APP_TOKEN", "GRIDBOT_WECOM_APP_AES_KEY", "GRIDBOT_DINGTALK_APP_SECRET",
}

// townKeys are the keys a town may set, in the environment or in
// GRIDBOT_CONFIG_FILE.
var townKeys = append([]string{"GRIDBOT_WECOM_CORP_ID", "GRIDBOT_WECOM_APP_AGENT_ID",
	"GRIDBOT_WECOM_API_BASE", "GRIDBOT_DINGTALK_API_BASE", "GRIDBOT_DINGTALK_OPENAPI_BASE", "GRIDBOT_DINGTALK_APP_KEY",
	"GRIDBOT_DINGTALK_AGENT_ID"}, secretKeys...)

// inherited are the keys a town of GRIDBOT_CONFIG_FILE takes from the
// environment when it does not set them: none is a secret, so one town's
// credentials never open another town's callback URL.
var inherited = []string{"GRIDBOT_WECOM_CORP_ID", "GRIDBOT_WECOM_API_BASE", "GRIDBOT_DINGTALK_API_BASE", "GRIDBOT_DINGTALK_OPENAPI_BASE"}

// LoadServe reads and validates the configuration of gridbot serve. It is
// separate from Load so that a half-configured platform stops only serve,
// never an import.
func LoadServe(getenv Getenv) (*Serve, error) {
	if getenv == nil {
		getenv = os.Getenv
	}
	s := &Serve{
		Addr:       orDefault(getenv("GRIDBOT_ADDR"), DefaultAddr),
		BotNames:   SplitNames(getenv("GRIDBOT_BOT_NAMES")),
		UserRate:   DefaultUserRate,
		RankingTTL: DefaultRankingTTL,
		ConfigFile: strings.TrimSpace(getenv("GRIDBOT_CONFIG_FILE")),
	}
	if strings.TrimSpace(getenv("GOGC")) == "" {
		s.GCPercent = DefaultGCPercent
	}
	if len(s.BotNames) == 0 {
		s.BotNames = []string{DefaultBotName}
	}
	if _, port, err := net.SplitHostPort(s.Addr); err != nil || port == "" {
		return nil, fmt.Errorf("GRIDBOT_ADDR 应为 主机:端口 或 :端口（如 :8080），现为 %q", s.Addr)
	}
	if v := strings.TrimSpace(getenv("GRIDBOT_USER_RATE")); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return nil, fmt.Errorf("GRIDBOT_USER_RATE 应为每人每分钟的命令数（0 表示不限），现为 %q", v)
		}
		s.UserRate = n
	}
	if v := strings.TrimSpace(getenv("GRIDBOT_RANKING_TTL")); v != "" {
		d, err := time.ParseDuration(v) // "0" is a duration too
		if err != nil || d < 0 || d > time.Hour {
			return nil, fmt.Errorf("GRIDBOT_RANKING_TTL 应为排行复用的时长（如 30s、1m；0 表示每次都重新结算，最长 1h），现为 %q", v)
		}
		s.RankingTTL = d
	}
	d, err := loadDurability(getenv)
	if err != nil {
		return nil, err
	}
	s.Durability = d
	t, err := loadTown(getenv)
	if err != nil {
		return nil, err
	}
	t.Name = strings.TrimSpace(getenv("GRIDBOT_TOWN"))
	s.Default = t
	if s.ConfigFile != "" {
		if s.Towns, err = loadTownsFile(s.ConfigFile, getenv); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// loadTown reads one town's platform keys through get.
func loadTown(get Getenv) (Town, error) {
	var t Town
	var err error
	str := func(key string) string {
		if err != nil {
			return ""
		}
		var v string
		v, err = value(get, key)
		return v
	}
	w := &t.WeCom
	w.CorpID = str("GRIDBOT_WECOM_CORP_ID")
	w.BotToken = str("GRIDBOT_WECOM_BOT_TOKEN")
	w.BotAESKey = str("GRIDBOT_WECOM_BOT_AES_KEY")
	agent := str("GRIDBOT_WECOM_APP_AGENT_ID")
	w.AppSecret = str("GRIDBOT_WECOM_APP_SECRET")
	w.AppToken = str("GRIDBOT_WECOM_APP_TOKEN")
	w.AppAESKey = str("GRIDBOT_WECOM_APP_AES_KEY")
	w.APIBase = str("GRIDBOT_WECOM_API_BASE")
	t.DingTalk.AppSecret = str("GRIDBOT_DINGTALK_APP_SECRET")
	t.DingTalk.APIBase = str("GRIDBOT_DINGTALK_API_BASE")
	t.DingTalk.OpenAPIBase = str("GRIDBOT_DINGTALK_OPENAPI_BASE")
	t.DingTalk.AppKey = str("GRIDBOT_DINGTALK_APP_KEY")
	dingAgent := str("GRIDBOT_DINGTALK_AGENT_ID")
	if err != nil {
		return t, err
	}
	if dingAgent != "" {
		if t.DingTalk.AgentID, err = strconv.ParseInt(dingAgent, 10, 64); err != nil || t.DingTalk.AgentID <= 0 {
			return t, fmt.Errorf("GRIDBOT_DINGTALK_AGENT_ID 应为钉钉应用的 AgentId（正整数），现为 %q", dingAgent)
		}
	}
	if t.DingTalk.AppKey != "" || dingAgent != "" {
		// Work notices are the robot's app's: its AppSecret signs both.
		if err := together("钉钉工作通知", map[string]bool{"GRIDBOT_DINGTALK_APP_KEY": t.DingTalk.AppKey != "",
			"GRIDBOT_DINGTALK_AGENT_ID": dingAgent != "", "GRIDBOT_DINGTALK_APP_SECRET": t.DingTalk.AppSecret != ""}); err != nil {
			return t, err
		}
	}
	if agent != "" {
		if w.AppAgentID, err = strconv.ParseInt(agent, 10, 64); err != nil || w.AppAgentID <= 0 {
			return t, fmt.Errorf("GRIDBOT_WECOM_APP_AGENT_ID 应为应用的 AgentId（正整数），现为 %q", agent)
		}
	}
	if w.APIBase, err = baseURL("GRIDBOT_WECOM_API_BASE", w.APIBase, DefaultWeComAPIBase); err != nil {
		return t, err
	}
	if t.DingTalk.APIBase, err = baseURL("GRIDBOT_DINGTALK_API_BASE", t.DingTalk.APIBase, DefaultDingTalkAPIBase); err != nil {
		return t, err
	}
	if t.DingTalk.OpenAPIBase, err = baseURL("GRIDBOT_DINGTALK_OPENAPI_BASE", t.DingTalk.OpenAPIBase, DefaultDingTalkOpenAPIBase); err != nil {
		return t, err
	}
	// Each platform is all or nothing: half a configuration is a typo, and
	// serving with it would answer every callback with an error.
	if err := together("企业微信智能机器人", map[string]bool{
		"GRIDBOT_WECOM_BOT_TOKEN": w.BotToken != "", "GRIDBOT_WECOM_BOT_AES_KEY": w.BotAESKey != ""}); err != nil {
		return t, err
	}
	app := map[string]bool{"GRIDBOT_WECOM_APP_AGENT_ID": agent != "", "GRIDBOT_WECOM_APP_SECRET": w.AppSecret != "",
		"GRIDBOT_WECOM_APP_TOKEN": w.AppToken != "", "GRIDBOT_WECOM_APP_AES_KEY": w.AppAESKey != ""}
	if agent != "" || w.AppSecret != "" || w.AppToken != "" || w.AppAESKey != "" {
		// The corp id is the app's receive id and half of its gettoken call.
		app["GRIDBOT_WECOM_CORP_ID"] = w.CorpID != ""
	}
	if err := together("企业微信自建应用", app); err != nil {
		return t, err
	}
	for key, v := range map[string]string{"GRIDBOT_WECOM_BOT_AES_KEY": w.BotAESKey, "GRIDBOT_WECOM_APP_AES_KEY": w.AppAESKey} {
		if err := checkAESKey(key, v); err != nil {
			return t, err
		}
	}
	return t, nil
}

// value reads key, or the file named by key_FILE for a secret of a town.
func value(get Getenv, key string) (string, error) {
	if !isSecret(key) {
		return strings.TrimSpace(get(key)), nil
	}
	return secret(get, key)
}

// secret reads a secret: key itself, or the file named by key_FILE (Docker
// and Kubernetes secrets). Setting both is an error, because it is unclear
// which one is meant.
func secret(get Getenv, key string) (string, error) {
	v := strings.TrimSpace(get(key))
	path := strings.TrimSpace(get(key + "_FILE"))
	if path == "" {
		return v, nil
	}
	if v != "" {
		return "", fmt.Errorf("%s 与 %s_FILE 只能设置一个：请删去其中一个（用文件就只留 %s_FILE）", key, key, key)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return "", fmt.Errorf("%s_FILE: 读不到文件 %s（请检查路径和读取权限）: %v", key, path, err)
	}
	return strings.TrimSpace(string(data)), nil
}

func isSecret(key string) bool {
	for _, k := range secretKeys {
		if k == key {
			return true
		}
	}
	return false
}

// together returns an error naming the missing keys when some but not all
// of set are true.
func together(what string, set map[string]bool) error {
	var missing []string
	n := 0
	for k, ok := range set {
		if ok {
			n++
		} else {
			missing = append(missing, k)
		}
	}
	if n == 0 || len(missing) == 0 {
		return nil
	}
	sort.Strings(missing)
	return fmt.Errorf("%s配置不完整：还需要设置 %s（或全部不设置以停用）", what, strings.Join(missing, "、"))
}

// checkAESKey checks an EncodingAESKey: 43 characters of base64 that decode
// to 32 bytes (the console generates it; a copy-paste error is common).
func checkAESKey(key, v string) error {
	if v == "" {
		return nil
	}
	if len(v) != 43 {
		return fmt.Errorf("%s 应为 43 个字符的 EncodingAESKey，现为 %d 个字符", key, len(v))
	}
	if b, err := base64.StdEncoding.DecodeString(v + "="); err != nil || len(b) != 32 {
		return fmt.Errorf("%s 不是有效的 EncodingAESKey（应为后台生成的 43 位字母数字）", key)
	}
	return nil
}

// baseURL checks an API base URL and removes a trailing slash.
func baseURL(key, v, def string) (string, error) {
	if v == "" {
		return def, nil
	}
	u, err := url.Parse(v)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" {
		return "", fmt.Errorf("%s 应为 https://主机[:端口] 形式的地址，现为 %q", key, v)
	}
	return strings.TrimRight(v, "/"), nil
}

// SplitNames reads a comma-separated list of bot names ("网格助手,小网"),
// dropping a leading "@" and blanks; a full-width comma counts too.
func SplitNames(s string) []string {
	var out []string
	for _, n := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == '，' }) {
		if n = strings.TrimSpace(strings.TrimLeft(strings.TrimSpace(n), "@＠")); n != "" {
			out = append(out, n)
		}
	}
	return out
}
