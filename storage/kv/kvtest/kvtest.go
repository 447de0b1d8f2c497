// Package kvtest is the contract suite every kv.KV implementation must pass.
package kvtest

import (
	"context"
	"crypto/rand"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"gridbot/storage/kv"
)

// TTL is the short expiry the suite waits out; on a fake clock it costs
// nothing, against Redis it is slept through a few times.
const TTL = 100 * time.Millisecond

// Run runs the suite. open returns the KV under test for one subtest; it may
// return the same store every time (keys carry a random per-test prefix so
// parallel runs against one Redis never collide) and arranges its own Close.
func Run(t *testing.T, open func(t *testing.T) kv.KV) {
	t.Run("Ping", func(t *testing.T) { testPing(t, open(t)) })
	t.Run("Seen", func(t *testing.T) { testSeen(t, open(t)) })
	t.Run("SeenExpires", func(t *testing.T) { testSeenExpires(t, open(t)) })
	t.Run("SeenConcurrent", func(t *testing.T) { testSeenConcurrent(t, open(t)) })
	t.Run("AllowLimit", func(t *testing.T) { testAllowLimit(t, open(t)) })
	t.Run("AllowSliding", func(t *testing.T) { testAllowSliding(t, open(t)) })
	t.Run("AllowConcurrent", func(t *testing.T) { testAllowConcurrent(t, open(t)) })
	t.Run("Admit", func(t *testing.T) { testAdmit(t, open(t)) })
	t.Run("AdmitShared", func(t *testing.T) { testAdmitShared(t, open(t)) })
	t.Run("AdmitNoLimit", func(t *testing.T) { testAdmitNoLimit(t, open(t)) })
	t.Run("AdmitExpires", func(t *testing.T) { testAdmitExpires(t, open(t)) })
	t.Run("AdmitConcurrent", func(t *testing.T) { testAdmitConcurrent(t, open(t)) })
	t.Run("AdmitInvalid", func(t *testing.T) { testAdmitInvalid(t, open(t)) })
	t.Run("Cache", func(t *testing.T) { testCache(t, open(t)) })
	t.Run("CacheExpires", func(t *testing.T) { testCacheExpires(t, open(t)) })
	t.Run("KeySpaces", func(t *testing.T) { testKeySpaces(t, open(t)) })
	t.Run("Invalid", func(t *testing.T) { testInvalid(t, open(t)) })
}

// prefix returns a key prefix no other test run uses.
func prefix() string { return "test:" + rand.Text() + ":" }

func testPing(t *testing.T, k kv.KV) {
	if err := k.Ping(context.Background()); err != nil {
		t.Fatalf("Ping: %v", err)
	}
}

func mustSeen(t *testing.T, k kv.KV, key string, want bool) {
	t.Helper()
	first, err := k.Seen(context.Background(), key, time.Minute)
	if err != nil {
		t.Fatalf("Seen(%q): %v", key, err)
	}
	if first != want {
		t.Fatalf("Seen(%q) = %v, want %v", key, first, want)
	}
}

func testSeen(t *testing.T, k kv.KV) {
	p := prefix()
	mustSeen(t, k, p+"msg1", true)
	mustSeen(t, k, p+"msg1", false)
	mustSeen(t, k, p+"msg1", false)
	mustSeen(t, k, p+"msg2", true)

	// Forget lets the retry of a message whose handling failed through once.
	if err := k.Forget(context.Background(), p+"msg1"); err != nil {
		t.Fatal(err)
	}
	mustSeen(t, k, p+"msg1", true)
	mustSeen(t, k, p+"msg1", false)
	if err := k.Forget(context.Background(), p+"never"); err != nil {
		t.Fatalf("Forget of a missing key: %v", err)
	}
}

