package dingtalk

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"
)

// Vectors computed with Python's hmac/base64/urllib (not this package).
const (
	vecTS      = "1577262236757"
	vecSecret  = "this is secret"
	vecSign    = "hmPWwU+7lVdm3ZZz0r9tSfx0L4Q26jWOZr9+Gs6EZQM="
	vecTS2     = "1700000000000"
	vecSecret2 = "SECabc+/=xyz"
	vecSign2   = "jHm1WzKF5GcsaQaGf+jkwZwrrhaD/GD6kgP77QoTsxg="
	vecSign2Q  = "jHm1WzKF5GcsaQaGf%2BjkwZwrrhaD%2FGD6kgP77QoTsxg%3D"
)

func TestSign(t *testing.T) {
	if got := Sign(vecTS, vecSecret); got != vecSign {
		t.Errorf("Sign = %s, want %s", got, vecSign)
	}
	if got := Sign(vecTS2, vecSecret2); got != vecSign2 {
		t.Errorf("Sign = %s, want %s", got, vecSign2)
	}
	mac := hmac.New(sha256.New, []byte("k"))
	mac.Write([]byte("42\nk"))
	if Sign("42", "k") != base64.StdEncoding.EncodeToString(mac.Sum(nil)) {
		t.Error("Sign disagrees with crypto/hmac")
	}
}

func header(ts, sign string) http.Header {
	h := http.Header{}
	if ts != "" {
		h.Set("timestamp", ts)
	}
	if sign != "" {
		h.Set("sign", sign)
	}
	return h
}

func TestVerify(t *testing.T) {
	ms, _ := strconv.ParseInt(vecTS, 10, 64)
	sent := time.UnixMilli(ms)
	ok := []time.Time{sent, sent.Add(time.Hour), sent.Add(-time.Hour), sent.Add(59 * time.Minute)}
	for _, now := range ok {
		if err := Verify(header(vecTS, vecSign), vecSecret, now); err != nil {
			t.Errorf("now %v: %v", now.Sub(sent), err)
		}
	}
	cases := []struct {
		name    string
		h       http.Header
		secret  string
		now     time.Time
		want    error
		status  int
		untyped bool
	}{
		{"no sign", header(vecTS, ""), vecSecret, sent, ErrSignature, 401, false},
		{"wrong sign", header(vecTS, vecSign2), vecSecret, sent, ErrSignature, 401, false},
		{"other secret", header(vecTS, vecSign), "other", sent, ErrSignature, 401, false},
		{"timestamp changed", header("1577262236758", vecSign), vecSecret, sent, ErrSignature, 401, false},
		{"no timestamp", header("", Sign("", vecSecret)), vecSecret, sent, ErrStale, 401, false},
		{"late", header(vecTS, vecSign), vecSecret, sent.Add(time.Hour + time.Second), ErrStale, 401, false},
		{"early", header(vecTS, vecSign), vecSecret, sent.Add(-time.Hour - time.Second), ErrStale, 401, false},
		{"today", header(vecTS, vecSign), vecSecret, time.Now(), ErrStale, 401, false},
		{"empty secret", header(vecTS, Sign(vecTS, "")), "", sent, nil, 500, true},
	}
	for _, c := range cases {
		err := Verify(c.h, c.secret, c.now)
		if err == nil || HTTPStatus(err) != c.status || (!c.untyped && !errors.Is(err, c.want)) {
			t.Errorf("%s: Verify = %v (status %d)", c.name, err, HTTPStatus(err))
		}
	}
}

// TestVerifyOverHTTP sends the headers in lower case, as DingTalk does,
// through a real HTTP server.
func TestVerifyOverHTTP(t *testing.T) {
	now := time.Now()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(HTTPStatus(Verify(r.Header, "app-secret", now)))
	}))
	defer srv.Close()
	ts := strconv.FormatInt(now.UnixMilli(), 10)
	for sign, want := range map[string]int{Sign(ts, "app-secret"): 200, Sign(ts, "forged"): 401} {
		req, _ := http.NewRequest("POST", srv.URL, strings.NewReader(`{}`))
		req.Header["timestamp"] = []string{ts}
		req.Header["sign"] = []string{sign}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != want {
			t.Errorf("status %d, want %d", resp.StatusCode, want)
		}
	}
}

func TestSignedURL(t *testing.T) {
	ms, _ := strconv.ParseInt(vecTS2, 10, 64)
	now := time.UnixMilli(ms)
	got := SignedURL("https://oapi.dingtalk.com/robot/send", "T0k", vecSecret2, now)
	want := "https://oapi.dingtalk.com/robot/send?access_token=T0k&timestamp=1700000000000&sign=" + vecSign2Q
	if got != want {
		t.Errorf("SignedURL =\n%s\nwant\n%s", got, want)
	}
	got = SignedURL("http://127.0.0.1:8080/robot/send?access_token=T0k", "", vecSecret2, now)
	if got != "http://127.0.0.1:8080/robot/send?access_token=T0k&timestamp=1700000000000&sign="+vecSign2Q {
		t.Errorf("token in base: %s", got)
	}
	if got := SignedURL("https://oapi.dingtalk.com/robot/send", "a b&c", "", now); got != "https://oapi.dingtalk.com/robot/send?access_token=a+b%26c" {
		t.Errorf("unsigned: %s", got)
	}
}
