package wecom

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"testing"
	"time"
)

// vecQuery is the published URL check as WeCom sends it, URL-encoded.
const vecQuery = "msg_signature=" + vecSignature + "&timestamp=" + vecTimestamp + "&nonce=" + vecNonce +
	"&echostr=P9nAzCzyDtyTWESHep1vC5X9xho%2FqYX3Zpb4yKa9SKld1DsH3Iyt3tP3zNdtp%2B4RPcs8TgAE7OaBO%2BFZXvnaqQ%3D%3D"

func at(unix int64) func() time.Time { return func() time.Time { return time.Unix(unix, 0) } }

func vecCallback(t *testing.T) *Callback {
	return &Callback{Token: vecToken, Key: vecKey(t), ReceiveID: vecCorpID, Now: at(1409659589 + 30)}
}

func parseQuery(t *testing.T, raw string) url.Values {
	t.Helper()
	q, err := url.ParseQuery(raw)
	if err != nil {
		t.Fatal(err)
	}
	return q
}

func TestVerifyURLVector(t *testing.T) {
	echo, err := vecCallback(t).VerifyURL(parseQuery(t, vecQuery))
	if err != nil || string(echo) != vecEcho {
		t.Fatalf("VerifyURL = %q, %v", echo, err)
	}
}

func TestCallbackRefusals(t *testing.T) {
	q := func(edit func(url.Values)) url.Values {
		v := parseQuery(t, vecQuery)
		edit(v)
		return v
	}
	cases := []struct {
		name   string
		cb     func(*Callback)
		q      url.Values
		want   error
		status int
	}{
		{"no echostr", nil, q(func(v url.Values) { v.Del("echostr") }), ErrMalformed, 400},
		{"no signature", nil, q(func(v url.Values) { v.Del("msg_signature") }), ErrSignature, 401},
		{"bad signature", nil, q(func(v url.Values) { v.Set("msg_signature", "0"+vecSignature[1:]) }), ErrSignature, 401},
		{"nonce changed", nil, q(func(v url.Values) { v.Set("nonce", "1") }), ErrSignature, 401},
		{"other token", func(c *Callback) { c.Token = "other" }, q(func(url.Values) {}), ErrSignature, 401},
		{"2014 timestamp now", func(c *Callback) { c.Now = time.Now }, q(func(url.Values) {}), ErrStale, 401},
		{"other corp", func(c *Callback) { c.ReceiveID = "wwother" }, q(func(url.Values) {}), ErrReceiveID, 403},
		{"smart robot id", func(c *Callback) { c.ReceiveID = "" }, q(func(url.Values) {}), ErrReceiveID, 403},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cb := vecCallback(t)
			if c.cb != nil {
				c.cb(cb)
			}
			echo, err := cb.VerifyURL(c.q)
			if !errors.Is(err, c.want) || HTTPStatus(err) != c.status {
				t.Fatalf("VerifyURL = %q, %v (status %d); want %v, %d", echo, err, HTTPStatus(err), c.want, c.status)
			}
		})
	}
}

// signedQuery signs encrypt as WeCom would, with its own SHA-1.
func signedQuery(token string, ts int64, nonce, encrypt string) url.Values {
	s := strconv.FormatInt(ts, 10)
	return url.Values{"msg_signature": {sha1Sorted(token, s, nonce, encrypt)}, "timestamp": {s}, "nonce": {nonce}}
}

