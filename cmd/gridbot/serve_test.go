package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"io"
	"net"
	"net/http"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"gridbot/bot/wecom"
	"gridbot/internal/testkit"
)

func freeAddr(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// TestServe boots gridbot serve from the environment: it answers the probes
// and the smart robot's URL check, has no route for the platforms left
// unconfigured, and exits 0 on SIGTERM.
func TestServe(t *testing.T) {
	db := "sqlite:" + filepath.Join(t.TempDir(), "t.db")
	aesKey := "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C"
	addr := freeAddr(t)
	env := map[string]string{"GRIDBOT_DATABASE_URL": db, "GRIDBOT_ADDR": addr,
		"GRIDBOT_WECOM_BOT_TOKEN": "serve-test-token", "GRIDBOT_WECOM_BOT_AES_KEY": aesKey}
	getenv := func(k string) string { return env[k] }
	var out, errb bytes.Buffer
	if code := Main(context.Background(), []string{"import", "roster", "--town", "海风镇", ex("roster.csv")}, nil, &out, &errb, getenv); code != 0 {
		t.Fatalf("import: %d %s", code, errb.String())
	}
	ctx, cancel := context.WithCancel(context.Background())
	logs := &testkit.Buffer{}
	done := make(chan int)
	go func() { done <- Main(ctx, []string{"serve"}, nil, io.Discard, logs, getenv) }()
	base := "http://" + addr
	deadline := time.Now().Add(10 * time.Second)
	for {
		resp, err := http.Get(base + "/healthz")
		if err == nil {
			resp.Body.Close()
			break
		}
		if time.Now().After(deadline) {
			cancel()
			t.Fatalf("serve did not come up: %v\n%s", err, logs.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	status := func(path string) int {
		resp, err := http.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if status("/readyz") != 200 || status("/wecom/app") != 404 || status("/dingtalk/robot") != 404 {
		t.Errorf("routes: readyz %d, wecom/app %d, dingtalk/robot %d", status("/readyz"), status("/wecom/app"), status("/dingtalk/robot"))
	}
	key, _ := wecom.DecodeAESKey(aesKey)
	echo, _ := wecom.Encrypt(key, []byte("4242"), "", rand.Reader)
	ts := strconv.FormatInt(time.Now().Unix(), 10)
	q := url.Values{"msg_signature": {wecom.Signature("serve-test-token", ts, "n1", echo)}, "timestamp": {ts}, "nonce": {"n1"}, "echostr": {echo}}
	resp, err := http.Get(base + "/wecom/bot?" + q.Encode())
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || string(body) != "4242" {
		t.Errorf("URL check: %d %q", resp.StatusCode, body)
	}
	cancel()
	select {
	case code := <-done:
		if code != 0 {
			t.Fatalf("serve exited %d:\n%s", code, logs.String())
		}
	case <-time.After(30 * time.Second):
		t.Fatal("serve did not stop")
	}
	l := logs.String()
	for _, want := range []string{"wecom smart robot enabled", "wecom self-built app disabled", "dingtalk robot disabled", "shut down"} {
		if !strings.Contains(l, want) {
			t.Errorf("the log lacks %q:\n%s", want, l)
		}
	}
	if strings.Contains(l, "serve-test-token") || strings.Contains(l, aesKey) {
		t.Errorf("the log shows a secret:\n%s", l)
	}
}

// TestServeMisconfigured: half a platform configuration stops serve with a
// message naming what is missing, and no secret.
func TestServeMisconfigured(t *testing.T) {
	env := map[string]string{"GRIDBOT_DATABASE_URL": "sqlite:" + filepath.Join(t.TempDir(), "t.db"),
		"GRIDBOT_WECOM_APP_SECRET": "very-secret-value"}
	var out, errb bytes.Buffer
	code := Main(context.Background(), []string{"serve"}, nil, &out, &errb, func(k string) string { return env[k] })
	if code != 1 || !strings.Contains(errb.String(), "GRIDBOT_WECOM_APP_TOKEN") || strings.Contains(errb.String(), "very-secret-value") {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
}
