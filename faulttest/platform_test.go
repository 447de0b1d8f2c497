package faulttest

import (
	"io"
	"net/http"
	"strings"
	"sync"
	"time"
)

// The fake WeCom API of the notice phases (see notices_test.go).

// copy is one message the fake platform took (answered 0, or held and its
// sender gone before the answer: WeCom would have sent it all the same).
type copy struct {
	replica string
	arrived time.Time // the request reached the platform
	at      time.Time // the platform answered it (later when held)
	gone    bool      // the sender's connection closed before the answer
}

// platform plays WeCom's API for the replicas (gettoken, message/send,
// webhook/send) at GRIDBOT_WECOM_API_BASE = sink/<replica>. A message is
// its body (and robot key): each expected once.
type platform struct {
	mu        sync.Mutex
	attempts  map[string]int
	failLeft  map[string]int // 502s still to answer
	n502      map[string]int
	n45009    map[string]int
	copies    map[string][]copy
	busyUntil time.Time
	failUntil time.Time
	hold      chan struct{}
	held      map[string]int // requests held since hold began, by replica and kind ("A", "robot")
}

func newPlatform() *platform {
	return &platform{attempts: map[string]int{}, failLeft: map[string]int{}, n502: map[string]int{}, n45009: map[string]int{},
		copies: map[string][]copy{}, held: map[string]int{}}
}

func itemKey(kind, robotKey string, body []byte) string {
	return kind + "\x00" + robotKey + "\x00" + string(body)
}

func (p *platform) serve(w http.ResponseWriter, r *http.Request) {
	parts := strings.SplitN(strings.TrimPrefix(r.URL.Path, "/"), "/", 2)
	if len(parts) != 2 {
		http.NotFound(w, r)
		return
	}
	replica, path := parts[0], "/"+parts[1]
	body, _ := io.ReadAll(r.Body)
	w.Header().Set("Content-Type", "application/json")
	var kind, key string
	switch path {
	case "/cgi-bin/gettoken":
		io.WriteString(w, `{"errcode":0,"errmsg":"ok","access_token":"fault-token","expires_in":7200}`)
		return
	case "/cgi-bin/message/send":
		kind = "app"
	case "/cgi-bin/webhook/send":
		kind, key = "robot", r.URL.Query().Get("key")
	default:
		http.NotFound(w, r)
		return
	}
	item := itemKey(kind, key, body)
	arrived := time.Now()
	p.mu.Lock()
	p.attempts[item]++
	if p.attempts[item] == 1 && randn(10) == 0 {
		p.failLeft[item] = 1 // 10% of first attempts: the replica's quick retry sends it
	}
	if time.Now().Before(p.failUntil) {
		p.n502[item]++
		p.mu.Unlock()
		http.Error(w, "bad gateway", http.StatusBadGateway)
		return
	}
	if time.Now().Before(p.busyUntil) {
		p.n45009[item]++
		p.mu.Unlock()
		io.WriteString(w, `{"errcode":45009,"errmsg":"api freq out of limit"}`)
		return
	}
	if p.failLeft[item] > 0 {
		p.failLeft[item]--
		p.n502[item]++
		p.mu.Unlock()
		http.Error(w, "bad gateway", http.StatusBadGateway)
		return
	}
	hold := p.hold
	if hold != nil {
		p.held[replica]++
		p.held[kind]++
	}
	p.mu.Unlock()
	if hold != nil {
		<-hold
	}
	gone := r.Context().Err() != nil
	p.mu.Lock()
	p.copies[item] = append(p.copies[item], copy{replica: replica, arrived: arrived, at: time.Now(), gone: gone})
	p.mu.Unlock()
	if !gone {
		io.WriteString(w, `{"errcode":0,"errmsg":"ok","invaliduser":""}`)
	}
}

// failing answers every message 502 for d: longer than the replicas'
// quick retries, so the worker's backoff sends them.
func (p *platform) failing(d time.Duration) {
	p.mu.Lock()
	p.failUntil = time.Now().Add(d)
	p.mu.Unlock()
}

// busy answers every message 45009 for d.
func (p *platform) busy(d time.Duration) {
	p.mu.Lock()
	p.busyUntil = time.Now().Add(d)
	p.mu.Unlock()
}

// holdUntil makes messages wait for their answer until release is called,
// and waits (at most max) until cond holds of the held counts.
func (p *platform) holdUntil(cond func(held map[string]int) bool, max time.Duration) (release func()) {
	ch := make(chan struct{})
	p.mu.Lock()
	p.hold, p.held = ch, map[string]int{}
	p.mu.Unlock()
	for end := time.Now().Add(max); time.Now().Before(end); time.Sleep(20 * time.Millisecond) {
		p.mu.Lock()
		ok := cond(p.held)
		p.mu.Unlock()
		if ok {
			break
		}
	}
	return func() {
		p.mu.Lock()
		p.hold = nil
		p.mu.Unlock()
		close(ch)
	}
}

func (p *platform) heldCounts() map[string]int {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := map[string]int{}
	for k, v := range p.held {
		out[k] = v
	}
	return out
}
