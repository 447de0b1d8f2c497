// Package dingtalk speaks DingTalk's (钉钉) wire formats: the enterprise
// internal robot's HTTP callback (signature, body, replies to the session
// webhook) and the custom group robot's signed push URL. It holds no HTTP
// server and no pipeline.
package dingtalk

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Errors of a callback; the HTTP layer maps them with HTTPStatus.
var (
	ErrMalformed = errors.New("dingtalk: malformed callback")     // 400
	ErrSignature = errors.New("dingtalk: bad sign")               // 401
	ErrStale     = errors.New("dingtalk: timestamp out of range") // 401
)

// MaxSkew is how far the timestamp header may be from our clock; DingTalk
// documents one hour.
const MaxSkew = time.Hour

// HTTPStatus is the status to answer a callback that failed with err: 400
// malformed, 401 bad or stale signature, 500 anything else (configuration).
func HTTPStatus(err error) int {
	switch {
	case err == nil:
		return http.StatusOK
	case errors.Is(err, ErrMalformed):
		return http.StatusBadRequest
	case errors.Is(err, ErrSignature), errors.Is(err, ErrStale):
		return http.StatusUnauthorized
	}
	return http.StatusInternalServerError
}

// Sign is DingTalk's signature of a millisecond timestamp:
// base64(HMAC-SHA256(secret, timestamp + "\n" + secret)).
func Sign(timestamp, secret string) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(timestamp + "\n" + secret))
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

// Verify checks an enterprise robot callback's headers: `sign` must be
// Sign(timestamp, appSecret), compared in constant time, and `timestamp`
// (milliseconds) at most MaxSkew from now. An empty appSecret is refused:
// anybody could sign with it.
func Verify(header http.Header, appSecret string, now time.Time) error {
	if appSecret == "" {
		return errors.New("dingtalk: app secret is empty")
	}
	ts, sign := header.Get("timestamp"), header.Get("sign")
	if sign == "" {
		return fmt.Errorf("%w: no sign header", ErrSignature)
	}
	if subtle.ConstantTimeCompare([]byte(Sign(ts, appSecret)), []byte(sign)) != 1 {
		return ErrSignature
	}
	ms, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return fmt.Errorf("%w: timestamp %q is not a number", ErrStale, ts)
	}
	if d := now.Sub(time.UnixMilli(ms)); d > MaxSkew || d < -MaxSkew {
		return fmt.Errorf("%w: %s off", ErrStale, d.Round(time.Second))
	}
	return nil
}

// SignedURL is the custom group robot's push URL:
// base?access_token=T&timestamp=MS&sign=S with S the URL-encoded Sign of now
// in milliseconds. base is https://oapi.dingtalk.com/robot/send (or a fake
// server's); an empty accessToken is left out (base already carries it), and
// an empty secret gives an unsigned URL, for a robot without 加签.
func SignedURL(base, accessToken, secret string, now time.Time) string {
	var q []string
	if accessToken != "" {
		q = append(q, "access_token="+url.QueryEscape(accessToken))
	}
	if secret != "" {
		ms := strconv.FormatInt(now.UnixMilli(), 10)
		q = append(q, "timestamp="+ms, "sign="+url.QueryEscape(Sign(ms, secret)))
	}
	if len(q) == 0 {
		return base
	}
	sep := "?"
	if strings.Contains(base, "?") {
		sep = "&"
	}
	return base + sep + strings.Join(q, "&")
}
