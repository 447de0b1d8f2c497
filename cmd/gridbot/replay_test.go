package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// smallTown imports the roster and check-in point of testdata's small town
// (甲村一网格: A1 leader, A2, A3; 乙村一网格: B1 leader, B2; O1 office).
func (c *cli) smallTown() {
	c.t.Helper()
	c.ok("import", "roster", "--town", "小镇", "--effective", "2026-09-01", filepath.Join("testdata", "small-roster.csv"))
	c.ok("import", "checkpoints", filepath.Join("testdata", "small-checkpoints.csv"))
}

// settled is the part of `settle month --json` the tests compare.
type settled struct {
	Month   string `json:"month"`
	Members []struct {
		UserID      string  `json:"userid"`
		CheckinDays int     `json:"checkin_days"`
		Total       float64 `json:"total"`
		Eligible    bool    `json:"eligible"`
		Rank        *int    `json:"rank"`
		Items       []struct {
			Rule   string  `json:"rule"`
			Points float64 `json:"points"`
		} `json:"items"`
	} `json:"members"`
}

type handResult struct {
	days  int
	total float64
	rules map[string]float64 // points summed per rule
}

// TestReplaySettleMatchesHandComputed replays a month that uses every command
// and checks `settle month --json` against results worked out by hand from
// the 2020 rules.
func TestReplaySettleMatchesHandComputed(t *testing.T) {
	engines(t, func(t *testing.T, c *cli) {
		c.smallTown()
		out := c.ok("replay", filepath.Join("testdata", "every-command.jsonl"))
		if n := strings.Count(out, "\n"); n != 27 { // a reply to each of 25 messages, a DM to each of 2 assignees
			t.Errorf("%d reply lines, want 27:\n%s", n, out)
		}
		for _, w := range []string{`"to":"G-A","text":"问题#1 已于 10月2日 10:00 派发给 张三，不能重复派发。"`,
			`"to":"dm:A3"`, `"text":"甲村设有打卡点（甲村村委会）`, `已超过 24 小时`, `「派发」只有该网格的网格长、党建办可以使用`} {
			if !strings.Contains(out, w) {
				t.Errorf("replay output lacks %s", w)
			}
		}
		var got settled
		if err := json.Unmarshal([]byte(c.ok("settle", "month", "2026-10", "--at", "2026-11-01", "--json")), &got); err != nil {
			t.Fatal(err)
		}
		// Every member: 10 or fewer check-in days −5, fewer than 5 issues closed −5,
		// fewer than 2 activities −5. 甲村一网格: 议事#1 confirmed +10 each; A2 a
		// city report +50. 乙村一网格: 问题#2 dispatched after 25 h −2 each; B1 +3
		// adjustment; B2 a comprehensive county report 20 × ½.
		common := map[string]float64{"R-ATT-LOW": -5, "R-GRID-ISSUES": -5, "R-GRID-ACTS": -5}
		want := map[string]handResult{
			"A1": {0, -5, with(common, "R-DELIB", 10)},
			"A2": {3, 45, with(with(common, "R-DELIB", 10), "R-PUB-CITY", 50)},
			"A3": {0, -5, with(common, "R-DELIB", 10)},
			"B1": {0, -14, with(with(common, "R-OVERDUE-24H", -2), "R-ADJ", 3)},
			"B2": {1, -7, with(with(common, "R-OVERDUE-24H", -2), "R-PUB-HALF", 10)},
		}
		if len(got.Members) != len(want) {
			t.Fatalf("%d members settled, want %d", len(got.Members), len(want))
		}
		for _, m := range got.Members {
			w := want[m.UserID]
			rules := map[string]float64{}
			for _, it := range m.Items {
				if it.Points != 0 {
					rules[it.Rule] += it.Points
				}
			}
			if m.CheckinDays != w.days || m.Total != w.total || m.Eligible || m.Rank != nil || !reflect.DeepEqual(rules, w.rules) {
				t.Errorf("%s: days %d total %v eligible %v items %v; want days %d total %v items %v",
					m.UserID, m.CheckinDays, m.Total, m.Eligible, rules, w.days, w.total, w.rules)
			}
		}

		// Replaying the same file again records nothing and answers nothing.
		if out := c.ok("replay", filepath.Join("testdata", "every-command.jsonl")); out != "" {
			t.Errorf("second replay printed:\n%s", out)
		}
		var again settled
		if err := json.Unmarshal([]byte(c.ok("settle", "month", "2026-10", "--at", "2026-11-01", "--json")), &again); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, again) {
			t.Error("the month changed after replaying the transcript twice")
		}
	})
}

