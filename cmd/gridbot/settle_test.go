package main

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"gridbot"
)

// TestSettleMonthJSONContract: every member and leader of the example town
// appears with the contract's fields; office staff never do; check-in days
// match the imported file; rank is null exactly when not eligible.
func TestSettleMonthJSONContract(t *testing.T) {
	engines(t, func(t *testing.T, c *cli) {
		c.importExamples()
		out := c.ok("settle", "month", "2026-10", "--json", "--at", "2026-11-01")
		var res struct {
			Month   string           `json:"month"`
			Members []map[string]any `json:"members"`
		}
		if err := json.Unmarshal([]byte(out), &res); err != nil {
			t.Fatalf("not JSON: %v\n%.300s", err, out)
		}
		if res.Month != "2026-10" || len(res.Members) != 60 {
			t.Fatalf("month %q with %d members, want 2026-10 with the 60 members and leaders", res.Month, len(res.Members))
		}
		days := checkinDaysFromFile(t)
		leaders := 0
		for _, m := range res.Members {
			for _, k := range []string{"userid", "name", "grid", "village", "role", "checkin_days", "total", "eligible", "rank", "tier", "reward_yuan", "items"} {
				if _, ok := m[k]; !ok {
					t.Fatalf("member %v lacks %q", m["userid"], k)
				}
			}
			uid := m["userid"].(string)
			if uid == "U061" || uid == "U062" || m["role"] == string(gridbot.RoleOffice) {
				t.Fatalf("office staff %s ranked", uid)
			}
			if m["role"] == string(gridbot.RoleLeader) {
				leaders++
			}
			if got := int(m["checkin_days"].(float64)); got != days[uid] {
				t.Errorf("%s: checkin_days %d, the file has %d", uid, got, days[uid])
			}
			if (m["rank"] == nil) == m["eligible"].(bool) {
				t.Errorf("%s: eligible=%v but rank=%v", uid, m["eligible"], m["rank"])
			}
			if m["eligible"].(bool) && (m["total"].(float64) < 50 || days[uid] < 20) {
				t.Errorf("%s eligible with %v points and %d days", uid, m["total"], days[uid])
			}
		}
		if leaders != 9 {
			t.Errorf("%d leaders in the month, want the 9 grid leaders", leaders)
		}
	})
}

func checkinDaysFromFile(t *testing.T) map[string]int {
	days := map[string]int{}
	seen := map[string]bool{}
	for _, r := range readCSV(t, ex("checkins-2026-10.csv"))[1:] {
		if k := r[0] + r[1]; !seen[k] {
			seen[k] = true
			days[r[0]]++
		}
	}
	return days
}

// TestPublishFreezesTheMonth: published results never change, a month is
// published once, and not before it ends.
func TestPublishFreezesTheMonth(t *testing.T) {
	engines(t, func(t *testing.T, c *cli) {
		c.importExamples()
		c.clock.Set(time.Date(2026, 10, 31, 20, 0, 0, 0, gridbot.Zone))
		if _, errs, code := c.run("publish", "month", "2026-10"); code == 0 || !strings.Contains(errs, "尚未结束") {
			t.Fatalf("publishing a running month: exit %d, %q", code, errs)
		}
		c.clock.Set(time.Date(2026, 11, 2, 9, 0, 0, 0, gridbot.Zone))
		out := c.ok("publish", "month", "2026-10")
		if !strings.Contains(out, "已发布") || !strings.Contains(out, "月度网格之星") {
			t.Fatalf("publish output lacks the announcement:\n%s", out)
		}
		frozen := c.ok("settle", "month", "2026-10", "--json")
		// New facts for October after publication are refused, naming the month.
		bp := writeCSV(t, t.TempDir(), "bp.csv", [][]string{{"用户ID", "积分"}, {"U002", "500"}})
		if _, errs, code := c.run("import", "base-points", "2026-10", bp); code == 0 || !strings.Contains(errs, "2026-10 已发布") || !strings.Contains(errs, "调整") {
			t.Fatalf("base points into a published month: exit %d, %q", code, errs)
		}
		chk := writeCSV(t, t.TempDir(), "chk.csv", [][]string{{"用户ID", "日期"}, {"U002", "2026-10-31"}})
		if out, errs, code := c.run("import", "checkins", chk); code == 0 || !strings.Contains(errs, "2026-10 已发布") || strings.Contains(out, "新增") {
			t.Fatalf("check-ins into a published month: exit %d, %q %q", code, out, errs)
		}
		if again := c.ok("settle", "month", "2026-10", "--json", "--at", "2026-12-01"); again != frozen {
			t.Fatalf("a published month changed after new facts")
		}
		if table := c.ok("settle", "month", "2026-10"); !strings.Contains(table, "已发布（冻结）") {
			t.Fatalf("table does not say the month is frozen:\n%.200s", table)
		}
		if _, errs, code := c.run("publish", "month", "2026-10"); code == 0 || !strings.Contains(errs, "已发布") {
			t.Fatalf("second publish: exit %d, %q", code, errs)
		}
	})
}

