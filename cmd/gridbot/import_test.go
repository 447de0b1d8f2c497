package main

import (
	"encoding/csv"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestImportExamples imports the example town on both engines and checks the
// reports count what the files hold.
func TestImportExamples(t *testing.T) {
	engines(t, func(t *testing.T, c *cli) {
		for _, tc := range []struct {
			args []string
			want string
		}{
			{[]string{"import", "roster", "--town", "海风镇", ex("roster.csv")}, "新增 62 人"},
			{[]string{"import", "checkpoints", ex("checkpoints.csv")}, "新增 5 个"},
			{[]string{"import", "base-points", "2026-10", ex("base-points-2026-10.csv")}, "新增 60 人"},
			{[]string{"import", "checkins", ex("checkins-2026-10.csv")}, "新增 1485 条"},
		} {
			if out := c.ok(tc.args...); !strings.Contains(out, tc.want) || !strings.Contains(out, "海风镇") {
				t.Errorf("%v: want %q in %q", tc.args, tc.want, out)
			}
		}
		// The same check-ins again: one a day, nothing added.
		if out := c.ok("import", "checkins", ex("checkins-2026-10.csv")); !strings.Contains(out, "新增 0 条") {
			t.Errorf("second check-in import added something: %q", out)
		}
	})
}

// TestImportBadRowChangesNothing: a file with one bad row exits non-zero,
// names the line, and leaves the store exactly as it was.
func TestImportBadRowChangesNothing(t *testing.T) {
	engines(t, func(t *testing.T, c *cli) {
		c.importExamples()
		before := c.ok("settle", "month", "2026-10", "--json", "--at", "2026-11-01")

		// A re-import that would move U002 and add a person, with one bad row.
		dir := t.TempDir()
		rows := readCSV(t, ex("roster.csv"))
		rows[2][3] = "海风村第二网格" // U002 moves grid
		rows = append(rows, []string{"U900", "新人", "网格员", "海风村第一网格", "海风村", "东片管理区", "否", ""})
		rows = append(rows, []string{"U901", "错人", "组长", "海风村第一网格", "海风村", "东片管理区", "否", ""})
		bad := writeCSV(t, dir, "bad.csv", rows)
		_, errs, code := c.run("import", "roster", bad)
		if code == 0 || !strings.Contains(errs, "第 65 行") || !strings.Contains(errs, "组长") {
			t.Fatalf("bad roster: exit %d, stderr %q; want non-zero naming line 65 and the bad role", code, errs)
		}
		// Bad check-ins: a good row, then a bad date.
		badCheckins := writeCSV(t, dir, "checkins.csv", [][]string{{"用户ID", "日期"}, {"U002", "2026-10-05"}, {"U003", "2026-13-01"}})
		if _, errs, code := c.run("import", "checkins", badCheckins); code == 0 || !strings.Contains(errs, "第 3 行") {
			t.Fatalf("bad check-ins: exit %d, stderr %q", code, errs)
		}
		badPoints := writeCSV(t, dir, "bp.csv", [][]string{{"用户ID", "积分"}, {"U002", "99"}, {"U404", "10"}})
		if _, errs, code := c.run("import", "base-points", "2026-10", badPoints); code == 0 || !strings.Contains(errs, "第 3 行") {
			t.Fatalf("bad base points: exit %d, stderr %q", code, errs)
		}
		after := c.ok("settle", "month", "2026-10", "--json", "--at", "2026-11-01")
		if before != after {
			t.Fatalf("a refused import changed the month's results")
		}
	})
}

// TestImportGBKRoster: Excel on Chinese Windows saves GBK; names must survive.
func TestImportGBKRoster(t *testing.T) {
	c := newCLI(t, "sqlite:"+filepath.Join(t.TempDir(), "t.db"))
	c.ok("import", "roster", "--town", "海风镇", ex("roster-gbk.csv"))
	// One check-in: a month before the town's first record is not scored.
	c.ok("import", "checkins", writeFile(t, "c.csv", "用户ID,日期\nU001,2026-10-05\n"))
	out := c.ok("settle", "month", "2026-10", "--json")
	if !strings.Contains(out, `"name": "蔡志强"`) || !strings.Contains(out, `"grid": "海风村第一网格"`) {
		t.Fatalf("GBK names garbled:\n%.400s", out)
	}
}

// TestTowns: the first import creates the town; with two towns a command
// without --town refuses and names them; each town sees only its own people.
func TestTowns(t *testing.T) {
	c := newCLI(t, "sqlite:"+filepath.Join(t.TempDir(), "t.db"))
	if _, errs, code := c.run("settle", "month", "2026-10"); code == 0 || !strings.Contains(errs, "import roster") {
		t.Fatalf("no town yet: exit %d, %q", code, errs)
	}
	c.ok("import", "roster", "--town", "海风镇", ex("roster.csv"))
	dir := t.TempDir()
	other := writeCSV(t, dir, "other.csv", [][]string{
		{"用户ID", "姓名", "角色", "网格", "村", "管理区", "党员", "手机"},
		{"U001", "另一人", "网格长", "山前村第一网格", "山前村", "南片", "是", ""},
		{"U002", "又一人", "网格员", "山前村第一网格", "山前村", "南片", "否", ""},
	})
	c.ok("import", "roster", "--town", "山前镇", other)
	if _, errs, code := c.run("settle", "month", "2026-10"); code == 0 || !strings.Contains(errs, "海风镇") || !strings.Contains(errs, "山前镇") {
		t.Fatalf("two towns without --town: exit %d, %q", code, errs)
	}
	c.ok("import", "checkins", "--town", "山前镇", writeFile(t, "c.csv", "用户ID,日期\nU001,2026-10-05\n"))
	out := c.ok("settle", "month", "2026-10", "--json", "--town", "山前镇")
	if !strings.Contains(out, "另一人") || strings.Contains(out, "蔡志强") {
		t.Fatalf("town 山前镇 sees the wrong people:\n%.400s", out)
	}
	if _, errs, code := c.run("settle", "month", "2026-10", "--town", "无此镇"); code == 0 || !strings.Contains(errs, "无此镇") {
		t.Fatalf("unknown town: exit %d, %q", code, errs)
	}
}

func readCSV(t *testing.T, path string) [][]string {
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

func writeCSV(t *testing.T, dir, name string, rows [][]string) string {
	path := filepath.Join(dir, name)
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	w := csv.NewWriter(f)
	if err := w.WriteAll(rows); err != nil {
		t.Fatal(err)
	}
	f.Close()
	return path
}
