package kvtest

import (
	"context"
	"testing"
	"time"

	"github.com/silenceper/wechat/v2/cache"

	"gridbot/storage/kv"
)

// The adapter must satisfy silenceper/wechat's interfaces, both of them, so
// that the library's cache.GetContext and friends pass our context through.
var (
	_ cache.Cache        = (*kv.WechatCache)(nil)
	_ cache.ContextCache = (*kv.WechatCache)(nil)
)

func testWechatCache(t *testing.T, k kv.KV) {
	var c cache.Cache = kv.NewWechatCache(k)
	ctx, key := context.Background(), prefix()+"gowechat_work__access_token_ww1"

	if v := c.Get(key); v != nil {
		t.Fatalf("Get of a missing key = %#v, want untyped nil", v)
	}
	if c.IsExist(key) {
		t.Fatal("IsExist of a missing key = true")
	}
	if err := c.Set(key, "TOKEN-1", time.Minute); err != nil {
		t.Fatal(err)
	}
	// The library reads with val.(string).
	if s, ok := c.Get(key).(string); !ok || s != "TOKEN-1" {
		t.Fatalf("Get = %#v, want string TOKEN-1", c.Get(key))
	}
	if !c.IsExist(key) {
		t.Fatal("IsExist after Set = false")
	}
	// It is the same entry the bot sees through kv.Cache.
	mustGet(t, k, key, "TOKEN-1", true)

	// Through the library's context helpers.
	if err := cache.SetContext(ctx, c, key, []byte("TOKEN-2"), time.Minute); err != nil {
		t.Fatal(err)
	}
	if s, ok := cache.GetContext(ctx, c, key).(string); !ok || s != "TOKEN-2" {
		t.Fatalf("GetContext = %#v, want string TOKEN-2", cache.GetContext(ctx, c, key))
	}
	if err := c.Set(key, 42, time.Minute); err == nil {
		t.Fatal("Set of an int: no error")
	}
	mustGet(t, k, key, "TOKEN-2", true)

	if err := cache.DeleteContext(ctx, c, key); err != nil {
		t.Fatal(err)
	}
	if c.IsExist(key) || c.Get(key) != nil {
		t.Fatal("key still there after Delete")
	}

	if err := c.Set(key, "TOKEN-3", TTL); err != nil {
		t.Fatal(err)
	}
	wait(k, TTL+TTL/2)
	if v := c.Get(key); v != nil {
		t.Fatalf("Get after the timeout = %#v, want nil", v)
	}
}
