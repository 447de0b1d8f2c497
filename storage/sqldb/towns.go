package sqldb

import (
	"database/sql"
	"errors"
	"strings"

	"gridbot"
)

// Towns returns every town, oldest first.
func (t *tx) Towns() ([]gridbot.Town, error) {
	var towns []gridbot.Town
	err := t.queryAll(func(r scanner) error {
		var town gridbot.Town
		if err := r.Scan(&town.ID, &town.Name); err != nil {
			return err
		}
		towns = append(towns, town)
		return nil
	}, `SELECT id, name FROM towns ORDER BY id`)
	if err != nil {
		return nil, t.fail("towns", err)
	}
	return towns, nil
}

// TownByName returns the town called name, or ENOTFOUND.
func (t *tx) TownByName(name string) (gridbot.Town, error) {
	town := gridbot.Town{Name: name}
	err := t.queryRow(`SELECT id FROM towns WHERE name = $1`, name).Scan(&town.ID)
	if errors.Is(err, sql.ErrNoRows) {
		return gridbot.Town{}, gridbot.Refuse(gridbot.ReasonTownUnknown, name)
	} else if err != nil {
		return gridbot.Town{}, t.fail("town by name", err)
	}
	return town, nil
}

// townByID returns the town with id, or ENOTFOUND.
func (t *tx) townByID(id int64) (gridbot.Town, error) {
	town := gridbot.Town{ID: id}
	err := t.queryRow(`SELECT name FROM towns WHERE id = $1`, id).Scan(&town.Name)
	if errors.Is(err, sql.ErrNoRows) {
		return gridbot.Town{}, gridbot.Refuse(gridbot.ReasonTownIDUnknown, id)
	} else if err != nil {
		return gridbot.Town{}, t.fail("town by id", err)
	}
	return town, nil
}

// CreateTown creates a town; ECONFLICT when the name is taken.
func (t *tx) CreateTown(name string) (gridbot.Town, error) {
	town := gridbot.Town{Name: strings.TrimSpace(name)}
	if err := town.Validate(); err != nil {
		return gridbot.Town{}, err
	}
	err := t.queryRow(`INSERT INTO towns (name) VALUES ($1) ON CONFLICT (name) DO NOTHING RETURNING id`, town.Name).Scan(&town.ID)
	if errors.Is(err, sql.ErrNoRows) {
		return gridbot.Town{}, gridbot.Refuse(gridbot.ReasonTownExists, town.Name)
	} else if err != nil {
		return gridbot.Town{}, t.fail("create town", err)
	}
	return town, nil
}
