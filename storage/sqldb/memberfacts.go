package sqldb

import (
	"database/sql"
	"strings"
	"time"

	"gridbot"
)

// listSep separates the user ids of a list aggregated by Dialect.ListAgg.
const listSep = "\x1f"

// MemberFacts loads what scoring needs for one member's result in [from,
// to): the member, their roster history and its grids, the member's
// check-ins, adjustments and base points, the facts with the member in
// their list (activities and deliberations they took part in or led,
// publicity involving them), and every activity and issue of the grids they
// belonged to in the period; beside them the member's exclusions and last
// month's base points (gridbot.Facts). The member's result from these is the
// one PeriodFacts gives them with the same lookback; anyone else's is not.
// About ten small queries on indexes, whatever the town's size, sent in one
// batch (Dialect.Reads): the grids are found by a subquery of each read
// rather than from the roster read first. A period within one month whose
// check-in summary does not stand for some of the member's check-ins reads
// those in a second round trip (checkinDays).
func (t *tx) MemberFacts(townID int64, userID string, from, to time.Time, lookback time.Duration) (*gridbot.Facts, error) {
	if m, ok := t.aheadMember(townID, userID, from, to, lookback); ok {
		return m.finish(t)
	}
	// The summary must hold this transaction's own check-ins before it is read.
	if err := t.saveMonths(); err != nil {
		return nil, err
	}
	m, rs := t.memberFactsReads(townID, userID, from, to, lookback)
	if err := t.reads(rs...); err != nil {
		return nil, t.fail("member facts", err)
	}
	return m.finish(t)
}

// memberRead is a MemberFacts read under way: its arguments, and what its
// batch filled in.
// The facts' Town.ID, From and To are MemberFacts' arguments too.
type memberRead struct {
	userID         string
	lookback       time.Duration
	f              *gridbot.Facts
	month          time.Time
	oneMonth, rest bool
}

