package present

import (
	"strings"
	"testing"

	"github.com/mattn/go-runewidth"
)

func TestTableAlignsCJK(t *testing.T) {
	tb := &Table{Header: []string{"名次", "姓名", "积分"}, Right: map[int]bool{2: true}}
	tb.Add("1", "欧阳晓明", "57")
	tb.Add("2", "Li", "112.5")
	var b strings.Builder
	if err := tb.Render(&b); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimRight(b.String(), "\n"), "\n")
	if len(lines) != 4 {
		t.Fatalf("want header, rule and 2 rows, got %q", lines)
	}
	// Every line has the same display width, and the points column ends in the same column.
	w := runewidth.StringWidth(lines[0])
	for _, l := range lines {
		if runewidth.StringWidth(l) != w {
			t.Fatalf("line %q has width %d, want %d:\n%s", l, runewidth.StringWidth(l), w, b.String())
		}
	}
	if !strings.HasSuffix(lines[2], "   57") || !strings.HasSuffix(lines[3], "112.5") {
		t.Fatalf("numbers not right-aligned:\n%s", b.String())
	}
	// The name column is padded by display width: "欧阳晓明" is 8 columns, "Li" 2.
	if !strings.Contains(lines[3], "Li        ") {
		t.Fatalf("name not padded to the CJK width:\n%s", b.String())
	}
}