func TestOpenFreshness(t *testing.T) {
	key := vecKey(t)
	enc, err := Encrypt(key, []byte("{}"), "", fixedRandom())
	if err != nil {
		t.Fatal(err)
	}
	now := int64(1_760_000_000)
	cases := []struct {
		skew    time.Duration
		ts      int64
		refused bool
	}{
		{0, now, false},
		{0, now - 299, false},
		{0, now + 300, false},
		{0, now - 301, true},
		{0, now + 301, true},
		{0, now - 3*3600, true},
		{0, now + 3*3600, true},
		{time.Hour, now - 3599, false},
		{time.Hour, now - 3601, true},
	}
	for _, c := range cases {
		cb := &Callback{Token: "tok", Key: key, MaxSkew: c.skew, Now: at(now)}
		plain, err := cb.Open(signedQuery("tok", c.ts, "n1", enc), enc)
		if c.refused != errors.Is(err, ErrStale) || (!c.refused && (err != nil || string(plain) != "{}")) {
			t.Errorf("skew %v, ts now%+d: %q, %v", c.skew, c.ts-now, plain, err)
		}
	}
	// A timestamp that is not a number, correctly signed, is stale too.
	cb := &Callback{Token: "tok", Key: key, Now: at(now)}
	q := url.Values{"msg_signature": {sha1Sorted("tok", "soon", "n", enc)}, "timestamp": {"soon"}, "nonce": {"n"}}
	if _, err := cb.Open(q, enc); !errors.Is(err, ErrStale) {
		t.Errorf("timestamp soon: %v", err)
	}
}

func TestOpenOrderAndConfig(t *testing.T) {
	key := vecKey(t)
	now := int64(1_760_000_000)
	cb := &Callback{Token: "tok", Key: key, Now: at(now)}
	// Signed garbage: the signature passes, decryption refuses it.
	if _, err := cb.Open(signedQuery("tok", now, "n", "garbage!"), "garbage!"); !errors.Is(err, ErrDecrypt) || HTTPStatus(err) != 403 {
		t.Errorf("signed garbage: %v", err)
	}
	// Unsigned garbage never reaches decryption.
	if _, err := cb.Open(signedQuery("tok", now, "n", "other"), "garbage!"); !errors.Is(err, ErrSignature) {
		t.Errorf("unsigned garbage: %v", err)
	}
	if _, err := cb.Open(signedQuery("tok", now, "n", ""), ""); !errors.Is(err, ErrMalformed) {
		t.Errorf("empty encrypt: %v", err)
	}
	for name, bad := range map[string]*Callback{
		"no token":  {Key: key},
		"short key": {Token: "tok", Key: key[:16]},
	} {
		enc, _ := Encrypt(key, []byte("x"), "", fixedRandom())
		_, err := bad.Open(signedQuery("", now, "n", enc), enc)
		if err == nil || HTTPStatus(err) != http.StatusInternalServerError {
			t.Errorf("%s: %v", name, err)
		}
	}
	if HTTPStatus(nil) != 200 || HTTPStatus(fmt.Errorf("x: %w", ErrSignature)) != 401 {
		t.Error("HTTPStatus does not unwrap")
	}
}

func TestSeal(t *testing.T) {
	key := vecKey(t)
	cb := &Callback{Token: "tok", Key: key, Now: at(1_760_000_000)}
	plain := MarkdownReply("打卡成功")
	got, err := cb.Seal(plain, "1760000000", "n1", fixedRandom())
	if err != nil {
		t.Fatal(err)
	}
	enc, _ := Encrypt(key, plain, "", fixedRandom())
	want := fmt.Sprintf(`{"encrypt":"%s","msgsignature":"%s","timestamp":"1760000000","nonce":"n1"}`,
		enc, sha1Sorted("tok", "1760000000", "n1", enc))
	if string(got) != want {
		t.Fatalf("Seal =\n%s\nwant\n%s", got, want)
	}
	// WeCom's side: verify and open the envelope.
	back, err := cb.Open(url.Values{"msg_signature": {sha1Sorted("tok", "1760000000", "n1", enc)}, "timestamp": {"1760000000"}, "nonce": {"n1"}}, enc)
	if err != nil || string(back) != string(plain) {
		t.Fatalf("Open(Seal) = %q, %v", back, err)
	}
	if _, err := (&Callback{Key: key}).Seal(plain, "1", "n", fixedRandom()); err == nil {
		t.Error("Seal without a token")
	}
}
