package handlers

import (
	"fmt"
	"sort"
	"strings"

	"gridbot"
)

// Scope is where a name is looked for first: a grid, then its village, then
// the whole town. The zero Scope (office staff) looks in the whole town.
type Scope struct {
	GridID  int64
	Village string
}

// Resolve finds the person each mention names among roster (active people;
// inactive ones are ignored). "@姓名#USERID" resolves by user id; "@姓名" in
// the scope's grid, then its village, then the town. Every mention that is
// unknown or ambiguous is refused, the whole call with it, and the refusal
// lists the candidates. The same person named twice counts once.
func Resolve(roster []gridbot.Person, sc Scope, ms []Mention) ([]gridbot.Person, error) {
	var out []gridbot.Person
	var problems []string
	seen := map[string]bool{}
	for _, m := range ms {
		p, problem := resolveOne(roster, sc, m)
		if problem != "" {
			problems = append(problems, problem)
			continue
		}
		if !seen[p.UserID] {
			seen[p.UserID] = true
			out = append(out, p)
		}
	}
	if len(problems) > 0 {
		return nil, gridbot.Errorf(gridbot.EINVALID, "%s", strings.Join(problems, "\n"))
	}
	return out, nil
}

func resolveOne(roster []gridbot.Person, sc Scope, m Mention) (gridbot.Person, string) {
	if m.UserID != "" {
		for _, p := range roster {
			if p.Active && p.UserID == m.UserID {
				return p, ""
			}
		}
		return gridbot.Person{}, fmt.Sprintf("%s：花名册中没有用户ID %s。请核对，或只写 @姓名。", m, m.UserID)
	}
	var same []gridbot.Person
	for _, p := range roster {
		if p.Active && p.Name == m.Name {
			same = append(same, p)
		}
	}
	// The narrowest level that has the name decides.
	levels := []func(gridbot.Person) bool{
		func(p gridbot.Person) bool { return sc.GridID != 0 && p.GridID == sc.GridID },
		func(p gridbot.Person) bool { return sc.Village != "" && p.Village == sc.Village },
		func(gridbot.Person) bool { return true },
	}
	for _, in := range levels {
		var found []gridbot.Person
		for _, p := range same {
			if in(p) {
				found = append(found, p)
			}
		}
		switch {
		case len(found) == 1:
			return found[0], ""
		case len(found) > 1:
			return gridbot.Person{}, ambiguous(m, found)
		}
	}
	return gridbot.Person{}, unknownName(roster, sc, m)
}

// ambiguous lists the people sharing a name and how to name one exactly.
func ambiguous(m Mention, found []gridbot.Person) string {
	sortByPlace(found)
	labels := make([]string, len(found))
	ids := make([]string, len(found))
	for i, p := range found {
		labels[i] = fmt.Sprintf("%s(%s)", p.Name, where(p))
		ids[i] = fmt.Sprintf("%s %s", where(p), p.UserID)
	}
	return fmt.Sprintf("%s 有%d人: %s，请用 @%s#%s 指定（%s）。", m, len(found), strings.Join(labels, " "),
		m.Name, found[0].UserID, strings.Join(ids, "，"))
}

// unknownName refuses a name that is not on the roster, with similar names
// (one character off) as candidates, nearest place first.
func unknownName(roster []gridbot.Person, sc Scope, m Mention) string {
	var near []gridbot.Person
	for _, p := range roster {
		if p.Active && p.Name != "" && editDistance(p.Name, m.Name) <= 1 {
			near = append(near, p)
		}
	}
	if len(near) == 0 {
		return fmt.Sprintf("%s 不在花名册中。请核对姓名（须与花名册一致），或用 @姓名#用户ID 指定。", m)
	}
	sort.SliceStable(near, func(i, j int) bool { return closeness(sc, near[i]) < closeness(sc, near[j]) })
	if len(near) > 5 {
		near = near[:5]
	}
	labels := make([]string, len(near))
	for i, p := range near {
		labels[i] = fmt.Sprintf("%s(%s)", p.Name, where(p))
	}
	return fmt.Sprintf("%s 不在花名册中，相近的有: %s。请核对姓名，或用 @姓名#用户ID 指定。", m, strings.Join(labels, " "))
}

// closeness ranks a person by distance from the scope: 0 same grid, 1 same
// village, 2 elsewhere.
func closeness(sc Scope, p gridbot.Person) int {
	switch {
	case sc.GridID != 0 && p.GridID == sc.GridID:
		return 0
	case sc.Village != "" && p.Village == sc.Village:
		return 1
	}
	return 2
}

// sortByPlace orders people by village, grid and user id, so that candidate
// lists read the same every time.
func sortByPlace(ps []gridbot.Person) {
	sort.SliceStable(ps, func(i, j int) bool {
		a, b := ps[i], ps[j]
		if a.Village != b.Village {
			return a.Village < b.Village
		}
		if a.Grid != b.Grid {
			return a.Grid < b.Grid
		}
		return a.UserID < b.UserID
	})
}

// mentioned resolves the call's mentions in sc (resolveMentions).
func (c *Ctx) mentioned(sc Scope) ([]gridbot.Person, error) {
	return resolveMentions(c.Tx, c.TownID, sc, c.Call.Mentions)
}

// resolveMentions resolves ms among the town's roster in sc. It looks up only
// the names mentioned; when one fails, it loads the whole roster so that the
// refusal can offer similar names.
func resolveMentions(r gridbot.Roster, townID int64, sc Scope, ms []Mention) ([]gridbot.Person, error) {
	if len(ms) == 0 {
		return nil, nil
	}
	var roster []gridbot.Person
	seen := map[string]bool{}
	for _, m := range ms {
		var ps []gridbot.Person
		if m.UserID != "" {
			p, err := r.PersonByUserID(townID, m.UserID)
			if err != nil && gridbot.ErrorCode(err) != gridbot.ENOTFOUND {
				return nil, err
			} else if err == nil {
				ps = []gridbot.Person{p}
			}
		} else {
			var err error
			if ps, err = r.PeopleByName(townID, m.Name); err != nil {
				return nil, err
			}
		}
		for _, p := range ps {
			if !seen[p.UserID] {
				seen[p.UserID] = true
				roster = append(roster, p)
			}
		}
	}
	people, err := Resolve(roster, sc, ms)
	if err == nil {
		return people, nil
	}
	all, lerr := r.People(townID)
	if lerr != nil {
		return nil, lerr
	}
	_, err = Resolve(all, sc, ms)
	if err == nil {
		return nil, fmt.Errorf("name resolution differs between PeopleByName and People for %v", ms)
	}
	return nil, err
}
