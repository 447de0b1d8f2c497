package dingtalk

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/go-resty/resty/v2"

	"gridbot/storage/kv"
)

// fakeOpenAPI is DingTalk's new server API: accessToken and
// messageFiles/download, and the download URL it hands out. It checks the
// bodies byte for byte; the first token it hands out is refused (401).
type fakeOpenAPI struct {
	t       *testing.T
	srv     *httptest.Server
	mu      sync.Mutex
	tokens  []string // handed out
	asked   []string // messageFiles/download bodies
	appKeys []string // accessToken appKeys
}

func newFakeOpenAPI(t *testing.T) *fakeOpenAPI {
	f := &fakeOpenAPI{t: t}
	f.srv = httptest.NewServer(f)
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeOpenAPI) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	f.mu.Lock()
	defer f.mu.Unlock()
	w.Header().Set("Content-Type", "application/json;charset=utf-8")
	switch r.URL.Path {
	case "/v1.0/oauth2/accessToken":
		var key string
		switch string(body) {
		case `{"appKey":"dingrobot","appSecret":"the-secret"}`:
			key = "dingrobot"
		case `{"appKey":"dingappkey","appSecret":"the-secret"}`:
			key = "dingappkey"
		default:
			w.WriteHeader(http.StatusBadRequest)
			io.WriteString(w, `{"code":"invalidClientIdOrSecret","requestid":"5E2C0AB4-1","message":"无效的clientId或者clientSecret"}`)
			return
		}
		f.appKeys = append(f.appKeys, key)
		tok := fmt.Sprintf("t%d", len(f.tokens)+1)
		f.tokens = append(f.tokens, tok)
		fmt.Fprintf(w, `{"expireIn":7200,"accessToken":"%s"}`, tok)
	case "/v1.0/robot/messageFiles/download":
		tok := r.Header.Get("x-acs-dingtalk-access-token")
		if tok == "" || tok == "t1" || r.Header.Get("Content-Type") != "application/json" {
			w.WriteHeader(http.StatusUnauthorized)
			io.WriteString(w, `{"code":"InvalidAuthentication","requestid":"5E2C0AB4-2","message":"不合法的access_token"}`)
			return
		}
		f.asked = append(f.asked, string(body))
		if !strings.Contains(string(body), `"downloadCode":"dc1"`) {
			w.WriteHeader(http.StatusBadRequest)
			io.WriteString(w, `{"code":"invalidParameter.downloadCode","requestid":"5E2C0AB4-3","message":"downloadCode有误或已过期"}`)
			return
		}
		fmt.Fprintf(w, `{"downloadUrl":"%s/file/abc.file?Expires=1760000300&Signature=sig"}`, f.srv.URL)
	case "/file/abc.file":
		if r.Header.Get("x-acs-dingtalk-access-token") != "" {
			f.t.Error("the token was sent to the download URL")
		}
		w.Header().Set("Content-Type", "application/octet-stream")
		io.WriteString(w, "\xff\xd8\xff\xe0 a jpeg")
	}
}

func TestFilesDownload(t *testing.T) {
	f := newFakeOpenAPI(t)
	files := &Files{HTTP: resty.New(), BaseURL: f.srv.URL, AppSecret: "the-secret", Cache: kv.NewMemory(nil)}
	got, err := files.Download(context.Background(), "dingrobot", "dc1", 1<<20)
	if err != nil || string(got) != "\xff\xd8\xff\xe0 a jpeg" {
		t.Fatalf("Download = %q, %v", got, err)
	}
	if len(f.tokens) != 2 || len(f.asked) != 1 || f.asked[0] != `{"downloadCode":"dc1","robotCode":"dingrobot"}` {
		t.Errorf("tokens %v, asked %v; want the refused token replaced and one download asked", f.tokens, f.asked)
	}
	// The token is cached: the next picture asks for none.
	if _, err := files.Download(context.Background(), "dingrobot", "dc1", 1<<20); err != nil || len(f.tokens) != 2 {
		t.Errorf("second download: %v, %d tokens", err, len(f.tokens))
	}
	_, err = files.Download(context.Background(), "dingrobot", "gone", 1<<20)
	var ae *APIError
	if !errors.As(err, &ae) || ae.HTTPStatus != http.StatusBadRequest || !strings.Contains(err.Error(), "downloadCode") {
		t.Errorf("expired code: %v", err)
	}
	if _, err := files.Download(context.Background(), "dingrobot", "dc1", 4); !errors.Is(err, ErrTooLarge) {
		t.Errorf("too large: %v", err)
	}

	// A configured AppKey asks for the token; the robot code stays the message's.
	files = &Files{HTTP: resty.New(), BaseURL: f.srv.URL, AppKey: "dingappkey", AppSecret: "the-secret", Cache: kv.NewMemory(nil)}
	if _, err := files.Download(context.Background(), "dingrobot", "dc1", 1<<20); err != nil || f.appKeys[len(f.appKeys)-1] != "dingappkey" {
		t.Errorf("with an AppKey: %v, token asked for %v", err, f.appKeys)
	}
	files = &Files{HTTP: resty.New(), BaseURL: f.srv.URL, AppSecret: "wrong", Cache: kv.NewMemory(nil)}
	if _, err := files.Download(context.Background(), "dingrobot", "dc1", 1<<20); !errors.As(err, &ae) || ae.HTTPStatus != http.StatusBadRequest {
		t.Errorf("wrong secret: %v", err)
	}
	if _, err := files.Download(context.Background(), "", "dc1", 1<<20); err == nil {
		t.Error("no robot code and no AppKey: no error")
	}
}
