package sqldb

import (
	"database/sql"
	"errors"
	"strings"
	"time"

	"gridbot"
)

// personColumns select a person with their current grid and village, taken
// from the open membership (valid_to_ms IS NULL), if any.
const personColumns = `p.id, p.town_id, p.userid, p.name, p.role, p.party, p.phone, p.active,
	COALESCE(g.id, 0), COALESCE(g.name, ''), COALESCE(g.village_id, 0), COALESCE(v.name, '')`

const personFrom = `people p
	LEFT JOIN memberships m ON m.person_id = p.id AND m.valid_to_ms IS NULL
	LEFT JOIN grids g ON g.id = m.grid_id
	LEFT JOIN villages v ON v.id = g.village_id`

func scanPerson(r scanner) (gridbot.Person, error) {
	var p gridbot.Person
	var role string
	err := r.Scan(&p.ID, &p.TownID, &p.UserID, &p.Name, &role, &p.Party, &p.Phone, &p.Active,
		&p.GridID, &p.Grid, &p.VillageID, &p.Village)
	p.Role = gridbot.Role(role)
	return p, err
}

func (t *tx) people(where string, args ...any) ([]gridbot.Person, error) {
	var ps []gridbot.Person
	err := t.queryAll(func(r scanner) error {
		p, err := scanPerson(r)
		ps = append(ps, p)
		return err
	}, `SELECT `+personColumns+` FROM `+personFrom+` WHERE `+where+` ORDER BY p.id`, args...)
	if err != nil {
		return nil, t.fail("people", err)
	}
	return ps, nil
}

// People returns everyone of the town, active or not, with their current grid.
func (t *tx) People(townID int64) ([]gridbot.Person, error) {
	return t.people(`p.town_id = $1`, townID)
}

// PeopleByName returns the town's active people with that display name.
func (t *tx) PeopleByName(townID int64, name string) ([]gridbot.Person, error) {
	return t.people(`p.town_id = $1 AND p.name = $2 AND p.active`, townID, name)
}

// PeopleByUserIDs returns the town's people with those user ids, in one query.
func (t *tx) PeopleByUserIDs(townID int64, userIDs []string) ([]gridbot.Person, error) {
	ids := dedupe(userIDs)
	if len(ids) == 0 {
		return nil, nil
	}
	in, args := inList([]any{townID}, ids)
	return t.people(`p.town_id = $1 AND p.userid IN (`+in+`)`, args...)
}

// PersonByUserID returns the person with the platform user id, or ENOTFOUND.
func (t *tx) PersonByUserID(townID int64, userID string) (gridbot.Person, error) {
	p, err := scanPerson(t.queryRow(`SELECT `+personColumns+` FROM `+personFrom+`
		WHERE p.town_id = $1 AND p.userid = $2`, townID, userID))
	if errors.Is(err, sql.ErrNoRows) {
		return gridbot.Person{}, gridbot.Refuse(gridbot.ReasonPersonUnknown, userID)
	} else if err != nil {
		return gridbot.Person{}, t.fail("person by userid", err)
	}
	return p, nil
}

// SavePerson creates or updates a person by (TownID, UserID) and returns it
// with its ID. Grid and history are SetMembership's.
func (t *tx) SavePerson(p gridbot.Person) (gridbot.Person, error) {
	p.UserID, p.Name = strings.TrimSpace(p.UserID), strings.TrimSpace(p.Name)
	if err := p.Validate(); err != nil {
		return p, err
	}
	err := t.queryRow(`INSERT INTO people (town_id, userid, name, role, party, phone, active)
		VALUES ($1, $2, $3, $4, $5, $6, $7)
		ON CONFLICT (town_id, userid) DO UPDATE SET name = excluded.name, role = excluded.role,
			party = excluded.party, phone = excluded.phone, active = excluded.active
		RETURNING id`, p.TownID, p.UserID, p.Name, string(p.Role), p.Party, p.Phone, p.Active).Scan(&p.ID)
	if err != nil {
		return p, t.fail("save person", err)
	}
	return p, nil
}