func testSeenExpires(t *testing.T, k kv.KV) {
	ctx, key := context.Background(), prefix()+"msg"
	if first, err := k.Seen(ctx, key, TTL); err != nil || !first {
		t.Fatalf("Seen = %v, %v; want true", first, err)
	}
	wait(k, TTL/2)
	if first, err := k.Seen(ctx, key, TTL); err != nil || first {
		t.Fatalf("Seen before expiry = %v, %v; want false", first, err)
	}
	// The second Seen did not extend the first mark (to 1.5 TTL).
	wait(k, TTL/2+TTL/4)
	if first, err := k.Seen(ctx, key, TTL); err != nil || !first {
		t.Fatalf("Seen after expiry = %v, %v; want true", first, err)
	}
}

func testSeenConcurrent(t *testing.T, k kv.KV) {
	key := prefix() + "msg"
	var firsts atomic.Int32
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			first, err := k.Seen(context.Background(), key, time.Minute)
			if err != nil {
				t.Error(err)
			}
			if first {
				firsts.Add(1)
			}
		})
	}
	wg.Wait()
	if n := firsts.Load(); n != 1 {
		t.Fatalf("%d of 8 concurrent Seen calls were first, want exactly 1", n)
	}
}

// allow calls Allow and checks the answer; retryAfter must be 0 when allowed
// and within (0, maxRetry] when not (exactly maxRetry on a fake clock).
func allow(t *testing.T, k kv.KV, key string, limit int, window time.Duration, want bool, maxRetry time.Duration) {
	t.Helper()
	ok, retry, err := k.Allow(context.Background(), key, limit, window)
	if err != nil {
		t.Fatalf("Allow(%q): %v", key, err)
	}
	if ok != want {
		t.Fatalf("Allow(%q) = %v, want %v", key, ok, want)
	}
	switch {
	case ok && retry != 0:
		t.Fatalf("Allow(%q) allowed with retryAfter %v, want 0", key, retry)
	case !ok && exact(k) && retry != maxRetry:
		t.Fatalf("Allow(%q) retryAfter = %v, want %v", key, retry, maxRetry)
	case !ok && (retry <= 0 || retry > maxRetry):
		t.Fatalf("Allow(%q) retryAfter = %v, want in (0, %v]", key, retry, maxRetry)
	}
}

func testAllowLimit(t *testing.T, k kv.KV) {
	p := prefix()
	for _, limit := range []int{1, 5} {
		key := p + "user" + string(rune('0'+limit))
		for range limit {
			allow(t, k, key, limit, time.Minute, true, 0)
		}
		// Denials do not count, and keep being denied.
		allow(t, k, key, limit, time.Minute, false, time.Minute)
		allow(t, k, key, limit, time.Minute, false, time.Minute)
	}
	// Another user is not affected.
	allow(t, k, p+"user9", 1, time.Minute, true, 0)
}

func testAllowSliding(t *testing.T, k kv.KV) {
	// Window W, limit 2: calls at 0 and W/2; at W/2+ε a third waits until
	// W; just after W the first has left (one more fits) but the second
	// is still in. A fixed window would allow two after W.
	const w = 4 * TTL
	key := prefix() + "user"
	allow(t, k, key, 2, w, true, 0)
	wait(k, w/2)
	allow(t, k, key, 2, w, true, 0)
	allow(t, k, key, 2, w, false, w/2)
	wait(k, w/2+w/20)
	allow(t, k, key, 2, w, true, 0)
	allow(t, k, key, 2, w, false, w/2-w/20)
}

func testAllowConcurrent(t *testing.T, k kv.KV) {
	key := prefix() + "user"
	var allowed atomic.Int32
	var wg sync.WaitGroup
	for range 10 {
		wg.Go(func() {
			ok, _, err := k.Allow(context.Background(), key, 4, time.Minute)
			if err != nil {
				t.Error(err)
			}
			if ok {
				allowed.Add(1)
			}
		})
	}
	wg.Wait()
	if n := allowed.Load(); n != 4 {
		t.Fatalf("%d of 10 concurrent calls allowed with limit 4, want exactly 4", n)
	}
}

