package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"gridbot"
)

// TestReviewOnTheCommandLine: a month before the town's first record is
// "not started" (no −15s) and cannot be published; --preview changes
// nothing; a quarter needs its months published and must be unpublished
// before them; unpublish needs a reason and sends the correction; gridbot
// audit lists every step with who did it, filters by day and exports to
// .xlsx and .csv, and refuses another file type in Chinese. On both engines.
func TestReviewOnTheCommandLine(t *testing.T) {
	engines(t, func(t *testing.T, c *cli) {
		c.importExamples()
		c.clock.Set(time.Date(2026, 11, 2, 9, 0, 0, 0, gridbot.Zone))
		if out := c.ok("settle", "month", "2026-09"); !strings.Contains(out, "本镇该月尚未开始使用 gridbot") || strings.Contains(out, "-15") {
			t.Errorf("settle a month before the first record:\n%s", out)
		}
		if out := c.ok("settle", "month", "2026-09", "--json"); !strings.Contains(out, `"not_started": true`) || !strings.Contains(out, `"members": []`) {
			t.Errorf("settle --json of a month not started:\n%s", out)
		}
		if _, errs, code := c.run("publish", "month", "2026-09"); code == 0 || !strings.Contains(errs, "2026-09 本镇没有任何记录") {
			t.Errorf("publishing an empty month: exit %d %q", code, errs)
		}
		out := c.ok("publish", "month", "2026-10", "--preview")
		if !strings.Contains(out, "【发布预览】2026-10 尚未发布") || !strings.Contains(out, "确认发布 2026-10") {
			t.Errorf("preview:\n%s", out)
		}
		if table := c.ok("settle", "month", "2026-10"); strings.Contains(table, "已发布") {
			t.Fatal("--preview published the month")
		}
		c.ok("publish", "month", "2026-10")
		if _, errs, code := c.run("unpublish", "month", "2026-10"); code == 0 || !strings.Contains(errs, "理由") {
			t.Errorf("unpublish without a reason: exit %d %q", code, errs)
		}
		if _, errs, code := c.run("publish", "quarter", "2026Q4"); code == 0 || !strings.Contains(errs, "尚未结束") {
			t.Errorf("a running quarter: exit %d %q", code, errs)
		}
		c.clock.Set(time.Date(2027, 1, 2, 9, 0, 0, 0, gridbot.Zone))
		if out := c.ok("publish", "quarter", "2026Q4"); !strings.Contains(out, "2026Q4 季度考核结果") {
			t.Errorf("publish quarter:\n%s", out)
		}
		if _, errs, code := c.run("unpublish", "month", "2026-10", "--reason", "x"); code == 0 || !strings.Contains(errs, "请先撤销发布 2026Q4") {
			t.Errorf("unpublishing a month of a published quarter: exit %d %q", code, errs)
		}
		c.ok("unpublish", "quarter", "2026Q4", "--reason", "团队人数有误")
		out = c.ok("unpublish", "month", "2026-10", "--reason", "漏导入部分打卡记录")
		if !strings.Contains(out, "2026-10 排名撤销发布：漏导入部分打卡记录。更正后将重新发布。") {
			t.Errorf("unpublish month:\n%s", out)
		}
		// Unfrozen: October takes imports again.
		c.ok("import", "checkins", writeFile(t, "late.csv", "用户ID,日期\nU002,2026-10-31\n"))

		out = c.ok("audit")
		for _, want := range []string{"操作人", "命令行", "发布", "撤销发布", "2026Q4", "团队人数有误", "漏导入部分打卡记录", "原结果"} {
			if !strings.Contains(out, want) {
				t.Errorf("audit lacks %q:\n%s", want, out)
			}
		}
		if out := c.ok("audit", "--to", "2026-11-30"); strings.Count(out, "命令行") != 1 || strings.Contains(out, "2026Q4") {
			t.Errorf("audit --to 2026-11-30:\n%s", out)
		}
		if out := c.ok("audit", "--from", "2027-01-03"); !strings.Contains(out, "没有记录") {
			t.Errorf("audit --from a later day:\n%s", out)
		}
		dir := t.TempDir()
		csvPath, xlsxPath := filepath.Join(dir, "审计.csv"), filepath.Join(dir, "审计.xlsx")
		c.ok("audit", "--export", csvPath)
		data, err := os.ReadFile(csvPath)
		if err != nil || !strings.HasPrefix(string(data), "\ufeff时间,操作人,操作,对象,理由,说明\n") || strings.Count(string(data), "\n") != 5 {
			t.Errorf("audit.csv (%v):\n%s", err, data)
		}
		if st, err := os.Stat(csvPath); err != nil || st.Mode().Perm() != 0o644 {
			t.Errorf("audit.csv mode: %v %v", st, err)
		}
		if out := c.ok("audit", "--export", xlsxPath); !strings.Contains(out, "已导出 4 条审计记录") {
			t.Errorf("audit --export xlsx: %s", out)
		}
		if _, errs, code := c.run("audit", "--export", filepath.Join(dir, "a.txt")); code == 0 || !strings.Contains(errs, "只能导出 .xlsx 或 .csv") {
			t.Errorf("audit --export .txt: exit %d %q", code, errs)
		}
	})
}
