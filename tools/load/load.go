package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	mrand "math/rand/v2"
	"net"
	"net/http"
	"sort"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// options is one run of the generator.
type options struct {
	URL       string
	Token     string
	Key       []byte
	Senders   []sender
	Grids     int
	Mix       []command
	BotName   string
	AIBotID   string
	Conns     int     // closed loop: callbacks in flight; open loop: the most connections
	Rate      float64 // > 0: open loop at this many callbacks a second
	Duration  time.Duration
	Warmup    time.Duration
	Timeout   time.Duration // per callback
	ReplyWait time.Duration // after the last callback, how long to wait for missing replies
	Sink      string        // listen address of the response_url sink
	SinkURL   string        // its base URL as the server should reach it ("" = from the listener)
	Now       func() time.Time
}

// run plays WeCom against o.URL for o.Warmup + o.Duration and returns
// what it measured.
func run(ctx context.Context, o options) (*report, error) {
	b := newBook()
	sk, err := startSink(o.Sink, o.SinkURL, b)
	if err != nil {
		return nil, fmt.Errorf("the reply sink cannot listen on %s: %v", o.Sink, err)
	}
	defer sk.close()

	tr := &http.Transport{
		Proxy:               nil, // loopback and staging targets: never through a proxy
		MaxConnsPerHost:     o.Conns,
		MaxIdleConns:        o.Conns,
		MaxIdleConnsPerHost: o.Conns,
		IdleConnTimeout:     90 * time.Second,
		DisableCompression:  true,
		DialContext:         (&net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
	}
	client := &http.Client{Transport: tr, Timeout: o.Timeout}
	defer tr.CloseIdleConnections()

	var idb [10]byte
	rand.Read(idb[:])
	runID := hex.EncodeToString(idb[:])
	cyc := cycle(o.Mix)
	var next atomic.Uint64

	start := time.Now()
	measureFrom := start.Add(o.Warmup)
	end := measureFrom.Add(o.Duration)

	// send posts callback seq, due at due, and records its end.
	send := func(seq uint64, due time.Time) {
		cmd := cyc[int(seq%uint64(len(cyc)))]
		s := &o.Senders[mrand.IntN(len(o.Senders))]
		id := fmt.Sprintf("%s-%d", runID[:6], seq)
		m := robotMessage{MsgID: fmt.Sprintf("%s%012x", runID, seq), AIBotID: o.AIBotID, ChatID: s.ChatID, ChatType: "group",
			From: robotFrom{UserID: s.UserID}, ResponseURL: sk.url(seq), MsgType: "text",
			Text: robotText{Content: "@" + o.BotName + " " + o.Mix[cmd].text(id)}}
		b.add(seq, &call{due: due, cmd: cmd, from: s, measured: !due.Before(measureFrom)})
		q, body, err := seal(o.Token, o.Key, m, o.Now())
		if err != nil {
			b.finish(seq, 0, "seal: "+err.Error(), time.Since(due))
			return
		}
		status, kind := post(ctx, client, o.URL+"?"+q.Encode(), body)
		b.finish(seq, status, kind, time.Since(due))
	}

	var wg sync.WaitGroup
	var maxLag time.Duration
	if o.Rate <= 0 {
		// Closed loop: o.Conns senders, each sending its next callback as
		// soon as the last one is answered. Latency is from the send.
		for range o.Conns {
			wg.Go(func() {
				for ctx.Err() == nil {
					now := time.Now()
					if !now.Before(end) {
						return
					}
					send(next.Add(1), now)
				}
			})
		}
	} else {
		// Open loop: callback i is due at start + i/rate whatever happened
		// to the earlier ones, as users send whether or not the server is
		// slow. Latency runs from the due time, so a callback that waited
		// for a free connection (or for a late scheduler) counts its wait:
		// no coordinated omission.
		slots := make(chan struct{}, o.Conns)
		interval := float64(time.Second) / o.Rate
	schedule:
		for i := 0; ; i++ {
			due := start.Add(time.Duration(float64(i) * interval))
			if !due.Before(end) {
				break
			}
			if d := time.Until(due); d > 0 {
				select {
				case <-time.After(d):
				case <-ctx.Done():
					break schedule
				}
			}
			select {
			case slots <- struct{}{}:
			case <-ctx.Done():
				break schedule
			}
			maxLag = max(maxLag, time.Since(due))
			seq := next.Add(1)
			wg.Go(func() {
				defer func() { <-slots }()
				send(seq, due)
			})
		}
	}
	wg.Wait()
	sent := time.Now()
	// The replies of the last callbacks are still on their way.
	deadline := sent.Add(o.ReplyWait)
	for b.waiting() > 0 && time.Now().Before(deadline) && ctx.Err() == nil {
		time.Sleep(20 * time.Millisecond)
	}
	// A little longer, so that a reply sent twice is seen twice.
	time.Sleep(min(200*time.Millisecond, o.ReplyWait))
	return b.report(o, measureFrom, end, maxLag), nil
}

// post sends one callback and tells how it ended: the HTTP status (the
// body drained so the connection is reused), or a kind of failure.
func post(ctx context.Context, c *http.Client, url string, body []byte) (int, string) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return 0, "request: " + err.Error()
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := c.Do(req)
	if err != nil {
		return 0, errKind(err)
	}
	io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return resp.StatusCode, fmt.Sprintf("HTTP %d", resp.StatusCode)
	}
	return resp.StatusCode, ""
}

