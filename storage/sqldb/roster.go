package sqldb

import (
	"database/sql"
	"errors"
	"strings"

	"gridbot"
)

// EnsureDistrict returns the town's district called name, creating it if need be.
func (t *tx) EnsureDistrict(townID int64, name string) (gridbot.District, error) {
	name = strings.TrimSpace(name)
	d := gridbot.District{TownID: townID, Name: name}
	if err := d.Validate(); err != nil {
		return gridbot.District{}, err
	}
	if _, err := t.exec(`INSERT INTO districts (town_id, name) VALUES ($1, $2) ON CONFLICT (town_id, name) DO NOTHING`,
		townID, name); err != nil {
		return d, t.fail("ensure district", err)
	}
	if err := t.queryRow(`SELECT id FROM districts WHERE town_id = $1 AND name = $2`, townID, name).Scan(&d.ID); err != nil {
		return d, t.fail("ensure district", err)
	}
	return d, nil
}

// EnsureVillage returns the town's village called name, creating it if need
// be. A village found under another district is moved to districtID, because
// the latest roster describes the town as it is now. districtID 0 means none.
func (t *tx) EnsureVillage(townID, districtID int64, name string) (gridbot.Village, error) {
	name = strings.TrimSpace(name)
	v := gridbot.Village{TownID: townID, DistrictID: districtID, Name: name}
	if err := v.Validate(); err != nil {
		return gridbot.Village{}, err
	}
	if districtID != 0 {
		err := t.queryRow(`SELECT name FROM districts WHERE id = $1 AND town_id = $2`, districtID, townID).Scan(&v.District)
		if errors.Is(err, sql.ErrNoRows) {
			return v, gridbot.Refuse(gridbot.ReasonDistrictNotInTown)
		} else if err != nil {
			return v, t.fail("ensure village", err)
		}
	}
	err := t.queryRow(`INSERT INTO villages (town_id, district_id, name) VALUES ($1, $2, $3)
		ON CONFLICT (town_id, name) DO UPDATE SET district_id = excluded.district_id
		RETURNING id`, townID, nullID(districtID), name).Scan(&v.ID)
	if err != nil {
		return v, t.fail("ensure village", err)
	}
	return v, nil
}

// EnsureGrid returns the town's grid called name, creating it if need be; a
// grid found under another village is moved to villageID.
func (t *tx) EnsureGrid(townID, villageID int64, name string) (gridbot.Grid, error) {
	name = strings.TrimSpace(name)
	g := gridbot.Grid{TownID: townID, VillageID: villageID, Name: name}
	if err := g.Validate(); err != nil {
		return gridbot.Grid{}, err
	}
	err := t.queryRow(`SELECT v.name, COALESCE(d.name, '') FROM villages v LEFT JOIN districts d ON d.id = v.district_id
		WHERE v.id = $1 AND v.town_id = $2`, villageID, townID).Scan(&g.Village, &g.District)
	if errors.Is(err, sql.ErrNoRows) {
		return g, gridbot.Refuse(gridbot.ReasonVillageNotInTown)
	} else if err != nil {
		return g, t.fail("ensure grid", err)
	}
	err = t.queryRow(`INSERT INTO grids (town_id, village_id, name) VALUES ($1, $2, $3)
		ON CONFLICT (town_id, name) DO UPDATE SET village_id = excluded.village_id
		RETURNING id`, townID, villageID, name).Scan(&g.ID)
	if err != nil {
		return g, t.fail("ensure grid", err)
	}
	return g, nil
}

// Villages returns the town's villages in the order they were created.
// (Sorting by name is left to Go: the engines collate text differently.)
func (t *tx) Villages(townID int64) ([]gridbot.Village, error) {
	var vs []gridbot.Village
	err := t.queryAll(func(r scanner) error {
		var v gridbot.Village
		var districtID sql.NullInt64
		if err := r.Scan(&v.ID, &v.TownID, &districtID, &v.Name, &v.District); err != nil {
			return err
		}
		v.DistrictID = districtID.Int64
		vs = append(vs, v)
		return nil
	}, `SELECT v.id, v.town_id, v.district_id, v.name, COALESCE(d.name, '')
		FROM villages v LEFT JOIN districts d ON d.id = v.district_id
		WHERE v.town_id = $1 ORDER BY v.id`, townID)
	if err != nil {
		return nil, t.fail("villages", err)
	}
	return vs, nil
}

