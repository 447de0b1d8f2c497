package scoring

import (
	"time"

	"gridbot"
)

// IndexParts are the parts of the grid operation index (网格运行指数), each
// 0–100; a part is null when the period gave it no data (no member, no
// rating, no issue due), and the index then leaves it out.
type IndexParts struct {
	CheckinRate  *float64 `json:"checkin_rate"`  // members' check-in days ÷ (members × days elapsed)
	Activities   *float64 `json:"activities"`    // activities ÷ monthly target
	IssuesClosed *float64 `json:"issues_closed"` // issues closed ÷ monthly target
	OnTime       *float64 `json:"on_time"`       // dispatched within 24h and closed within 7 days, share
	Satisfaction *float64 `json:"satisfaction"`  // mean rating score
	Office       *float64 `json:"office"`        // 100 + the members' mean office-assessed adjustments
}

// ratingScore is the 0–100 score of a satisfaction rating.
func ratingScore(r *Rules, rating string) (float64, bool) {
	switch rating {
	case gridbot.Ratings[0]:
		return r.Index.Ratings.Satisfied, true
	case gridbot.Ratings[1]:
		return r.Index.Ratings.Basic, true
	case gridbot.Ratings[2]:
		return r.Index.Ratings.Unsatisfied, true
	}
	return 0, false
}

// monthIndex computes a grid's operation index for the month.
func monthIndex(m *monthRun, g *gridAcc) {
	t := m.r.Index.Targets
	var p IndexParts
	if elapsed := daysElapsed(m.w); g.Members > 0 && elapsed > 0 {
		p.CheckinRate = pct(float64(g.CheckinDays) / float64(g.Members*elapsed))
	}
	p.Activities = pct(float64(g.Activities) / float64(t.ActivitiesPerMonth))
	p.IssuesClosed = pct(float64(g.IssuesClosed) / float64(t.IssuesClosedPerMonth))
	if due := g.dispatchDue + g.IssuesClosed; due > 0 {
		p.OnTime = pct(float64(g.dispatchOnTime+g.closedOnTime) / float64(due))
	}
	if g.ratings > 0 {
		p.Satisfaction = pct(g.ratingSum / float64(g.ratings) / 100)
	}
	office := 100.0
	if g.Members > 0 {
		office += g.officeSum / float64(g.Members)
	}
	p.Office = pct(office / 100)
	g.Parts = p
	g.Index = weigh(m.r.Index.Weights, p)
}

// daysElapsed is how many days of the window's month have begun by at.
func daysElapsed(w window) int {
	stop := w.stop()
	if !stop.After(w.start) {
		return 0
	}
	return int(stop.Add(-time.Nanosecond).Sub(w.start)/(24*time.Hour)) + 1
}

// pct returns 100 × share, within 0–100, rounded.
func pct(share float64) *float64 {
	v := round2(min(100, max(0, 100*share)))
	return &v
}

// weigh is the weighted mean of the parts present.
func weigh(w Weights, p IndexParts) float64 {
	sum, wsum := 0.0, 0.0
	for _, x := range []struct {
		w float64
		v *float64
	}{{w.CheckinRate, p.CheckinRate}, {w.Activities, p.Activities}, {w.IssuesClosed, p.IssuesClosed},
		{w.OnTime, p.OnTime}, {w.Satisfaction, p.Satisfaction}, {w.Office, p.Office}} {
		if x.v != nil {
			sum += x.w * *x.v
			wsum += x.w
		}
	}
	if wsum == 0 {
		return 0
	}
	return round2(sum / wsum)
}

// GridQuarter is a grid's operation index for a quarter: the mean of its
// months' indices and parts (a null part is left out of its mean).
type GridQuarter struct {
	GridID  int64      `json:"grid_id"`
	Grid    string     `json:"grid"`
	Village string     `json:"village"`
	Index   float64    `json:"index"`
	Parts   IndexParts `json:"index_parts"`
}

// meanIndex averages the monthly indices of one grid.
func meanIndex(gms []GridMonth) (index float64, parts IndexParts) {
	var sum float64
	for _, g := range gms {
		sum += g.Index
	}
	if len(gms) > 0 {
		index = round2(sum / float64(len(gms)))
	}
	pick := []func(*IndexParts) **float64{
		func(p *IndexParts) **float64 { return &p.CheckinRate },
		func(p *IndexParts) **float64 { return &p.Activities },
		func(p *IndexParts) **float64 { return &p.IssuesClosed },
		func(p *IndexParts) **float64 { return &p.OnTime },
		func(p *IndexParts) **float64 { return &p.Satisfaction },
		func(p *IndexParts) **float64 { return &p.Office },
	}
	for _, f := range pick {
		s, n := 0.0, 0
		for i := range gms {
			if v := *f(&gms[i].Parts); v != nil {
				s += *v
				n++
			}
		}
		if n > 0 {
			v := round2(s / float64(n))
			*f(&parts) = &v
		}
	}
	return index, parts
}
