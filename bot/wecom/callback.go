package wecom

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"time"
)

// Errors of a callback. The HTTP layer maps them with HTTPStatus; it logs
// them without the body.
var (
	ErrMalformed = errors.New("wecom: malformed callback")        // 400: not the documented shape
	ErrSignature = errors.New("wecom: bad msg_signature")         // 401: not signed with our token
	ErrStale     = errors.New("wecom: timestamp out of range")    // 401: replayed or clock far off
	ErrDecrypt   = errors.New("wecom: cannot decrypt")            // 403: signed, but not for our key
	ErrReceiveID = errors.New("wecom: receive id does not match") // 403: sealed for another corp/app
)

// HTTPStatus is the status to answer a callback that failed with err:
// 400 for a malformed one, 401 for a bad signature or stale timestamp, 403
// when the signature holds but decryption or the receive id fails, 500 for
// anything else (our own configuration).
func HTTPStatus(err error) int {
	switch {
	case err == nil:
		return http.StatusOK
	case errors.Is(err, ErrMalformed):
		return http.StatusBadRequest
	case errors.Is(err, ErrSignature), errors.Is(err, ErrStale):
		return http.StatusUnauthorized
	case errors.Is(err, ErrDecrypt), errors.Is(err, ErrReceiveID):
		return http.StatusForbidden
	}
	return http.StatusInternalServerError
}

// DefaultMaxSkew is how far a callback's timestamp may be from our clock.
// WeCom answers within seconds and retries within seconds more, so five
// minutes covers its retries plus ordinary clock drift while refusing a
// callback captured and replayed later (duplicates inside the window are
// caught by the message id).
const DefaultMaxSkew = 5 * time.Minute

// Callback checks and opens callbacks for one WeCom endpoint: the smart
// robot (ReceiveID "") or a self-built app (ReceiveID = corp id).
type Callback struct {
	Token     string
	Key       []byte // from DecodeAESKey
	ReceiveID string
	MaxSkew   time.Duration    // 0 means DefaultMaxSkew
	Now       func() time.Time // nil means time.Now
}

// VerifyURL answers WeCom's URL check (GET with msg_signature, timestamp,
// nonce, echostr): it returns the decrypted echostr, to be written as the
// whole response body.
func (c *Callback) VerifyURL(q url.Values) (echo []byte, err error) {
	echostr := q.Get("echostr")
	if echostr == "" {
		return nil, fmt.Errorf("%w: no echostr", ErrMalformed)
	}
	return c.Open(q, echostr)
}

// Open checks a callback and returns its plaintext: the signature over
// encrypt (constant time), the timestamp's freshness, decryption, and the
// receive id, in that order, so nothing unsigned is ever decrypted.
func (c *Callback) Open(q url.Values, encrypt string) ([]byte, error) {
	if err := c.check(); err != nil {
		return nil, err
	}
	ts, nonce := q.Get("timestamp"), q.Get("nonce")
	if encrypt == "" {
		return nil, fmt.Errorf("%w: nothing encrypted", ErrMalformed)
	}
	if !VerifySignature(c.Token, ts, nonce, encrypt, q.Get("msg_signature")) {
		return nil, ErrSignature
	}
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return nil, fmt.Errorf("%w: timestamp %q is not a number", ErrStale, ts)
	}
	skew := c.MaxSkew
	if skew <= 0 {
		skew = DefaultMaxSkew
	}
	if d := c.now().Sub(time.Unix(sec, 0)); d > skew || d < -skew {
		return nil, fmt.Errorf("%w: %s off", ErrStale, d.Round(time.Second))
	}
	msg, rid, err := Decrypt(c.Key, encrypt)
	if err != nil {
		return nil, err
	}
	if rid != c.ReceiveID {
		return nil, ErrReceiveID
	}
	return msg, nil
}

// Seal encrypts a passive reply and wraps it in the JSON envelope the smart
// robot expects in the HTTP answer:
//
//	{"encrypt":"…","msgsignature":"…","timestamp":"…","nonce":"…"}
//
// timestamp and nonce are usually the callback's own; the signature covers
// them. The timestamp is a JSON string, as in WeCom's reference library
// (WXBizJsonMsgCrypt). random is crypto/rand.Reader in production.
func (c *Callback) Seal(plain []byte, timestamp, nonce string, random io.Reader) ([]byte, error) {
	if err := c.check(); err != nil {
		return nil, err
	}
	enc, err := Encrypt(c.Key, plain, c.ReceiveID, random)
	if err != nil {
		return nil, err
	}
	return marshal(struct {
		Encrypt      string `json:"encrypt"`
		MsgSignature string `json:"msgsignature"`
		Timestamp    string `json:"timestamp"`
		Nonce        string `json:"nonce"`
	}{enc, Signature(c.Token, timestamp, nonce, enc), timestamp, nonce})
}

// check refuses a configuration that would accept forgeries: with an empty
// token anybody can compute the signature.
func (c *Callback) check() error {
	if c.Token == "" {
		return errors.New("wecom: callback token is empty")
	}
	if len(c.Key) != 32 {
		return fmt.Errorf("wecom: callback key is %d bytes, want 32", len(c.Key))
	}
	return nil
}

func (c *Callback) now() time.Time {
	if c.Now != nil {
		return c.Now()
	}
	return time.Now()
}
