package importer

import (
	"context"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"time"

	"gridbot"
)

// KindWebhooks is the group robots import, as the command line names it.
const KindWebhooks = "webhooks"

// Webhook columns: 密钥 (DingTalk's signing secret) may be left out of a
// file that lists WeCom robots only.
var (
	webhooksRequired = []string{"范围", "名称", "平台", "地址或key"}
	webhooksOptional = []string{"密钥"}
)

var (
	// robotKeyRE is a WeCom webhook key (a UUID) or a DingTalk access_token
	// (64 hex digits), loosely: what can safely go into a query string.
	robotKeyRE = regexp.MustCompile(`^[A-Za-z0-9_-]{8,128}$`)
	// dingSecretRE is DingTalk's 加签 secret: "SEC" and hex digits.
	dingSecretRE = regexp.MustCompile(`^SEC[A-Za-z0-9]{8,128}$`)
)

// Webhooks replaces the town's group robots with those of a CSV or XLSX
// file (范围,名称,平台,地址或key,密钥). 范围 is 镇, 村 or 网格; 名称 is the
// village or grid (empty, or the town's name, for 镇); 平台 is 企业微信 or
// 钉钉; 地址或key is the robot's webhook address or just its key (WeCom) or
// access_token (DingTalk); 密钥 is DingTalk's signing secret. Robots missing
// from the file are removed, and their undelivered messages dropped.
func Webhooks(ctx context.Context, st gridbot.Store, townID int64, path string, now time.Time, o Options) (*Report, error) {
	t, done, err := openFile(path)
	if err != nil {
		return nil, err
	}
	defer done()
	o.watch(t)
	return webhooks(ctx, st, townID, t, now, o)
}

func webhooks(ctx context.Context, st gridbot.Store, townID int64, t *Table, now time.Time, o Options) (*Report, error) {
	hooks, lines, warnings, probs := parseWebhooks(t)
	if probs.n > 0 {
		// Every problem in one pass: the names of the good lines are
		// checked against the roster too.
		err := st.View(ctx, func(tx gridbot.Tx) error {
			more, err := resolveWebhooks(tx, townID, hooks, lines)
			probs.merge(more)
			return err
		})
		if err != nil {
			return nil, err
		}
		return nil, probs.err()
	}
	var rep *Report
	err := o.update(ctx, st, func(tx gridbot.Tx) error {
		rep = &Report{Kind: KindWebhooks, Rows: len(hooks), Warnings: append([]string(nil), warnings...)}
		probs, err := resolveWebhooks(tx, townID, hooks, lines)
		if err != nil {
			return err
		}
		if err := probs.err(); err != nil {
			return err
		}
		old, err := tx.Webhooks(townID)
		if err != nil {
			return err
		}
		compareWebhooks(old, hooks, rep)
		return tx.ReplaceWebhooks(townID, hooks, now)
	})
	if err != nil {
		return nil, err
	}
	return o.finish(rep), nil
}

// resolveWebhooks checks the names against the roster: a village or grid
// must be on it, and a town robot's name may only be the town's own.
func resolveWebhooks(tx gridbot.Tx, townID int64, hooks []gridbot.Webhook, lines []int) (probs problems, err error) {
	towns, err := tx.Towns()
	if err != nil {
		return probs, err
	}
	var townName string
	for _, t := range towns {
		if t.ID == townID {
			townName = t.Name
		}
	}
	villages, err := tx.Villages(townID)
	if err != nil {
		return probs, err
	}
	grids, err := tx.Grids(townID)
	if err != nil {
		return probs, err
	}
	known := map[string]bool{}
	for _, v := range villages {
		known[gridbot.ScopeVillage+"\x00"+v.Name] = true
	}
	for _, g := range grids {
		known[gridbot.ScopeGrid+"\x00"+g.Name] = true
	}
	for i := range hooks {
		h := &hooks[i]
		switch {
		case h.Scope == gridbot.ScopeTown && h.Name == townName:
			h.Name = ""
		case h.Scope == gridbot.ScopeTown && h.Name != "":
			probs.add(lines[i], "名称", "镇级群机器人的名称留空（或写本镇名「%s」），现为「%s」", townName, h.Name)
		case h.Scope != gridbot.ScopeTown && !known[h.Scope+"\x00"+h.Name]:
			probs.add(lines[i], "名称", "名单中没有%s「%s」：名称要与名单中的%s名一致，或先导入名单", h.Scope, h.Name, h.Scope)
		}
	}
	return probs, nil
}

