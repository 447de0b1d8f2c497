package importer

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/transform"

	"gridbot"
)

// A file the office imports may be large (a year of check-ins, or a wrong
// file of millions of lines): the importers read it row by row and keep at
// most maxListed problems besides their count, so memory stays bounded
// whatever the file holds.

// openFile opens a .csv or .xlsx file for streaming: the header is read now,
// the rows as the importer iterates (Table.each). close releases the file.
func openFile(path string) (t *Table, closeFn func(), err error) {
	f, err := os.Open(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, nil, gridbot.Errorf(gridbot.ENOTFOUND, "找不到文件 %s，请检查路径。", filepath.Base(path))
		}
		return nil, nil, err
	}
	switch strings.ToLower(filepath.Ext(path)) {
	case ".csv", ".txt":
		t, err = streamCSV(f)
	case ".xlsx", ".xlsm":
		t, err = streamXLSX(f)
		f.Close() // excelize has read the whole archive
		if err != nil {
			return nil, nil, err
		}
		return t, t.close, nil
	default:
		f.Close()
		_, err = Read(filepath.Base(path), bytes.NewReader(nil))
		return nil, nil, err
	}
	if err != nil {
		f.Close()
		return nil, nil, err
	}
	return t, func() { f.Close() }, nil
}

// streamCSV is ReadCSV row by row. The encoding is decided on the first
// 64 KiB: valid UTF-8 there (a rune cut at the end allowed) is UTF-8,
// anything else is read as GB18030.
func streamCSV(r io.Reader) (*Table, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	head, _ := br.Peek(64 << 10)
	var src io.Reader = br
	if bytes.HasPrefix(head, utf8BOM) {
		br.Discard(len(utf8BOM))
		head = head[len(utf8BOM):]
	}
	if !validPrefix(head) {
		src = transform.NewReader(br, simplifiedchinese.GB18030.NewDecoder())
	}
	cr := csv.NewReader(src)
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = false
	t := &Table{}
	next := func() (Row, error) {
		for {
			rec, err := cr.Read()
			if err != nil {
				var pe *csv.ParseError
				if errors.As(err, &pe) {
					return Row{}, &RowError{Line: pe.StartLine, Message: "CSV 格式错误：" + csvReason(pe.Err)}
				}
				return Row{}, err
			}
			line, _ := cr.FieldPos(0)
			if row, ok := trimRow(rec, line); ok {
				return row, nil
			}
		}
	}
	for t.Header == nil {
		row, err := next()
		if err == io.EOF {
			return nil, gridbot.Errorf(gridbot.EINVALID, "文件是空的：第一行应为表头。")
		}
		var re *RowError
		if errors.As(err, &re) {
			return nil, &Errors{Rows: []RowError{*re}, Total: 1}
		}
		if err != nil {
			return nil, err
		}
		t.Header = row.Cells
	}
	t.next = next
	return t, nil
}

// validPrefix reports whether b is UTF-8 but for a rune cut off at its end.
func validPrefix(b []byte) bool {
	for i := 0; i < utf8.UTFMax && len(b) > 0; i++ {
		if utf8.Valid(b) {
			return true
		}
		b = b[:len(b)-1]
	}
	return utf8.Valid(b)
}

// streamXLSX is ReadXLSX row by row (excelize's row iterator).
func streamXLSX(r io.Reader) (*Table, error) {
	f, err := excelize.OpenReader(r, excelize.Options{RawCellValue: true})
	if err != nil {
		return nil, unsupportedWorkbook()
	}
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		f.Close()
		return nil, gridbot.Errorf(gridbot.EINVALID, "Excel 文件中没有工作表。")
	}
	rows, err := f.Rows(sheets[0])
	if err != nil {
		f.Close()
		return nil, gridbot.Errorf(gridbot.EINVALID, "无法读取 Excel 工作表「%s」。", sheets[0])
	}
	line := 0
	next := func() (Row, error) {
		for rows.Next() {
			line++
			rec, err := rows.Columns(excelize.Options{RawCellValue: true})
			if err != nil {
				return Row{}, gridbot.Errorf(gridbot.EINVALID, "无法读取 Excel 工作表「%s」第 %d 行。", sheets[0], line)
			}
			if row, ok := trimRow(rec, line); ok {
				return row, nil
			}
		}
		return Row{}, io.EOF
	}
	t := &Table{close: func() { rows.Close(); f.Close() }}
	row, err := next()
	if err == io.EOF {
		t.close()
		return nil, gridbot.Errorf(gridbot.EINVALID, "文件是空的：第一行应为表头。")
	} else if err != nil {
		t.close()
		return nil, err
	}
	t.Header, t.next = row.Cells, next
	return t, nil
}

// unsupportedWorkbook is what the office reads for a file excelize cannot
// open (its own message, "unsupported workbook file format", is English).
func unsupportedWorkbook() error {
	return gridbot.Errorf(gridbot.EINVALID, "不支持的文件格式：无法作为 Excel 工作簿打开（可能是旧版 .xls、加密文件或改了扩展名的其他文件）。请在 Excel 中另存为 .xlsx 或 .csv 后再导入。")
}

// trimRow trims every cell; an empty line is skipped (ok false).
func trimRow(rec []string, line int) (Row, bool) {
	empty := true
	for j := range rec {
		rec[j] = trim(rec[j])
		if rec[j] != "" {
			empty = false
		}
	}
	return Row{Line: line, Cells: rec}, !empty
}

// each calls fn for every data row, from memory (Rows) or from the file,
// and returns how many there were. A row the file format itself breaks (a
// CSV quote left open) is a problem, and reading stops there.
func (t *Table) each(p *problems, fn func(Row)) int {
	if t.next == nil {
		for _, r := range t.Rows {
			fn(r)
		}
		return len(t.Rows)
	}
	n := 0
	for {
		r, err := t.next()
		if err == io.EOF {
			return n
		}
		var re *RowError
		if errors.As(err, &re) {
			p.add(re.Line, re.Column, "%s", re.Message)
			return n
		}
		if err != nil {
			p.add(n+2, "", "读取文件出错：%s", gridbot.ErrorMessage(err))
			return n
		}
		n++
		fn(r)
		if t.onRow != nil {
			t.onRow(n)
		}
	}
}

// Error lets a RowError travel as an error inside the reader.
func (e *RowError) Error() string { return e.String() }