// memberFactsReads returns MemberFacts' batch of reads, which fill in m.
func (t *tx) memberFactsReads(townID int64, userID string, from, to time.Time, lookback time.Duration) (*memberRead, []Read) {
	f := &gridbot.Facts{Town: gridbot.Town{ID: townID}, From: from, To: to}
	m := &memberRead{userID: userID, lookback: lookback, f: f}
	rs := []Read{t.memberRosterRead(f, userID)}
	// A period inside one month, from its start (积分's): its summary in the
	// batch. Any other: checkinDays after it.
	month := monthStart(from)
	m.month = month
	m.oneMonth = from.Equal(month) && from.Before(to) && !to.After(month.AddDate(0, 1, 0))
	if m.oneMonth {
		args := []any{townID, gridbot.Month(month), month.UnixMilli(), to.UnixMilli(), userID}
		rs = append(rs, Read{Query: checkinMonthsQuery + ` AND s.userid = $5`, Args: args,
			Row: func(r interface{ Scan(...any) error }) error {
				var err error
				f.CheckinDays, m.rest, err = scanSummarized(r, f.CheckinDays, gridbot.Month(month), m.rest)
				return err
			}})
	}
	args := []any{townID, from.UnixMilli(), to.UnixMilli(), userID}
	list := func(table, idColumn string) string {
		return `, (SELECT ` + t.d.ListAgg + ` FROM ` + table + ` l WHERE l.` + idColumn + ` = f.id)`
	}
	rs = append(rs,
		listedRead(&f.Activities, scanActivity, func(a *gridbot.Activity) *[]string { return &a.Participants },
			`SELECT `+activityColumns+`, f.participants FROM activities f`+inPeriod+` AND (
			f.grid_id IN (`+memberGrids+`) OR f.leader = $4
			OR f.id IN (SELECT l.activity_id FROM activity_participants l WHERE l.userid = $4))`+byTime, args...),
		listedRead(&f.Deliberations, scanDeliberation, func(d *gridbot.Deliberation) *[]string { return &d.Participants },
			`SELECT `+deliberationColumns+list("deliberation_participants", "deliberation_id")+` FROM deliberations f`+inPeriod+` AND (
			f.leader = $4 OR f.id IN (SELECT l.deliberation_id FROM deliberation_participants l WHERE l.userid = $4))`+byTime, args...),
		listedRead(&f.Publicity, scanPublicity, func(p *gridbot.Publicity) *[]string { return &p.Involved },
			`SELECT `+publicityColumns+list("publicity_involved", "publicity_id")+` FROM publicity f`+inPeriod+`
			AND f.id IN (SELECT l.publicity_id FROM publicity_involved l WHERE l.userid = $4)`+byTime, args...),
		Read{Query: adjustmentSelect + inPeriod + ` AND f.userid = $4` + byTime, Args: args,
			Row: func(r interface{ Scan(...any) error }) error {
				a, err := scanAdjustment(r)
				f.Adjustments = append(f.Adjustments, a)
				return err
			}})
	// The issues are found from the member's side — their grids'
	// (issues_grid_reported), those assigned to them (issues_assignee) and
	// those they reported (issues_reporter), one branch each so that each
	// uses its index whatever the statistics — and only then kept to the
	// period's: a town's issues of all time are never read.
	issueArgs := []any{townID, from.UnixMilli(), to.UnixMilli(), from.Add(-lookback).UnixMilli(), userID}
	rs = append(rs, Read{Query: scoredIssueSelect + issuesOfPeriod + ` AND f.grid_id IN (` + strings.ReplaceAll(memberGrids, "$4", "$5") + `)
		UNION ` + scoredIssueSelect + issuesOfPeriod + ` AND f.assignee = $5
		UNION ` + scoredIssueSelect + issuesOfPeriod + ` AND f.reported_by = $5
		ORDER BY reported_at_ms, no`, Args: issueArgs,
		Row: scoredIssuesInto(&f.Issues)})
	if from.Before(to) {
		// The period's base points, and the month's before it (Facts.PriorBasePoints).
		prior := gridbot.Month(monthStart(from).AddDate(0, -1, 0))
		rs = append(rs, Read{Query: `SELECT month, points FROM base_points WHERE town_id = $1 AND userid = $2 AND month >= $3 AND month <= $4 ORDER BY month`,
			Args: []any{townID, userID, prior, gridbot.Month(to.Add(-time.Millisecond))},
			Row: func(r interface{ Scan(...any) error }) error {
				bp := gridbot.BasePoint{UserID: userID}
				err := r.Scan(&bp.Month, &bp.Points)
				if bp.Month == prior {
					f.PriorBasePoints = append(f.PriorBasePoints, bp)
				} else {
					f.BasePoints = append(f.BasePoints, bp)
				}
				return err
			}},
			Read{Query: `SELECT month, reason, by_user, at_ms FROM ranking_exclusions
				WHERE town_id = $1 AND userid = $2 AND month >= $3 AND month <= $4 ORDER BY month`,
				Args: []any{townID, userID, gridbot.Month(from), gridbot.Month(to.Add(-time.Millisecond))},
				Row: func(r interface{ Scan(...any) error }) error {
					e := gridbot.Exclusion{TownID: townID, UserID: userID}
					var at sql.NullInt64
					err := r.Scan(&e.Month, &e.Reason, &e.By, &at)
					e.At = instant(at)
					f.Exclusions = append(f.Exclusions, e)
					return err
				}})
	}
	return m, rs
}

// finish completes the facts m's batch read: the check-ins its summary did
// not stand for.
func (m *memberRead) finish(t *tx) (*gridbot.Facts, error) {
	f := m.f
	if len(f.People) == 0 {
		return &gridbot.Facts{Town: f.Town, From: f.From, To: f.To}, nil
	}
	var err error
	switch {
	case !m.oneMonth:
		f.CheckinDays, err = t.checkinDays(f.Town.ID, f.From, f.To, m.userID)
	case m.rest:
		f.CheckinDays, err = t.unsummarizedDays(f.CheckinDays, f.Town.ID, m.month, f.To, m.userID)
	}
	if err != nil {
		return nil, err
	}
	return f, nil
}

