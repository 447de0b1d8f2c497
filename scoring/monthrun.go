package scoring

import (
	"fmt"
	"slices"

	"gridbot"
)

// What makes scoring a big town's month fast: a million items booked, five
// million names looked up.

// gridMember is a ranked membership of a person in the month.
type gridMember struct {
	gridbot.Membership
	acc *memberAcc
}

// texts are the names and references that many items share, made once a run
// rather than once an item (a big town's month books a million).
type texts struct {
	overdue24H, overdue7D, overdueClose string
	gridIssues, gridActs                string
	att20, attLow                       string
	days                                [32]string // "打卡 %d 天" of 0 to 31 days
}

func newTexts(r *Rules) texts {
	o, g, at := r.Monthly.Overdue, r.Monthly.Grid, r.Monthly.Attendance
	t := texts{
		overdue24H:   fmt.Sprintf("问题超过%d小时未流转", o.DispatchHours),
		overdue7D:    fmt.Sprintf("问题超过%d天未流转", o.DispatchLateDays),
		overdueClose: fmt.Sprintf("问题超过%d天未办结", o.CloseDays),
		gridIssues:   fmt.Sprintf("网格问题处置少于%d条", g.MinIssuesClosed),
		gridActs:     fmt.Sprintf("网格集体活动少于%d条", g.MinActivities),
		att20:        fmt.Sprintf("打卡%d天以上", at.ManyDays),
		attLow:       fmt.Sprintf("打卡%d天以下", at.FewDays),
	}
	for d := range t.days {
		t.days[d] = fmt.Sprintf("打卡 %d 天", d)
	}
	return t
}

// acc returns the accumulator of user u, nil when u is not in the month. It
// looks first among the members of grid gridID, where the people a fact of
// that grid names mostly are: a few comparisons instead of a look-up in a map
// of the whole town, which for a town's month of facts (millions of names)
// is a good part of scoring it.
func (m *monthRun) acc(gridID int64, u string) *memberAcc { return m.accAmong(m.members[gridID], u) }

// accAmong is acc with the grid's members at hand.
func (m *monthRun) accAmong(members []gridMember, u string) *memberAcc {
	for i := range members {
		if members[i].UserID == u {
			return members[i].acc
		}
	}
	return m.accs[u]
}

// participants appends to buf the accumulators of the leader and the
// participants of a fact of grid gridID who are in the month, each once: a
// leader takes part in what the leader records, and a name given twice
// counts once.
func (m *monthRun) participants(gridID int64, leader string, participants []string, buf []*memberAcc) []*memberAcc {
	members := m.members[gridID]
	add := func(u string) {
		if u == "" {
			return
		}
		if a := m.accAmong(members, u); a != nil && !slices.Contains(buf, a) {
			buf = append(buf, a)
		}
	}
	add(leader)
	for _, u := range participants {
		add(u)
	}
	return buf
}

// gridOrder returns the indexes of n facts grouped by grid (grid(i) is fact
// i's), in their order within each grid.
func gridOrder(n int, grid func(i int) int64) []int {
	first := map[int64]int{} // the grids' places: first their counts, then where their next fact goes
	var grids []int64
	for i := range n {
		g := grid(i)
		if _, ok := first[g]; !ok {
			grids = append(grids, g)
		}
		first[g]++
	}
	at := 0
	for _, g := range grids {
		at, first[g] = at+first[g], at
	}
	order := make([]int, n)
	for i := range n {
		g := grid(i)
		order[first[g]] = i
		first[g]++
	}
	return order
}

// itemSorter sorts breakdowns by compareItems, keeping the booking order of
// equal items. A breakdown has a dozen items or so, booked rule by rule: it
// insertion-sorts their indexes (finding each place by binary search),
// comparing the items in place, and then moves each item once — a general
// sort would copy both items (a hundred bytes each) for every comparison and
// every swap, a million times over for a big town's month.
type itemSorter struct {
	order []int
	tmp   []Item
}

func (s *itemSorter) sort(items []Item) {
	if len(items) > 64 {
		slices.SortStableFunc(items, func(x, y Item) int { return compareItems(&x, &y) })
		return
	}
	s.order = s.order[:0]
	moved := false
	for i := range items {
		// The place after every item not greater: binary search.
		lo, hi := 0, len(s.order)
		for lo < hi {
			if mid := int(uint(lo+hi) >> 1); compareItems(&items[i], &items[s.order[mid]]) < 0 {
				hi = mid
			} else {
				lo = mid + 1
			}
		}
		j := lo
		moved = moved || j < i
		s.order = slices.Insert(s.order, j, i)
	}
	if !moved {
		return
	}
	s.tmp = append(s.tmp[:0], items...)
	for k, i := range s.order {
		items[k] = s.tmp[i]
	}
}
