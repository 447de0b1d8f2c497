package importer

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"

	"gridbot"
)

// mustCSV reads a CSV sheet from a string.
func mustCSV(t testing.TB, s string) *Table {
	t.Helper()
	tbl, err := ReadCSV(strings.NewReader(s))
	if err != nil {
		t.Fatalf("ReadCSV: %v", err)
	}
	return tbl
}

func TestReadCSVLinesAndTrimming(t *testing.T) {
	// Line 3 is blank, line 5 only commas, line 6 starts a quoted cell
	// spanning two lines; full-width and ordinary spaces are trimmed.
	src := "\uFEFF 用户ID ,姓名\r\n" +
		"U001,　张三　\r\n" +
		"\r\n" +
		"U002,李四\r\n" +
		",,\r\n" +
		"U003,\"王\n五\"\r\n" +
		"U004,赵六\r\n"
	tbl := mustCSV(t, src)
	if want := []string{"用户ID", "姓名"}; !reflect.DeepEqual(tbl.Header, want) {
		t.Fatalf("header = %q, want %q", tbl.Header, want)
	}
	want := []Row{
		{Line: 2, Cells: []string{"U001", "张三"}},
		{Line: 4, Cells: []string{"U002", "李四"}},
		{Line: 6, Cells: []string{"U003", "王\n五"}},
		{Line: 8, Cells: []string{"U004", "赵六"}},
	}
	if !reflect.DeepEqual(tbl.Rows, want) {
		t.Fatalf("rows = %v, want %v", tbl.Rows, want)
	}
}

func TestReadCSVEncodings(t *testing.T) {
	const src = "用户ID,姓名\nU001,张伟\nU002,欧阳娜娜\n"
	gbk, err := simplifiedchinese.GBK.NewEncoder().String(src)
	if err != nil {
		t.Fatal(err)
	}
	if gbk == src {
		t.Fatal("GBK encoding did not change the bytes; the test would prove nothing")
	}
	for name, data := range map[string]string{
		"utf8":     src,
		"utf8 BOM": "\xEF\xBB\xBF" + src,
		"gbk":      gbk,
	} {
		t.Run(name, func(t *testing.T) {
			tbl := mustCSV(t, data)
			if tbl.Header[0] != "用户ID" || tbl.Rows[0].Cells[1] != "张伟" || tbl.Rows[1].Cells[1] != "欧阳娜娜" {
				t.Fatalf("read %q / %v", tbl.Header, tbl.Rows)
			}
		})
	}
}

func TestReadCSVErrors(t *testing.T) {
	if _, err := ReadCSV(strings.NewReader("\n ,\n")); gridbot.ErrorCode(err) != gridbot.EINVALID {
		t.Fatalf("empty file: err = %v, want EINVALID", err)
	}
	_, err := ReadCSV(strings.NewReader("a,b\n1,2\n3,\"4\n"))
	var errs *Errors
	if !errors.As(err, &errs) || errs.Rows[0].Line != 3 {
		t.Fatalf("unterminated quote: err = %v, want a row error on line 3", err)
	}
}

func TestReadXLSX(t *testing.T) {
	f := excelize.NewFile()
	defer f.Close()
	rows := map[string][]any{
		"A1": {"用户ID", "姓名", "手机", "积分"},
		"A2": {"U001", " 张三 ", "13800000001", 45.5},
		// row 3 left empty
		"A4": {"U002", "李四", 13800000002, 30},
	}
	for cell, vals := range rows {
		v := vals
		if err := f.SetSheetRow("Sheet1", cell, &v); err != nil {
			t.Fatal(err)
		}
	}
	f.NewSheet("第二页") // only the first sheet is read
	_ = f.SetCellStr("第二页", "A1", "忽略")
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	tbl, err := Read("名单.xlsx", &buf)
	if err != nil {
		t.Fatal(err)
	}
	want := []Row{
		{Line: 2, Cells: []string{"U001", "张三", "13800000001", "45.5"}},
		{Line: 4, Cells: []string{"U002", "李四", "13800000002", "30"}},
	}
	if tbl.Header[1] != "姓名" || !reflect.DeepEqual(tbl.Rows, want) {
		t.Fatalf("read %q / %v, want %v", tbl.Header, tbl.Rows, want)
	}
}

func TestReadFileExtensions(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{"a.xls", "a.pdf"} {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
		if _, err := readFile(path); gridbot.ErrorCode(err) != gridbot.EINVALID {
			t.Errorf("%s: err = %v, want EINVALID", name, err)
		}
	}
	if _, err := readFile(filepath.Join(dir, "missing.csv")); gridbot.ErrorCode(err) != gridbot.ENOTFOUND {
		t.Errorf("missing file: err = %v, want ENOTFOUND", err)
	}
	if _, err := readFile(filepath.Join(dir, "a.xlsx")); err == nil {
		t.Error("missing xlsx: no error")
	}
	path := filepath.Join(dir, "bad.xlsx")
	if err := os.WriteFile(path, []byte("not a zip"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := readFile(path); gridbot.ErrorCode(err) != gridbot.EINVALID {
		t.Errorf("corrupt xlsx: err = %v, want EINVALID", err)
	}
}

func TestBindColumns(t *testing.T) {
	tbl := mustCSV(t, "积分,备注,用户ID\n30,x,U001\n")
	cols, errs := tbl.bind([]string{"用户ID", "积分"}, []string{"姓名"})
	if errs.n != 0 {
		t.Fatalf("errs = %v", errs)
	}
	r := tbl.Rows[0]
	if cols.get(r, "用户ID") != "U001" || cols.get(r, "积分") != "30" || cols.get(r, "姓名") != "" || cols.has("备注") {
		t.Fatalf("cols = %v", cols)
	}

	tbl = mustCSV(t, "用户ID,用户ID\nU001,U002\n")
	_, errs = tbl.bind([]string{"用户ID", "积分"}, nil)
	got := map[string]bool{}
	for _, e := range errs.list {
		if e.Line != 1 {
			t.Errorf("header error on line %d: %v", e.Line, e)
		}
		got[e.Column] = strings.Contains(e.Message, "缺少列") || strings.Contains(e.Message, "出现了两次")
	}
	if !got["用户ID"] || !got["积分"] {
		t.Fatalf("errs = %v, want a duplicate 用户ID and a missing 积分", errs)
	}
}

func TestErrorsMessage(t *testing.T) {
	var p problems
	p.add(5, "角色", "未知角色「%s」", "组长")
	p.add(3, "", "整行有误")
	err := p.err()
	want := "文件有 2 处错误，没有导入任何数据。请改正后重新导入：\n第 3 行：整行有误\n第 5 行「角色」：未知角色「组长」"
	if err.Error() != want {
		t.Fatalf("Error() = %q, want %q", err.Error(), want)
	}
	if gridbot.ErrorCode(err) != gridbot.EINVALID || gridbot.ErrorMessage(err) != want {
		t.Fatalf("code %q message %q: *Errors must read as EINVALID with the whole list", gridbot.ErrorCode(err), gridbot.ErrorMessage(err))
	}
	if (problems{}).err() != nil {
		t.Fatal("no problems must be a nil error")
	}
}

// readFile opens a file the way the importers do and closes it.
func readFile(path string) (*Table, error) {
	t, done, err := openFile(path)
	if done != nil {
		done()
	}
	return t, err
}
