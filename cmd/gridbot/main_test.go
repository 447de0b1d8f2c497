package main

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"gridbot"
	"gridbot/internal/testkit"
)

// cli runs gridbot in-process against one database with a fixed clock.
type cli struct {
	t     *testing.T
	dbURL string
	clock *testkit.Clock
	env   map[string]string // more environment (GRIDBOT_RULES)
}

// engines returns a fresh SQLite database and, where available, a fresh
// PostgreSQL schema; each test runs on both.
func engines(t *testing.T, fn func(t *testing.T, c *cli)) {
	testkit.EngineURLs(t, func(t *testing.T, dbURL string) { fn(t, newCLI(t, dbURL)) })
}

func newCLI(t *testing.T, dbURL string) *cli {
	return &cli{t: t, dbURL: dbURL,
		clock: testkit.NewClock(time.Date(2026, 11, 26, 9, 0, 0, 0, gridbot.Zone))}
}

// run returns stdout, stderr and the exit code of one invocation.
func (c *cli) run(args ...string) (string, string, int) {
	c.t.Helper()
	var out, errb bytes.Buffer
	env := map[string]string{"GRIDBOT_DATABASE_URL": c.dbURL}
	for k, v := range c.env {
		env[k] = v
	}
	e := newEnv(strings.NewReader(""), &out, &errb, func(k string) string { return env[k] })
	e.Clock = c.clock
	defer e.Close()
	code := run(context.Background(), e, args)
	return out.String(), errb.String(), code
}

// ok runs a command that must succeed and returns its stdout.
func (c *cli) ok(args ...string) string {
	c.t.Helper()
	out, errs, code := c.run(args...)
	if code != 0 {
		c.t.Fatalf("gridbot %s: exit %d\nstdout: %s\nstderr: %s", strings.Join(args, " "), code, out, errs)
	}
	return out
}

func ex(name string) string { return filepath.Join("..", "..", "examples", name) }

// importExamples imports the example town 海风镇.
func (c *cli) importExamples() {
	c.t.Helper()
	c.ok("import", "roster", "--town", "海风镇", ex("roster.csv"))
	c.ok("import", "checkpoints", ex("checkpoints.csv"))
	c.ok("import", "base-points", "2026-10", ex("base-points-2026-10.csv"))
	c.ok("import", "checkins", ex("checkins-2026-10.csv"))
}

func TestHelpIsChineseFirstAndListsEveryCommand(t *testing.T) {
	c := newCLI(t, "sqlite:"+filepath.Join(t.TempDir(), "t.db"))
	out := c.ok("--help")
	if !strings.HasPrefix(out, "gridbot — 党建网格积分考核机器人") {
		t.Fatalf("help should open in Chinese:\n%s", out)
	}
	column := -1 // where the summaries start: one column for all
	for name, sc := range subcommands {
		line := ""
		for l := range strings.Lines(out) {
			if strings.HasPrefix(l, "  "+name+" ") {
				line = l
			}
		}
		if line == "" {
			t.Errorf("help does not list %q", name)
			continue
		}
		at := strings.Index(line, sc.Summary)
		if column == -1 {
			column = at
		}
		if at != column {
			t.Errorf("the summary of %q starts at %d, the others at %d:\n%s", name, at, column, out)
		}
	}
	if _, errs, code := c.run("frobnicate"); code != 2 || !strings.Contains(errs, "未知命令") {
		t.Fatalf("unknown subcommand: exit %d, %q", code, errs)
	}
}