// parseWebhooks validates the file on its own; lines[i] is the line of hooks[i].
func parseWebhooks(t *Table) (hooks []gridbot.Webhook, lines []int, warnings []string, probs problems) {
	cols, errs := t.bind(webhooksRequired, webhooksOptional)
	if errs.n > 0 {
		return nil, nil, nil, errs
	}
	seen := map[string]int{}
	keys := map[string]int{}
	count := t.each(&probs, func(r Row) {
		n := probs.n
		h := gridbot.Webhook{Name: cols.get(r, "名称")}
		h.Scope = parseScope(cols.get(r, "范围"))
		if h.Scope == "" {
			probs.add(r.Line, "范围", "未知范围「%s」，应为 镇、村 或 网格", cols.get(r, "范围"))
		} else if h.Scope != gridbot.ScopeTown && h.Name == "" {
			probs.add(r.Line, "名称", "%s级群机器人要填写%s名", h.Scope, h.Scope)
		}
		h.Platform = parsePlatform(cols.get(r, "平台"))
		if h.Platform == "" {
			probs.add(r.Line, "平台", "未知平台「%s」，应为 企业微信 或 钉钉", cols.get(r, "平台"))
		} else {
			var msg string
			h.Key, msg = parseRobotKey(h.Platform, cols.get(r, "地址或key"))
			if msg != "" {
				probs.add(r.Line, "地址或key", "%s", msg)
			}
			h.Secret = cols.get(r, "密钥")
			switch {
			case h.Platform == gridbot.PlatformWeCom && h.Secret != "":
				probs.add(r.Line, "密钥", "企业微信群机器人没有密钥，请留空（密钥只用于钉钉机器人的「加签」）")
			case h.Platform == gridbot.PlatformDingTalk && h.Secret != "" && !dingSecretRE.MatchString(h.Secret):
				probs.add(r.Line, "密钥", "钉钉加签密钥以 SEC 开头，请从机器人安全设置的「加签」处完整复制")
			case h.Platform == gridbot.PlatformDingTalk && h.Secret == "":
				warnings = append(warnings, fmt.Sprintf("第 %d 行钉钉机器人没有填写密钥（加签）：请确认该机器人的安全设置是自定义关键词或 IP 地址段，否则钉钉会拒收消息", r.Line))
			}
		}
		if probs.n > n {
			return
		}
		id := h.Scope + "\x00" + h.Name + "\x00" + h.Platform
		if first := seen[id]; first != 0 {
			probs.add(r.Line, "", "与第 %d 行重复：同一个%s在同一平台只能登记一个群机器人", first, h.Scope)
			return
		}
		seen[id] = r.Line
		if first := keys[h.Platform+"\x00"+h.Key]; first != 0 {
			warnings = append(warnings, fmt.Sprintf("第 %d 行与第 %d 行是同一个机器人，两处的消息合计受每分钟 20 条的限制", r.Line, first))
		} else {
			keys[h.Platform+"\x00"+h.Key] = r.Line
		}
		if len(hooks) < 10000 { // a file of robots is small; a huge one is refused below
			hooks = append(hooks, h)
			lines = append(lines, r.Line)
		}
	})
	if count == 0 && probs.n == 0 {
		probs.add(2, "", "文件只有表头，没有群机器人。导入会替换全部群机器人，空文件不予导入")
	}
	if count > 10000 {
		probs.add(2, "", "文件有 %d 行群机器人，多于 10000 个，不像是群机器人清单，请检查文件", count)
	}
	return hooks, lines, warnings, probs
}

