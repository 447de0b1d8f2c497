package wecom

import (
	"context"
	"errors"
	"fmt"
	"net/url"

	"github.com/go-resty/resty/v2"
)

// PostJSON POSTs a JSON body to a WeCom URL once and checks the answer with
// CheckResponse. The caller retries. An error never contains the URL: WeCom
// URLs carry access tokens and response_url keys, and errors end in logs.
func PostJSON(ctx context.Context, c *resty.Client, rawurl string, body []byte) error {
	resp, err := c.R().SetContext(ctx).SetHeader("Content-Type", "application/json").SetBody(body).Post(rawurl)
	if err != nil {
		return StripURL(err)
	}
	return CheckResponse(resp.StatusCode(), resp.Body())
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
