package wecom

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"time"
)

// Error codes WeCom answers that the senders act on.
const (
	CodeOK           = 0
	CodeBusy         = -1    // system busy
	CodeTokenInvalid = 40014 // invalid access_token: fetch a new one
	CodeTokenExpired = 42001 // access_token expired: fetch a new one
	CodeRateLimited  = 45009 // over the frequency limit (webhook: 20 a minute)
)

// APIError is a failed WeCom API call: a non-zero errcode, or (Code 0) an
// HTTP status other than 200 or an answer that is not WeCom's JSON.
type APIError struct {
	HTTPStatus int
	Code       int
	Msg        string
}

func (e *APIError) Error() string {
	if e.Code == 0 {
		return fmt.Sprintf("wecom: HTTP %d %s", e.HTTPStatus, e.Msg)
	}
	return fmt.Sprintf("wecom: errcode %d: %s", e.Code, e.Msg)
}

// RateLimited reports errcode 45009 (or HTTP 429).
func (e *APIError) RateLimited() bool {
	return e.Code == CodeRateLimited || e.HTTPStatus == http.StatusTooManyRequests
}

// RetryAfter is how long to wait before the next attempt: a minute after
// the rate limit (WeCom counts per minute), zero (the caller's backoff)
// otherwise.
func (e *APIError) RetryAfter() time.Duration {
	if e.RateLimited() {
		return time.Minute
	}
	return 0
}

// TokenExpired reports that the access_token must be fetched again
// (errcode 40014 or 42001) before retrying once.
func (e *APIError) TokenExpired() bool {
	return e.Code == CodeTokenInvalid || e.Code == CodeTokenExpired
}

// CheckResponse reads WeCom's answer {"errcode":0,"errmsg":"ok",…}: nil on
// success, an *APIError otherwise (also for a non-200 status or a body that
// is not that JSON, e.g. a proxy's error page).
func CheckResponse(status int, body []byte) error {
	if status != http.StatusOK {
		return &APIError{HTTPStatus: status}
	}
	var r struct {
		ErrCode *int   `json:"errcode"`
		ErrMsg  string `json:"errmsg"`
	}
	if err := json.Unmarshal(body, &r); err != nil || r.ErrCode == nil {
		return &APIError{HTTPStatus: status, Msg: "answer is not WeCom's JSON"}
	}
	if *r.ErrCode != CodeOK {
		return &APIError{HTTPStatus: status, Code: *r.ErrCode, Msg: r.ErrMsg}
	}
	return nil
}

// marshal is json.Marshal without HTML escaping: WeCom markdown carries
// <font> tags and "&", which then stay readable on the wire. It never fails
// for the plain structs of this package.
func marshal(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

// mustMarshal is marshal for values that cannot fail (strings and ints only).
func mustMarshal(v any) []byte {
	b, err := marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}
