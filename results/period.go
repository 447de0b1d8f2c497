// Package results settles a town's months, quarters and years: it reads the
// facts of the period from the store with set-based queries, hands them to the
// pure scoring engine, and keeps published months frozen.
package results

import (
	"time"

	"gridbot"
)

// monthsOf lists the months of [from, to) as "2006-01".
func monthsOf(from, to time.Time) []string {
	var out []string
	for m := from; m.Before(to); m = m.AddDate(0, 1, 0) {
		out = append(out, gridbot.Month(m))
	}
	return out
}
