package scoring

import (
	"fmt"
	"slices"

	"gridbot"
)

// adjustments books R-ADJ and sums the office-assessed categories per grid
// for the operation index.
func (m *monthRun) adjustments() {
	for i := range m.f.Adjustments {
		adj := &m.f.Adjustments[i]
		if !m.w.seen(adj.At, adj.Record) {
			continue
		}
		a := m.accs[adj.UserID]
		if a == nil {
			continue
		}
		rAdj(a, adj)
		if slices.Contains(m.r.Index.OfficeCategories, adj.Category) {
			m.grid(a.GridID).officeSum += adj.Points
		}
	}
}

// rAdj is R-ADJ: an office adjustment, signed, with its category and reason.
// A correction of a published month (category 更正) is booked here too, in
// the month it was recorded.
func rAdj(a *memberAcc, adj *gridbot.Adjustment) {
	note := adj.Reason
	if adj.Category != "" {
		note = adj.Category + "：" + adj.Reason
	}
	a.book(Item{Rule: RAdj, Name: "酌情加扣分", Points: adj.Points, Ref: fmt.Sprintf("调整#%d", adj.ID),
		Date: gridbot.Day(adj.At), Note: note, seq: adj.ID})
}
