package kv_test

import (
	"context"
	"crypto/rand"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/silenceper/wechat/v2/credential"
	"github.com/silenceper/wechat/v2/util"

	"gridbot/storage/kv"
)

// TestWechatAccessTokenShared drives silenceper/wechat's own WeCom token code
// against a fake gettoken endpoint: two "replicas" on one KV fetch the token
// once, and deleting it (what the caller does on errcode 42001) makes the
// next call fetch a new one.
func TestWechatAccessTokenShared(t *testing.T) {
	var fetches atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/cgi-bin/gettoken" || r.URL.Query().Get("corpsecret") != "SECRET" {
			http.Error(w, "unexpected "+r.URL.String(), http.StatusBadRequest)
			return
		}
		n := fetches.Add(1)
		fmt.Fprintf(w, `{"errcode":0,"errmsg":"ok","access_token":"TOK-%d","expires_in":7200}`, n)
	}))
	defer srv.Close()
	util.SetURIModifier(func(uri string) string {
		return strings.Replace(uri, "https://qyapi.weixin.qq.com", srv.URL, 1)
	})
	defer util.SetURIModifier(nil)

	backends := map[string]func(t *testing.T) kv.KV{
		"memory": func(t *testing.T) kv.KV { return kv.NewMemory(nil) },
		"redis":  openRedis,
	}
	for name, open := range backends {
		t.Run(name, func(t *testing.T) {
			k := open(t)
			fetches.Store(0)
			corp := "ww" + rand.Text()
			key := credential.CacheKeyWorkPrefix + "_access_token_" + corp
			defer k.Delete(context.Background(), key)

			replica := func() credential.AccessTokenHandle {
				return credential.NewWorkAccessToken(corp, "SECRET", "", credential.CacheKeyWorkPrefix, kv.NewWechatCache(k))
			}
			get := func(h credential.AccessTokenHandle, want string, wantFetches int32) {
				t.Helper()
				tok, err := h.GetAccessToken()
				if err != nil {
					t.Fatal(err)
				}
				if tok != want || fetches.Load() != wantFetches {
					t.Fatalf("token %q after %d fetches, want %q after %d", tok, fetches.Load(), want, wantFetches)
				}
			}
			a, b := replica(), replica()
			get(a, "TOK-1", 1)
			get(a, "TOK-1", 1)
			get(b, "TOK-1", 1) // the other replica reads the shared cache
			if v, ok, err := k.Get(context.Background(), key); err != nil || !ok || v != "TOK-1" {
				t.Fatalf("cache holds %q, %v, %v; want TOK-1", v, ok, err)
			}
			if err := kv.NewWechatCache(k).Delete(key); err != nil {
				t.Fatal(err)
			}
			get(b, "TOK-2", 2)
			get(a, "TOK-2", 2)
		})
	}
}
