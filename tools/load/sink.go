package main

import (
	"encoding/json"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"
)

// call is one callback: when it was due, what it said, how it ended, and
// the replies its response_url received.
type call struct {
	due      time.Time // intended send time (open loop) or actual send time (closed loop)
	cmd      int       // index into the mix
	from     *sender
	measured bool   // due after the warm-up
	done     bool   // the HTTP exchange ended
	status   int    // HTTP status, 0 for a transport error
	errKind  string // "" when answered 200
	latency  time.Duration
	replies  int
	replyAt  time.Time // first reply's arrival
	badReply bool      // a reply that was not WeCom markdown JSON
	reply    string    // first line of the first reply, digits folded, for the report
}

// book is every call of a run, by sequence number; the sink and the
// senders share it.
type book struct {
	mu      sync.Mutex
	calls   map[uint64]*call
	strays  int // replies to a response_url the generator never handed out
	pending int // answered 200, no reply yet
}

func newBook() *book { return &book{calls: map[uint64]*call{}} }

func (b *book) add(seq uint64, c *call) {
	b.mu.Lock()
	b.calls[seq] = c
	b.mu.Unlock()
}

// finish records how the HTTP exchange of call seq ended.
func (b *book) finish(seq uint64, status int, errKind string, latency time.Duration) {
	b.mu.Lock()
	defer b.mu.Unlock()
	c := b.calls[seq]
	c.done, c.status, c.errKind, c.latency = true, status, errKind, latency
	if status == http.StatusOK && c.replies == 0 {
		b.pending++
	}
}

// reply records a POST to the response_url of call seq.
func (b *book) reply(seq uint64, at time.Time, body []byte) {
	var r struct {
		MsgType  string `json:"msgtype"`
		Markdown struct {
			Content string `json:"content"`
		} `json:"markdown"`
	}
	bad := json.Unmarshal(body, &r) != nil || r.MsgType != "markdown" || r.Markdown.Content == ""
	b.mu.Lock()
	defer b.mu.Unlock()
	c, ok := b.calls[seq]
	if !ok {
		b.strays++
		return
	}
	c.replies++
	if c.replies == 1 {
		c.replyAt = at
		c.reply = fold(r.Markdown.Content, c.from)
		if c.done && c.status == http.StatusOK {
			b.pending--
		}
	}
	c.badReply = c.badReply || bad
}

// waiting is how many callbacks answered 200 still wait for their reply.
func (b *book) waiting() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.pending
}

// fold is the first line of a reply, cut to 40 characters, with the
// sender's name and grid shown as 姓名 and 网格 and runs of digits as "N",
// so that replies differing only in those group together.
func fold(s string, from *sender) string {
	s, _, _ = strings.Cut(strings.TrimSpace(s), "\n")
	if from != nil {
		if from.Grid != "" {
			s = strings.ReplaceAll(s, from.Grid, "{网格}")
		}
		if from.Name != "" {
			s = strings.ReplaceAll(s, from.Name, "{姓名}")
		}
	}
	var b strings.Builder
	n, digit := 0, false
	for _, r := range s {
		if n >= 40 {
			b.WriteString("…")
			break
		}
		if unicode.IsDigit(r) {
			if !digit {
				b.WriteRune('N')
				n++
			}
			digit = true
			continue
		}
		digit = false
		b.WriteRune(r)
		n++
	}
	return b.String()
}

// sink is the local HTTP server standing for WeCom's response_url: every
// callback gets base + "/r/" + its sequence number, and the sink records
// each POST there, answering as WeCom does.
type sink struct {
	srv  *http.Server
	ln   net.Listener
	base string
}

func startSink(addr, advertise string, b *book) (*sink, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /r/{seq}", func(w http.ResponseWriter, r *http.Request) {
		at := time.Now()
		body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
		seq, err := strconv.ParseUint(r.PathValue("seq"), 10, 64)
		if err != nil {
			b.mu.Lock()
			b.strays++
			b.mu.Unlock()
		} else {
			b.reply(seq, at, body)
		}
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"errcode":0,"errmsg":"ok"}`)
	})
	s := &sink{srv: &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}, ln: ln}
	s.base = strings.TrimRight(advertise, "/")
	if s.base == "" {
		s.base = "http://" + ln.Addr().String()
	}
	go s.srv.Serve(ln)
	return s, nil
}

func (s *sink) url(seq uint64) string { return s.base + "/r/" + strconv.FormatUint(seq, 10) }

func (s *sink) close() { s.srv.Close() }
