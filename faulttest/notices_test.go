package faulttest

import (
	"context"
	"database/sql"
	"encoding/csv"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"gridbot"
	"gridbot/bot/notify"
	"gridbot/bot/wecom"
	"gridbot/storage"
)

// Notices and announcements under the same faults: every 上报 that got its
// answer may be dispatched (派发 #N @member, by the grid's leader), which
// queues a notice to the member on the WeCom app (message/send); each phase
// publishes past months (gridbot publish month), which queues an
// announcement to the town's group robot (webhook/send). Both go to the
// fake WeCom API below, which answers 502 to the first attempts of some
// messages, errcode 45009 for a while, and holds requests so that a replica
// can be killed, or PostgreSQL stopped, while it delivers.

const (
	appAgentID = 1000002
	townRobot  = "fault-town-robot-0001"
)

// appEnv is the WeCom app's configuration: one-to-one notices go by
// message/send.
var appEnv = []string{
	"GRIDBOT_WECOM_CORP_ID=wwfaultcorp",
	"GRIDBOT_WECOM_APP_AGENT_ID=" + strconv.Itoa(appAgentID),
	"GRIDBOT_WECOM_APP_SECRET=fault-app-secret",
	"GRIDBOT_WECOM_APP_TOKEN=faultapptoken",
	"GRIDBOT_WECOM_APP_AES_KEY=" + botAESKey,
}

// dispatch is one 派发 of the run.
type dispatch struct {
	tag, phase string
	no         int
	sent       time.Time
	deliveries atomic.Int32
	acked      atomic.Bool
}

// gridPeople are a grid's leader and its members with a name of their own.
type gridPeople struct {
	leader  sender
	members []string // "name#userid"
}

func gridsOf(path string) (map[string]*gridPeople, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		return nil, err
	}
	out := map[string]*gridPeople{}
	for _, r := range rows[1:] {
		g := out[r[3]]
		if g == nil {
			g = &gridPeople{}
			out[r[3]] = g
		}
		switch r[2] {
		case "网格长":
			g.leader = sender{r[0], "chat-" + r[3]}
		case "网格员":
			g.members = append(g.members, r[1]+"#"+r[0])
		}
	}
	return out, nil
}

var issueNo = regexp.MustCompile(`问题#(\d+)`)

// dispatchOne sends 派发 for an issue whose 上报 was answered, by its grid's
// leader to a member of the grid, delivered one to four times like the rest.
func (h *harness) dispatchOne(ph string) {
	h.mu.Lock()
	var m *msg
	no := 0
	for i := 0; i < 10 && len(h.msgs) > 0; i++ {
		c := h.msgs[randn(len(h.msgs))]
		if h.dispatched[c.id] || !c.acked.Load() || h.grids[c.grid] == nil || len(h.grids[c.grid].members) == 0 {
			continue
		}
		_, text, _ := h.sink.reply(c.id)
		if sm := issueNo.FindStringSubmatch(text); sm != nil && strings.Contains(text, "已登记") {
			m, no = c, atoi(sm[1])
			break
		}
	}
	if m == nil {
		h.mu.Unlock()
		return
	}
	h.dispatched[m.id] = true
	g := h.grids[m.grid]
	d := &dispatch{tag: m.id, phase: ph, no: no, sent: time.Now()}
	h.disp = append(h.disp, d)
	h.mu.Unlock()
	rm := robotMessage{MsgID: "fault-D" + m.id, AIBotID: "aibot", ChatID: g.leader.chat, ChatType: "group", MsgType: "text",
		ResponseURL: h.sink.url("D" + m.id)}
	rm.From.UserID = g.leader.user
	rm.Text.Content = fmt.Sprintf("@网格助手 派发 #%d @%s", no, g.members[randn(len(g.members))])
	h.wg.Add(1)
	go func() {
		defer h.wg.Done()
		k := 1 + randn(4)
		for i := 0; i < k || (!d.acked.Load() && i < k+3); i++ {
			if i > 0 {
				time.Sleep(time.Duration(500+randn(1000)) * time.Millisecond)
			}
			d.deliveries.Add(1)
			if ok, _ := deliver(h.client, h.replicas[randn(len(h.replicas))].url(), rm); ok {
				d.acked.Store(true)
			}
		}
	}()
}

func atoi(s string) int { n, _ := strconv.Atoi(s); return n }