// errKind names a transport failure for the report.
func errKind(err error) string {
	var ne net.Error
	switch {
	case errors.Is(err, context.Canceled):
		return "canceled"
	case errors.Is(err, syscall.ECONNREFUSED):
		return "connection refused"
	case errors.Is(err, syscall.ECONNRESET), errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return "connection reset"
	case errors.Is(err, syscall.EADDRNOTAVAIL):
		return "no local port left (EADDRNOTAVAIL)"
	case errors.As(err, &ne) && ne.Timeout():
		return "timeout"
	}
	return "transport error"
}

// report is what a run measured; -json prints it as is.
type report struct {
	Mode            string          `json:"mode"` // "closed" or "open"
	URL             string          `json:"url"`
	Conns           int             `json:"conns"`
	OfferedRate     float64         `json:"offered_rate,omitempty"`
	DurationS       float64         `json:"duration_s"`
	WarmupS         float64         `json:"warmup_s"`
	Senders         int             `json:"senders"`
	Grids           int             `json:"grids"`
	Mix             string          `json:"mix"`
	Sent            int             `json:"sent"`
	Answered        int             `json:"answered"`
	Errors          map[string]int  `json:"errors"`
	CallbacksPerSec float64         `json:"callbacks_per_s"`
	Latency         summary         `json:"latency"`
	SchedulerLagMs  float64         `json:"scheduler_max_lag_ms,omitempty"`
	Replies         int             `json:"replies"`
	ReplyDelay      summary         `json:"reply_delay"`
	Missing         int             `json:"missing_replies"`
	Doubled         int             `json:"doubled_replies"`
	BadReplies      int             `json:"bad_replies"`
	RepliesToFailed int             `json:"replies_to_failed_callbacks"`
	Strays          int             `json:"stray_replies"`
	ByCommand       []commandReport `json:"by_command"`
	Total           totals          `json:"all_including_warmup"`
}

type commandReport struct {
	Command  string         `json:"command"`
	Sent     int            `json:"sent"`
	Answered int            `json:"answered"`
	Latency  summary        `json:"latency"`
	Replies  map[string]int `json:"replies"` // first line of the reply, digits as N → count
}

// totals covers the warm-up too: exactly-once replies are checked for
// every callback, measured or not.
type totals struct {
	Sent     int `json:"sent"`
	Answered int `json:"answered"`
	Missing  int `json:"missing_replies"`
	Doubled  int `json:"doubled_replies"`
}

func (b *book) report(o options, from, end time.Time, lag time.Duration) *report {
	b.mu.Lock()
	defer b.mu.Unlock()
	r := &report{Mode: "closed", URL: o.URL, Conns: o.Conns, DurationS: o.Duration.Seconds(), WarmupS: o.Warmup.Seconds(),
		Senders: len(o.Senders), Grids: o.Grids, Mix: mixString(o.Mix), Errors: map[string]int{}, Strays: b.strays}
	if o.Rate > 0 {
		r.Mode, r.OfferedRate, r.SchedulerLagMs = "open", o.Rate, ms(lag)
	}
	var lat, delay []time.Duration
	per := make([]commandReport, len(o.Mix))
	perLat := make([][]time.Duration, len(o.Mix))
	for i, c := range o.Mix {
		per[i] = commandReport{Command: c.Text, Replies: map[string]int{}}
	}
	for _, c := range b.calls {
		ok := c.done && c.status == http.StatusOK
		r.Total.Sent++
		if ok {
			r.Total.Answered++
			if c.replies == 0 {
				r.Total.Missing++
			}
		}
		if c.replies > 1 {
			r.Total.Doubled++
		}
		if !c.measured {
			continue
		}
		r.Sent++
		per[c.cmd].Sent++
		if c.badReply {
			r.BadReplies++
		}
		if !ok {
			kind := c.errKind
			if !c.done {
				kind = "unfinished"
			}
			r.Errors[kind]++
			if c.replies > 0 {
				r.RepliesToFailed++
			}
			continue
		}
		r.Answered++
		per[c.cmd].Answered++
		lat = append(lat, c.latency)
		perLat[c.cmd] = append(perLat[c.cmd], c.latency)
		switch {
		case c.replies == 0:
			r.Missing++
		default:
			r.Replies++
			delay = append(delay, c.replyAt.Sub(c.due))
			per[c.cmd].Replies[c.reply]++
			if c.replies > 1 {
				r.Doubled++
			}
		}
	}
	r.Latency, r.ReplyDelay = summarize(lat), summarize(delay)
	for i := range per {
		per[i].Latency = summarize(perLat[i])
	}
	r.ByCommand = per
	if w := end.Sub(from).Seconds(); w > 0 {
		r.CallbacksPerSec = float64(int(float64(r.Answered)/w*10+0.5)) / 10
	}
	return r
}

