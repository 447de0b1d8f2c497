package kv_test

import (
	"strings"
	"testing"
	"time"

	"gridbot/internal/testkit"
	"gridbot/storage/kv"
	"gridbot/storage/kv/kvtest"
)

func TestMemory(t *testing.T) {
	kvtest.Run(t, func(t *testing.T) kv.KV {
		clock := testkit.NewClock(time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC))
		return kvtest.Clocked{KV: kv.NewMemory(clock.Now), Clock: clock}
	})
}

// TestMemoryRealClock runs the suite once on the wall clock, as production does.
func TestMemoryRealClock(t *testing.T) {
	k := kv.NewMemory(nil)
	kvtest.Run(t, func(t *testing.T) kv.KV { return k })
}

func openRedis(t *testing.T) kv.KV {
	t.Helper()
	k, err := kv.Open(testkit.RedisURL(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { k.Close() })
	if _, ok := k.(*kv.Redis); !ok {
		t.Fatalf("Open(redis URL) = %T, want *kv.Redis", k)
	}
	return k
}

func TestRedis(t *testing.T) {
	testkit.RedisURL(t)
	kvtest.Run(t, openRedis)
}

func TestOpenEmptyIsMemory(t *testing.T) {
	k, err := kv.Open("")
	if err != nil {
		t.Fatal(err)
	}
	defer k.Close()
	if _, ok := k.(*kv.Memory); !ok {
		t.Fatalf("Open(\"\") = %T, want *kv.Memory", k)
	}
}

func TestOpenUnreachable(t *testing.T) {
	start := time.Now()
	k, err := kv.Open("redis://:s3cret@127.0.0.1:1/0")
	if err == nil {
		k.Close()
		t.Fatal("Open of a closed port: no error")
	}
	if d := time.Since(start); d > kv.PingTimeout+time.Second {
		t.Errorf("Open took %v to fail", d)
	}
	msg := err.Error()
	if !strings.Contains(msg, "cannot reach Redis at 127.0.0.1:1") {
		t.Errorf("error %q does not say which Redis is unreachable", msg)
	}
	if strings.Contains(msg, "s3cret") {
		t.Errorf("error %q shows the password", msg)
	}
}

func TestOpenBadURL(t *testing.T) {
	for _, u := range []string{
		"http://127.0.0.1:6379",
		"redis://127.0.0.1:6379/zero",
		"redis://user:s3cret@[::1/0", // url.Parse fails and would quote it whole
	} {
		k, err := kv.Open(u)
		if err == nil {
			k.Close()
			t.Errorf("Open(%q): no error", u)
			continue
		}
		if !strings.Contains(err.Error(), "bad Redis URL") || strings.Contains(err.Error(), "s3cret") {
			t.Errorf("Open(%q) error = %q", u, err)
		}
	}
}
