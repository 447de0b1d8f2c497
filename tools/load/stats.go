package main

import (
	"math"
	"slices"
	"time"
)

// summary is a latency distribution in milliseconds.
type summary struct {
	N   int     `json:"n"`
	P50 float64 `json:"p50_ms"`
	P90 float64 `json:"p90_ms"`
	P99 float64 `json:"p99_ms"`
	Max float64 `json:"max_ms"`
}

// percentile is the nearest-rank percentile of sorted: the smallest value
// that at least p percent of the values are less than or equal to. It is
// always one of the values (no interpolation), 0 for none.
func percentile(sorted []time.Duration, p float64) time.Duration {
	n := len(sorted)
	if n == 0 {
		return 0
	}
	rank := int(math.Ceil(p / 100 * float64(n)))
	rank = min(max(rank, 1), n)
	return sorted[rank-1]
}

// summarize sorts ds in place and summarizes it.
func summarize(ds []time.Duration) summary {
	slices.Sort(ds)
	s := summary{N: len(ds)}
	if len(ds) == 0 {
		return s
	}
	s.P50, s.P90, s.P99 = ms(percentile(ds, 50)), ms(percentile(ds, 90)), ms(percentile(ds, 99))
	s.Max = ms(ds[len(ds)-1])
	return s
}

func ms(d time.Duration) float64 {
	return math.Round(float64(d)/float64(time.Millisecond)*100) / 100
}
