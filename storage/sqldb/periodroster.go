package sqldb

import (
	"database/sql"

	"gridbot"
)

// periodRoster returns the town's people and roster history for
// PeriodFacts: what People and Memberships return, read without their joins
// (a town of 100,000 makes them a fair part of settling a month): each
// person's current grid comes from their open membership and grids, the
// user ids of memberships from people.
func (t *tx) periodRoster(townID int64, grids []gridbot.Grid) ([]gridbot.Person, []gridbot.Membership, error) {
	// Rows are scanned into the same variables each time: a town's 100,000
	// would otherwise each leave a few allocations behind.
	var people []gridbot.Person
	var p gridbot.Person
	var role string
	err := t.queryAll(func(r scanner) error {
		if err := r.Scan(&p.ID, &p.UserID, &p.Name, &role, &p.Party, &p.Phone, &p.Active); err != nil {
			return err
		}
		p.TownID, p.Role = townID, gridbot.Role(role)
		people = append(people, p)
		return nil
	}, `SELECT p.id, p.userid, p.name, p.role, p.party, p.phone, p.active FROM people p
		WHERE p.town_id = $1 ORDER BY p.id`, townID)
	if err != nil {
		return nil, nil, t.fail("period people", err)
	}
	byID := make(map[int64]*gridbot.Person, len(people))
	for i := range people {
		byID[people[i].ID] = &people[i]
	}
	gridByID := make(map[int64]*gridbot.Grid, len(grids))
	for i := range grids {
		gridByID[grids[i].ID] = &grids[i]
	}

	var ms []gridbot.Membership
	var m gridbot.Membership
	var gridID, from, to sql.NullInt64
	err = t.queryAll(func(r scanner) error {
		if err := r.Scan(&m.PersonID, &gridID, &role, &from, &to); err != nil {
			return err
		}
		m.GridID, m.Role, m.From, m.To = gridID.Int64, gridbot.Role(role), instant(from), instant(to)
		m.UserID = ""
		if p := byID[m.PersonID]; p != nil {
			m.UserID = p.UserID
			if !to.Valid { // the open membership: the person's current grid
				p.GridID = m.GridID
				if g := gridByID[m.GridID]; g != nil {
					p.Grid, p.VillageID, p.Village = g.Name, g.VillageID, g.Village
				}
			}
		}
		ms = append(ms, m)
		return nil
	}, `SELECT m.person_id, m.grid_id, m.role, m.valid_from_ms, m.valid_to_ms
		FROM memberships m WHERE m.town_id = $1 ORDER BY m.person_id, m.id`, townID)
	if err != nil {
		return nil, nil, t.fail("period memberships", err)
	}
	return people, ms, nil
}
