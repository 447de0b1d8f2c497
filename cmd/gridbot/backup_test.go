package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"gridbot/internal/testkit"
	"gridbot/storage"
)

// demoMonthOn builds on c's store the month of the demo, through the
// commands an office runs: 海风镇's roster (in force from September), its
// check-in points and group robot, the replayed chats of October, the
// month-end imports, and September published (a frozen result and a queued
// announcement).
func (c *cli) demoMonthOn() {
	c.t.Helper()
	c.ok("import", "roster", "--town", "海风镇", "--effective", "2026-09-01", ex("roster.csv"))
	c.ok("import", "checkpoints", ex("checkpoints.csv"))
	c.ok("import", "webhooks", writeFile(c.t, "hooks.csv", "范围,名称,平台,地址或key\n镇,海风镇,企业微信,"+townRobotKey+"\n"))
	c.ok("replay", ex(filepath.Join("transcripts", "demo-2026-10.jsonl")))
	c.ok("import", "base-points", "2026-10", ex("base-points-2026-10.csv"))
	c.ok("import", "checkins", ex("checkins-2026-10.csv"))
	// September has one check-in: a month without records cannot be published.
	c.ok("import", "checkins", writeFile(c.t, "sep.csv", "用户ID,日期\nU001,2026-09-30\n"))
	c.ok("publish", "month", "2026-09")
}

// settleOctober is `settle month 2026-10 --json`, recomputed from the facts
// (October is not published), after checking that it settles people.
func (c *cli) settleOctober() string {
	c.t.Helper()
	out := c.ok("settle", "month", "2026-10", "--at", "2026-11-01T09:00", "--json")
	var s settled
	if err := json.Unmarshal([]byte(out), &s); err != nil {
		c.t.Fatal(err)
	}
	if len(s.Members) == 0 {
		c.t.Fatalf("the month settles nobody:\n%s", out)
	}
	return out
}

// TestBackupRestoreRoundTrip backs up a month of 海风镇 from each engine and
// restores it into a new empty store of each engine: every table's rows are
// the same, the month settles the same, and new rows get new ids and numbers.
func TestBackupRestoreRoundTrip(t *testing.T) {
	engines(t, func(t *testing.T, src *cli) {
		src.demoMonthOn()
		want := src.settleOctober()
		wantRows := dumpTables(t, src.dbURL)
		for _, table := range []string{"towns", "people", "memberships", "checkpoints", "messages", "counters", "checkins",
			"checkin_months", "activities", "activity_participants", "issues", "deliberations", "publicity", "photos",
			"stories", "adjustments", "base_points", "published", "webhooks", "outbox"} {
			if len(wantRows[table]) == 0 {
				t.Errorf("the month left table %s empty: the round trip would not test it", table)
			}
		}

		file := filepath.Join(t.TempDir(), "gridbot-backup.db")
		out := src.ok("backup", file)
		if !strings.Contains(out, "已备份到 "+file) || !strings.Contains(out, "checkins") {
			t.Errorf("backup printed:\n%s", out)
		}
		if _, errs, code := src.run("backup", file); code != 1 || !strings.Contains(errs, "已存在") {
			t.Errorf("backup onto an existing file: exit %d, stderr %q", code, errs)
		}
		if got := src.settleOctober(); got != want {
			t.Error("backing up changed the month")
		}

		testkit.EngineURLs(t, func(t *testing.T, dbURL string) {
			dst := newCLI(t, dbURL)
			out := dst.ok("restore", file)
			if !strings.Contains(out, "已从 "+file+" 恢复到") || !strings.Contains(out, "issues") {
				t.Errorf("restore printed:\n%s", out)
			}
			if got := dst.settleOctober(); got != want {
				t.Errorf("the month settles differently after the restore:\n got: %s\nwant: %s", got, want)
			}
			got := dumpTables(t, dbURL)
			if !reflect.DeepEqual(got, wantRows) {
				for table := range wantRows {
					if !reflect.DeepEqual(got[table], wantRows[table]) {
						t.Errorf("table %s: %d rows restored, want %d (or rows differ)", table, len(got[table]), len(wantRows[table]))
					}
				}
			}
			for table, rows := range counts(got) {
				if want := counts(wantRows)[table]; rows != want {
					t.Errorf("table %s: %d rows, want %d", table, rows, want)
				}
			}

			// A second restore finds the store full and changes nothing.
			if _, errs, code := dst.run("restore", file); code != 1 || !strings.Contains(errs, "恢复只能写入空数据库") ||
				!strings.Contains(errs, "海风镇") {
				t.Errorf("restore into a full store: exit %d, stderr %q", code, errs)
			}
			if again := dumpTables(t, dbURL); !reflect.DeepEqual(again, got) {
				t.Error("a refused restore changed the store")
			}

			// New rows get ids past the restored ones (the sequences follow)
			// and the next issue number; the message is new to the restored
			// claims (messages, keyed by message id).
			maxIssue, messages := maxID(t, dbURL, "issues"), countRows(t, dbURL, "messages")
			msg := writeFile(t, "new.jsonl", `{"at": "2026-11-26T09:00:00+08:00", "from": "U002", "chat": "G-HF-01", "text": "@网格助手 上报 恢复后的新问题"}`+"\n")
			reply := dst.ok("replay", msg)
			if n := len(wantRows["issues"]) + 1; !strings.Contains(reply, fmt.Sprintf("已登记 问题#%d", n)) {
				t.Errorf("a new issue after the restore, want 问题#%d:\n%s", n, reply)
			}
			if got := maxID(t, dbURL, "issues"); got != maxIssue+1 {
				t.Errorf("new issue id %d, want %d", got, maxIssue+1)
			}
			if got := countRows(t, dbURL, "messages"); got != messages+1 {
				t.Errorf("%d messages claimed after the restore's replay, want %d", got, messages+1)
			}
			dst.ok("import", "webhooks", writeFile(t, "hooks2.csv", "范围,名称,平台,地址或key\n镇,海风镇,企业微信,"+townRobotKey+"\n村,海风村,企业微信,"+townRobotKey+"\n"))
		})
	})
}

