package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// TestCommandLineErrorsAreChinese: the flag package's and the file system's
// English never reaches the office.
func TestCommandLineErrorsAreChinese(t *testing.T) {
	c := newCLI(t, "sqlite:"+filepath.Join(t.TempDir(), "t.db"))
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"import", "roster", "--bogus", "x.csv"}, "未知选项 -bogus。用 gridbot import -h 查看用法。"},
		{[]string{"settle", "month", "2026-10", "--at"}, "选项 -at 后面要跟一个值。"},
		{[]string{"import", "roster", "--dry-run=maybe", "x.csv"}, "选项 -dry-run 的值「maybe」无效"},
		{[]string{"export", "month", "2026-10", "out.pdf"}, "只能导出 Excel 工作簿 (.xlsx)"},
		{[]string{"import", "roster", "--town", "海风镇", "不存在.csv"}, "找不到文件 不存在.csv"},
	} {
		_, errs, code := c.run(tc.args...)
		if code == 0 || !strings.Contains(errs, tc.want) {
			t.Errorf("%v: exit %d, stderr %q; want %q", tc.args, code, errs, tc.want)
		}
		if strings.Contains(errs, "flag provided") || strings.Contains(errs, "no such file") || strings.Contains(errs, "needs an argument") {
			t.Errorf("%v: English in %q", tc.args, errs)
		}
	}
	bad := writeFile(t, "roster.xlsx", "not a workbook")
	if _, errs, _ := c.run("import", "roster", "--town", "海风镇", bad); !strings.Contains(errs, "不支持的文件格式") ||
		strings.Contains(errs, "unsupported workbook") {
		t.Errorf("a broken workbook: %q", errs)
	}
}

// TestReadmeExamplesExist: the README's examples name files of the
// repository and commands of the binary, and describe the JSON contract
// themselves rather than pointing outside the repository.
func TestReadmeExamplesExist(t *testing.T) {
	data, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	readme := string(data)
	for _, m := range regexp.MustCompile(`examples/[\p{L}\p{N}_./-]+\.(?:csv|xlsx|jsonl)`).FindAllString(readme, -1) {
		if _, err := os.Stat(filepath.Join("..", "..", m)); err != nil {
			t.Errorf("README names %s, which does not exist", m)
		}
	}
	blocks := strings.Split(readme, "```")
	for i := 1; i < len(blocks); i += 2 { // the fenced code blocks
		for _, m := range regexp.MustCompile("(?m)^gridbot ([a-z]+) ").FindAllStringSubmatch(blocks[i], -1) {
			if _, ok := subcommands[m[1]]; !ok {
				t.Errorf("README runs gridbot %s, which is no command", m[1])
			}
		}
	}
	if strings.Contains(readme, "shared/spec/commands.md") {
		t.Error("README points at commands.md outside the repository for the JSON contract")
	}
	for _, w := range []string{"go install ./cmd/gridbot", "examples/transcripts/demo-2026-10.jsonl", "`/loc 纬度,经度 [消息]`",
		"### The JSON of `settle --json`"} {
		if !strings.Contains(readme, w) {
			t.Errorf("README lacks %q", w)
		}
	}
}

// TestYearPartyFlagDecemberToJanuary: on both engines, 月度网格之星 in
// December 2025 and January 2026 flag a member in 2026 (R-Y-PARTY), read
// from the store's previous December; min_points keeps the award itself out.
func TestYearPartyFlagDecemberToJanuary(t *testing.T) {
	engines(t, func(t *testing.T, c *cli) {
		data, err := os.ReadFile("../../scoring/rules/binhai-2020.yaml")
		if err != nil {
			t.Fatal(err)
		}
		rules := strings.ReplaceAll(string(data), "    # min_points: 300", "    min_points: 5000")
		if strings.Count(rules, "min_points: 5000") != 2 {
			t.Fatalf("rules edit did not apply")
		}
		c.env = map[string]string{"GRIDBOT_RULES": writeFile(t, "rules.yaml", rules)}
		c.ok("import", "roster", "--town", "海风镇", ex("roster.csv"))
		dir := t.TempDir()
		checkins := [][]string{{"用户ID", "日期"}}
		for _, month := range []string{"2025-12", "2026-01"} {
			for d := 1; d <= 25; d++ {
				checkins = append(checkins, []string{"U002", month + "-" + twoDigits(d)})
			}
			c.ok("import", "base-points", month, writeCSV(t, dir, month+".csv", [][]string{{"用户ID", "积分"}, {"U002", "200"}}))
		}
		c.ok("import", "checkins", writeCSV(t, dir, "checkins.csv", checkins))
		var year struct {
			Members []struct {
				UserID string  `json:"userid"`
				Award  string  `json:"award"`
				Flag   *string `json:"party_flag"`
				Reason string  `json:"party_reason"`
				Stars  []string
			}
			Notes []string
		}
		mustJSON(t, c.ok("settle", "year", "2026", "--json", "--at", "2026-02-01"), &year)
		found := false
		for _, m := range year.Members {
			if m.Award != "none" {
				t.Errorf("%s awarded %s despite min_points", m.UserID, m.Award)
			}
			if m.UserID != "U002" {
				continue
			}
			found = true
			if m.Flag == nil || *m.Flag != "优先入党培养对象" || !strings.Contains(m.Reason, "2025-12、2026-01") ||
				len(m.Stars) != 1 || m.Stars[0] != "2026-01" {
				t.Errorf("U002: flag %v reason %q stars %v", m.Flag, m.Reason, m.Stars)
			}
		}
		if !found || !strings.Contains(strings.Join(year.Notes, "\n"), "年度积分不低于5000分") {
			t.Errorf("found %v notes %q", found, year.Notes)
		}
	})
}

func twoDigits(n int) string {
	if n < 10 {
		return "0" + strconv.Itoa(n)
	}
	return strconv.Itoa(n)
}
