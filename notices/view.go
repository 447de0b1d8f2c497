package notices

import "gridbot"

// target is one destination of a notice: a person one-to-one, or a group
// (with the people it @-s).
type target struct {
	dest     gridbot.Destination
	mentions []string
	to       []string // whom it reaches, for the record
}

func (t target) key() string { return destKey(t.dest) }

// via is how the target is reached, as replay prints it.
func (t target) via() string {
	if t.dest.Kind == gridbot.DestPerson {
		return "dm"
	}
	return t.dest.ChatID()
}

func person(uid string) target {
	return target{dest: gridbot.ToPerson(uid), to: []string{uid}}
}

func group(scope, name string, mentions []string) target {
	return target{dest: gridbot.Destination{Kind: gridbot.DestGroup, Scope: scope, Name: name}, mentions: mentions,
		to: append([]string{}, mentions...)}
}

// decision is what becomes of a due notice: skipped for a reason, or sent
// to targets with text.
type decision struct {
	skip    string
	reason  string
	targets []target
	text    string
}

func skip(reason string) decision { return decision{skip: reason} }

// view is what a round knows of a town, read once, in the round's
// transaction: the people and grids as at delivery.
type view struct {
	tx        gridbot.Tx
	r         *Runner
	town      int64
	byUser    map[string]gridbot.Person
	leaders   map[int64][]gridbot.Person
	office    []gridbot.Person
	grids     map[int64]gridbot.Grid
	byName    map[string]gridbot.Grid
	townRobot bool
	checked   map[string]map[string]bool
	off       map[string]bool
	counts    map[string]map[int64]gridbot.GridCount
}

func newView(tx gridbot.Tx, r *Runner, townID int64) (*view, error) {
	v := &view{tx: tx, r: r, town: townID, byUser: map[string]gridbot.Person{}, leaders: map[int64][]gridbot.Person{},
		grids: map[int64]gridbot.Grid{}, byName: map[string]gridbot.Grid{}, checked: map[string]map[string]bool{},
		counts: map[string]map[int64]gridbot.GridCount{}}
	people, err := tx.People(townID)
	if err != nil {
		return nil, err
	}
	for _, p := range people {
		if !p.Active {
			continue
		}
		v.byUser[p.UserID] = p
		switch {
		case p.Role == gridbot.RoleOffice:
			v.office = append(v.office, p)
		case p.Role == gridbot.RoleLeader && p.GridID != 0:
			v.leaders[p.GridID] = append(v.leaders[p.GridID], p)
		}
	}
	grids, err := tx.Grids(townID)
	if err != nil {
		return nil, err
	}
	for _, g := range grids {
		v.grids[g.ID], v.byName[g.Name] = g, g
	}
	if r.Robots {
		hooks, err := tx.Webhooks(townID)
		if err != nil {
			return nil, err
		}
		for _, h := range hooks {
			if h.Scope == gridbot.ScopeTown {
				v.townRobot = true
			}
		}
	}
	return v, nil
}

func ids(ps []gridbot.Person) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.UserID
	}
	return out
}

// officeTargets: the town group robot @-ing the office, or each office
// member one-to-one when the town has no town robot.
func (v *view) officeTargets() []target {
	if len(v.office) == 0 {
		return nil
	}
	if v.townRobot {
		return []target{group(gridbot.ScopeTown, "", ids(v.office))}
	}
	var out []target
	for _, p := range v.office {
		out = append(out, person(p.UserID))
	}
	return out
}

// leaderTargets: the grid's leaders one-to-one, or the office when the grid
// has none (leaderless says so).
func (v *view) leaderTargets(gridID int64) (ts []target, leaderless bool) {
	ls := v.leaders[gridID]
	if len(ls) == 0 {
		return v.officeTargets(), true
	}
	for _, p := range ls {
		ts = append(ts, person(p.UserID))
	}
	return ts, false
}

// merge joins target lists so that nobody gets the notice twice: a person
// reached one-to-one is dropped from a later list, and from a group's @.
func merge(lists ...[]target) []target {
	var out []target
	seen := map[string]bool{}
	for _, l := range lists {
		for _, t := range l {
			if seen[t.key()] {
				continue
			}
			seen[t.key()] = true
			out = append(out, t)
		}
	}
	return out
}
