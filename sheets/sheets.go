// Package sheets writes the office's spreadsheets (excelize). What the sheets
// say (titles, headers, tier names, amounts) comes from package present;
// this package only knows the file format: a title row across the columns,
// a bold frozen header, column widths fitted to Chinese text, a bold 合计
// row, and the workbook's creator and time.
package sheets

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"gridbot/present"
)

// Creator is the workbook's author in its document properties.
const Creator = "gridbot"

// FileMode is the mode of a written workbook: a document, not a program.
const FileMode = 0o644

// Write writes the sheets to path as one workbook created by gridbot at now.
// The file is written beside path and renamed into place, so a failed
// export leaves no half-written workbook.
func Write(path string, sheets []present.Sheet, now time.Time) error {
	f := excelize.NewFile()
	defer f.Close()
	st, err := newStyles(f)
	if err != nil {
		return err
	}
	created := now.UTC().Format(time.RFC3339)
	if err := f.SetDocProps(&excelize.DocProperties{Creator: Creator, LastModifiedBy: Creator,
		Created: created, Modified: created, Language: "zh-CN"}); err != nil {
		return err
	}
	for i, s := range sheets {
		if i == 0 {
			err = f.SetSheetName("Sheet1", s.Name)
		} else {
			_, err = f.NewSheet(s.Name)
		}
		if err != nil {
			return err
		}
		if err := write(f, s, st); err != nil {
			return err
		}
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".gridbot-export-*")
	if err != nil {
		return fmt.Errorf("无法写入 %s：%w", path, err)
	}
	defer os.Remove(tmp.Name())
	if _, err := f.WriteTo(tmp); err != nil {
		tmp.Close()
		return fmt.Errorf("无法写入 %s：%w", path, err)
	}
	if err := tmp.Chmod(FileMode); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("无法写入 %s：%w", path, err)
	}
	return nil
}

type styles struct{ title, header, total int }

func newStyles(f *excelize.File) (styles, error) {
	var s styles
	var err error
	if s.title, err = f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true, Size: 14},
		Alignment: &excelize.Alignment{Horizontal: "left", Vertical: "center"}}); err != nil {
		return s, err
	}
	if s.header, err = f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true},
		Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDEBF7"}},
		Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true},
		Border:    []excelize.Border{{Type: "bottom", Color: "808080", Style: 1}}}); err != nil {
		return s, err
	}
	s.total, err = f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true},
		Border: []excelize.Border{{Type: "top", Color: "808080", Style: 1}}})
	return s, err
}

// write writes one sheet: the title on row 1 (merged across the columns),
// the header on row 2, frozen with the title, then the rows and the total.
func write(f *excelize.File, s present.Sheet, st styles) error {
	sw, err := f.NewStreamWriter(s.Name)
	if err != nil {
		return err
	}
	cols := max(len(s.Header), 1)
	for i, w := range widths(s) {
		if err := sw.SetColWidth(i+1, i+1, w); err != nil {
			return err
		}
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 2, TopLeftCell: "A3", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	if err := sw.SetRow("A1", []any{excelize.Cell{StyleID: st.title, Value: s.Title}}, excelize.RowOpts{Height: 24}); err != nil {
		return err
	}
	head := make([]any, len(s.Header))
	for i, h := range s.Header {
		head[i] = excelize.Cell{StyleID: st.header, Value: h}
	}
	if err := sw.SetRow("A2", head); err != nil {
		return err
	}
	for i, r := range s.Rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+3)
		if err := sw.SetRow(cell, r); err != nil {
			return err
		}
	}
	if s.Total != nil {
		row := make([]any, len(s.Total))
		for i, v := range s.Total {
			row[i] = excelize.Cell{StyleID: st.total, Value: v}
		}
		cell, _ := excelize.CoordinatesToCellName(1, len(s.Rows)+3)
		if err := sw.SetRow(cell, row); err != nil {
			return err
		}
	}
	if cols > 1 {
		last, _ := excelize.CoordinatesToCellName(cols, 1)
		if err := sw.MergeCell("A1", last); err != nil {
			return err
		}
	}
	return sw.Flush()
}

// widths fits each column to its widest cell (header, rows, total): a
// Chinese character is two columns wide in Excel's units, an ASCII one one.
func widths(s present.Sheet) []float64 {
	w := make([]float64, len(s.Header))
	fit := func(i int, v any) {
		if i >= len(w) {
			return
		}
		w[i] = max(w[i], float64(textWidth(cellText(v))))
	}
	for i, h := range s.Header {
		fit(i, h)
	}
	for _, r := range s.Rows {
		for i, v := range r {
			fit(i, v)
		}
	}
	for i, v := range s.Total {
		fit(i, v)
	}
	for i := range w {
		w[i] = min(max(w[i]+2, 6), 60)
	}
	return w
}

func cellText(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case nil:
		return ""
	}
	return fmt.Sprint(v)
}

// textWidth is the display width of s: East Asian characters count two.
func textWidth(s string) int {
	n := 0
	for _, r := range s {
		switch {
		case r < utf8.RuneSelf:
			n++
		case unicode.Is(unicode.Han, r) || r >= 0x3000 && r <= 0x30FF || r >= 0xFF00 && r <= 0xFFEF:
			n += 2
		default:
			n++
		}
	}
	return n
}