func TestBackupAndRestoreRefuse(t *testing.T) {
	dir := t.TempDir()
	c := newCLI(t, "sqlite:"+filepath.Join(dir, "t.db"))
	c.smallTown()

	notBackup := filepath.Join(dir, "roster.db")
	if err := os.WriteFile(notBackup, []byte("用户ID,姓名\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	// An SQLite file that is not a backup: a store itself.
	for _, f := range []string{notBackup, filepath.Join(dir, "t.db")} {
		empty := newCLI(t, "sqlite:"+filepath.Join(t.TempDir(), "empty.db"))
		if _, errs, code := empty.run("restore", f); code != 1 || !strings.Contains(errs, "不是 gridbot 的备份文件") {
			t.Errorf("restore %s: exit %d, stderr %q", f, code, errs)
		}
	}
	empty := newCLI(t, "sqlite:"+filepath.Join(t.TempDir(), "empty.db"))
	if _, errs, code := empty.run("restore", filepath.Join(dir, "missing.db")); code != 1 || !strings.Contains(errs, "找不到备份文件") {
		t.Errorf("restore of a missing file: exit %d, stderr %q", code, errs)
	}
	if _, errs, code := c.run("backup"); code != 2 || !strings.Contains(errs, "需要一个备份文件名") {
		t.Errorf("backup without a file: exit %d, stderr %q", code, errs)
	}
	// backup refuses an existing file and leaves it as it was.
	if _, errs, code := c.run("backup", notBackup); code != 1 || !strings.Contains(errs, "已存在") {
		t.Errorf("backup onto an existing file: exit %d, stderr %q", code, errs)
	}
	if b, _ := os.ReadFile(notBackup); string(b) != "用户ID,姓名\n" {
		t.Errorf("backup changed an existing file: %q", b)
	}
	// Nothing but the backup is left in the directory.
	file := filepath.Join(dir, "b.db")
	c.ok("backup", file)
	entries, _ := os.ReadDir(dir)
	var names []string
	for _, e := range entries {
		if !strings.HasPrefix(e.Name(), "t.db-") { // the store's own WAL, if left
			names = append(names, e.Name())
		}
	}
	slices.Sort(names)
	if want := []string{"b.db", "roster.db", "t.db"}; !reflect.DeepEqual(names, want) {
		t.Errorf("files after a backup: %v, want %v", names, want)
	}
}

// dumpTables reads every row of every table of the store at dbURL but
// schema_migrations (whose times are the store's own), as sorted text rows
// the engines write alike.
func dumpTables(t *testing.T, dbURL string) map[string][]string {
	t.Helper()
	db, closeDB := openSQL(t, dbURL)
	defer closeDB()
	ctx := context.Background()
	q := `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`
	if !strings.HasPrefix(dbURL, "sqlite:") {
		q = `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'`
	}
	names := queryStrings(t, db, q)
	out := map[string][]string{}
	for _, n := range names {
		if n == "schema_migrations" {
			continue
		}
		rows, err := db.QueryContext(ctx, `SELECT * FROM `+n)
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := rows.Columns()
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		out[n] = []string{}
		for rows.Next() {
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			var b strings.Builder
			for i, v := range vals {
				switch x := v.(type) {
				case bool:
					v = map[bool]int64{false: 0, true: 1}[x]
				case []byte:
					v = string(x)
				}
				fmt.Fprintf(&b, "%s=%v|", cols[i], v)
			}
			out[n] = append(out[n], b.String())
		}
		rows.Close()
		slices.Sort(out[n])
	}
	return out
}

func counts(tables map[string][]string) map[string]int {
	out := map[string]int{}
	for n, rows := range tables {
		out[n] = len(rows)
	}
	return out
}

func maxID(t *testing.T, dbURL, table string) int64 {
	t.Helper()
	db, closeDB := openSQL(t, dbURL)
	defer closeDB()
	var id int64
	if err := db.QueryRow(`SELECT COALESCE(MAX(id), 0) FROM ` + table).Scan(&id); err != nil {
		t.Fatal(err)
	}
	return id
}

func countRows(t *testing.T, dbURL, table string) int64 {
	t.Helper()
	db, closeDB := openSQL(t, dbURL)
	defer closeDB()
	var n int64
	if err := db.QueryRow(`SELECT COUNT(*) FROM ` + table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func openSQL(t *testing.T, dbURL string) (*sql.DB, func()) {
	t.Helper()
	st, err := storage.Open(context.Background(), dbURL)
	if err != nil {
		t.Fatal(err)
	}
	return st.(interface{ SQL() *sql.DB }).SQL(), func() { st.Close() }
}

func queryStrings(t *testing.T, db *sql.DB, q string) []string {
	t.Helper()
	rows, err := db.Query(q)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		out = append(out, s)
	}
	return out
}
