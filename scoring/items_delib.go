package scoring

import (
	"cmp"
	"fmt"
	"slices"

	"gridbot"
)

// deliberations books R-DELIB for the deliberations held in the month, oldest first.
func (m *monthRun) deliberations() {
	ds := make([]*gridbot.Deliberation, 0, len(m.f.Deliberations))
	for i := range m.f.Deliberations {
		ds = append(ds, &m.f.Deliberations[i])
	}
	slices.SortFunc(ds, func(x, y *gridbot.Deliberation) int {
		if c := x.At.Compare(y.At); c != 0 {
			return c
		}
		return cmp.Compare(x.No, y.No)
	})
	for _, d := range ds {
		rDelib(m, d)
	}
}

// rDelib is R-DELIB: a deliberation held in the month whose ledger the office
// confirmed (by at) gives each participant its points, at most max_per_month
// times a month. A participant scores whatever grid they move to later;
// an unconfirmed deliberation gives nothing.
func rDelib(m *monthRun, d *gridbot.Deliberation) {
	if !m.w.seen(d.At, d.Record) || d.ConfirmedAt.IsZero() || d.ConfirmedAt.After(m.w.at) {
		return
	}
	it := Item{Rule: RDelib, Name: "网格议事", Points: m.r.Monthly.Deliberation.Points,
		Ref: fmt.Sprintf("议事#%d", d.No), Date: gridbot.Day(d.At), seq: d.No}
	var buf [16]*memberAcc
	for _, a := range m.participants(d.GridID, d.Leader, d.Participants, buf[:0]) {
		if a.delibs < m.r.Monthly.Deliberation.MaxPerMonth {
			a.delibs++
			a.book(it)
		}
	}
}