// print writes the report for a person.
func (r *report) print(w io.Writer) {
	if r.Mode == "open" {
		fmt.Fprintf(w, "open loop: %.0f callbacks/s offered (at most %d connections), %gs measured after %gs warm-up → %s\n",
			r.OfferedRate, r.Conns, r.DurationS, r.WarmupS, r.URL)
	} else {
		fmt.Fprintf(w, "closed loop: %d connections, %gs measured after %gs warm-up → %s\n", r.Conns, r.DurationS, r.WarmupS, r.URL)
	}
	fmt.Fprintf(w, "senders:     %d members in %d grids; mix %s\n", r.Senders, r.Grids, r.Mix)
	fmt.Fprintf(w, "callbacks:   sent %d, answered %d (HTTP 200), errors %d%s\n", r.Sent, r.Answered, r.Sent-r.Answered, errList(r.Errors))
	fmt.Fprintf(w, "throughput:  %.1f callbacks/s answered\n", r.CallbacksPerSec)
	what := "from the send"
	if r.Mode == "open" {
		what = "from the intended send time"
	}
	fmt.Fprintf(w, "latency:     p50 %.2f ms, p90 %.2f ms, p99 %.2f ms, max %.2f ms (%s to the HTTP answer)\n",
		r.Latency.P50, r.Latency.P90, r.Latency.P99, r.Latency.Max, what)
	if r.Mode == "open" && r.SchedulerLagMs > 0 {
		fmt.Fprintf(w, "             the scheduler ran up to %.1f ms late (counted in the latency)\n", r.SchedulerLagMs)
	}
	fmt.Fprintf(w, "replies:     %d at the sink, delay p50 %.2f ms, p99 %.2f ms, max %.2f ms (%s to the reply's arrival)\n",
		r.Replies, r.ReplyDelay.P50, r.ReplyDelay.P99, r.ReplyDelay.Max, what)
	fmt.Fprintf(w, "exactly once: missing %d, doubled %d, not markdown %d, to failed callbacks %d, stray %d (whole run incl. warm-up: %d missing, %d doubled of %d answered)\n",
		r.Missing, r.Doubled, r.BadReplies, r.RepliesToFailed, r.Strays, r.Total.Missing, r.Total.Doubled, r.Total.Answered)
	fmt.Fprintln(w, "by command:")
	for _, c := range r.ByCommand {
		fmt.Fprintf(w, "  %-10s sent %6d  answered %6d  p50 %7.2f ms  p99 %7.2f ms\n", c.Command, c.Sent, c.Answered, c.Latency.P50, c.Latency.P99)
		type kv struct {
			k string
			n int
		}
		var top []kv
		for k, n := range c.Replies {
			top = append(top, kv{k, n})
		}
		sort.Slice(top, func(i, j int) bool { return top[i].n > top[j].n || top[i].n == top[j].n && top[i].k < top[j].k })
		for i, t := range top {
			if i == 3 {
				fmt.Fprintf(w, "      … %d other replies\n", len(top)-3)
				break
			}
			fmt.Fprintf(w, "      %6d × %s\n", t.n, t.k)
		}
	}
}

func errList(m map[string]int) string {
	if len(m) == 0 {
		return ""
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	s := ":"
	for i, k := range keys {
		if i > 0 {
			s += ","
		}
		s += fmt.Sprintf(" %s %d", k, m[k])
	}
	return s
}
