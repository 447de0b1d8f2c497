package server_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// fake plays WeCom's and DingTalk's servers: the smart robot's
// response_url, gettoken and message/send, and DingTalk's sessionWebhook.
// It answers with the platforms' own JSON, byte for byte.
type fake struct {
	t   testing.TB
	srv *httptest.Server

	corpID, secret string

	mu           sync.Mutex
	replies      map[string][]string // path → bodies received
	sent         []string            // message/send bodies accepted
	refused      int                 // message/send calls answered 42001
	fetches      int                 // gettoken calls
	tokens       map[string]bool     // tokens still valid
	seq          int                 // token and URL counter
	expireNext   bool                // the current token expires now: the next send gets 42001
	failReplies  int                 // the next n replies answer 502
	replyDelay   time.Duration
	replyAnswers int // all reply POSTs seen, failed or not

	hooks      []string        // group robot bodies, "key body"
	work       []string        // DingTalk work notice bodies accepted
	dingTokens map[string]bool // DingTalk tokens handed out
	dingKey    string          // DingTalk AppKey; its AppSecret is dingSecret
	dingSecret string

	pictures // images_test.go
}

// fakes finds a fake platform by its URL (a configuration's API base).
var (
	fakesMu sync.Mutex
	fakes   = map[string]*fake{}
)

func newFake(t testing.TB) *fake {
	f := &fake{t: t, corpID: "ww" + randHex(8), secret: "app-secret-" + randHex(4),
		replies: map[string][]string{}, tokens: map[string]bool{}, dingTokens: map[string]bool{},
		dingKey: "dingkey" + randHex(4), dingSecret: "ding-" + randHex(16)}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /reply/", f.reply)
	mux.HandleFunc("GET /cgi-bin/gettoken", f.gettoken)
	mux.HandleFunc("POST /cgi-bin/message/send", f.send)
	mux.HandleFunc("POST /cgi-bin/webhook/send", f.webhook)
	mux.HandleFunc("GET /gettoken", f.dingToken)
	mux.HandleFunc("POST /topapi/message/corpconversation/asyncsend_v2", f.workNotice)
	f.pictureRoutes(mux) // images_test.go
	f.srv = httptest.NewServer(mux)
	t.Cleanup(f.srv.Close)
	fakesMu.Lock()
	fakes[f.srv.URL] = f
	fakesMu.Unlock()
	return f
}

// replyURL is a fresh response_url or sessionWebhook.
func (f *fake) replyURL(kind string) string {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.seq++
	return fmt.Sprintf("%s/reply/%s/%d?key=%s", f.srv.URL, kind, f.seq, randHex(8))
}

func (f *fake) reply(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	f.mu.Lock()
	f.replyAnswers++
	fail := f.failReplies > 0
	if fail {
		f.failReplies--
	}
	delay := f.replyDelay
	f.mu.Unlock()
	time.Sleep(delay)
	if fail {
		http.Error(w, "<html>502 Bad Gateway</html>", http.StatusBadGateway)
		return
	}
	if r.Header.Get("Content-Type") != "application/json" || !json.Valid(body) {
		f.t.Errorf("reply is not JSON: %s %q", r.Header.Get("Content-Type"), body)
	}
	f.mu.Lock()
	f.replies[r.URL.Path] = append(f.replies[r.URL.Path], string(body))
	f.mu.Unlock()
	w.Header().Set("Content-Type", "application/json; charset=UTF-8")
	io.WriteString(w, `{"errcode":0,"errmsg":"ok"}`)
}

func (f *fake) gettoken(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	w.Header().Set("Content-Type", "application/json; charset=UTF-8")
	f.mu.Lock()
	defer f.mu.Unlock()
	f.fetches++
	if q.Get("corpid") != f.corpID || q.Get("corpsecret") != f.secret {
		io.WriteString(w, `{"errcode":40001,"errmsg":"invalid credential, hint: [1760000000_1_abc], from ip: 127.0.0.1, more info at https://open.work.weixin.qq.com/devtool/query?e=40001"}`)
		return
	}
	f.seq++
	tok := fmt.Sprintf("tok%d-%s", f.seq, randHex(16))
	f.tokens[tok] = true
	fmt.Fprintf(w, `{"errcode":0,"errmsg":"ok","access_token":"%s","expires_in":7200}`, tok)
}

