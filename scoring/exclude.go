package scoring

// Exclude keeps the members named in reasons (user id → the office's
// reason) out of the month's ranking (取消排名, 综合表现) and ranks the others
// again: the places below an excluded member move up. Their points, items
// and eligibility stay as they are; they get no place, tier or reward, and
// Excluded says why. Members not in reasons lose an earlier exclusion.
func Exclude(r *Rules, res *MonthResult, reasons map[string]string) {
	list := make([]*memberAcc, len(res.Members))
	changed := false
	for i, m := range res.Members {
		changed = changed || m.Excluded != reasons[m.UserID]
		m.Excluded = reasons[m.UserID]
		list[i] = &memberAcc{MemberResult: m}
	}
	if !changed {
		return
	}
	rankMonth(r, list)
	sortRanked(list)
	for i, a := range list {
		res.Members[i] = a.MemberResult
	}
	finishLive(r, res) // provisional places too: the excluded have none, the others move up
}
