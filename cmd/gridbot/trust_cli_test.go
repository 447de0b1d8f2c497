package main

import (
	"path/filepath"
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