// parseScope reads 范围; "" when unknown.
func parseScope(s string) string {
	switch strings.TrimSuffix(s, "级") {
	case "镇", "乡镇", "街道":
		return gridbot.ScopeTown
	case "村", "社区", "村居", "村(居)", "村（居）":
		return gridbot.ScopeVillage
	case "网格":
		return gridbot.ScopeGrid
	}
	return ""
}

// parsePlatform reads 平台; "" when unknown.
func parsePlatform(s string) string {
	switch strings.ToLower(strings.ReplaceAll(s, " ", "")) {
	case "企业微信", "企微", "wecom", "wework":
		return gridbot.PlatformWeCom
	case "钉钉", "dingtalk", "dingding":
		return gridbot.PlatformDingTalk
	}
	return ""
}

// parseRobotKey reads 地址或key: the full address the platform shows when
// the robot is added, or just the key (WeCom) or access_token (DingTalk).
// It returns the key, or a message saying what is wrong. The key itself is
// never quoted back: it is a secret.
func parseRobotKey(platform, s string) (key, msg string) {
	param, example := "key", "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…"
	other := "access_token"
	if platform == gridbot.PlatformDingTalk {
		param, example, other = "access_token", "https://oapi.dingtalk.com/robot/send?access_token=…", "key"
	}
	if s == "" {
		return "", "不能为空，请填写机器人的 Webhook 地址，例如 " + example
	}
	if strings.HasPrefix(s, "http://") || strings.HasPrefix(s, "https://") {
		u, err := url.Parse(s)
		if err != nil {
			return "", "地址格式不对，请从机器人设置中完整复制 Webhook 地址，例如 " + example
		}
		q := u.Query()
		key = q.Get(param)
		if key == "" && q.Get(other) != "" {
			return "", fmt.Sprintf("这是%s机器人的地址，请检查「平台」列", gridbot.PlatformName(otherPlatform(platform)))
		}
		if key == "" {
			return "", fmt.Sprintf("地址中没有 %s=…，请从机器人设置中完整复制 Webhook 地址，例如 %s", param, example)
		}
		s = key
	}
	if !robotKeyRE.MatchString(s) {
		return "", fmt.Sprintf("%s 格式不对（应为 8–128 位字母、数字或 -），请从机器人设置中完整复制 Webhook 地址", param)
	}
	return s, ""
}

func otherPlatform(p string) string {
	if p == gridbot.PlatformDingTalk {
		return gridbot.PlatformWeCom
	}
	return gridbot.PlatformDingTalk
}

// compareWebhooks counts what the file changes against the stored robots.
func compareWebhooks(old, hooks []gridbot.Webhook, rep *Report) {
	id := func(h gridbot.Webhook) string { return h.Scope + "\x00" + h.Name + "\x00" + h.Platform }
	before := map[string]gridbot.Webhook{}
	for _, h := range old {
		before[id(h)] = h
	}
	after := map[string]bool{}
	for _, h := range hooks {
		after[id(h)] = true
		b, ok := before[id(h)]
		switch {
		case !ok:
			rep.Added++
		case b.Key != h.Key || b.Secret != h.Secret:
			rep.Updated++
		default:
			rep.Skipped++
		}
	}
	var gone []string
	for _, h := range old {
		if !after[id(h)] {
			gone = append(gone, strings.TrimSpace(h.Scope+" "+h.Name)+" "+gridbot.PlatformName(h.Platform))
		}
	}
	if rep.Removed = len(gone); rep.Removed > 0 {
		rep.warn("%d 个群机器人不在新文件中，已删除（尚未发出的消息不再发送）：%s", len(gone), strings.Join(gone, "、"))
	}
}
