package kvtest

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"gridbot/storage/kv"
)

// admit calls Admit and checks the verdict's First and Allowed; RetryAfter
// must be 0 unless refused by the limit, then within (0, maxRetry].
func admit(t *testing.T, k kv.KV, a kv.Admission, first, allowed bool, maxRetry time.Duration) {
	t.Helper()
	v, err := k.Admit(context.Background(), a)
	if err != nil {
		t.Fatalf("Admit(%q, %q): %v", a.SeenKey, a.RateKey, err)
	}
	if v.First != first || v.Allowed != allowed {
		t.Fatalf("Admit(%q, %q) = %+v, want First %v, Allowed %v", a.SeenKey, a.RateKey, v, first, allowed)
	}
	limited := first && !allowed
	switch {
	case !limited && v.RetryAfter != 0:
		t.Fatalf("Admit(%q) = %+v: RetryAfter without a refusal", a.SeenKey, v)
	case limited && exact(k) && v.RetryAfter != maxRetry:
		t.Fatalf("Admit(%q) RetryAfter = %v, want %v", a.SeenKey, v.RetryAfter, maxRetry)
	case limited && (v.RetryAfter <= 0 || v.RetryAfter > maxRetry):
		t.Fatalf("Admit(%q) RetryAfter = %v, want in (0, %v]", a.SeenKey, v.RetryAfter, maxRetry)
	}
}

// testAdmit: a copy is dropped before the limit and does not count; the
// limit refuses once full; a refused message stays marked.
func testAdmit(t *testing.T, k kv.KV) {
	p := prefix()
	msg := func(id string) kv.Admission {
		return kv.Admission{SeenKey: p + id, SeenTTL: time.Minute, RateKey: p + "user", Limit: 2, Window: time.Minute}
	}
	admit(t, k, msg("m1"), true, true, 0)
	admit(t, k, msg("m1"), false, false, 0) // a retry: not counted
	admit(t, k, msg("m1"), false, false, 0)
	admit(t, k, msg("m2"), true, true, 0) // so this is the second call, still allowed
	admit(t, k, msg("m3"), true, false, time.Minute)
	admit(t, k, msg("m3"), false, false, 0) // the refused message's retry is a copy
	// A copy says whether the limit refused its first: only then is it
	// known that the store has nothing of it to be asked about.
	for _, c := range []struct {
		id      string
		limited bool
	}{{"m1", false}, {"m2", false}, {"m3", true}} {
		if v, err := k.Admit(context.Background(), msg(c.id)); err != nil || v.First || v.Limited != c.limited {
			t.Fatalf("a copy of %s: %+v, %v; want Limited %v", c.id, v, err, c.limited)
		}
	}
	// Another member is not affected.
	other := msg("m4")
	other.RateKey = p + "other"
	admit(t, k, other, true, true, 0)
}

// testAdmitShared: Admit's marks and log are Seen's, Forget's and Allow's.
func testAdmitShared(t *testing.T, k kv.KV) {
	ctx, p := context.Background(), prefix()
	a := kv.Admission{SeenKey: p + "m1", SeenTTL: time.Minute, RateKey: p + "user", Limit: 1, Window: time.Minute}
	admit(t, k, a, true, true, 0)
	mustSeen(t, k, p+"m1", false)
	allow(t, k, p+"user", 1, time.Minute, false, time.Minute)
	if err := k.Forget(ctx, p+"m1"); err != nil {
		t.Fatal(err)
	}
	admit(t, k, a, true, false, time.Minute)
	mustSeen(t, k, p+"m2", true)
	a.SeenKey = p + "m2"
	admit(t, k, a, false, false, 0)
}

// testAdmitNoLimit: Limit 0 only de-duplicates and leaves every log alone.
func testAdmitNoLimit(t *testing.T, k kv.KV) {
	p := prefix()
	for i := range 3 {
		a := kv.Admission{SeenKey: p + "m" + string(rune('0'+i)), SeenTTL: time.Minute, RateKey: p + "user"}
		admit(t, k, a, true, true, 0)
		admit(t, k, a, false, false, 0)
	}
	allow(t, k, p+"user", 1, time.Minute, true, 0)
}

func testAdmitExpires(t *testing.T, k kv.KV) {
	p := prefix()
	// A window far longer than the wait, so a slow machine cannot outlast it.
	a := kv.Admission{SeenKey: p + "m", SeenTTL: TTL, RateKey: p + "user", Limit: 1, Window: 20 * TTL}
	admit(t, k, a, true, true, 0)
	wait(k, TTL+TTL/2)
	admit(t, k, a, true, false, 20*TTL-TTL-TTL/2) // the mark is gone, the call still in the window
}

func testAdmitConcurrent(t *testing.T, k kv.KV) {
	p := prefix()
	var first, allowed atomic.Int32
	var wg sync.WaitGroup
	for i := range 20 {
		wg.Go(func() {
			// Ten copies of each of two messages... and ten more messages.
			id := "copy" + string(rune('0'+i%2))
			if i >= 10 {
				id = "msg" + string(rune('0'+i))
			}
			v, err := k.Admit(context.Background(), kv.Admission{SeenKey: p + id, SeenTTL: time.Minute,
				RateKey: p + "user", Limit: 4, Window: time.Minute})
			if err != nil {
				t.Error(err)
			}
			if v.First {
				first.Add(1)
			}
			if v.Allowed {
				allowed.Add(1)
			}
		})
	}
	wg.Wait()
	if f, a := first.Load(), allowed.Load(); f != 12 || a != 4 {
		t.Fatalf("20 concurrent Admits of 12 messages: %d first, %d allowed; want 12, 4", f, a)
	}
}

func testAdmitInvalid(t *testing.T, k kv.KV) {
	ctx, p := context.Background(), prefix()
	for _, a := range []kv.Admission{
		{SeenKey: "", SeenTTL: time.Minute},
		{SeenKey: p + "m", SeenTTL: 0},
		{SeenKey: p + "m", SeenTTL: time.Minute, RateKey: "", Limit: 1, Window: time.Minute},
		{SeenKey: p + "m", SeenTTL: time.Minute, RateKey: p + "user", Limit: -1, Window: time.Minute},
		{SeenKey: p + "m", SeenTTL: time.Minute, RateKey: p + "user", Limit: 1, Window: 0},
	} {
		if _, err := k.Admit(ctx, a); err == nil {
			t.Errorf("Admit(%+v): no error", a)
		}
	}
	// Nothing was recorded by the refused calls.
	mustSeen(t, k, p+"m", true)
	allow(t, k, p+"user", 1, time.Minute, true, 0)
}