// publish publishes the next past month: its announcement is queued to the
// town's robot in the same transaction.
func (h *harness) publish(ph string) {
	h.mu.Lock()
	h.monthsBack++
	now := time.Now().In(gridbot.Zone)
	month := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, gridbot.Zone).AddDate(0, -h.monthsBack, 0).Format("2006-01")
	h.published[month] = publication{phase: ph, at: time.Now()}
	h.mu.Unlock()
	cmd := exec.Command(h.bin, "publish", "month", month, "--town", town)
	cmd.Env = h.env
	if out, err := cmd.CombinedOutput(); err != nil {
		h.t.Errorf("gridbot publish month %s: %v\n%s", month, err, out)
	}
}

type publication struct {
	phase string
	at    time.Time
}

// stopPG and startPG stop and start the test's PostgreSQL, remembering when
// it was down (a delivered mark cannot be written then).
func (h *harness) stopPG() {
	h.mu.Lock()
	h.pgDown = append(h.pgDown, [2]time.Time{time.Now()})
	h.mu.Unlock()
	h.pg.stop(h.t)
}

func (h *harness) startPG() {
	h.pg.start(h.t)
	h.mu.Lock()
	h.pgDown[len(h.pgDown)-1][1] = time.Now()
	h.mu.Unlock()
}

func (h *harness) kill9(rp *replica) {
	h.mu.Lock()
	h.kills = append(h.kills, kill{rp.name, time.Now()})
	h.mu.Unlock()
	rp.kill9()
}

type kill struct {
	replica string
	at      time.Time
}

// inWindow tells whether the copy c of a message was taken by the
// platform in the window gridbot cannot close: its replica never got the
// answer, or was killed before it could write the "delivered" mark (within
// a second of the answer, or before the store came back when the store was
// down then). A second copy of such a message is the documented re-send.
// The kill counts from the request's arrival: a request held by the
// platform while its sender is killed may be answered after the kill, before
// the server has noticed the closed connection.
func (h *harness) inWindow(c copy) bool {
	if c.gone {
		return true
	}
	if c.arrived.IsZero() {
		c.arrived = c.at
	}
	// c.replica "": a reply at the response_url, whose sender is not known.
	markable := c.at.Add(time.Second)
	for _, d := range h.pgDown {
		if d[0].Before(markable) && (d[1].IsZero() || d[1].After(c.at)) {
			markable = d[1].Add(2 * time.Second)
		}
	}
	for _, k := range h.kills {
		if (c.replica == "" || k.replica == c.replica) && !k.at.Before(c.arrived) && k.at.Before(markable) {
			return true
		}
	}
	return false
}

// pendingJobs counts the outbox's jobs not yet delivered or given up; -1
// when the store does not answer.
func pendingJobs(pg *postgres) int {
	db, err := sql.Open("pgx", pg.url())
	if err != nil {
		return -1
	}
	defer db.Close()
	var n int
	if err := db.QueryRow(`SELECT count(*) FROM outbox WHERE state = 'pending'`).Scan(&n); err != nil {
		return -1
	}
	return n
}

// noticeJob is one queued notice or announcement and what the platform got.
type noticeJob struct {
	job                              gridbot.OutboundJob
	phase                            string
	origin                           time.Time
	items                            []string
	attempts, n502, n45009, accepted int
	lost, doubled, window            int
	first                            time.Time
}

// expectedItems are the messages j makes at the platform, as the replicas
// send them: the robot's parts, or message/send's.
func expectedItems(j gridbot.OutboundJob) ([]string, error) {
	switch j.Channel {
	case gridbot.ChannelRobot:
		var out []string
		for _, b := range notify.Parts(j) {
			out = append(out, itemKey("robot", j.Webhook.Key, b))
		}
		return out, nil
	case gridbot.ChannelWeComApp:
		content, markdown := j.Text, false
		if strings.TrimSpace(j.Markdown) != "" {
			content, markdown = j.Markdown, true
		}
		var out []string
		for _, p := range wecom.SplitMarkdown(content, notify.MaxTextBytes) {
			b := wecom.AppTextBody([]string{j.Address}, appAgentID, p)
			if markdown {
				b = wecom.AppMarkdownBody([]string{j.Address}, appAgentID, p)
			}
			out = append(out, itemKey("app", "", b))
		}
		return out, nil
	}
	return nil, fmt.Errorf("unexpected channel %q", j.Channel)
}

var announceMonth = regexp.MustCompile(`^## (\d{4}-\d{2}) `)

