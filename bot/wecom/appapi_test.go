package wecom

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-resty/resty/v2"

	"gridbot/storage/kv"
)

// fakeAPI is WeCom's gettoken and message/send; every token but the
// newest is expired.
type fakeAPI struct {
	fetches, sends atomic.Int32
	mu             sync.Mutex
	current        string
}

func (f *fakeAPI) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	switch r.URL.Path {
	case "/cgi-bin/gettoken":
		n := f.fetches.Add(1)
		if r.URL.Query().Get("corpsecret") != "the-secret" {
			io.WriteString(w, `{"errcode":40001,"errmsg":"invalid credential"}`)
			return
		}
		f.current = fmt.Sprintf("token-%d", n)
		fmt.Fprintf(w, `{"errcode":0,"errmsg":"ok","access_token":"%s","expires_in":7200}`, f.current)
	case "/cgi-bin/message/send":
		if r.URL.Query().Get("access_token") != f.current {
			io.WriteString(w, `{"errcode":42001,"errmsg":"access_token expired"}`)
			return
		}
		f.sends.Add(1)
		io.WriteString(w, `{"errcode":0,"errmsg":"ok","invaliduser":""}`)
	}
}

func newApp(t *testing.T, base string, cache TokenCache) *App {
	return &App{HTTP: resty.New(), BaseURL: base, CorpID: "ww1", Secret: "the-secret", AgentID: 1000002, Cache: cache}
}

func TestAppTokenCachedForExpiresInLessMargin(t *testing.T) {
	f := &fakeAPI{}
	srv := httptest.NewServer(f)
	defer srv.Close()
	now := time.Unix(1_760_000_000, 0)
	var mu sync.Mutex
	mem := kv.NewMemory(func() time.Time { mu.Lock(); defer mu.Unlock(); return now })
	a := newApp(t, srv.URL, mem)
	ctx := context.Background()
	for range 3 {
		if err := a.Send(ctx, []string{"U1"}, "hi", false); err != nil {
			t.Fatal(err)
		}
	}
	if f.fetches.Load() != 1 || f.sends.Load() != 3 {
		t.Fatalf("fetches %d sends %d", f.fetches.Load(), f.sends.Load())
	}
	if v, ok, _ := mem.Get(ctx, "wecom:token:ww1:1000002"); !ok || v != "token-1" {
		t.Fatalf("cache holds %q %v", v, ok)
	}
	mu.Lock()
	now = now.Add(7200*time.Second - TokenMargin + time.Second)
	mu.Unlock()
	if _, ok, _ := mem.Get(ctx, "wecom:token:ww1:1000002"); ok {
		t.Fatal("the token outlived expires_in less the margin")
	}
}

// TestAppConcurrentRefresh: many sends find the token expired at once; the
// process fetches a new one once (or twice), and every message goes out.
func TestAppConcurrentRefresh(t *testing.T) {
	f := &fakeAPI{}
	srv := httptest.NewServer(f)
	defer srv.Close()
	mem := kv.NewMemory(nil)
	ctx := context.Background()
	mem.Set(ctx, "wecom:token:ww1:1000002", "stale", time.Hour)
	a := newApp(t, srv.URL, mem)
	var wg sync.WaitGroup
	for range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := a.Send(ctx, []string{"U1"}, "hi", true); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if f.sends.Load() != 20 || f.fetches.Load() > 2 {
		t.Fatalf("sends %d fetches %d", f.sends.Load(), f.fetches.Load())
	}
}

func TestAppErrorsHideSecrets(t *testing.T) {
	f := &fakeAPI{}
	srv := httptest.NewServer(f)
	defer srv.Close()
	a := newApp(t, srv.URL, kv.NewMemory(nil))
	a.Secret = "wrong-secret"
	err := a.Send(context.Background(), []string{"U1"}, "hi", false)
	var ae *APIError
	if !errors.As(err, &ae) || ae.Code != 40001 {
		t.Fatalf("bad secret: %v", err)
	}
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	dead := "http://" + ln.Addr().String()
	ln.Close()
	a = newApp(t, dead, kv.NewMemory(nil))
	err = a.Send(context.Background(), []string{"U1"}, "hi", false)
	var te *TransportError
	if !errors.As(err, &te) || strings.Contains(err.Error(), "the-secret") || strings.Contains(err.Error(), "gettoken") {
		t.Fatalf("transport error %v", err)
	}
	err = ReplyResponseURL(context.Background(), resty.New(), dead+"/cgi-bin/aibot/response?response_code=secret-code", "hi")
	if !errors.As(err, &te) || strings.Contains(err.Error(), "secret-code") {
		t.Fatalf("response_url error %v", err)
	}
}