// TestSettleQuarterAndYear checks the quarter's payout list against the
// month's rewards, and the year's contract fields.
func TestSettleQuarterAndYear(t *testing.T) {
	c := newCLI(t, "sqlite:"+filepath.Join(t.TempDir(), "t.db"))
	c.importExamples()
	var month struct {
		Members []struct {
			UserID string `json:"userid"`
			Tier   string `json:"tier"`
			Reward int    `json:"reward_yuan"`
		} `json:"members"`
	}
	mustJSON(t, c.ok("settle", "month", "2026-10", "--json", "--at", "2026-11-01"), &month)
	monthYuan := 0
	for _, m := range month.Members {
		monthYuan += m.Reward
	}
	var q struct {
		Quarter string `json:"quarter"`
		Teams   []struct {
			Grid      string  `json:"grid"`
			Score     float64 `json:"score"`
			Rank      int     `json:"rank"`
			AwardYuan int     `json:"award_yuan"`
		} `json:"teams"`
		Payouts []struct {
			Kind   string `json:"kind"`
			Payee  string `json:"payee"`
			Amount int    `json:"amount_yuan"`
			Ref    string `json:"ref"`
		} `json:"payouts"`
		Total int `json:"total_yuan"`
	}
	mustJSON(t, c.ok("settle", "quarter", "2026Q4", "--json", "--at", "2026-11-01"), &q)
	if q.Quarter != "2026Q4" || len(q.Teams) != 9 {
		t.Fatalf("quarter %q with %d teams, want 2026Q4 with 9", q.Quarter, len(q.Teams))
	}
	sum, starYuan, teamYuan := 0, 0, 0
	for _, p := range q.Payouts {
		sum += p.Amount
		switch p.Kind {
		case "star", "300", "100":
			starYuan += p.Amount
			if p.Ref != "2026-10" {
				t.Errorf("month reward with ref %q", p.Ref)
			}
		case "team":
			teamYuan += p.Amount
		}
	}
	if starYuan != monthYuan || sum != q.Total || teamYuan != 9*1000 {
		t.Fatalf("payouts: month rewards %d (month says %d), teams %d (9 teams ≤ 10 all win 1000), sum %d, total %d",
			starYuan, monthYuan, teamYuan, sum, q.Total)
	}
	var y struct {
		Year     string           `json:"year"`
		Members  []map[string]any `json:"members"`
		Grids    []map[string]any `json:"grids"`
		Villages []map[string]any `json:"villages"`
	}
	mustJSON(t, c.ok("settle", "year", "2026", "--json", "--at", "2026-11-01"), &y)
	if y.Year != "2026" || len(y.Members) != 60 || len(y.Grids) != 9 || len(y.Villages) != 3 {
		t.Fatalf("year: %q, %d members, %d grids, %d villages", y.Year, len(y.Members), len(y.Grids), len(y.Villages))
	}
	for _, k := range []string{"userid", "role", "annual_points", "award", "award_yuan", "party_flag"} {
		if _, ok := y.Members[0][k]; !ok {
			t.Fatalf("year member lacks %q", k)
		}
	}
	// Only October has check-ins: January to September, before the town used
	// gridbot, must not book attendance and grid penalties against anyone.
	october := map[string]float64{}
	var full struct {
		Members []struct {
			UserID string  `json:"userid"`
			Total  float64 `json:"total"`
		} `json:"members"`
	}
	mustJSON(t, c.ok("settle", "month", "2026-10", "--json", "--at", "2026-11-01"), &full)
	for _, m := range full.Members {
		october[m.UserID] = m.Total
	}
	for _, m := range y.Members {
		if got, want := m["annual_points"].(float64), october[m["userid"].(string)]; got != want {
			t.Fatalf("%v: annual points %v, want October's %v", m["userid"], got, want)
		}
	}
	for _, k := range []string{"village", "score", "rank", "award_yuan", "bottom_half", "santong"} {
		if _, ok := y.Villages[0][k]; !ok {
			t.Fatalf("village lacks %q", k)
		}
	}
}

