package main

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden from the current output")

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if got != string(want) {
		gl, wl := strings.Split(got, "\n"), strings.Split(string(want), "\n")
		for i := 0; i < len(gl) || i < len(wl); i++ {
			var g, w string
			if i < len(gl) {
				g = gl[i]
			}
			if i < len(wl) {
				w = wl[i]
			}
			if g != w {
				t.Fatalf("output differs from %s at line %d:\n got: %s\nwant: %s\n(go test -update rewrites it)", path, i+1, g, w)
			}
		}
	}
}

// TestDemo replays the bundled month of 海风镇 and compares everything the
// demo prints — each reply and the month's ranking — with a golden file.
// Replaying the transcript again into the demo's store then changes nothing.
func TestDemo(t *testing.T) {
	db := filepath.Join(t.TempDir(), "demo.db")
	c := newCLI(t, "sqlite:"+db)
	out := c.ok("demo", "--db", db)
	golden(t, "demo.golden", strings.ReplaceAll(out, db, "DEMO.db"))

	if _, errs, code := c.run("demo", "--db", db); code != 1 || !strings.Contains(errs, "已存在") {
		t.Errorf("demo on an existing database: exit %d, stderr %q", code, errs)
	}
	before := c.ok("settle", "month", "2026-10", "--at", "2026-11-01T09:00", "--json")
	if again := c.ok("replay", ex(filepath.Join("transcripts", "demo-2026-10.jsonl"))); again != "" {
		t.Errorf("replaying the transcript again answered:\n%s", again)
	}
	if after := c.ok("settle", "month", "2026-10", "--at", "2026-11-01T09:00", "--json"); after != before {
		t.Error("replaying the transcript again changed the month")
	}
}