// noticeReport reads the outbox, matches every notice and announcement with
// what the fake platform took, prints a table per fault and reports lost
// and doubled ones.
func (h *harness) noticeReport(order []string) {
	t := h.t
	ctx := context.Background()
	st, err := storage.Open(ctx, h.pg.url())
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var jobs []gridbot.OutboundJob
	err = st.View(ctx, func(tx gridbot.Tx) error {
		tw, err := tx.TownByName(town)
		if err != nil {
			return err
		}
		jobs, err = tx.Jobs(tw.ID, "")
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	dispByNo := map[int]*dispatch{}
	for _, d := range h.disp {
		dispByNo[d.no] = d
	}
	p := h.plat
	p.mu.Lock()
	defer p.mu.Unlock()
	var problems []string
	expected := map[string]bool{}
	byPhase := map[string][]*noticeJob{}
	keys := map[string]bool{}
	for _, j := range jobs {
		if j.Channel == gridbot.ChannelWeComRobotReply {
			continue // replies: the table above
		}
		keys[j.Key] = true
		nj := &noticeJob{job: j, phase: "?"}
		if k, ok := strings.CutPrefix(j.Key, "dispatch:"); ok {
			if d := dispByNo[atoi(k)]; d != nil {
				nj.phase, nj.origin = d.phase, d.sent
			}
		} else if m := announceMonth.FindStringSubmatch(j.Markdown); m != nil {
			if pb, ok := h.published[m[1]]; ok {
				nj.phase, nj.origin = pb.phase, pb.at
			}
		}
		items, err := expectedItems(j)
		if err != nil {
			problems = append(problems, fmt.Sprintf("job %d (%s): %v", j.ID, j.Key, err))
			continue
		}
		nj.items = items
		for _, it := range items {
			expected[it] = true
			cs := p.copies[it]
			nj.attempts += p.attempts[it]
			nj.n502 += p.n502[it]
			nj.n45009 += p.n45009[it]
			if len(cs) == 0 {
				nj.lost++
				continue
			}
			nj.accepted++
			if nj.first.IsZero() || cs[0].at.After(nj.first) {
				nj.first = cs[0].at
			}
			for i := 1; i < len(cs); i++ {
				if h.inWindow(cs[i-1]) {
					nj.window++
				} else {
					nj.doubled++
				}
			}
		}
		switch {
		case nj.lost > 0:
			problems = append(problems, fmt.Sprintf("%s (%s, %s): %d of %d parts never reached the platform; state %s, %d attempts, last error %q",
				j.Key, j.Channel, nj.phase, nj.lost, len(items), j.State, j.Attempts, j.LastError))
		case nj.doubled > 0:
			problems = append(problems, fmt.Sprintf("%s (%s, %s): %d parts delivered twice or more", j.Key, j.Channel, nj.phase, nj.doubled))
		case j.State != gridbot.JobDelivered:
			problems = append(problems, fmt.Sprintf("%s (%s, %s): delivered but %s in the outbox (%q)", j.Key, j.Channel, nj.phase, j.State, j.LastError))
		}
		byPhase[nj.phase] = append(byPhase[nj.phase], nj)
	}
	unexpected := 0
	for it := range p.copies {
		if !expected[it] {
			unexpected++
		}
	}
	if unexpected > 0 {
		problems = append(problems, fmt.Sprintf("%d messages at the platform that no outbox job accounts for", unexpected))
	}

	type drow struct{ sent, acked, notAcked, noNotice, badReply, replyWindow int }
	dr := map[string]*drow{}
	dtotal := &drow{}
	for _, d := range h.disp {
		r := dr[d.phase]
		if r == nil {
			r = &drow{}
			dr[d.phase] = r
		}
		n, text, _ := h.sink.reply("D" + d.tag)
		if ts := h.sink.replyTimes("D" + d.tag); n == 2 && h.inWindow(copy{at: ts[0]}) {
			// The reply's replica was killed before recording it: the window.
			n = 1
			r.replyWindow++
			dtotal.replyWindow++
		}
		queued := keys[fmt.Sprintf("dispatch:%d", d.no)]
		for _, x := range []*drow{r, dtotal} {
			x.sent++
			if d.acked.Load() {
				x.acked++
				if !queued {
					x.noNotice++
				}
				if n != 1 || !strings.Contains(text, "已派发给") {
					x.badReply++
				}
			} else {
				x.notAcked++
			}
		}
		switch {
		case d.acked.Load() && !queued:
			problems = append(problems, fmt.Sprintf("派发 #%d (%s, %s): acknowledged, no notice queued (reply %q)", d.no, d.tag, d.phase, text))
		case d.acked.Load() && (n != 1 || !strings.Contains(text, "已派发给")):
			problems = append(problems, fmt.Sprintf("派发 #%d (%s, %s): acknowledged, %d replies, the first %q", d.no, d.tag, d.phase, n, text))
		case !d.acked.Load() && n > 1:
			problems = append(problems, fmt.Sprintf("派发 #%d (%s, %s): not acknowledged, %d replies", d.no, d.tag, d.phase, n))
		}
	}

	var b strings.Builder
	total502, total45009 := 0, 0
	for _, v := range p.n502 {
		total502 += v
	}
	for _, v := range p.n45009 {
		total45009 += v
	}
	fmt.Fprintf(&b, "\nnotices: %d 派发 sent (%d acknowledged), %d months published; the fake WeCom API answered 502 %d times and 45009 %d times\n",
		dtotal.sent, dtotal.acked, len(h.published), total502, total45009)
	fmt.Fprintf(&b, "| %-58s | %4s | %5s | %7s | %4s | %5s | %4s | %5s | %5s | %4s | %7s | %7s | %12s |\n",
		"fault", "派发", "n-ack", "notices", "anns", "sends", "5xx", "45009", "deliv", "lost", "doubled", "re-sent", "first p50/max")
	fmt.Fprintf(&b, "|%s|\n", strings.Repeat("-", 150))
	type nrow struct {
		notices, anns, sends, n502, n45009, delivered, lost, doubled, window int
		delays                                                               []time.Duration
	}
	all := &nrow{}
	line := func(name string, d *drow, r *nrow) {
		sort.Slice(r.delays, func(i, j int) bool { return r.delays[i] < r.delays[j] })
		p50, mx := time.Duration(0), time.Duration(0)
		if len(r.delays) > 0 {
			p50, mx = r.delays[len(r.delays)/2], r.delays[len(r.delays)-1]
		}
		if d == nil {
			d = &drow{}
		}
		fmt.Fprintf(&b, "| %-58s | %4d | %5d | %7d | %4d | %5d | %4d | %5d | %5d | %4d | %7d | %7d | %5.1fs/%5.1fs |\n",
			name, d.sent, d.notAcked, r.notices, r.anns, r.sends, r.n502, r.n45009, r.delivered, r.lost, r.doubled, r.window, p50.Seconds(), mx.Seconds())
	}
	names := append([]string(nil), order...)
	if len(byPhase["?"]) > 0 {
		names = append(names, "?")
	}
	for _, ph := range names {
		r := &nrow{}
		for _, nj := range byPhase[ph] {
			for _, x := range []*nrow{r, all} {
				if nj.job.Channel == gridbot.ChannelRobot {
					x.anns++
				} else {
					x.notices++
				}
				x.sends += nj.attempts
				x.n502 += nj.n502
				x.n45009 += nj.n45009
				if nj.lost == 0 {
					x.delivered++
				} else {
					x.lost++
				}
				x.doubled += nj.doubled
				x.window += nj.window
				if !nj.first.IsZero() && !nj.origin.IsZero() {
					x.delays = append(x.delays, nj.first.Sub(nj.origin))
				}
			}
		}
		line(ph, dr[ph], r)
	}
	line("total", dtotal, all)
	if dtotal.replyWindow > 0 {
		fmt.Fprintf(&b, "  %d replies to 派发 sent twice: their replica was killed before recording them (the window)\n", dtotal.replyWindow)
	}
	fmt.Fprintf(&b, "  (派发: dispatches sent, each 1–4 deliveries; n-ack: none answered 200; notices: one-to-one notices queued (message/send); anns: announcements queued (town robot);\n"+
		"   sends: requests at the platform; deliv: every part taken; lost: a part never taken; doubled: taken twice outside the window;\n"+
		"   re-sent: taken again after the platform took it but the replica was killed before recording it (the one window left); first: 派发 or publish to the platform taking it)\n")
	t.Log(b.String())
	fmt.Fprintln(os.Stderr, b.String())
	if dtotal.acked == 0 || all.anns == 0 {
		t.Error("no notice or no announcement was queued: the notices part tested nothing")
	}
	for i, pr := range problems {
		if i == 20 {
			t.Errorf("… and %d more", len(problems)-20)
			break
		}
		t.Error(pr)
	}
}
