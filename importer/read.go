// Package importer reads the office's spreadsheets (CSV or XLSX) and imports
// them into a gridbot.Store: the roster, check-in points, platform base
// points and check-ins. Every import is all rows or none: every row is
// validated first, every problem is reported with its line number, and only a
// file without problems is written, in one transaction.
package importer

import (
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"path/filepath"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"

	"gridbot"
)

// Table is the first sheet of an office file: its header and its non-empty
// rows, every cell trimmed.
type Table struct {
	Header []string
	Rows   []Row

	// next, when set, reads the rows from the file instead (openFile):
	// io.EOF after the last. close releases what it holds.
	next  func() (Row, error)
	close func()
	onRow func(n int) // after each row read, with the count so far
}

// Row is one non-empty line of a sheet. Line is the line number the office
// sees in Excel or a text editor: the header is line 1.
type Row struct {
	Line  int
	Cells []string
}

// Read reads a sheet from r; name's extension (.csv or .xlsx) says which format.
func Read(name string, r io.Reader) (*Table, error) {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".csv", ".txt":
		return ReadCSV(r)
	case ".xlsx", ".xlsm":
		return ReadXLSX(r)
	case ".xls":
		return nil, gridbot.Errorf(gridbot.EINVALID, "不支持旧版 .xls 文件，请在 Excel 中“另存为” .xlsx 或 CSV 后再导入。")
	}
	return nil, gridbot.Errorf(gridbot.EINVALID, "不支持的文件类型「%s」，请导入 .csv 或 .xlsx 文件。", filepath.Ext(name))
}

// utf8BOM is what Excel writes in front of a "CSV UTF-8" file.
var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

// ReadCSV reads a CSV sheet in UTF-8 (with or without a byte order mark) or
// in GBK, the encoding Excel on Chinese Windows saves plain "CSV" in. A file
// that is not valid UTF-8 is decoded as GB18030, a superset of GBK.
func ReadCSV(r io.Reader) (*Table, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	data = bytes.TrimPrefix(data, utf8BOM)
	if !utf8.Valid(data) {
		if data, err = simplifiedchinese.GB18030.NewDecoder().Bytes(data); err != nil {
			return nil, gridbot.Errorf(gridbot.EINVALID, "无法识别文件编码，请在 Excel 中另存为“CSV UTF-8”后再导入。")
		}
	}

	cr := csv.NewReader(bytes.NewReader(data))
	cr.FieldsPerRecord = -1 // hand-edited files have ragged rows; missing cells read as empty
	var records [][]string
	var lines []int
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			return nil, &Errors{Rows: []RowError{{Line: pe.StartLine, Message: "CSV 格式错误：" + csvReason(pe.Err)}}}
		} else if err != nil {
			return nil, err
		}
		line, _ := cr.FieldPos(0)
		records = append(records, rec)
		lines = append(lines, line)
	}
	return newTable(records, lines)
}

// csvReason says in Chinese what is wrong with a CSV line.
func csvReason(err error) string {
	switch {
	case errors.Is(err, csv.ErrQuote), errors.Is(err, csv.ErrBareQuote):
		return "引号不成对，请检查该行的双引号。"
	}
	return "无法解析该行。"
}

// ReadXLSX reads the first sheet of an XLSX workbook. Cells are read raw,
// without number formats, so phone numbers and points keep every digit; a
// date cell therefore reads as its Excel serial number, which the date
// parser accepts.
func ReadXLSX(r io.Reader) (*Table, error) {
	f, err := excelize.OpenReader(r, excelize.Options{RawCellValue: true})
	if err != nil {
		return nil, unsupportedWorkbook()
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		return nil, gridbot.Errorf(gridbot.EINVALID, "Excel 文件中没有工作表。")
	}
	rows, err := f.GetRows(sheets[0], excelize.Options{RawCellValue: true})
	if err != nil {
		return nil, gridbot.Errorf(gridbot.EINVALID, "无法读取 Excel 工作表「%s」。", sheets[0])
	}
	// GetRows pads empty rows, so index i is sheet row i+1.
	lines := make([]int, len(rows))
	for i := range rows {
		lines[i] = i + 1
	}
	return newTable(rows, lines)
}

// newTable trims every cell, drops empty lines and takes the first
// remaining line as the header.
func newTable(records [][]string, lines []int) (*Table, error) {
	t := &Table{}
	for i, rec := range records {
		row, ok := trimRow(rec, lines[i])
		if !ok {
			continue
		}
		if t.Header == nil {
			t.Header = row.Cells
			continue
		}
		t.Rows = append(t.Rows, row)
	}
	if t.Header == nil {
		return nil, gridbot.Errorf(gridbot.EINVALID, "文件是空的：第一行应为表头。")
	}
	return t, nil
}

// trim removes spaces around a cell, the full-width space U+3000 included,
// and the invisible characters that copying from web pages leaves behind.
func trim(s string) string {
	return strings.TrimFunc(s, func(r rune) bool {
		return unicode.IsSpace(r) || r == '\uFEFF' || r == '\u200B'
	})
}

// columns maps the header names an import needs to their index.
type columns map[string]int

// bind finds the required and optional columns in the header, in any order.
// A missing required column or a column named twice is an error on line 1;
// columns it does not know are ignored.
func (t *Table) bind(required, optional []string) (columns, problems) {
	cols := columns{}
	var errs problems
	for i, h := range t.Header {
		if _, dup := cols[h]; dup && h != "" {
			errs.add(1, h, "表头中「%s」出现了两次", h)
		}
		cols[h] = i
	}
	for _, name := range required {
		if _, ok := cols[name]; !ok {
			errs.add(1, name, "缺少列「%s」，表头应为：%s", name, strings.Join(append(append([]string{}, required...), optional...), ","))
		}
	}
	known := map[string]bool{}
	for _, n := range append(append([]string{}, required...), optional...) {
		known[n] = true
	}
	for h := range cols {
		if !known[h] {
			delete(cols, h)
		}
	}
	return cols, errs
}

// has reports whether the header has the column.
func (c columns) has(name string) bool { _, ok := c[name]; return ok }

// get returns the row's cell of the named column; "" when the row is short
// or the column is absent.
func (c columns) get(r Row, name string) string {
	i, ok := c[name]
	if !ok || i >= len(r.Cells) {
		return ""
	}
	return r.Cells[i]
}
