package importer

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestLargeBadFileBoundedOutputAndMemory: 200,000 bad rows, two problems
// each. The report lists the first MaxListed and counts all 400,000, and the
// heap stays small: rows are streamed and problems past the cap only counted.
func TestLargeBadFileBoundedOutputAndMemory(t *testing.T) {
	st, town := openStore(t)
	const rows = 200_000
	path := filepath.Join(t.TempDir(), "bad.csv")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	w := bufio.NewWriter(f)
	w.WriteString("用户ID,积分\n")
	for i := range rows {
		fmt.Fprintf(w, "X%07d,很多\n", i) // unknown user id and not a number
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	f.Close()

	runtime.GC()
	var base runtime.MemStats
	runtime.ReadMemStats(&base)
	var peak atomic.Uint64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		var m runtime.MemStats
		for {
			runtime.ReadMemStats(&m)
			if m.HeapInuse > peak.Load() {
				peak.Store(m.HeapInuse)
			}
			select {
			case <-stop:
				return
			case <-time.After(5 * time.Millisecond):
			}
		}
	})
	_, err = BasePoints(context.Background(), st, town, "2026-10", path, Options{})
	close(stop)
	wg.Wait()

	var errs *Errors
	if !errors.As(err, &errs) {
		t.Fatalf("err = %v, want *Errors", err)
	}
	if errs.Total != 2*rows || len(errs.Rows) != MaxListed {
		t.Fatalf("total %d listed %d, want %d and %d", errs.Total, len(errs.Rows), 2*rows, MaxListed)
	}
	msg := errs.Error()
	if lines := strings.Count(msg, "\n"); lines != MaxListed+1 {
		t.Errorf("message has %d lines, want %d", lines+1, MaxListed+2)
	}
	if !strings.Contains(msg, fmt.Sprintf("文件有 %d 处错误", 2*rows)) || !strings.Contains(msg, fmt.Sprintf("另有 %d 处错误未列出", 2*rows-MaxListed)) {
		t.Errorf("message head/tail: %.200s … %s", msg, msg[len(msg)-200:])
	}
	if errs.Rows[0].Line != 2 || errs.Rows[MaxListed-1].Line != 2+MaxListed/2-1 {
		t.Errorf("listed lines %d … %d, want the first lines", errs.Rows[0].Line, errs.Rows[MaxListed-1].Line)
	}
	// The file is ~3 MB; the seen-ids map is the only thing that grows.
	if grown := int64(peak.Load()) - int64(base.HeapInuse); grown > 64<<20 {
		t.Errorf("heap grew by %d MB while importing a bad file", grown>>20)
	}
}

// TestProgressLine: an import that runs past ProgressAfter says how far it got.
func TestProgressLine(t *testing.T) {
	var out bytes.Buffer
	start := time.Date(2026, 10, 1, 8, 0, 0, 0, time.UTC)
	calls := 0
	o := Options{Progress: &out, Clock: func() time.Time {
		calls++
		return start.Add(time.Duration(calls) * time.Second) // one second per look
	}}
	var src strings.Builder
	src.WriteString("用户ID,积分\n")
	for i := range 5 * progressEvery {
		fmt.Fprintf(&src, "U%d,1\n", i)
	}
	tbl, err := streamCSV(strings.NewReader(src.String()))
	if err != nil {
		t.Fatal(err)
	}
	o.watch(tbl)
	var p problems
	if n := tbl.each(&p, func(Row) {}); n != 5*progressEvery {
		t.Fatalf("%d rows", n)
	}
	if !strings.Contains(out.String(), fmt.Sprintf("已读取 %d 行", 2*progressEvery)) {
		t.Fatalf("progress: %q", out.String())
	}
	// A fast import prints nothing.
	out.Reset()
	tbl, _ = streamCSV(strings.NewReader(src.String()))
	Options{Progress: &out, Clock: func() time.Time { return start }}.watch(tbl)
	tbl.each(&p, func(Row) {})
	if out.Len() != 0 {
		t.Fatalf("fast import printed %q", out.String())
	}
}

// TestUnsupportedWorkbookIsChinese: excelize's English error never reaches the office.
func TestUnsupportedWorkbookIsChinese(t *testing.T) {
	path := filepath.Join(t.TempDir(), "roster.xlsx")
	os.WriteFile(path, []byte("this is not a workbook"), 0o644)
	_, _, err := openFile(path)
	if err == nil || !strings.Contains(err.Error(), "不支持的文件格式") || !strings.Contains(err.Error(), ".xlsx 或 .csv") {
		t.Fatalf("err = %v", err)
	}
}
