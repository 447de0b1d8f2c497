package faulttest

import (
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib"
)

var issueTag = regexp.MustCompile(`F\d{6}`)

// storedIssues counts the issues stored per message tag, and says for each
// tag what its 上报's reply must call it, "问题#N（网格）", and who reported it.
func storedIssues(t *testing.T, pg *postgres) (count map[string]int, called, by map[string]string) {
	db, err := sql.Open("pgx", pg.url())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.Query(`SELECT i.description, i.no, COALESCE(g.name, ''), i.reported_by FROM issues i LEFT JOIN grids g ON g.id = i.grid_id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	count, called, by = map[string]int{}, map[string]string{}, map[string]string{}
	for rows.Next() {
		var d, grid, reporter string
		var no int64
		if err := rows.Scan(&d, &no, &grid, &reporter); err != nil {
			t.Fatal(err)
		}
		if tag := issueTag.FindString(d); tag != "" {
			count[tag]++
			called[tag], by[tag] = fmt.Sprintf("问题#%d（%s）", no, grid), reporter
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return count, called, by
}

type row struct {
	msgs, deliveries, acked, notAcked, lost, unanswered, doubledStore, doubledReply, replies, internal int
	delays                                                                                             []time.Duration
}

func (h *harness) report(stored map[string]int, called, by map[string]string, sent time.Duration) {
	t := h.t
	byPhase := map[string]*row{}
	var order []string
	total := &row{}
	var problems []string
	for _, m := range h.msgs {
		r := byPhase[m.phase]
		if r == nil {
			r = &row{}
			byPhase[m.phase] = r
			order = append(order, m.phase)
		}
		n, text, at := h.sink.reply(m.id)
		for _, x := range []*row{r, total} {
			x.msgs++
			x.deliveries += int(m.deliveries.Load())
			x.replies += n
			if strings.Contains(text, "系统内部错误") {
				x.internal++
			}
			if stored[m.id] > 1 {
				x.doubledStore++
			}
			if n > 1 {
				x.doubledReply++
			}
			if m.acked.Load() {
				x.acked++
				if stored[m.id] == 0 {
					x.lost++
				}
				if n == 0 {
					x.unanswered++
				} else {
					x.delays = append(x.delays, at.Sub(m.sent))
				}
			} else {
				x.notAcked++
			}
		}
		switch {
		case m.acked.Load() && stored[m.id] != 1:
			problems = append(problems, fmt.Sprintf("%s (%s): acknowledged, stored %d times", m.id, m.phase, stored[m.id]))
		case m.acked.Load() && n == 2 && strings.Contains(m.phase, "kill -9"):
			// The one window left: the platform took the reply and the
			// replica was killed before its delivered mark was written, so
			// the job went out once more after its lease. WeCom takes one
			// reply per response_url: the member still sees one.
			h.note(m.phase, fmt.Sprintf("%s: reply sent again after its replica was killed before recording it (the window)", m.id))
		case m.acked.Load() && n != 1:
			problems = append(problems, fmt.Sprintf("%s (%s): acknowledged, %d replies", m.id, m.phase, n))
		case !m.acked.Load() && (stored[m.id] > 1 || n > 1 || n != stored[m.id]):
			problems = append(problems, fmt.Sprintf("%s (%s): not acknowledged, stored %d times, %d replies", m.id, m.phase, stored[m.id], n))
		}
		if strings.Contains(text, "系统内部错误") {
			problems = append(problems, fmt.Sprintf("%s (%s): answered 系统内部错误", m.id, m.phase))
		}
		// The member is told the number of the issue stored, in its grid.
		if stored[m.id] == 1 && n > 0 && !strings.Contains(text, "已登记 "+called[m.id]) {
			problems = append(problems, fmt.Sprintf("%s (%s): stored as %s, answered %q", m.id, m.phase, called[m.id], text))
		}
		// … and it is recorded as the sender's, in the sender's grid.
		if stored[m.id] == 1 && (by[m.id] != m.user || !strings.HasSuffix(called[m.id], "（"+m.grid+"）")) {
			problems = append(problems, fmt.Sprintf("%s (%s): sent by %s of %s, stored as %s reported by %s", m.id, m.phase, m.user, m.grid, called[m.id], by[m.id]))
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "\nfault test: %d messages in %s at %d/s, %d late re-deliveries of stored messages, %d first reply POSTs refused by the sink\n",
		total.msgs, sent.Round(time.Second), Rate, h.lateN.Load(), h.sink.refused)
	fmt.Fprintf(&b, "| %-58s | %5s | %6s | %5s | %5s | %4s | %7s | %7s | %8s | %10s |\n", "fault", "msgs", "deliv", "acked", "n-ack", "lost", "no-repl", "doubled", "internal", "reply p50/max")
	fmt.Fprintf(&b, "|%s|\n", strings.Repeat("-", 140))
	line := func(name string, r *row) {
		sort.Slice(r.delays, func(i, j int) bool { return r.delays[i] < r.delays[j] })
		p50, mx := time.Duration(0), time.Duration(0)
		if len(r.delays) > 0 {
			p50, mx = r.delays[len(r.delays)/2], r.delays[len(r.delays)-1]
		}
		fmt.Fprintf(&b, "| %-58s | %5d | %6d | %5d | %5d | %4d | %7d | %7d | %8d | %4.1fs/%4.1fs |\n", name, r.msgs, r.deliveries, r.acked,
			r.notAcked, r.lost, r.unanswered, r.doubledStore+r.doubledReply, r.internal, p50.Seconds(), mx.Seconds())
	}
	for _, p := range order {
		line(p, byPhase[p])
	}
	line("total", total)
	for _, p := range order {
		for _, n := range h.notes[p] {
			fmt.Fprintf(&b, "  %s: %s\n", p, n)
		}
	}
	for _, rp := range h.replicas {
		fmt.Fprintf(&b, "  replica %s since its last start: journaled %.0f, retries absorbed %.0f, drained %.0f, already stored %.0f, refused %.0f, failed %.0f\n",
			rp.name, rp.metric(`gridbot_journal_messages_total{event="journaled"}`), rp.metric(`gridbot_journal_messages_total{event="retried"}`),
			rp.metric(`gridbot_journal_messages_total{event="drained"}`), rp.metric(`gridbot_journal_messages_total{event="duplicate"}`),
			rp.metric(`gridbot_journal_messages_total{event="refused"}`), rp.metric(`gridbot_journal_messages_total{event="failed"}`))
	}
	fmt.Fprintf(&b, "  (acked: answered 200 at least once; n-ack: never answered 200, the platform gave up; lost: acked, not stored; no-repl: acked, no reply; doubled: stored or replied twice)\n")
	t.Log(b.String())
	fmt.Fprintln(os.Stderr, b.String())
	if total.acked == 0 {
		t.Fatal("nothing was acknowledged: the replicas did not take the callbacks (see the serve-*.log files)")
	}
	fail(t, problems)
	if len(problems) > 0 {
		for _, rp := range h.replicas {
			if data, err := os.ReadFile(rp.log.Name()); err == nil {
				keep := filepath.Join(os.TempDir(), "gridbot-fault-"+rp.name+".log")
				os.WriteFile(keep, data, 0o644)
				t.Logf("replica %s's log kept at %s", rp.name, keep)
			}
		}
	}
}

// fail reports the first 20 problems as errors and how many more there are.
func fail(t *testing.T, problems []string) {
	for i, p := range problems {
		if i == 20 {
			t.Errorf("… and %d more", len(problems)-20)
			break
		}
		t.Error(p)
	}
}
