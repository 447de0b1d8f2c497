package present

import (
	"testing"
	"time"
)

func TestWhen(t *testing.T) {
	utc := time.Date(2026, 10, 3, 16, 5, 0, 0, time.UTC) // 00:05 on the 4th in the town
	if got := When(utc); got != "10月4日 00:05" {
		t.Errorf("When = %q", got)
	}
	if got := Date(utc); got != "10月4日" {
		t.Errorf("Date = %q", got)
	}
}

func TestSpan(t *testing.T) {
	for d, want := range map[time.Duration]string{
		45 * time.Minute:                 "45分钟",
		2*time.Hour + 5*time.Minute:      "2小时5分钟",
		3 * time.Hour:                    "3小时",
		3*24*time.Hour + 12*time.Hour:    "3天12小时",
		3*24*time.Hour + 20*time.Minute:  "3天",
		-(26*time.Hour + 29*time.Second): "1天2小时",
		59*time.Minute + 40*time.Second:  "1小时",
	} {
		if got := Span(d); got != want {
			t.Errorf("Span(%v) = %q, want %q", d, got, want)
		}
	}
}

func TestDeduction(t *testing.T) {
	for v, want := range map[float64]string{-2: "2", 2: "2", -0.5: "0.5", 0: "0"} {
		if got := Deduction(v); got != want {
			t.Errorf("Deduction(%v) = %q, want %q", v, got, want)
		}
	}
}