// TestExportWritesTheOfficeSheets: the month workbook has the ranking, one
// row per item, and the payouts.
func TestExportWritesTheOfficeSheets(t *testing.T) {
	c := newCLI(t, "sqlite:"+filepath.Join(t.TempDir(), "t.db"))
	c.importExamples()
	path := filepath.Join(t.TempDir(), "2026-10.xlsx")
	c.ok("export", "month", "2026-10", path, "--at", "2026-11-01")
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if got := f.GetSheetList(); strings.Join(got, ",") != "排名,积分明细,发放清单,网格运行指数" {
		t.Fatalf("sheets %v", got)
	}
	rank, _ := f.GetRows("排名")
	if len(rank) != 63 || rank[1][3] != "用户ID" || rank[62][0] != "合计" {
		t.Fatalf("ranking sheet has %d rows (want title + header + 60 + 合计)", len(rank))
	}
	q := filepath.Join(t.TempDir(), "q.xlsx")
	c.ok("export", "quarter", "2026Q4", q, "--at", "2026-11-01")
	y := filepath.Join(t.TempDir(), "y.xlsx")
	c.ok("export", "year", "2026", y, "--at", "2026-11-01")
}

func mustJSON(t *testing.T, s string, v any) {
	t.Helper()
	if err := json.Unmarshal([]byte(s), v); err != nil {
		t.Fatalf("not JSON: %v\n%.300s", err, s)
	}
}

// TestSettleMonthJSONParts: settle --at inside the month keeps total and
// items as if the month ended then, and adds the parts: certain_points (the
// total less the month-end items), the five month-end conditions by rule,
// unknown and next_steps, and a provisional live_rank for everyone; after
// the month, with every base point imported, the parts are final.
func TestSettleMonthJSONParts(t *testing.T) {
	c := newCLI(t, "sqlite:"+filepath.Join(t.TempDir(), "g.db"))
	c.importExamples()
	type month struct {
		Ended    bool `json:"month_ended"`
		Complete bool `json:"base_points_complete"`
		Members  []struct {
			UserID  string  `json:"userid"`
			Total   float64 `json:"total"`
			Certain float64 `json:"certain_points"`
			Live    float64 `json:"live_points"`
			Rank    *int    `json:"live_rank"`
			Unknown []string
			Items   []struct {
				Rule     string  `json:"rule"`
				Points   float64 `json:"points"`
				MonthEnd bool    `json:"month_end"`
			} `json:"items"`
			Pending []struct {
				Rule string `json:"rule"`
			} `json:"pending"`
			Steps []struct {
				Rule, Unit string
				Need       float64
				Possible   bool
			} `json:"next_steps"`
		} `json:"members"`
	}
	var mid, end month
	mustJSON(t, c.ok("settle", "month", "2026-10", "--json", "--at", "2026-10-15"), &mid)
	mustJSON(t, c.ok("settle", "month", "2026-10", "--json", "--at", "2026-11-01"), &end)
	if mid.Ended || !mid.Complete || !end.Ended || !end.Complete {
		t.Fatalf("mid-month ended %v complete %v; after ended %v complete %v", mid.Ended, mid.Complete, end.Ended, end.Complete)
	}
	for _, m := range mid.Members {
		monthEnd := 0.0
		for _, it := range m.Items {
			if it.MonthEnd {
				monthEnd += it.Points
			}
		}
		var rules []string
		for _, p := range m.Pending {
			rules = append(rules, p.Rule)
		}
		if m.Total != m.Certain+monthEnd || m.Live != m.Certain || m.Rank == nil ||
			strings.Join(rules, " ") != "R-ATT-FULL R-ATT-20 R-ATT-LOW R-GRID-ISSUES R-GRID-ACTS" || len(m.Unknown) != 0 {
			t.Errorf("%s mid-month: total %v = certain %v + month-end %v? live %v rank %v pending %v unknown %v",
				m.UserID, m.Total, m.Certain, monthEnd, m.Live, m.Rank, rules, m.Unknown)
		}
	}
	for _, m := range end.Members {
		if m.Total != m.Certain || m.Rank != nil || len(m.Pending) != 0 || len(m.Steps) != 0 {
			t.Errorf("%s after the month: total %v certain %v live rank %v pending %d steps %d", m.UserID, m.Total, m.Certain, m.Rank,
				len(m.Pending), len(m.Steps))
		}
	}
}