// Grids returns the town's grids in the order they were created.
func (t *tx) Grids(townID int64) ([]gridbot.Grid, error) {
	var gs []gridbot.Grid
	err := t.queryAll(func(r scanner) error {
		var g gridbot.Grid
		if err := r.Scan(&g.ID, &g.TownID, &g.VillageID, &g.Name, &g.Village, &g.District); err != nil {
			return err
		}
		gs = append(gs, g)
		return nil
	}, `SELECT g.id, g.town_id, g.village_id, g.name, v.name, COALESCE(d.name, '')
		FROM grids g JOIN villages v ON v.id = g.village_id LEFT JOIN districts d ON d.id = v.district_id
		WHERE g.town_id = $1 ORDER BY g.id`, townID)
	if err != nil {
		return nil, t.fail("grids", err)
	}
	return gs, nil
}

// ReplaceCheckpoints replaces all check-in points of the town. A point names
// its village by VillageID or, when that is 0, by Village.
func (t *tx) ReplaceCheckpoints(townID int64, cps []gridbot.Checkpoint) error {
	if _, err := t.exec(`DELETE FROM checkpoints WHERE town_id = $1`, townID); err != nil {
		return t.fail("replace checkpoints", err)
	}
	for _, cp := range cps {
		villageID, err := t.checkpointVillage(townID, cp)
		if err != nil {
			return err
		}
		res, err := t.exec(`INSERT INTO checkpoints (town_id, village_id, name, lat, lng, radius_m) VALUES ($1, $2, $3, $4, $5, $6)
			ON CONFLICT (town_id, village_id, name) DO NOTHING`,
			townID, villageID, cp.Name, cp.Lat, cp.Lng, cp.RadiusM)
		if err != nil {
			return t.fail("replace checkpoints", err)
		}
		if n, err := res.RowsAffected(); err != nil {
			return t.fail("replace checkpoints", err)
		} else if n == 0 {
			return gridbot.Refuse(gridbot.ReasonCheckpointTwice, cp.Village, cp.Name)
		}
	}
	return nil
}

// checkpointVillage returns the id of the village of cp, named by VillageID
// or, when that is 0, by Village.
func (t *tx) checkpointVillage(townID int64, cp gridbot.Checkpoint) (int64, error) {
	var id int64
	var err error
	if cp.VillageID != 0 {
		err = t.queryRow(`SELECT id FROM villages WHERE town_id = $1 AND id = $2`, townID, cp.VillageID).Scan(&id)
	} else {
		err = t.queryRow(`SELECT id FROM villages WHERE town_id = $1 AND name = $2`, townID, cp.Village).Scan(&id)
	}
	if errors.Is(err, sql.ErrNoRows) {
		return 0, gridbot.Refuse(gridbot.ReasonCheckpointVillage, cp.Name, cp.Village)
	} else if err != nil {
		return 0, t.fail("checkpoint village", err)
	}
	return id, nil
}

// Checkpoints returns the town's check-in points in the order they were stored.
func (t *tx) Checkpoints(townID int64) ([]gridbot.Checkpoint, error) {
	var cps []gridbot.Checkpoint
	err := t.queryAll(func(r scanner) error {
		var cp gridbot.Checkpoint
		if err := r.Scan(&cp.ID, &cp.TownID, &cp.VillageID, &cp.Village, &cp.Name, &cp.Lat, &cp.Lng, &cp.RadiusM); err != nil {
			return err
		}
		cps = append(cps, cp)
		return nil
	}, `SELECT c.id, c.town_id, c.village_id, v.name, c.name, c.lat, c.lng, c.radius_m
		FROM checkpoints c JOIN villages v ON v.id = c.village_id
		WHERE c.town_id = $1 ORDER BY c.id`, townID)
	if err != nil {
		return nil, t.fail("checkpoints", err)
	}
	return cps, nil
}
