package kv

import (
	"context"
	"fmt"
	"testing"
	"time"
)

// TestMemoryBounded checks that the map never grows past Max, that expired
// entries go first.
func TestMemoryBounded(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	m := NewMemory(func() time.Time { return now })
	m.Max = 16

	for i := range 8 {
		if err := m.Set(ctx, fmt.Sprint("short", i), "v", time.Second); err != nil {
			t.Fatal(err)
		}
	}
	now = now.Add(2 * time.Second)
	for i := range 8 {
		if _, err := m.Seen(ctx, fmt.Sprint("msg", i), time.Hour); err != nil {
			t.Fatal(err)
		}
	}
	// Full of 8 expired and 8 live: the next insert sweeps the expired only.
	if _, err := m.Seen(ctx, "msg8", time.Hour); err != nil {
		t.Fatal(err)
	}
	if len(m.items) != 9 {
		t.Fatalf("%d entries after the sweep, want the 9 live ones", len(m.items))
	}
	for i := range 9 {
		if first, _ := m.Seen(ctx, fmt.Sprint("msg", i), time.Hour); first {
			t.Fatalf("msg%d was swept while live", i)
		}
	}

	for i := range 100 {
		if err := m.Set(ctx, fmt.Sprint("k", i), "v", time.Hour); err != nil {
			t.Fatal(err)
		}
		if len(m.items) > m.Max {
			t.Fatalf("%d entries, Max is %d", len(m.items), m.Max)
		}
	}
	if v, ok, _ := m.Get(ctx, "k99"); !ok || v != "v" {
		t.Fatal("the newest entry was evicted")
	}
}
