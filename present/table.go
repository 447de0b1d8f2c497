package present

import (
	"io"
	"strings"

	"github.com/mattn/go-runewidth"
)

// Table is a plain-text table whose columns line up with CJK text: a Chinese
// character takes two terminal columns, which text/tabwriter does not know.
type Table struct {
	Header []string
	Rows   [][]string
	// Right marks columns aligned to the right (numbers).
	Right map[int]bool
	// NoRule leaves out the line under the header.
	NoRule bool
}

// Add appends a row.
func (t *Table) Add(cells ...string) { t.Rows = append(t.Rows, cells) }

// Render writes the table with two spaces between columns.
func (t *Table) Render(w io.Writer) error {
	widths := make([]int, len(t.Header))
	all := append([][]string{t.Header}, t.Rows...)
	for _, row := range all {
		for i, c := range row {
			if i < len(widths) {
				widths[i] = max(widths[i], runewidth.StringWidth(c))
			}
		}
	}
	var b strings.Builder
	for r, row := range all {
		for i := range widths {
			cell := ""
			if i < len(row) {
				cell = row[i]
			}
			pad := strings.Repeat(" ", widths[i]-runewidth.StringWidth(cell))
			if t.Right[i] {
				b.WriteString(pad + cell)
			} else if i < len(widths)-1 {
				b.WriteString(cell + pad)
			} else {
				b.WriteString(cell)
			}
			if i < len(widths)-1 {
				b.WriteString("  ")
			}
		}
		b.WriteString("\n")
		if r == 0 && !t.NoRule {
			total := 2 * (len(widths) - 1)
			for _, w := range widths {
				total += w
			}
			b.WriteString(strings.Repeat("-", total) + "\n")
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}