// memberGrids selects the grids of member $4's memberships that overlap
// [$2, $3): those whose facts can cost or earn the member
// points (grid penalties, overdue marks) — usually one, two when they moved
// in the period.
const memberGrids = `SELECT m.grid_id FROM memberships m JOIN people p ON p.id = m.person_id
	WHERE p.town_id = $1 AND p.userid = $4 AND m.grid_id IS NOT NULL
	AND (m.valid_from_ms IS NULL OR m.valid_from_ms < $3) AND (m.valid_to_ms IS NULL OR m.valid_to_ms > $2)`

// memberRosterRead sets f's People to the member, Memberships to their
// roster history and Grids to the grids of that history, in one query.
func (t *tx) memberRosterRead(f *gridbot.Facts, userID string) Read {
	var p gridbot.Person
	var role, mRole sql.NullString
	var gridID, villageID, from, to sql.NullInt64
	var g gridbot.Grid
	seen := map[int64]bool{}
	return Read{Row: func(r interface{ Scan(...any) error }) error {
		if err := r.Scan(&p.ID, &p.UserID, &p.Name, &role, &p.Party, &p.Phone, &p.Active,
			&gridID, &mRole, &from, &to, &villageID, &g.Name, &g.Village, &g.District); err != nil {
			return err
		}
		p.TownID, p.Role = f.Town.ID, gridbot.Role(role.String)
		if len(f.People) == 0 {
			f.People = append(f.People, p)
		}
		if !mRole.Valid { // no membership at all
			return nil
		}
		m := gridbot.Membership{PersonID: p.ID, UserID: p.UserID, GridID: gridID.Int64, Role: gridbot.Role(mRole.String),
			From: instant(from), To: instant(to)}
		f.Memberships = append(f.Memberships, m)
		if m.GridID != 0 && !seen[m.GridID] {
			seen[m.GridID] = true
			g.ID, g.TownID, g.VillageID = m.GridID, f.Town.ID, villageID.Int64
			f.Grids = append(f.Grids, g)
		}
		if !to.Valid { // the open membership: the person's current grid
			f.People[0].GridID, f.People[0].Grid, f.People[0].VillageID, f.People[0].Village = m.GridID, g.Name, g.VillageID, g.Village
		}
		return nil
	}, Query: `SELECT p.id, p.userid, p.name, p.role, p.party, p.phone, p.active,
			m.grid_id, m.role, m.valid_from_ms, m.valid_to_ms, g.village_id, COALESCE(g.name, ''), COALESCE(v.name, ''), COALESCE(d.name, '')
		FROM people p
			LEFT JOIN memberships m ON m.person_id = p.id
			LEFT JOIN grids g ON g.id = m.grid_id
			LEFT JOIN villages v ON v.id = g.village_id
			LEFT JOIN districts d ON d.id = v.district_id
		WHERE p.town_id = $1 AND p.userid = $2 ORDER BY m.id`, Args: []any{f.Town.ID, userID}}
}

// listedRead is a Read of query, whose last column is a fact's list joined
// by listSep (aggregated by Dialect.ListAgg, or an activity's participants
// column): it appends the facts to out with their lists.
func listedRead[T any](out *[]T, scan func(scanner) (T, error), list func(*T) *[]string, query string, args ...any) Read {
	return Read{Query: query, Args: args, Row: func(r interface{ Scan(...any) error }) error {
		var agg sql.NullString
		v, err := scan(withColumn{r, &agg})
		if err != nil {
			return err
		}
		if agg.String != "" {
			*list(&v) = strings.Split(agg.String, listSep)
		}
		*out = append(*out, v)
		return nil
	}}
}

// withColumn scans one more column, after those its scanner's caller asks for.
type withColumn struct {
	r    scanner
	last any
}

func (w withColumn) Scan(dest ...any) error { return w.r.Scan(append(dest, w.last)...) }
