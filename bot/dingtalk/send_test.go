package dingtalk

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-resty/resty/v2"
)

func TestReplySession(t *testing.T) {
	var got atomic.Value
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		got.Store(string(b))
		io.WriteString(w, `{"errcode":0,"errmsg":"ok"}`)
	}))
	defer srv.Close()
	now := time.UnixMilli(1_760_000_000_000)
	m := &Incoming{SessionWebhook: srv.URL + "/robot/sendBySession?session=s3cr3t", SessionWebhookExpiredTime: now.Add(time.Minute).UnixMilli()}
	body := TextBody("ok", nil)
	if err := ReplySession(context.Background(), resty.New(), m, body, now); err != nil || got.Load() != string(body) {
		t.Fatalf("reply: %v, server got %v", err, got.Load())
	}
	if err := ReplySession(context.Background(), resty.New(), m, body, now.Add(time.Minute)); !errors.Is(err, ErrExpired) {
		t.Fatalf("expired: %v", err)
	}
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	m.SessionWebhook = "http://" + ln.Addr().String() + "/robot/sendBySession?session=s3cr3t"
	ln.Close()
	err := ReplySession(context.Background(), resty.New(), m, body, now)
	var te *TransportError
	if !errors.As(err, &te) || strings.Contains(err.Error(), "s3cr3t") {
		t.Fatalf("transport error %v", err)
	}
}
