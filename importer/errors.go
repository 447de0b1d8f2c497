package importer

import (
	"fmt"
	"sort"
	"strings"

	"gridbot"
)

// RowError is one problem in one cell (or line) of an office file.
type RowError struct {
	Line    int    // 1-based; the header is line 1
	Column  string // header name; "" when the whole line is wrong
	Message string // Chinese, says what is wrong and what to write instead
}

// String renders the problem the way the office reads it: 第 3 行「角色」：….
func (e RowError) String() string {
	if e.Column == "" {
		return fmt.Sprintf("第 %d 行：%s", e.Line, e.Message)
	}
	return fmt.Sprintf("第 %d 行「%s」：%s", e.Line, e.Column, e.Message)
}

// Errors is every problem found in a file. When an import returns it,
// nothing was written.
type Errors struct {
	Rows []RowError
}

// Error lists every problem, one a line, in line order.
func (e *Errors) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "文件有 %d 处错误，没有导入任何数据。请改正后重新导入：", len(e.Rows))
	for _, r := range e.Rows {
		b.WriteString("\n")
		b.WriteString(r.String())
	}
	return b.String()
}

// Unwrap lets gridbot.ErrorCode and gridbot.ErrorMessage treat the problems
// as an EINVALID error whose message is the whole list, safe to show.
func (e *Errors) Unwrap() error {
	return &gridbot.Error{Code: gridbot.EINVALID, Message: e.Error()}
}

// problems collects row errors while a file is validated.
type problems []RowError

func (p *problems) add(line int, column, format string, args ...any) {
	*p = append(*p, RowError{Line: line, Column: column, Message: fmt.Sprintf(format, args...)})
}

// err returns nil without problems and an *Errors sorted by line otherwise.
func (p problems) err() error {
	if len(p) == 0 {
		return nil
	}
	rows := append([]RowError(nil), p...)
	sort.SliceStable(rows, func(i, j int) bool { return rows[i].Line < rows[j].Line })
	return &Errors{Rows: rows}
}
