package notify

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"
	"time"

	"gridbot"
	"gridbot/internal/testkit"
	"gridbot/storage/kv"
)

var ctx = context.Background()

// request is one message a fake robot received.
type request struct {
	Platform string
	Key      string
	Query    map[string]string
	Body     map[string]any
	Raw      string
}

// answer is a scripted reply of a fake robot.
type answer struct {
	status int
	body   string
}

var ok = answer{200, `{"errcode":0,"errmsg":"ok"}`}

// fakeRobots speaks the WeCom webhook and DingTalk custom robot wire formats:
// it records what it was sent and answers from a script per key, then "ok".
// A DingTalk request to a robot with a secret must be signed for the clock's
// instant.
type fakeRobots struct {
	t       *testing.T
	clock   *testkit.Clock
	secrets map[string]string // DingTalk access_token -> secret

	mu      sync.Mutex
	got     []request
	answers map[string][]answer // by key
}

func newFakeRobots(t *testing.T, clock *testkit.Clock) (*fakeRobots, *httptest.Server) {
	f := &fakeRobots{t: t, clock: clock, secrets: map[string]string{}, answers: map[string][]answer{}}
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	return f, srv
}

func (f *fakeRobots) script(key string, as ...answer) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.answers[key] = append(f.answers[key], as...)
}

func (f *fakeRobots) requests() []request {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]request(nil), f.got...)
}

func (f *fakeRobots) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	raw, _ := io.ReadAll(r.Body)
	req := request{Query: map[string]string{}, Raw: string(raw)}
	for k := range r.URL.Query() {
		req.Query[k] = r.URL.Query().Get(k)
	}
	switch r.URL.Path {
	case "/cgi-bin/webhook/send":
		req.Platform, req.Key = gridbot.PlatformWeCom, req.Query["key"]
	case "/robot/send":
		req.Platform, req.Key = gridbot.PlatformDingTalk, req.Query["access_token"]
		if secret := f.secrets[req.Key]; secret != "" {
			ts := req.Query["timestamp"]
			mac := hmac.New(sha256.New, []byte(secret))
			mac.Write([]byte(ts + "\n" + secret))
			if want := base64.StdEncoding.EncodeToString(mac.Sum(nil)); req.Query["sign"] != want {
				f.t.Errorf("DingTalk sign = %q, want %q", req.Query["sign"], want)
			}
			if ts != strconv.FormatInt(f.clock.Now().UnixMilli(), 10) {
				f.t.Errorf("DingTalk timestamp = %s, want the clock's %d", ts, f.clock.Now().UnixMilli())
			}
		}
	default:
		http.NotFound(w, r)
		return
	}
	if r.Method != http.MethodPost || r.Header.Get("Content-Type") != "application/json" {
		f.t.Errorf("%s %s with Content-Type %q", r.Method, r.URL.Path, r.Header.Get("Content-Type"))
	}
	if err := json.Unmarshal(raw, &req.Body); err != nil {
		f.t.Errorf("body is not JSON: %s", raw)
	}
	f.mu.Lock()
	f.got = append(f.got, req)
	a := ok
	if as := f.answers[req.Key]; len(as) > 0 {
		a, f.answers[req.Key] = as[0], as[1:]
	}
	f.mu.Unlock()
	w.WriteHeader(a.status)
	io.WriteString(w, a.body)
}

// env is a store with one town and its robots, a fake platform, a fake
// clock and a worker on them.
type env struct {
	st     gridbot.Store
	town   gridbot.Town
	hooks  map[string]gridbot.Webhook // by key
	clock  *testkit.Clock
	robots *fakeRobots
	srv    *httptest.Server
	kv     *kv.Memory
}

const (
	wecomKey   = "wk-town-0001"
	wecomKey2  = "wk-grid-0002"
	dingToken  = "dt-village-0003"
	dingSecret = "SEC0123456789abcdef"
)

func newEnv(t *testing.T, st gridbot.Store) *env {
	clock := testkit.NewClock(time.Date(2026, 11, 1, 9, 0, 0, 0, gridbot.Zone))
	robots, srv := newFakeRobots(t, clock)
	robots.secrets[dingToken] = dingSecret
	e := &env{st: st, clock: clock, robots: robots, srv: srv, hooks: map[string]gridbot.Webhook{}, kv: kv.NewMemory(clock.Now)}
	err := st.Update(ctx, func(tx gridbot.Tx) error {
		var err error
		if e.town, err = tx.CreateTown("海风镇"); err != nil {
			return err
		}
		d, err := tx.EnsureDistrict(e.town.ID, "东片")
		if err != nil {
			return err
		}
		v, err := tx.EnsureVillage(e.town.ID, d.ID, "海风村")
		if err != nil {
			return err
		}
		if _, err := tx.EnsureGrid(e.town.ID, v.ID, "一网格"); err != nil {
			return err
		}
		if err := tx.ReplaceWebhooks(e.town.ID, []gridbot.Webhook{
			{Scope: gridbot.ScopeTown, Platform: gridbot.PlatformWeCom, Key: wecomKey},
			{Scope: gridbot.ScopeGrid, Name: "一网格", Platform: gridbot.PlatformWeCom, Key: wecomKey2},
			{Scope: gridbot.ScopeVillage, Name: "海风村", Platform: gridbot.PlatformDingTalk, Key: dingToken, Secret: dingSecret},
		}, clock.Now()); err != nil {
			return err
		}
		hs, err := tx.Webhooks(e.town.ID)
		for _, h := range hs {
			e.hooks[h.Key] = h
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// worker returns a new worker on the env (a fresh one is a restart).
func (e *env) worker(opt Options) *Worker {
	opt.WeComBase, opt.DingTalkBase = e.srv.URL, e.srv.URL
	opt.Now, opt.Sleep = e.clock.Now, e.clock.Sleep
	if opt.Logger == nil {
		opt.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	return New(e.st, e.kv, opt)
}

// enqueue queues msg for the robot with key.
func (e *env) enqueue(t *testing.T, key string, msg Message) int64 {
	t.Helper()
	var id int64
	err := e.st.Update(ctx, func(tx gridbot.Tx) error {
		j := &gridbot.OutboundJob{TownID: e.town.ID, WebhookID: e.hooks[key].ID, Markdown: msg.Markdown, Text: msg.Text,
			Mentions: msg.Mentions, CreatedAt: e.clock.Now()}
		err := tx.EnqueueJob(j)
		id = j.ID
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// job returns the stored job id.
func (e *env) job(t *testing.T, id int64) gridbot.OutboundJob {
	t.Helper()
	var out gridbot.OutboundJob
	err := e.st.View(ctx, func(tx gridbot.Tx) error {
		jobs, err := tx.Jobs(e.town.ID, "")
		for _, j := range jobs {
			if j.ID == id {
				out = j
			}
		}
		return err
	})
	if err != nil || out.ID == 0 {
		t.Fatalf("job %d: %v", id, err)
	}
	return out
}

// runOnce runs one round and fails the test on error.
func runOnce(t *testing.T, w *Worker) Stats {
	t.Helper()
	s, err := w.RunOnce(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// content is a request's markdown or text content.
func (r request) content() string {
	switch r.Body["msgtype"] {
	case "markdown":
		md := r.Body["markdown"].(map[string]any)
		if c, ok := md["content"].(string); ok {
			return c
		}
		return md["text"].(string)
	case "text":
		return r.Body["text"].(map[string]any)["content"].(string)
	}
	return ""
}
