package main

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

// TestExportSheetsAClerkCanHandOver: on both engines, every workbook has a
// title row (town, period, 截至), a frozen header, fitted column widths,
// names beside ids, Chinese words only (no TRUE/FALSE, no tier or payout
// codes), 名次 in rank order, 合计 rows, a payout sheet with one row per
// payee, the 网格运行指数 sheet, mode 0644, and gridbot as its creator at
// the clock's now.
func TestExportSheetsAClerkCanHandOver(t *testing.T) {
	engines(t, func(t *testing.T, c *cli) {
		c.importExamples()
		dir := t.TempDir()
		for _, tc := range []struct {
			kind, period, payees string
			sheets               string
		}{
			{"month", "2026-10", "发放清单", "排名,积分明细,发放清单,网格运行指数"},
			{"quarter", "2026Q4", "发放清单", "发放清单,发放明细,网格团队,网格运行指数"},
			{"year", "2026", "发放清单", "发放清单,村(居),网格,网格员(长)"},
		} {
			path := filepath.Join(dir, tc.period+".xlsx")
			c.ok("export", tc.kind, tc.period, path, "--at", "2026-12-31 18:00")
			fi, err := os.Stat(path)
			if err != nil {
				t.Fatal(err)
			}
			if fi.Mode().Perm() != 0o644 {
				t.Errorf("%s: mode %v, want 0644", tc.period, fi.Mode().Perm())
			}
			f, err := excelize.OpenFile(path)
			if err != nil {
				t.Fatal(err)
			}
			props, err := f.GetDocProps()
			if err != nil || props.Creator != "gridbot" {
				t.Errorf("%s: creator %q (%v)", tc.period, props.Creator, err)
			}
			if created, err := time.Parse(time.RFC3339, props.Created); err != nil || !created.Equal(c.clock.Now()) {
				t.Errorf("%s: created %q, want %v", tc.period, props.Created, c.clock.Now())
			}
			if got := strings.Join(f.GetSheetList(), ","); !strings.HasPrefix(got, tc.sheets) {
				t.Errorf("%s: sheets %s, want %s", tc.period, got, tc.sheets)
			}
			for _, name := range f.GetSheetList() {
				rows, _ := f.GetRows(name)
				if len(rows) < 2 {
					t.Errorf("%s/%s: %d rows", tc.period, name, len(rows))
					continue
				}
				if title := rows[0][0]; !strings.Contains(title, "海风镇") || !strings.Contains(title, "截至 2026-12-31 18:00") {
					t.Errorf("%s/%s: title %q", tc.period, name, title)
				}
				panes, err := f.GetPanes(name)
				if err != nil || !panes.Freeze || panes.YSplit != 2 {
					t.Errorf("%s/%s: panes %+v (%v)", tc.period, name, panes, err)
				}
				if w, _ := f.GetColWidth(name, "A"); w < 6 {
					t.Errorf("%s/%s: column A width %v", tc.period, name, w)
				}
				for i, r := range rows {
					for _, v := range r {
						switch v {
						case "TRUE", "FALSE", "true", "false", "star", "team", "publicity", "photo", "story", "none",
							"excellent_leader", "excellent_member":
							t.Errorf("%s/%s row %d: a code or boolean %q: %q", tc.period, name, i+1, v, r)
						}
					}
				}
				if h := rows[1]; h[0] == "名次" && name != "网格运行指数" {
					last := 0
					for _, r := range rows[2:] {
						if len(r) == 0 || r[0] == "" || r[0] == "合计" {
							continue
						}
						n, err := strconv.Atoi(r[0])
						if err != nil || n < last {
							t.Errorf("%s/%s: 名次 %q after %d", tc.period, name, r[0], last)
							break
						}
						last = n
					}
				}
			}
			pay, _ := f.GetRows(tc.payees)
			if pay[len(pay)-1][0] != "合计" {
				t.Errorf("%s: payout sheet without a 合计 row: %q", tc.period, pay[len(pay)-1])
			}
			seen := map[string]bool{}
			for _, r := range pay[2 : len(pay)-1] {
				key := strings.Join(r[1:4], "|")
				if seen[key] {
					t.Errorf("%s: payee %s twice", tc.period, key)
				}
				seen[key] = true
			}
			f.Close()
		}
		// Names beside ids in the quarter's payouts.
		f, _ := excelize.OpenFile(filepath.Join(dir, "2026Q4.xlsx"))
		defer f.Close()
		rows, _ := f.GetRows("发放明细")
		if len(rows) < 4 || rows[2][1] == rows[2][2] || rows[2][3] == "" || rows[2][4] == "" {
			t.Errorf("quarter payout detail lacks names, grids or villages: %q", rows[2])
		}
		// Another file type is refused, in Chinese.
		_, errs, code := c.run("export", "month", "2026-10", filepath.Join(dir, "x.csv"))
		if code == 0 || !strings.Contains(errs, "只能导出 Excel 工作簿 (.xlsx)") {
			t.Errorf("export to .csv: exit %d, %q", code, errs)
		}
	})
}
