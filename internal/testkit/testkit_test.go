package testkit

import (
	"context"
	"testing"
	"time"

	"gridbot"
	"gridbot/storage/sqldb"
)

func TestAt(t *testing.T) {
	want := time.Date(2026, 10, 3, 8, 0, 0, 0, gridbot.Zone)
	for _, s := range []string{"2026-10-03 08:00", "2026-10-03 08:00:00", "2026-10-03 08:00:00.000", "2026-10-03T08:00:00+08:00"} {
		if got := At(s); !got.Equal(want) {
			t.Errorf("At(%q) = %v, want %v", s, got, want)
		}
	}
	if got := At("2026-10-03"); !got.Equal(want.Add(-8 * time.Hour)) {
		t.Errorf("At(a day) = %v", got)
	}
	defer func() {
		if recover() == nil {
			t.Error("At(10月3日) did not panic")
		}
	}()
	At("10月3日")
}

func TestClock(t *testing.T) {
	start := At("2026-10-03 08:00")
	c := NewClock(start)
	c.Add(time.Minute)
	if err := c.Sleep(context.Background(), time.Minute); err != nil {
		t.Fatal(err)
	}
	if !c.Now().Equal(start.Add(2 * time.Minute)) {
		t.Fatalf("Now = %v", c.Now())
	}
	c.Set(start)
	if !c.Now().Equal(start) {
		t.Fatalf("Now after Set = %v", c.Now())
	}
	var _ gridbot.Clock = c
}

func TestEngines(t *testing.T) {
	var names []string
	Engines(t, func(t *testing.T, st gridbot.Store) {
		names = append(names, t.Name())
		if err := st.View(context.Background(), func(tx gridbot.Tx) error { _, err := tx.Towns(); return err }); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("sqldb", func(t *testing.T) {
		Engines(t, func(t *testing.T, db *sqldb.DB) {
			if db == nil {
				t.Fatal("no *sqldb.DB")
			}
		})
	})
	if len(names) != 2 {
		t.Fatalf("ran on %v", names)
	}
}
