package main

import (
	"strings"
	"testing"
)

// TestImportRefusedCreatesNoTown: a first roster with a bad row is refused
// and leaves no town behind, on both engines; --dry-run on a good one
// reports and creates nothing either.
func TestImportRefusedCreatesNoTown(t *testing.T) {
	engines(t, func(t *testing.T, c *cli) {
		dir := t.TempDir()
		rows := readCSV(t, ex("roster.csv"))
		rows = append(rows, []string{"U901", "错人", "组长", "海风村第一网格", "海风村", "东片管理区", "否", ""})
		bad := writeCSV(t, dir, "bad.csv", rows)
		if _, errs, code := c.run("import", "roster", "--town", "海风镇", bad); code == 0 || !strings.Contains(errs, "组长") {
			t.Fatalf("bad roster: exit %d, stderr %q", code, errs)
		}
		if _, errs, code := c.run("settle", "month", "2026-10"); code == 0 || !strings.Contains(errs, "还没有任何镇") {
			t.Fatalf("a refused first import left a town behind: exit %d, stderr %q", code, errs)
		}
		out := c.ok("import", "roster", "--town", "海风镇", "--dry-run", ex("roster.csv"))
		if !strings.Contains(out, "试运行") || !strings.Contains(out, "新增 62 人") {
			t.Fatalf("dry run: %q", out)
		}
		if _, errs, code := c.run("settle", "month", "2026-10"); code == 0 || !strings.Contains(errs, "还没有任何镇") {
			t.Fatalf("a dry run created the town: exit %d, stderr %q", code, errs)
		}
		c.ok("import", "roster", "--town", "海风镇", ex("roster.csv"))
		c.ok("settle", "month", "2026-10")
	})
}

// TestImportLeaversAndDryRun: a roster missing more than 10% of the town is
// refused unless --allow-leavers; a dry run of it says what would change
// and changes nothing; every import takes --dry-run.
func TestImportLeaversAndDryRun(t *testing.T) {
	engines(t, func(t *testing.T, c *cli) {
		c.importExamples()
		before := c.ok("settle", "month", "2026-10", "--json", "--at", "2026-11-01")
		dir := t.TempDir()
		rows := readCSV(t, ex("roster.csv"))
		partial := writeCSV(t, dir, "partial.csv", rows[:len(rows)-10]) // 10 of 62 people missing: 16%
		_, errs, code := c.run("import", "roster", partial)
		if code == 0 || !strings.Contains(errs, "缺少 10 人") || !strings.Contains(errs, "--allow-leavers") {
			t.Fatalf("partial roster: exit %d, stderr %q", code, errs)
		}
		out := c.ok("import", "roster", "--allow-leavers", "--dry-run", partial)
		if !strings.Contains(out, "试运行") || !strings.Contains(out, "10 人不在新名单中") {
			t.Fatalf("dry run with leavers: %q", out)
		}
		for _, args := range [][]string{
			{"import", "checkpoints", "--dry-run", ex("checkpoints.csv")},
			{"import", "base-points", "--dry-run", "2026-10", ex("base-points-2026-10.csv")},
			{"import", "checkins", "--dry-run", ex("checkins-2026-10.csv")},
		} {
			if out := c.ok(args...); !strings.Contains(out, "试运行") {
				t.Errorf("%v: %q", args, out)
			}
		}
		if after := c.ok("settle", "month", "2026-10", "--json", "--at", "2026-11-01"); after != before {
			t.Fatal("a refused import or a dry run changed the month")
		}
		// A few leavers (under 10%) need no flag.
		few := writeCSV(t, dir, "few.csv", rows[:len(rows)-3])
		if out := c.ok("import", "roster", few); !strings.Contains(out, "3 人不在新名单中") {
			t.Fatalf("few leavers: %q", out)
		}
		c.ok("import", "roster", "--allow-leavers", partial)
	})
}

// TestImportEveryErrorKindAtOnce: a bad number and an unknown user id are
// listed together, in line order, in one pass.
func TestImportEveryErrorKindAtOnce(t *testing.T) {
	engines(t, func(t *testing.T, c *cli) {
		c.importExamples()
		dir := t.TempDir()
		bp := writeCSV(t, dir, "bp.csv", [][]string{{"用户ID", "积分"}, {"U404", "10"}, {"U002", "四十"}, {"U003", "1"}})
		_, errs, code := c.run("import", "base-points", "2026-10", bp)
		i, j := strings.Index(errs, "第 2 行「用户ID」：未知用户ID「U404」"), strings.Index(errs, "第 3 行「积分」")
		if code == 0 || i < 0 || j < i || !strings.Contains(errs, "文件有 2 处错误") {
			t.Fatalf("exit %d, stderr %q", code, errs)
		}
		ci := writeCSV(t, dir, "ci.csv", [][]string{{"用户ID", "日期"}, {"U404", "2026-10-05"}, {"U003", "2026-13-01"}})
		if _, errs, _ := c.run("import", "checkins", ci); !strings.Contains(errs, "第 2 行") || !strings.Contains(errs, "第 3 行") {
			t.Fatalf("check-ins: %q", errs)
		}
		cp := writeCSV(t, dir, "cp.csv", [][]string{{"村", "名称", "纬度", "经度", "半径米"},
			{"无名村", "中心", "28.1", "121.4", "300"}, {"海风村", "中心", "abc", "121.4", "300"}})
		if _, errs, _ := c.run("import", "checkpoints", cp); !strings.Contains(errs, "未知村「无名村」") || !strings.Contains(errs, "第 3 行") {
			t.Fatalf("checkpoints: %q", errs)
		}
	})
}
