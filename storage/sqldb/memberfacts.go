package sqldb

import (
	"database/sql"
	"slices"
	"strconv"
	"strings"
	"time"

	"gridbot"
)

// listSep separates the user ids of a list aggregated by Dialect.ListAgg.
const listSep = "\x1f"

// periodGrids returns the grids of f's memberships that overlap [from, to):
// those whose facts can cost or earn the member points (grid penalties,
// overdue marks) — usually one, two when they moved in the period.
func periodGrids(f *gridbot.Facts, from, to time.Time) []int64 {
	var ids []int64
	for _, m := range f.Memberships {
		if m.GridID != 0 && (m.From.IsZero() || m.From.Before(to)) && (m.To.IsZero() || m.To.After(from)) &&
			!slices.Contains(ids, m.GridID) {
			ids = append(ids, m.GridID)
		}
	}
	return ids
}

// inList returns "$n, $n+1, ..." for ids, appended to args, or "NULL"
// (matching nothing) when there are none. The statement's text depends only
// on how many there are, so each count is prepared once.
func inList(args []any, ids []int64) (string, []any) {
	if len(ids) == 0 {
		return "NULL", args
	}
	var b strings.Builder
	for i, id := range ids {
		if i > 0 {
			b.WriteString(", ")
		}
		args = append(args, id)
		b.WriteString("$" + strconv.Itoa(len(args)))
	}
	return b.String(), args
}

// MemberFacts loads what scoring needs for one member's result in [from,
// to): the member, their roster history and its grids, the member's
// check-ins, adjustments and base points, the facts with the member in
// their list (activities and deliberations they took part in or led,
// publicity involving them), and every activity and issue of the grids they
// belonged to in the period. The member's result from these is the one
// PeriodFacts gives them with the same lookback; anyone else's is not. About ten small queries on
// indexes, whatever the town's size.
func (t *tx) MemberFacts(townID int64, userID string, from, to time.Time, lookback time.Duration) (*gridbot.Facts, error) {
	f := &gridbot.Facts{Town: gridbot.Town{ID: townID}, From: from, To: to}
	if err := t.memberRoster(f, userID); err != nil {
		return nil, err
	}
	if len(f.People) == 0 {
		return f, nil
	}
	var err error
	if f.CheckinDays, err = t.checkinDays(townID, from, to, userID); err != nil {
		return nil, err
	}
	grids := periodGrids(f, from, to)
	args := []any{townID, from.UnixMilli(), to.UnixMilli(), userID}
	list := func(table, idColumn string) string {
		return `, (SELECT ` + t.d.ListAgg + ` FROM ` + table + ` l WHERE l.` + idColumn + ` = f.id)`
	}
	in, actArgs := inList(args, grids)
	// The rest are independent of one another: one batch (Dialect.Reads).
	rs := []Read{
		listedRead(&f.Activities, scanActivity, func(a *gridbot.Activity) *[]string { return &a.Participants },
			`SELECT `+activityColumns+`, f.participants FROM activities f`+inPeriod+` AND (
			f.grid_id IN (`+in+`) OR f.leader = $4
			OR f.id IN (SELECT l.activity_id FROM activity_participants l WHERE l.userid = $4))`+byTime, actArgs...),
		listedRead(&f.Deliberations, scanDeliberation, func(d *gridbot.Deliberation) *[]string { return &d.Participants },
			`SELECT `+deliberationColumns+list("deliberation_participants", "deliberation_id")+` FROM deliberations f`+inPeriod+` AND (
			f.leader = $4 OR f.id IN (SELECT l.deliberation_id FROM deliberation_participants l WHERE l.userid = $4))`+byTime, args...),
		listedRead(&f.Publicity, scanPublicity, func(p *gridbot.Publicity) *[]string { return &p.Involved },
			`SELECT `+publicityColumns+list("publicity_involved", "publicity_id")+` FROM publicity f`+inPeriod+`
			AND f.id IN (SELECT l.publicity_id FROM publicity_involved l WHERE l.userid = $4)`+byTime, args...),
		{Query: adjustmentSelect + inPeriod + ` AND f.userid = $4` + byTime, Args: args,
			Row: func(r interface{ Scan(...any) error }) error {
				a, err := scanAdjustment(r)
				f.Adjustments = append(f.Adjustments, a)
				return err
			}},
	}
	// The issues are found from the member's side — their grids'
	// (issues_grid_reported), those assigned to them (issues_assignee) and
	// those they reported (issues_reporter), one branch each so that each
	// uses its index whatever the statistics — and only then kept to the
	// period's: a town's issues of all time are never read.
	in, issueArgs := inList([]any{townID, from.UnixMilli(), to.UnixMilli(), from.Add(-lookback).UnixMilli(), userID}, grids)
	rs = append(rs, Read{Query: issueSelect + issuesOfPeriod + ` AND f.grid_id IN (` + in + `)
		UNION ` + issueSelect + issuesOfPeriod + ` AND f.assignee = $5
		UNION ` + issueSelect + issuesOfPeriod + ` AND f.reported_by = $5
		ORDER BY reported_at_ms, no`, Args: issueArgs,
		Row: func(r interface{ Scan(...any) error }) error {
			i, err := scanIssue(r)
			f.Issues = append(f.Issues, i)
			return err
		}})
	if from.Before(to) {
		rs = append(rs, Read{Query: `SELECT month, points FROM base_points WHERE town_id = $1 AND userid = $2 AND month >= $3 AND month <= $4 ORDER BY month`,
			Args: []any{townID, userID, gridbot.Month(from), gridbot.Month(to.Add(-time.Millisecond))},
			Row: func(r interface{ Scan(...any) error }) error {
				bp := gridbot.BasePoint{UserID: userID}
				err := r.Scan(&bp.Month, &bp.Points)
				f.BasePoints = append(f.BasePoints, bp)
				return err
			}})
	}
	if err := t.reads(rs...); err != nil {
		return nil, t.fail("member facts", err)
	}
	return f, nil
}

// memberRoster sets f's People to the member, Memberships to their roster
// history and Grids to the grids of that history, in one query.
func (t *tx) memberRoster(f *gridbot.Facts, userID string) error {
	var p gridbot.Person
	var role, mRole sql.NullString
	var gridID, villageID, from, to sql.NullInt64
	var g gridbot.Grid
	seen := map[int64]bool{}
	err := t.queryAll(func(r scanner) error {
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
	}, `SELECT p.id, p.userid, p.name, p.role, p.party, p.phone, p.active,
			m.grid_id, m.role, m.valid_from_ms, m.valid_to_ms, g.village_id, COALESCE(g.name, ''), COALESCE(v.name, ''), COALESCE(d.name, '')
		FROM people p
			LEFT JOIN memberships m ON m.person_id = p.id
			LEFT JOIN grids g ON g.id = m.grid_id
			LEFT JOIN villages v ON v.id = g.village_id
			LEFT JOIN districts d ON d.id = v.district_id
		WHERE p.town_id = $1 AND p.userid = $2 ORDER BY m.id`, f.Town.ID, userID)
	if err != nil {
		return t.fail("member roster", err)
	}
	return nil
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
