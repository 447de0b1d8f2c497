package bottest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"gridbot"
)

// LargeTown is a generated town for benchmarks: Grids grids of PerGrid
// people each (the first of each grid its leader), five grids to a village,
// each village with one check-in point at Lat, Lng.
type LargeTown struct {
	*Town
	Grids, PerGrid int
	Lat, Lng       float64
}

// LeaderOf is the user id of grid g's leader; MemberOf(g, i) of its i-th
// person (i = 0 is the leader).
func (lt *LargeTown) LeaderOf(g int) string { return lt.MemberOf(g, 0) }

// MemberOf is the user id of person i of grid g.
func (lt *LargeTown) MemberOf(g, i int) string { return fmt.Sprintf("L%03d-%d", g, i) }

// NameOf is the display name of person i of grid g; names are unique.
func (lt *LargeTown) NameOf(g, i int) string { return fmt.Sprintf("成员%03d%d", g, i) }

// NewLarge builds a town of grids × perGrid people on st.
func NewLarge(t testing.TB, st gridbot.Store, grids, perGrid int) *LargeTown {
	t.Helper()
	lt := &LargeTown{Grids: grids, PerGrid: perGrid, Lat: 28.38, Lng: 121.47}
	var townID int64
	err := st.Update(context.Background(), func(tx gridbot.Tx) error {
		town, err := tx.CreateTown("基准镇")
		if err != nil {
			return err
		}
		townID = town.ID
		d, err := tx.EnsureDistrict(town.ID, "基准管理区")
		if err != nil {
			return err
		}
		var cps []gridbot.Checkpoint
		var village gridbot.Village
		for g := 0; g < grids; g++ {
			if g%5 == 0 {
				if village, err = tx.EnsureVillage(town.ID, d.ID, fmt.Sprintf("基准%02d村", g/5)); err != nil {
					return err
				}
				cps = append(cps, gridbot.Checkpoint{TownID: town.ID, VillageID: village.ID, Village: village.Name,
					Name: village.Name + "村委会", Lat: lt.Lat, Lng: lt.Lng, RadiusM: 500})
			}
			grid, err := tx.EnsureGrid(town.ID, village.ID, fmt.Sprintf("基准%03d网格", g))
			if err != nil {
				return err
			}
			for i := 0; i < perGrid; i++ {
				role := gridbot.RoleMember
				if i == 0 {
					role = gridbot.RoleLeader
				}
				p, err := tx.SavePerson(gridbot.Person{TownID: town.ID, UserID: lt.MemberOf(g, i), Name: lt.NameOf(g, i), Role: role, Active: true})
				if err != nil {
					return err
				}
				if _, err := tx.SetMembership(town.ID, p.ID, grid.ID, role, time.Time{}); err != nil {
					return err
				}
			}
		}
		return tx.ReplaceCheckpoints(town.ID, cps)
	})
	if err != nil {
		t.Fatalf("build the large town: %v", err)
	}
	lt.Town = NewOn(t, st, townID)
	return lt
}