func with(m map[string]float64, rule string, p float64) map[string]float64 {
	out := map[string]float64{rule: p}
	for k, v := range m {
		out[k] = v
	}
	return out
}

func TestReplayRefusesBadInput(t *testing.T) {
	c := newCLI(t, "sqlite:"+filepath.Join(t.TempDir(), "t.db"))
	c.smallTown()
	bad := filepath.Join(t.TempDir(), "bad.jsonl")
	os.WriteFile(bad, []byte(`{"at": "2026-10-02T09:00:00+08:00", "from": "A2", "chat": "G-A", "text": "上报 路灯"}`+"\n{oops\n"), 0o644)
	if _, errs, code := c.run("replay", bad); code != 1 || !strings.Contains(errs, "第 2 行不是正确的消息") {
		t.Fatalf("bad line: exit %d, stderr %q", code, errs)
	}
	// Nothing of the file was replayed.
	if out := c.ok("replay", filepath.Join("testdata", "every-command.jsonl")); !strings.Contains(out, "问题#1") {
		t.Errorf("the good line of the bad file was replayed: %s", out)
	}
	if _, errs, code := c.run("replay", filepath.Join(t.TempDir(), "missing.jsonl")); code != 1 || !strings.Contains(errs, "打不开对话记录") {
		t.Errorf("missing file: exit %d, stderr %q", code, errs)
	}
	if _, _, code := c.run("replay"); code != 2 {
		t.Errorf("no file: exit %d, want 2", code)
	}
	// With two towns, --town says which.
	c.ok("import", "roster", "--town", "大镇", filepath.Join("testdata", "small-roster.csv"))
	if _, errs, code := c.run("replay", filepath.Join("testdata", "every-command.jsonl")); code != 1 || !strings.Contains(errs, "--town") {
		t.Errorf("two towns: exit %d, stderr %q", code, errs)
	}
	if out := c.ok("replay", "--town", "大镇", filepath.Join("testdata", "every-command.jsonl")); !strings.Contains(out, "问题#1") {
		t.Errorf("--town 大镇: %s", out)
	}
}

func TestChat(t *testing.T) {
	c := newCLI(t, "sqlite:"+filepath.Join(t.TempDir(), "t.db"))
	c.smallTown()
	var out, errb bytes.Buffer
	env := map[string]string{"GRIDBOT_DATABASE_URL": c.dbURL}
	e := newEnv(strings.NewReader("/loc 28.4005,121.5003\n上报 路灯坏了\n/as A1\n派发 #1 @王二\n"), &out, &errb, func(k string) string { return env[k] })
	e.Clock = c.clock
	defer e.Close()
	if code := run(context.Background(), e, []string{"chat", "--as", "A2", "--chat", "G-A"}); code != 0 {
		t.Fatalf("chat: exit %d, stderr %s", code, errb.String())
	}
	for _, w := range []string{"王二 打卡成功", "已登记 问题#1", "A1@G-A> 网格助手：问题#1 已派发给 王二", "网格助手 → dm:A2：陈一 把 问题#1 派发给你"} {
		if !strings.Contains(out.String(), w) {
			t.Errorf("chat output lacks %q:\n%s", w, out.String())
		}
	}
	if _, _, code := c.run("chat"); code != 2 {
		t.Errorf("chat without --as: exit %d, want 2", code)
	}
}
