package handlers_test

import (
	"os"
	"strings"
	"testing"

	"gridbot"
	"gridbot/handlers"
	"gridbot/internal/bottest"
	"gridbot/internal/testkit"
)

// The canonical forms of commands.md, which must be accepted exactly, and
// 附图 (issue 13: what a message of pictures only runs).
var canonical = []string{"打卡", "活动 <类别> <内容> @成员...", "上报 <描述>", "附图", "派发 #<号> @成员", "办结 #<号> <结果>",
	"评价 #<号> <满意|基本满意|不满意>", "议事 <纪要> @成员...", "议事确认 #<号>", "报道 <级别> [综合] <标题> @成员...",
	"照片 <张数> @成员...", "故事 <村名> <标题>", "调整 @成员 <+N|-N> <理由>",
	"撤回 <记录> <理由>", "改派 #<号> @成员 [理由]", "确认", "积分 [@成员] [YYYY-MM]", "排行 [YYYY-MM]", "指数 [网格名] [YYYY-MM]",
	"问题 [#<号>]", "提醒 [开|关] [打卡]", "后台", "取消排名 @成员 <YYYY-MM> <理由>", "恢复排名 @成员 <YYYY-MM>", "发布 <YYYY-MM>", "确认发布 <YYYY-MM>",
	"撤销发布 <YYYY-MM> <理由>", "帮助 [命令]"}

func TestRegistryHasEveryCommand(t *testing.T) {
	r := handlers.NewRegistry()
	var forms []string
	for _, c := range r.Commands() {
		forms = append(forms, c.Form)
		if c.Summary == "" || c.Example == "" || (len(c.Roles) == 0 && !c.Public) {
			t.Errorf("%s: declaration incomplete", c.Name)
		}
		if c.NoSender && (!c.Public || c.Name != "帮助") {
			// The pipeline skips the roster lookup for these: only a public
			// command that reads nothing of its sender may say so.
			t.Errorf("%s: NoSender on a command that may read its sender", c.Name)
		}
		if !strings.HasPrefix(c.Example, c.Name) || !strings.HasPrefix(c.Form, c.Name) {
			t.Errorf("%s: form %q or example %q does not start with the command", c.Name, c.Form, c.Example)
		}
	}
	if strings.Join(forms, "\n") != strings.Join(canonical, "\n") {
		t.Errorf("registry forms\n%s\nwant commands.md's\n%s", strings.Join(forms, "\n"), strings.Join(canonical, "\n"))
	}
}

func TestHelp(t *testing.T) {
	tw := bottest.New(t, testkit.OpenSQLite(t))
	at := "2026-10-03 10:00"
	got := tw.Must(at, bottest.Member1, "帮助")
	for _, f := range canonical {
		contains(t, got, f)
	}
	// Anyone may ask, even someone not on the roster, in any spelling.
	for _, text := range []string{"帮助", "help", "ＨＥＬＰ", "菜单。"} {
		contains(t, tw.Must(at, bottest.Stranger, text), "派发 #<号> @成员")
	}
	got = tw.Must(at, bottest.Member1, "帮助 派发")
	contains(t, got, "「派发」", "格式：派发 #<号> @成员", "例如：派发 #12 @王海", "谁可以用：该网格的网格长、党建办", "也可以写：流转")
	contains(t, tw.Must(at, bottest.Member1, "帮助 流转"), "格式：派发 #<号> @成员")
	contains(t, tw.Refused(at, bottest.Member1, "帮助 派法", gridbot.EINVALID), "没有「派法」这个命令", "帮助 派发")
	contains(t, tw.Refused(at, bottest.Member1, "帮助 天气预报", gridbot.EINVALID), "没有「天气预报」这个命令")
}

func TestUnknownCommand(t *testing.T) {
	tw := bottest.New(t, testkit.OpenSQLite(t))
	contains(t, tw.Refused("2026-10-03 10:00", bottest.Member1, "打开", gridbot.EINVALID), "没有「打开」这个命令", "打卡（例如：打卡）")
	contains(t, tw.Refused("2026-10-03 10:00", bottest.Member1, "@网格助手 上报路灯坏了", gridbot.EINVALID), "上报 路灯坏了")
	contains(t, tw.Refused("2026-10-03 10:00", bottest.Member1, "@网格助手", gridbot.EINVALID), "请在 @我 后写命令")
}

func TestMarkdownTable(t *testing.T) {
	table := handlers.NewRegistry().MarkdownTable()
	lines := strings.Split(strings.TrimSpace(table), "\n")
	if len(lines) != 2+len(canonical) {
		t.Fatalf("%d table lines, want %d", len(lines), 2+len(canonical))
	}
	for i, f := range canonical {
		if want := "| `" + strings.ReplaceAll(f, "|", `\|`) + "` |"; !strings.HasPrefix(lines[i+2], want) {
			t.Errorf("line %q does not start with %q", lines[i+2], want)
		}
		if strings.Count(lines[i+2], " | ") != 4 {
			t.Errorf("line %q does not have 5 cells", lines[i+2])
		}
	}
}

// TestReadmeCommandTable keeps the README's command table in step with the
// registry: the table after the README's <!-- commands --> marker.
func TestReadmeCommandTable(t *testing.T) {
	data, err := os.ReadFile("../README.md")
	if err != nil || !strings.Contains(string(data), "<!-- commands -->") {
		t.Fatal("README.md must carry the command table after a <!-- commands --> marker")
	}
	if table := handlers.NewRegistry().MarkdownTable(); !strings.Contains(string(data), table) {
		t.Errorf("README.md's command table differs from the registry; put this after <!-- commands -->:\n%s", table)
	}
}