// SetMembership makes (gridID, role) the person's membership from at on. If
// it differs from the open one, that one is closed at at and a new one is
// opened; gridID 0 with role "" only closes it. A zero at is allowed only for
// a person's first membership and means "since always". When at is the very
// instant the open membership began, that one is corrected in place rather
// than leaving an empty stretch of history.
func (t *tx) SetMembership(townID, personID, gridID int64, role gridbot.Role, at time.Time) (bool, error) {
	leaving := gridID == 0 && role == ""
	if !leaving {
		if err := role.Validate(); err != nil {
			return false, err
		}
	}
	if err := t.checkMembershipRefs(townID, personID, gridID); err != nil {
		return false, err
	}

	var open struct {
		id, gridID sql.NullInt64
		role       string
		from       sql.NullInt64
	}
	err := t.queryRow(`SELECT id, grid_id, role, valid_from_ms FROM memberships
		WHERE person_id = $1 AND valid_to_ms IS NULL`+t.d.ForUpdate, personID).
		Scan(&open.id, &open.gridID, &open.role, &open.from)
	hasOpen := err == nil
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return false, t.fail("set membership", err)
	}

	switch {
	case hasOpen && open.gridID.Int64 == gridID && gridbot.Role(open.role) == role:
		return false, nil
	case !hasOpen && leaving:
		return false, nil
	case hasOpen && at.IsZero():
		return false, gridbot.Refuse(gridbot.ReasonEffectiveMissing)
	case hasOpen && open.from.Valid && at.UnixMilli() < open.from.Int64:
		return false, gridbot.Refuse(gridbot.ReasonEffectiveEarly)
	case hasOpen && open.from.Valid && at.UnixMilli() == open.from.Int64 && !leaving:
		if _, err := t.exec(`UPDATE memberships SET grid_id = $1, role = $2 WHERE id = $3`, nullID(gridID), string(role), open.id); err != nil {
			return false, t.fail("set membership", err)
		}
		return true, nil
	case hasOpen:
		if _, err := t.exec(`UPDATE memberships SET valid_to_ms = $1 WHERE id = $2`, at.UnixMilli(), open.id); err != nil {
			return false, t.fail("set membership", err)
		}
	case at.IsZero():
		// No open membership: "since always" only for someone without any history.
		var n int
		if err := t.queryRow(`SELECT COUNT(*) FROM memberships WHERE town_id = $1 AND person_id = $2`, townID, personID).Scan(&n); err != nil {
			return false, t.fail("set membership", err)
		} else if n > 0 {
			return false, gridbot.Refuse(gridbot.ReasonRejoinEffective)
		}
	}
	if leaving {
		return true, nil
	}
	if _, err := t.exec(`INSERT INTO memberships (town_id, person_id, grid_id, role, valid_from_ms) VALUES ($1, $2, $3, $4, $5)`,
		townID, personID, nullID(gridID), string(role), ms(at)); err != nil {
		return false, t.fail("set membership", err)
	}
	return true, nil
}

// checkMembershipRefs makes sure the person and the grid belong to the town:
// foreign keys alone would accept another town's grid.
func (t *tx) checkMembershipRefs(townID, personID, gridID int64) error {
	var n int
	if err := t.queryRow(`SELECT COUNT(*) FROM people WHERE id = $1 AND town_id = $2`, personID, townID).Scan(&n); err != nil {
		return t.fail("set membership", err)
	} else if n == 0 {
		return gridbot.Refuse(gridbot.ReasonPersonNotInTown)
	}
	if gridID == 0 {
		return nil
	}
	if err := t.queryRow(`SELECT COUNT(*) FROM grids WHERE id = $1 AND town_id = $2`, gridID, townID).Scan(&n); err != nil {
		return t.fail("set membership", err)
	} else if n == 0 {
		return gridbot.Refuse(gridbot.ReasonGridNotInTown)
	}
	return nil
}

// Memberships returns the whole roster history of the town, person by person
// in the order it was written.
func (t *tx) Memberships(townID int64) ([]gridbot.Membership, error) {
	var list []gridbot.Membership
	err := t.queryAll(func(r scanner) error {
		var m gridbot.Membership
		var gridID, from, to sql.NullInt64
		var role string
		if err := r.Scan(&m.PersonID, &m.UserID, &gridID, &role, &from, &to); err != nil {
			return err
		}
		m.GridID, m.Role, m.From, m.To = gridID.Int64, gridbot.Role(role), instant(from), instant(to)
		list = append(list, m)
		return nil
	}, `SELECT m.person_id, p.userid, m.grid_id, m.role, m.valid_from_ms, m.valid_to_ms
		FROM memberships m JOIN people p ON p.id = m.person_id
		WHERE m.town_id = $1 ORDER BY m.person_id, m.id`, townID)
	if err != nil {
		return nil, t.fail("memberships", err)
	}
	return list, nil
}
