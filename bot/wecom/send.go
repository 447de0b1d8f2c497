package wecom

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"

	"github.com/go-resty/resty/v2"
)

// MaxAnswer bounds the answer read from a WeCom API: its JSON is a few
// hundred bytes, and a proxy's error page need not be read whole.
const MaxAnswer = 64 << 10

// PostJSON POSTs a JSON body to a WeCom URL once and checks the answer with
// CheckResponse. The caller retries. An error never contains the URL: WeCom
// URLs carry access tokens and response_url keys, and errors end in logs.
//
// It sends with c's *http.Client (its transport, pool and timeout) but not
// through resty's request pipeline: on every reply that pipeline parsed the
// URL again and matched content types with regular expressions, costing as
// much CPU as the HTTP exchange itself, for features (middleware, retries,
// base URLs) these POSTs do not use.
func PostJSON(ctx context.Context, c *resty.Client, rawurl string, body []byte) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, rawurl, bytes.NewReader(body))
	if err != nil {
		return StripURL(err)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := c.GetClient().Do(req)
	if err != nil {
		return StripURL(err)
	}
	defer resp.Body.Close()
	answer, err := io.ReadAll(io.LimitReader(resp.Body, MaxAnswer))
	if err != nil {
		return &TransportError{Op: "Post", Err: err}
	}
	return CheckResponse(resp.StatusCode, answer)
}

// ReplyResponseURL posts one markdown reply to a smart robot message's
// response_url. WeCom takes one reply per response_url, within an hour.
func ReplyResponseURL(ctx context.Context, c *resty.Client, responseURL, markdown string) error {
	if responseURL == "" {
		return errors.New("wecom: the message has no response_url")
	}
	return PostJSON(ctx, c, responseURL, MarkdownReply(markdown))
}

// StripURL removes the URL from a *url.Error (what net/http returns for a
// failed request), keeping the operation and the cause.
func StripURL(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return &TransportError{Op: ue.Op, Err: ue.Err}
	}
	return err
}

// TransportError is a request that got no HTTP answer (connection refused,
// timeout); sending again may work.
type TransportError struct {
	Op  string // "Post", "Get"
	Err error
}

func (e *TransportError) Error() string { return fmt.Sprintf("wecom: %s: %v", e.Op, e.Err) }

func (e *TransportError) Unwrap() error { return e.Err }
