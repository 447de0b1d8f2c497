package dingtalk

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"sync"
	"time"

	"github.com/go-resty/resty/v2"
)

// DefaultOpenAPIBase is DingTalk's new server API (新版服务端API), where the
// robot's received files are downloaded.
const DefaultOpenAPIBase = "https://api.dingtalk.com"

// ErrTooLarge is a picture larger than the limit asked for: not read on.
var ErrTooLarge = errors.New("dingtalk: picture too large")

// Files downloads the pictures members send the enterprise robot. The wire
// format is DingTalk's new server API (api.dingtalk.com):
//
//	POST /v1.0/oauth2/accessToken {"appKey":"…","appSecret":"…"}
//	     → {"accessToken":"…","expireIn":7200}
//	POST /v1.0/robot/messageFiles/download {"downloadCode":"…","robotCode":"…"}
//	     header x-acs-dingtalk-access-token: the token
//	     → {"downloadUrl":"https://…"}
//	GET  the downloadUrl (no token) → the file
//
// (open.dingtalk.com, 机器人 → 下载机器人接收消息的文件内容, and 获取企业内部应用的
// accessToken; an error is an HTTP 4xx with {"code":"…","message":"…"}.) The
// robot code of an enterprise internal app's robot is the app's AppKey, so
// the token is asked for with AppKey when it is configured, else with the
// message's robot code, and the robot's AppSecret.
type Files struct {
	HTTP      *resty.Client
	BaseURL   string // GRIDBOT_DINGTALK_OPENAPI_BASE, without a trailing slash
	AppKey    string // GRIDBOT_DINGTALK_APP_KEY; "" uses the message's robot code
	AppSecret string // GRIDBOT_DINGTALK_APP_SECRET
	Cache     TokenCache
	OnFetch   func() // called before each token request (metrics); may be nil

	mu sync.Mutex // one token request at a time in this process
}

func (f *Files) cacheKey(appKey string) string { return "dingtalk:v1token:" + appKey }

// token returns a valid access token of the new API for appKey, cached or fetched.
func (f *Files) token(ctx context.Context, appKey string) (string, error) {
	if tok, ok, err := f.Cache.Get(ctx, f.cacheKey(appKey)); err == nil && ok {
		return tok, nil
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if tok, ok, err := f.Cache.Get(ctx, f.cacheKey(appKey)); err == nil && ok {
		return tok, nil
	}
	if f.OnFetch != nil {
		f.OnFetch()
	}
	var r struct {
		AccessToken string `json:"accessToken"`
		ExpireIn    int64  `json:"expireIn"`
	}
	if err := f.post(ctx, "/v1.0/oauth2/accessToken", "", map[string]string{"appKey": appKey, "appSecret": f.AppSecret}, &r); err != nil {
		return "", err
	}
	if r.AccessToken == "" {
		return "", &APIError{HTTPStatus: http.StatusOK, Msg: "accessToken answered no accessToken"}
	}
	if ttl := time.Duration(r.ExpireIn)*time.Second - 5*time.Minute; ttl >= time.Minute {
		_ = f.Cache.Set(ctx, f.cacheKey(appKey), r.AccessToken, ttl)
	}
	return r.AccessToken, nil
}

// post POSTs body as JSON to the new API and decodes a 200 answer into out;
// any other status is an *APIError with DingTalk's code and message.
func (f *Files) post(ctx context.Context, path, token string, body, out any) error {
	b, err := json.Marshal(body)
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, f.BaseURL+path, bytes.NewReader(b))
	if err != nil {
		return stripURL(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("x-acs-dingtalk-access-token", token)
	}
	resp, err := f.HTTP.GetClient().Do(req)
	if err != nil {
		return stripURL(err)
	}
	defer resp.Body.Close()
	answer, err := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	if err != nil {
		return &TransportError{Op: "Post", Err: err}
	}
	if resp.StatusCode != http.StatusOK {
		var e struct {
			Code    string `json:"code"`
			Message string `json:"message"`
		}
		_ = json.Unmarshal(answer, &e)
		return &APIError{HTTPStatus: resp.StatusCode, Msg: e.Code + " " + e.Message}
	}
	if err := json.Unmarshal(answer, out); err != nil {
		return &APIError{HTTPStatus: resp.StatusCode, Msg: "answer is not DingTalk's JSON"}
	}
	return nil
}

// Download fetches a picture a member sent the robot: its download code
// becomes a download URL (messageFiles/download), which is then read, at
// most limit bytes (ErrTooLarge beyond). When DingTalk refuses the token
// (HTTP 401) a new one is fetched and the download asked once more.
func (f *Files) Download(ctx context.Context, robotCode, downloadCode string, limit int64) ([]byte, error) {
	appKey := f.AppKey
	if appKey == "" {
		appKey = robotCode
	}
	if robotCode == "" {
		robotCode = appKey
	}
	if appKey == "" || downloadCode == "" {
		return nil, errors.New("dingtalk: a picture without robot code or download code")
	}
	var r struct {
		DownloadURL string `json:"downloadUrl"`
	}
	for attempt := 0; ; attempt++ {
		tok, err := f.token(ctx, appKey)
		if err != nil {
			return nil, err
		}
		err = f.post(ctx, "/v1.0/robot/messageFiles/download", tok, map[string]string{"downloadCode": downloadCode, "robotCode": robotCode}, &r)
		var ae *APIError
		if attempt == 0 && errors.As(err, &ae) && ae.HTTPStatus == http.StatusUnauthorized {
			if cur, ok, cerr := f.Cache.Get(ctx, f.cacheKey(appKey)); cerr != nil || !ok || cur == tok {
				_ = f.Cache.Delete(ctx, f.cacheKey(appKey))
			}
			continue
		}
		if err != nil {
			return nil, err
		}
		break
	}
	if r.DownloadURL == "" {
		return nil, &APIError{HTTPStatus: http.StatusOK, Msg: "messageFiles/download answered no downloadUrl"}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, r.DownloadURL, nil)
	if err != nil {
		return nil, stripURL(err)
	}
	resp, err := f.HTTP.GetClient().Do(req)
	if err != nil {
		return nil, stripURL(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, &APIError{HTTPStatus: resp.StatusCode, Msg: "picture download refused"}
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, limit+1))
	if err != nil {
		return nil, &TransportError{Op: "Get", Err: err}
	}
	if int64(len(data)) > limit {
		return nil, ErrTooLarge
	}
	return data, nil
}
