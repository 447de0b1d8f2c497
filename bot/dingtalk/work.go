package dingtalk

import (
	"context"
	"encoding/json"
	"errors"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/go-resty/resty/v2"
)

// Work sends DingTalk work notices (工作通知) of an enterprise internal app
// to named staff: the one-to-one channel of a DingTalk town, as the WeCom
// app's message/send is of a WeCom town. The wire format is DingTalk's old
// (oapi) server API, which the enterprise robot's host already is:
//
//	GET  /gettoken?appkey=K&appsecret=S
//	     → {"errcode":0,"errmsg":"ok","access_token":"…","expires_in":7200}
//	POST /topapi/message/corpconversation/asyncsend_v2?access_token=T
//	     {"agent_id":123,"userid_list":"u1,u2","msg":{"msgtype":"text","text":{"content":"…"}}}
//	     → {"errcode":0,"errmsg":"ok","task_id":…,"request_id":"…"}
//
// (open.dingtalk.com, 服务端API → 消息通知 → 工作通知 → 发送工作通知; the
// SDKs name it dingtalk.oapi.message.corpconversation.asyncsend_v2.)
type Work struct {
	HTTP      *resty.Client
	BaseURL   string // GRIDBOT_DINGTALK_API_BASE, without a trailing slash
	AppKey    string // GRIDBOT_DINGTALK_APP_KEY
	AppSecret string // GRIDBOT_DINGTALK_APP_SECRET (the same app's)
	AgentID   int64  // GRIDBOT_DINGTALK_AGENT_ID
	Cache     TokenCache
	OnFetch   func() // called before each gettoken request (metrics); may be nil

	mu sync.Mutex // one gettoken at a time in this process
}

// TokenCache keeps access tokens; storage/kv's Cache fits it, shared by the
// replicas through Redis (gettoken is rate-limited).
type TokenCache interface {
	Get(ctx context.Context, key string) (val string, ok bool, err error)
	Set(ctx context.Context, key, val string, ttl time.Duration) error
	Delete(ctx context.Context, key string) error
}

// Token errcodes after which a fresh token is fetched and the send tried once more.
const (
	CodeTokenInvalid = 40014
	CodeTokenExpired = 42001
	CodeTokenBad     = 88 // "不合法的access_token" of the topapi family
)

// WorkBody is the asyncsend_v2 body of a text (or markdown, titled) notice to users.
func WorkBody(agentID int64, users []string, content string, markdown bool, title string) []byte {
	type text struct {
		Content string `json:"content"`
	}
	type md struct {
		Title string `json:"title"`
		Text  string `json:"text"`
	}
	type msg struct {
		MsgType  string `json:"msgtype"`
		Text     *text  `json:"text,omitempty"`
		Markdown *md    `json:"markdown,omitempty"`
	}
	m := msg{MsgType: "text", Text: &text{content}}
	if markdown {
		m = msg{MsgType: "markdown", Markdown: &md{title, content}}
	}
	return marshal(struct {
		AgentID    int64  `json:"agent_id"`
		UserIDList string `json:"userid_list"`
		Msg        msg    `json:"msg"`
	}{agentID, strings.Join(users, ","), m})
}

func (w *Work) cacheKey() string {
	return "dingtalk:token:" + w.AppKey
}

// Token returns a valid access_token, cached or fetched.
func (w *Work) Token(ctx context.Context) (string, error) {
	if tok, ok, err := w.Cache.Get(ctx, w.cacheKey()); err == nil && ok {
		return tok, nil
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if tok, ok, err := w.Cache.Get(ctx, w.cacheKey()); err == nil && ok {
		return tok, nil
	}
	if w.OnFetch != nil {
		w.OnFetch()
	}
	resp, err := w.HTTP.R().SetContext(ctx).
		SetQueryParams(map[string]string{"appkey": w.AppKey, "appsecret": w.AppSecret}).
		Get(w.BaseURL + "/gettoken")
	if err != nil {
		return "", stripURL(err)
	}
	if err := CheckResponse(resp.StatusCode(), resp.Body()); err != nil {
		return "", err
	}
	var r struct {
		AccessToken string `json:"access_token"`
		ExpiresIn   int64  `json:"expires_in"`
	}
	if err := json.Unmarshal(resp.Body(), &r); err != nil || r.AccessToken == "" {
		return "", &APIError{HTTPStatus: resp.StatusCode(), Msg: "gettoken answered no access_token"}
	}
	// Five minutes early, as for WeCom: never use a token in its last minutes.
	if ttl := time.Duration(r.ExpiresIn)*time.Second - 5*time.Minute; ttl >= time.Minute {
		_ = w.Cache.Set(ctx, w.cacheKey(), r.AccessToken, ttl)
	}
	return r.AccessToken, nil
}

// Send sends one work notice to users. On an invalid or expired token it
// drops the cached one and sends once more; other failures are the caller's
// to retry.
func (w *Work) Send(ctx context.Context, users []string, content string, markdown bool, title string) error {
	if len(users) == 0 {
		return errors.New("dingtalk: work notice without a recipient")
	}
	body := WorkBody(w.AgentID, users, content, markdown, title)
	for attempt := 0; ; attempt++ {
		tok, err := w.Token(ctx)
		if err != nil {
			return err
		}
		resp, err := w.HTTP.R().SetContext(ctx).SetHeader("Content-Type", "application/json").SetBody(body).
			Post(w.BaseURL + "/topapi/message/corpconversation/asyncsend_v2?access_token=" + url.QueryEscape(tok))
		if err != nil {
			return stripURL(err)
		}
		err = CheckResponse(resp.StatusCode(), resp.Body())
		var ae *APIError
		if attempt > 0 || !errors.As(err, &ae) || (ae.Code != CodeTokenInvalid && ae.Code != CodeTokenExpired && ae.Code != CodeTokenBad) {
			return err
		}
		if cur, ok, cerr := w.Cache.Get(ctx, w.cacheKey()); cerr != nil || !ok || cur == tok {
			_ = w.Cache.Delete(ctx, w.cacheKey())
		}
	}
}

// stripURL keeps a transport error's cause without its URL (tokens).
func stripURL(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return &TransportError{Op: ue.Op, Err: ue.Err}
	}
	return err
}
