package faulttest

import (
	"database/sql"
	"encoding/csv"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"gridbot"
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
	by         string // the leader who sends it
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
	d := &dispatch{tag: m.id, phase: ph, by: h.grids[m.grid].leader.user, no: no, sent: time.Now()}
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
