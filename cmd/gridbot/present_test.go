package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"gridbot"
	"gridbot/present"
)

// otherTiers is a town's rules file that pays other places other amounts:
// places 1-3 are 月度网格之星 with 800 yuan, 4-10 get 200 yuan and have no
// label, so their words are derived from the places.
func otherTiers(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile("../../scoring/rules/binhai-2020.yaml")
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	old := `    - { name: "star", label: "月度网格之星", to_place: 5,  yuan: 500 }
    - { name: "300",  label: "300元奖励",   to_place: 20, yuan: 300 }
    - { name: "100",  label: "100元奖励",   to_place: 50, yuan: 100 }
`
	if !strings.Contains(s, old) {
		t.Fatal("the default rules file's tiers have changed; update this test")
	}
	s = strings.Replace(s, old, `    - { name: "star", label: "月度网格之星", to_place: 3,  yuan: 800 }
    - { name: "300",  to_place: 10, yuan: 200 }
`, 1)
	path := filepath.Join(t.TempDir(), "rules.yaml")
	if err := os.WriteFile(path, []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestTierWordsFollowTheRulesFile: with other tier places and amounts in the
// rules file, the 排行 reply, the announcement and the spreadsheet all say
// the rules' places, labels and amounts, and none says the 2020 ones; the
// --json contract keeps its tier codes.
func TestTierWordsFollowTheRulesFile(t *testing.T) {
	db := filepath.Join(t.TempDir(), "demo.db")
	c := newCLI(t, "sqlite:"+db)
	c.env = map[string]string{"GRIDBOT_RULES": otherTiers(t)}
	c.ok("demo", "--db", db, "--quiet")

	// 排行 in the chat, the day after the month.
	line := `{"at": "2026-11-01T10:00:00+08:00", "from": "U002", "chat": "G-HF-01", "text": "@网格助手 排行 2026-10"}` + "\n"
	transcript := filepath.Join(t.TempDir(), "rank.jsonl")
	if err := os.WriteFile(transcript, []byte(line), 0o644); err != nil {
		t.Fatal(err)
	}
	var reply struct{ Text string }
	mustJSON(t, c.ok("replay", transcript), &reply)

	c.clock.Set(time.Date(2026, 11, 2, 9, 0, 0, 0, gridbot.Zone))
	announcement := c.ok("publish", "month", "2026-10")
	var month struct {
		Members []struct {
			UserID string `json:"userid"`
			Name   string `json:"name"`
			Grid   string `json:"grid"`
			Days   int    `json:"checkin_days"`
			Total  float64
			Rank   *int
			Tier   string
			Reward int `json:"reward_yuan"`
		}
	}
	mustJSON(t, c.ok("settle", "month", "2026-10", "--json"), &month)
	sheet := filepath.Join(t.TempDir(), "2026-10.xlsx")
	c.ok("export", "month", "2026-10", sheet)
	f, err := excelize.OpenFile(sheet)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	ranking, _ := f.GetRows("排名")
	payouts, _ := f.GetRows("发放清单")

	words := map[string]struct {
		label, title string
		yuan         int
	}{"star": {"月度网格之星", "月度网格之星（第1-3名，800元）", 800}, "300": {"第4-10名", "第4-10名（200元）", 200}}
	ranked, total := 0, 0
	for i, m := range month.Members {
		if m.Rank == nil {
			continue
		}
		ranked++
		want, ok := words[m.Tier]
		if !ok || m.Reward != want.yuan {
			t.Fatalf("%s at place %d: tier %q, %d yuan", m.UserID, *m.Rank, m.Tier, m.Reward)
		}
		total += m.Reward
		if chat := fmt.Sprintf("%d. %s（%s）%s 分，打卡 %d 天 · %s", *m.Rank, m.Name, m.Grid, present.Num(m.Total), m.Days, want.label); !strings.Contains(reply.Text, chat) {
			t.Errorf("排行 lacks %q:\n%s", chat, reply.Text)
		}
		if row := ranking[i+2]; row[3] != m.UserID || row[11] != want.label || row[12] != fmt.Sprint(want.yuan) {
			t.Errorf("排名 sheet row %d: %q, want %s with %s and %d", i+3, row, m.UserID, want.label, want.yuan)
		}
		if row := payouts[ranked+1]; row[3] != m.UserID || row[6] != want.label || row[7] != fmt.Sprint(want.yuan) {
			t.Errorf("发放清单 row %d: %q, want %s with %s and %d", ranked+2, row, m.UserID, want.label, want.yuan)
		}
	}
	if ranked < 4 {
		t.Fatalf("%d ranked: the demo month should fill both tiers", ranked)
	}
	if last := payouts[len(payouts)-1]; len(payouts) != ranked+3 || last[0] != "合计" || last[7] != fmt.Sprint(total) {
		t.Errorf("发放清单 ends with %q after %d rows, want 合计 %d after %d payees", last, len(payouts), total, ranked)
	}
	for _, w := range []string{"\n**月度网格之星（第1-3名，800元）**\n1. ", "\n**第4-10名（200元）**\n4. "} {
		if !strings.Contains(announcement, w) {
			t.Errorf("announcement lacks %q:\n%s", w, announcement)
		}
	}
	for _, text := range []string{reply.Text, announcement, fmt.Sprint(ranking), fmt.Sprint(payouts)} {
		for _, old := range []string{"300元", "100元", "500元", "第6-20名", "第21-50名", "三百元", "一百元"} {
			if strings.Contains(text, old) {
				t.Errorf("the 2020 words %q in:\n%s", old, text)
			}
		}
	}
}
