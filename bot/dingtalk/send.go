package dingtalk

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"time"

	"github.com/go-resty/resty/v2"
)

// ErrExpired is a reply to a session webhook past its expiry time.
var ErrExpired = errors.New("dingtalk: the session webhook has expired")

// ReplySession POSTs a reply body (TextBody or MarkdownBody) to the
// callback's sessionWebhook once, if it has not expired at now, and checks
// the answer. The caller retries. An error never contains the webhook URL,
// which works as a credential until it expires.
func ReplySession(ctx context.Context, c *resty.Client, m *Incoming, body []byte, now time.Time) error {
	if !m.CanReply(now) {
		return ErrExpired
	}
	resp, err := c.R().SetContext(ctx).SetHeader("Content-Type", "application/json").SetBody(body).Post(m.SessionWebhook)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			return &TransportError{Op: ue.Op, Err: ue.Err}
		}
		return err
	}
	return CheckResponse(resp.StatusCode(), resp.Body())
}

// TransportError is a request that got no HTTP answer (connection refused,
// timeout); sending again may work.
type TransportError struct {
	Op  string
	Err error
}

func (e *TransportError) Error() string { return fmt.Sprintf("dingtalk: %s: %v", e.Op, e.Err) }

func (e *TransportError) Unwrap() error { return e.Err }
