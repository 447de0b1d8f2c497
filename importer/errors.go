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

// MaxListed is how many problems an import lists; the rest are counted.
const MaxListed = 200

// Errors is every problem found in a file: the first MaxListed in line
// order, and how many there are in all. When an import returns it, nothing
// was written.
type Errors struct {
	Rows  []RowError
	Total int // every problem, listed or not; at least len(Rows)
}

// Error lists the problems, one a line, in line order, and says how many
// more there are.
func (e *Errors) Error() string {
	total := max(e.Total, len(e.Rows))
	var b strings.Builder
	fmt.Fprintf(&b, "文件有 %d 处错误，没有导入任何数据。请改正后重新导入：", total)
	for _, r := range e.Rows {
		b.WriteString("\n")
		b.WriteString(r.String())
	}
	if more := total - len(e.Rows); more > 0 {
		fmt.Fprintf(&b, "\n……另有 %d 处错误未列出（只列出前 %d 处）。请先改正以上错误，再重新导入查看其余错误。", more, len(e.Rows))
	}
	return b.String()
}

// Unwrap lets gridbot.ErrorCode and gridbot.ErrorMessage treat the problems
// as an EINVALID error whose message is the whole list, safe to show.
func (e *Errors) Unwrap() error {
	return &gridbot.Error{Code: gridbot.EINVALID, Message: e.Error()}
}

// problems collects row errors while a file is validated: the first
// MaxListed, and the count of all. n is the count; a parser compares it
// before and after a row to know whether the row was good.
type problems struct {
	list []RowError
	n    int
}

func (p *problems) add(line int, column, format string, args ...any) {
	p.n++
	if len(p.list) < MaxListed {
		p.list = append(p.list, RowError{Line: line, Column: column, Message: fmt.Sprintf(format, args...)})
	}
}

// merge adds q's problems to p.
func (p *problems) merge(q problems) {
	for _, r := range q.list {
		if len(p.list) < MaxListed {
			p.list = append(p.list, r)
		}
	}
	p.n += q.n
}

// err returns nil without problems and an *Errors sorted by line otherwise.
func (p problems) err() error {
	if p.n == 0 {
		return nil
	}
	rows := append([]RowError(nil), p.list...)
	sort.SliceStable(rows, func(i, j int) bool { return rows[i].Line < rows[j].Line })
	return &Errors{Rows: rows, Total: p.n}
}