func mustGet(t *testing.T, k kv.KV, key, want string, wantOK bool) {
	t.Helper()
	got, ok, err := k.Get(context.Background(), key)
	if err != nil {
		t.Fatalf("Get(%q): %v", key, err)
	}
	if ok != wantOK || got != want {
		t.Fatalf("Get(%q) = %q, %v; want %q, %v", key, got, ok, want, wantOK)
	}
}

func testCache(t *testing.T, k kv.KV) {
	ctx, p := context.Background(), prefix()
	mustGet(t, k, p+"token", "", false)
	if err := k.Set(ctx, p+"token", "abc", time.Minute); err != nil {
		t.Fatal(err)
	}
	mustGet(t, k, p+"token", "abc", true)
	if err := k.Set(ctx, p+"token", "令牌-2", time.Minute); err != nil {
		t.Fatal(err)
	}
	mustGet(t, k, p+"token", "令牌-2", true)
	// An empty value is a value, not a miss.
	if err := k.Set(ctx, p+"empty", "", time.Minute); err != nil {
		t.Fatal(err)
	}
	mustGet(t, k, p+"empty", "", true)
	if err := k.Delete(ctx, p+"token"); err != nil {
		t.Fatal(err)
	}
	mustGet(t, k, p+"token", "", false)
	if err := k.Delete(ctx, p+"token"); err != nil {
		t.Fatalf("Delete of a missing key: %v", err)
	}
	k.Delete(ctx, p+"empty")
}

func testCacheExpires(t *testing.T, k kv.KV) {
	ctx, key := context.Background(), prefix()+"token"
	if err := k.Set(ctx, key, "abc", TTL); err != nil {
		t.Fatal(err)
	}
	wait(k, TTL/2)
	mustGet(t, k, key, "abc", true)
	// Set again restarts the ttl.
	if err := k.Set(ctx, key, "def", TTL); err != nil {
		t.Fatal(err)
	}
	wait(k, TTL/2)
	mustGet(t, k, key, "def", true)
	wait(k, TTL/2+TTL/4)
	mustGet(t, k, key, "", false)
}

// testKeySpaces checks that the same key in different services is three
// different things.
func testKeySpaces(t *testing.T, k kv.KV) {
	ctx, key := context.Background(), prefix()+"x"
	mustSeen(t, k, key, true)
	mustGet(t, k, key, "", false)
	allow(t, k, key, 1, time.Minute, true, 0)
	if err := k.Set(ctx, key, "v", time.Minute); err != nil {
		t.Fatal(err)
	}
	mustGet(t, k, key, "v", true)
	if err := k.Delete(ctx, key); err != nil {
		t.Fatal(err)
	}
	mustSeen(t, k, key, false)
}

func testInvalid(t *testing.T, k kv.KV) {
	ctx, key := context.Background(), prefix()+"x"
	if _, err := k.Seen(ctx, "", time.Minute); err == nil {
		t.Error("Seen with an empty key: no error")
	}
	if _, err := k.Seen(ctx, key, 0); err == nil {
		t.Error("Seen with ttl 0: no error")
	}
	if _, err := k.Seen(ctx, key, time.Microsecond); err == nil {
		t.Error("Seen with ttl 1µs: no error")
	}
	if _, _, err := k.Allow(ctx, key, 0, time.Minute); err == nil {
		t.Error("Allow with limit 0: no error")
	}
	if _, _, err := k.Allow(ctx, key, 1, 0); err == nil {
		t.Error("Allow with window 0: no error")
	}
	if err := k.Set(ctx, key, "v", -time.Second); err == nil {
		t.Error("Set with a negative ttl: no error")
	}
	// Nothing was recorded by the refused calls.
	mustSeen(t, k, key, true)
	allow(t, k, key, 1, time.Minute, true, 0)
	mustGet(t, k, key, "", false)
}
