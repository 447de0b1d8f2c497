package importer

import (
	"fmt"
	"strings"
)

// Import kinds, as the command line names them.
const (
	KindRoster      = "roster"
	KindCheckpoints = "checkpoints"
	KindBasePoints  = "base-points"
	KindCheckins    = "checkins"
)

// Report says what an import did. Rows counts the file's data rows; Added,
// Updated and Skipped split them (Skipped: unchanged, or for check-ins a
// person-day that already had a check-in). Warnings are problems worth a
// look that did not stop the import.
type Report struct {
	Kind     string
	Rows     int
	Added    int
	Updated  int
	Skipped  int
	Removed  int // roster: people no longer on it; checkpoints: points dropped
	Warnings []string
	DryRun   bool // nothing was written: the report says what would change
}

// String is a Chinese summary for the office, warnings included.
func (r *Report) String() string {
	var b strings.Builder
	if r.DryRun {
		b.WriteString("试运行（--dry-run），没有写入任何数据。如果正式导入：\n")
	}
	switch r.Kind {
	case KindRoster:
		fmt.Fprintf(&b, "名单导入完成：共 %d 行，新增 %d 人，更新 %d 人，未变 %d 人", r.Rows, r.Added, r.Updated, r.Skipped)
		if r.Removed > 0 {
			fmt.Fprintf(&b, "，%d 人不在新名单中已标记离开", r.Removed)
		}
	case KindCheckpoints:
		fmt.Fprintf(&b, "打卡点导入完成：共 %d 个，新增 %d 个，更新 %d 个，未变 %d 个", r.Rows, r.Added, r.Updated, r.Skipped)
		if r.Removed > 0 {
			fmt.Fprintf(&b, "，删除 %d 个", r.Removed)
		}
	case KindBasePoints:
		fmt.Fprintf(&b, "平台积分导入完成：共 %d 人，新增 %d 人，更新 %d 人，未变 %d 人", r.Rows, r.Added, r.Updated, r.Skipped)
	case KindCheckins:
		fmt.Fprintf(&b, "打卡记录导入完成：共 %d 行，新增 %d 条，已有打卡跳过 %d 条", r.Rows, r.Added, r.Skipped)
	case KindWebhooks:
		fmt.Fprintf(&b, "群机器人导入完成：共 %d 个，新增 %d 个，更新 %d 个，未变 %d 个", r.Rows, r.Added, r.Updated, r.Skipped)
		if r.Removed > 0 {
			fmt.Fprintf(&b, "，移除 %d 个", r.Removed)
		}
	default:
		fmt.Fprintf(&b, "导入完成：共 %d 行，新增 %d，更新 %d，跳过 %d", r.Rows, r.Added, r.Updated, r.Skipped)
	}
	b.WriteString("。")
	if r.DryRun {
		// Nothing was imported: the summary is a preview.
		s := strings.Replace(b.String(), "导入完成", "导入预览", 1)
		b.Reset()
		b.WriteString(s)
	}
	if len(r.Warnings) > 0 {
		fmt.Fprintf(&b, "\n请注意（%d 条，不影响导入）：", len(r.Warnings))
		for _, w := range r.Warnings {
			b.WriteString("\n- ")
			b.WriteString(w)
		}
	}
	return b.String()
}

func (r *Report) warn(format string, args ...any) {
	r.Warnings = append(r.Warnings, fmt.Sprintf(format, args...))
}
