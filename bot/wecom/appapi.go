package wecom

import (
	"context"
	"encoding/json"
	"errors"
	"strconv"
	"sync"
	"time"

	"github.com/go-resty/resty/v2"
)

// TokenCache keeps access tokens; storage/kv's Cache fits it (on Redis the
// replicas share one token, as WeCom wants: gettoken is rate-limited).
type TokenCache interface {
	Get(ctx context.Context, key string) (val string, ok bool, err error)
	Set(ctx context.Context, key, val string, ttl time.Duration) error
	Delete(ctx context.Context, key string) error
}

// TokenMargin is how long before WeCom's expires_in a cached token is
// dropped, so that a token is never used in its last minutes (clock skew,
// a slow request).
const TokenMargin = 5 * time.Minute

// App calls the self-built app's API: gettoken and message/send. It talks
// to WeCom with go-resty directly rather than through silenceper/wechat,
// whose base URL can only be changed process-wide (util.SetURIModifier) and
// whose client is a package global: two servers in one test, or a town on
// a private WeCom deployment, could not each have their own.
type App struct {
	HTTP    *resty.Client
	BaseURL string // GRIDBOT_WECOM_API_BASE, without a trailing slash
	CorpID  string
	Secret  string
	AgentID int64
	Cache   TokenCache
	OnFetch func() // called before each gettoken request (metrics); may be nil

	mu sync.Mutex // one gettoken at a time in this process
}

// cacheKey names the token of this corp and app; other apps of the corp
// have tokens of their own.
func (a *App) cacheKey() string {
	return "wecom:token:" + a.CorpID + ":" + strconv.FormatInt(a.AgentID, 10)
}

// Token returns a valid access_token: the cached one, or a fresh one from
// GET /cgi-bin/gettoken. A cache error counts as a miss.
func (a *App) Token(ctx context.Context) (string, error) {
	if tok, ok, err := a.Cache.Get(ctx, a.cacheKey()); err == nil && ok {
		return tok, nil
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	// Another goroutine may have fetched it while we waited.
	if tok, ok, err := a.Cache.Get(ctx, a.cacheKey()); err == nil && ok {
		return tok, nil
	}
	return a.fetch(ctx)
}

func (a *App) fetch(ctx context.Context) (string, error) {
	if a.OnFetch != nil {
		a.OnFetch()
	}
	resp, err := a.HTTP.R().SetContext(ctx).
		SetQueryParams(map[string]string{"corpid": a.CorpID, "corpsecret": a.Secret}).
		Get(a.BaseURL + "/cgi-bin/gettoken")
	if err != nil {
		return "", StripURL(err)
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
	ttl := time.Duration(r.ExpiresIn)*time.Second - TokenMargin
	if ttl < time.Minute {
		ttl = time.Duration(r.ExpiresIn) * time.Second / 2
	}
	if ttl >= time.Second {
		// A failed Set only costs another gettoken next time.
		_ = a.Cache.Set(ctx, a.cacheKey(), r.AccessToken, ttl)
	}
	return r.AccessToken, nil
}

// invalidate drops tok from the cache, unless another goroutine or replica
// has already replaced it with a fresh one.
func (a *App) invalidate(ctx context.Context, tok string) {
	if cur, ok, err := a.Cache.Get(ctx, a.cacheKey()); err == nil && ok && cur != tok {
		return
	}
	_ = a.Cache.Delete(ctx, a.cacheKey())
}

// Send sends content to users through POST /cgi-bin/message/send, as text,
// or as markdown when markdown is set. When WeCom says the token is invalid
// or expired (40014, 42001) it drops the cached token, fetches a new one and
// sends once more. The caller retries other failures.
func (a *App) Send(ctx context.Context, users []string, content string, markdown bool) error {
	if len(users) == 0 {
		return errors.New("wecom: message/send without a recipient")
	}
	body := AppTextBody(users, a.AgentID, content)
	if markdown {
		body = AppMarkdownBody(users, a.AgentID, content)
	}
	tok, err := a.Token(ctx)
	if err != nil {
		return err
	}
	err = PostJSON(ctx, a.HTTP, a.BaseURL+"/cgi-bin/message/send?access_token="+tok, body)
	var ae *APIError
	if !errors.As(err, &ae) || !ae.TokenExpired() {
		return err
	}
	a.invalidate(ctx, tok)
	if tok, err = a.Token(ctx); err != nil {
		return err
	}
	return PostJSON(ctx, a.HTTP, a.BaseURL+"/cgi-bin/message/send?access_token="+tok, body)
}
