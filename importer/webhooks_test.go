package importer

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"gridbot"
)

const (
	webhooksHeader = "范围,名称,平台,地址或key,密钥\n"
	wecomKey       = "693a91f6-7a1c-4bc4-97a0-0ec2sifa5aaa"
	dingToken      = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
	dingSecret     = "SEC0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
)

func storedHooks(t *testing.T, st gridbot.Store, town int64) []gridbot.Webhook {
	t.Helper()
	var hs []gridbot.Webhook
	if err := st.View(context.Background(), func(tx gridbot.Tx) error {
		var err error
		hs, err = tx.Webhooks(town)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	for i := range hs {
		hs[i].ID, hs[i].TownID = 0, 0
	}
	return hs
}

func TestWebhooksImport(t *testing.T) {
	st, town := openStore(t)
	importRoster(t, st, town, smallRoster, time.Now())
	now := time.Date(2026, 10, 1, 9, 0, 0, 0, gridbot.Zone)
	src := webhooksHeader +
		"镇,海风镇,企业微信,https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=" + wecomKey + ",\n" +
		"村,海风村,钉钉,https://oapi.dingtalk.com/robot/send?access_token=" + dingToken + "," + dingSecret + "\n" +
		"网格,一网格,企业微信," + wecomKey + "\n" + // a short row: 密钥 missing reads as empty
		"网格,二网格,钉钉," + dingToken + ",\n"
	rep, err := webhooks(context.Background(), st, town, mustCSV(t, src), now, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Rows != 4 || rep.Added != 4 || rep.Removed != 0 {
		t.Errorf("report: %+v", rep)
	}
	// The unsigned DingTalk robot and the robots listed twice are worth a look.
	if len(rep.Warnings) != 3 || !strings.Contains(rep.Warnings[0], "第 4 行与第 2 行是同一个机器人") ||
		!strings.Contains(rep.Warnings[1], "第 5 行钉钉机器人没有填写密钥") ||
		!strings.Contains(rep.Warnings[2], "第 5 行与第 3 行是同一个机器人") {
		t.Errorf("warnings: %q", rep.Warnings)
	}
	want := []gridbot.Webhook{
		{Scope: gridbot.ScopeTown, Platform: gridbot.PlatformWeCom, Key: wecomKey},
		{Scope: gridbot.ScopeVillage, Name: "海风村", Platform: gridbot.PlatformDingTalk, Key: dingToken, Secret: dingSecret},
		{Scope: gridbot.ScopeGrid, Name: "一网格", Platform: gridbot.PlatformWeCom, Key: wecomKey},
		{Scope: gridbot.ScopeGrid, Name: "二网格", Platform: gridbot.PlatformDingTalk, Key: dingToken},
	}
	if got := storedHooks(t, st, town); !reflect.DeepEqual(got, want) {
		t.Errorf("stored:\n%+v\nwant\n%+v", got, want)
	}
	if strings.Contains(rep.String(), wecomKey) {
		t.Errorf("the report shows a robot key: %s", rep)
	}

	// Re-import: a new key, one unchanged, one dropped.
	src = webhooksHeader +
		"镇,,企业微信,new-key-0001,\n" +
		"村,海风村,钉钉," + dingToken + "," + dingSecret + "\n" +
		"网格,一网格,企业微信," + wecomKey + ",\n"
	rep, err = webhooks(context.Background(), st, town, mustCSV(t, src), now, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Updated != 1 || rep.Skipped != 2 || rep.Removed != 1 || len(rep.Warnings) != 1 ||
		!strings.Contains(rep.Warnings[0], "网格 二网格 钉钉") {
		t.Errorf("re-import report: %+v", rep)
	}
	if got := storedHooks(t, st, town); len(got) != 3 || got[0].Key != "new-key-0001" {
		t.Errorf("after re-import: %+v", got)
	}
}

func TestWebhooksImportRefusesBadRows(t *testing.T) {
	st, town := openStore(t)
	importRoster(t, st, town, smallRoster, time.Now())
	now := time.Now()
	good := webhooksHeader + "镇,,企业微信," + wecomKey + ",\n"
	if _, err := webhooks(context.Background(), st, town, mustCSV(t, good), now, Options{}); err != nil {
		t.Fatal(err)
	}
	before := storedHooks(t, st, town)

	cases := []struct {
		name string
		src  string
		want []string
	}{
		{"file", webhooksHeader +
			"镇,,企业微信,new-key-0001,\n" + // line 2 is fine but nothing is stored
			"县,,企业微信," + wecomKey + ",\n" +
			"村,,企业微信," + wecomKey + ",\n" +
			"网格,一网格,飞书," + wecomKey + ",\n" +
			"网格,一网格,企业微信," + wecomKey + ",SECabcdefgh123\n" +
			"网格,二网格,企业微信,https://oapi.dingtalk.com/robot/send?access_token=" + dingToken + ",\n" +
			"网格,二网格,钉钉," + dingToken + ",abc\n" +
			"村,海风村,企业微信,https://qyapi.weixin.qq.com/cgi-bin/webhook/send,\n" +
			"村,海风村,钉钉,has space,\n" +
			"镇,,企业微信," + wecomKey + ",\n",
			[]string{
				"第 3 行「范围」：未知范围「县」",
				"第 4 行「名称」：村级群机器人要填写村名",
				"第 5 行「平台」：未知平台「飞书」",
				"第 6 行「密钥」：企业微信群机器人没有密钥",
				"第 7 行「地址或key」：这是钉钉机器人的地址，请检查「平台」列",
				"第 8 行「密钥」：钉钉加签密钥以 SEC 开头",
				"第 9 行「地址或key」：地址中没有 key=…",
				"第 10 行「地址或key」：access_token 格式不对",
				"第 11 行：与第 2 行重复",
			}},
		{"roster", webhooksHeader +
			"镇,松门镇,企业微信," + wecomKey + ",\n" +
			"村,海风村,企业微信," + wecomKey + ",\n" +
			"网格,三网格,企业微信," + wecomKey + ",\n",
			[]string{
				"第 2 行「名称」：镇级群机器人的名称留空（或写本镇名「海风镇」），现为「松门镇」",
				"第 4 行「名称」：名单中没有网格「三网格」",
			}},
		{"header", "范围,名称,平台\n镇,,企业微信\n", []string{"第 1 行「地址或key」：缺少列「地址或key」"}},
		{"empty", webhooksHeader, []string{"第 2 行：文件只有表头"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := webhooks(context.Background(), st, town, mustCSV(t, c.src), now, Options{})
			var rowErrs *Errors
			if !errors.As(err, &rowErrs) {
				t.Fatalf("err = %v, want row errors", err)
			}
			if len(rowErrs.Rows) != len(c.want) {
				t.Errorf("%d problems, want %d:\n%s", len(rowErrs.Rows), len(c.want), rowErrs)
			}
			for i, w := range c.want {
				if i < len(rowErrs.Rows) && !strings.HasPrefix(rowErrs.Rows[i].String(), w) {
					t.Errorf("problem %d = %q, want it to start with %q", i, rowErrs.Rows[i].String(), w)
				}
			}
			if strings.Contains(rowErrs.Error(), dingToken) || strings.Contains(rowErrs.Error(), wecomKey) {
				t.Errorf("the errors quote a robot key:\n%s", rowErrs)
			}
			if got := storedHooks(t, st, town); !reflect.DeepEqual(got, before) {
				t.Errorf("a refused file changed the robots: %+v", got)
			}
		})
	}
}
