package faulttest

import (
	"context"
	"fmt"
	"os"
	"regexp"
	"sort"
	"strings"
	"time"

	"gridbot"
	"gridbot/bot/notify"
	"gridbot/bot/wecom"
	"gridbot/storage"
)

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
			_, reported, _ := h.sink.reply(d.tag)
			problems = append(problems, fmt.Sprintf("派发 #%d (%s, %s) by %s: acknowledged, no notice queued (reply %q; the 上报 was answered %q)", d.no, d.tag, d.phase, d.by, text, reported))
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
	fail(t, problems)
}