func (f *fake) send(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	tok := r.URL.Query().Get("access_token")
	w.Header().Set("Content-Type", "application/json; charset=UTF-8")
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.expireNext && f.tokens[tok] {
		f.expireNext = false
		delete(f.tokens, tok)
	}
	if !f.tokens[tok] {
		f.refused++
		io.WriteString(w, `{"errcode":42001,"errmsg":"access_token expired, hint: [1760000000_2_def], from ip: 127.0.0.1, more info at https://open.work.weixin.qq.com/devtool/query?e=42001"}`)
		return
	}
	f.sent = append(f.sent, string(body))
	io.WriteString(w, `{"errcode":0,"errmsg":"ok","invaliduser":"","invalidparty":"","invalidtag":"","unlicenseduser":"","msgid":"`+randHex(8)+`","response_code":""}`)
}

// repliesTo returns the bodies posted to a reply URL.
func (f *fake) repliesTo(rawurl string) []string {
	path := strings.TrimPrefix(rawurl, f.srv.URL)
	path, _, _ = strings.Cut(path, "?")
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.replies[path]...)
}

// allReplies counts every reply received.
func (f *fake) allReplies() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := 0
	for _, bs := range f.replies {
		n += len(bs)
	}
	return n
}

// sentBodies returns the accepted message/send bodies.
func (f *fake) sentBodies() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.sent...)
}

// markdown returns the content of a {"msgtype":"markdown",…} reply.
func markdown(t testing.TB, body string) string {
	t.Helper()
	var m struct {
		MsgType  string `json:"msgtype"`
		Markdown struct {
			Content string `json:"content"`
		} `json:"markdown"`
	}
	if err := json.Unmarshal([]byte(body), &m); err != nil || m.MsgType != "markdown" {
		t.Fatalf("not a markdown reply: %s", body)
	}
	return m.Markdown.Content
}

// webhook is WeCom's group robot (消息推送): it records "KEY BODY".
func (f *fake) webhook(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	f.mu.Lock()
	f.hooks = append(f.hooks, r.URL.Query().Get("key")+" "+string(body))
	f.mu.Unlock()
	w.Header().Set("Content-Type", "application/json; charset=UTF-8")
	io.WriteString(w, `{"errcode":0,"errmsg":"ok"}`)
}

// dingToken is DingTalk's GET /gettoken?appkey=&appsecret=.
func (f *fake) dingToken(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	w.Header().Set("Content-Type", "application/json;charset=utf-8")
	f.mu.Lock()
	defer f.mu.Unlock()
	if q.Get("appkey") != f.dingKey || q.Get("appsecret") != f.dingSecret {
		io.WriteString(w, `{"errcode":40089,"errmsg":"不合法的corpid或corpsecret"}`)
		return
	}
	f.seq++
	tok := fmt.Sprintf("dtok%d%s", f.seq, randHex(8))
	f.dingTokens[tok] = true
	fmt.Fprintf(w, `{"errcode":0,"access_token":"%s","errmsg":"ok","expires_in":7200}`, tok)
}

// workNotice is DingTalk's work notice, asyncsend_v2.
func (f *fake) workNotice(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	w.Header().Set("Content-Type", "application/json;charset=utf-8")
	f.mu.Lock()
	defer f.mu.Unlock()
	if !f.dingTokens[r.URL.Query().Get("access_token")] {
		io.WriteString(w, `{"errcode":88,"errmsg":"不合法的access_token","sub_code":"40014"}`)
		return
	}
	f.work = append(f.work, string(body))
	io.WriteString(w, `{"errcode":0,"task_id":256271667526,"request_id":"4jzllmte0wau","errmsg":"ok"}`)
}

// hookBodies and workBodies return what the group robots and DingTalk's
// work notices received.
func (f *fake) hookBodies() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.hooks...)
}

func (f *fake) workBodies() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.work...)
}
