package importer

import (
	"fmt"
	"strings"
	"time"

	"gridbot"
)

// rosterMoves warns about grids the file puts in another village and
// villages it puts in another district than the store has them. The store
// follows the latest roster (it moves them), but the move also changes
// where the grid's past counts, and a typo in a village name looks the
// same, so the office should see it.
func rosterMoves(tx gridbot.Roster, townID int64, rows []rosterRow, rep *Report) error {
	grids, err := tx.Grids(townID)
	if err != nil {
		return err
	}
	villages, err := tx.Villages(townID)
	if err != nil {
		return err
	}
	gridVillage := map[string]string{}
	for _, g := range grids {
		gridVillage[g.Name] = g.Village
	}
	villageDistrict := map[string]string{}
	for _, v := range villages {
		villageDistrict[v.Name] = v.District
	}
	reported := map[string]bool{}
	for _, r := range rows {
		if r.grid == "" {
			continue
		}
		if v, ok := gridVillage[r.grid]; ok && v != r.village && !reported["g"+r.grid] {
			reported["g"+r.grid] = true
			rep.warn("第 %d 行：网格「%s」原属「%s」，已改到「%s」；如是笔误，请改正后重新导入", r.line, r.grid, v, r.village)
		}
		if d, ok := villageDistrict[r.village]; ok && d != r.district && !reported["v"+r.village] {
			reported["v"+r.village] = true
			rep.warn("第 %d 行：村「%s」原属「%s」，已改到「%s」；如是笔误，请改正后重新导入", r.line, r.village, d, r.district)
		}
	}
	return nil
}

// rosterTx is what importing the roster uses of a transaction.
type rosterTx interface {
	gridbot.Roster
	gridbot.RosterWriter
}

// writeRoster stores the validated roster in tx and fills in rep.
func writeRoster(tx rosterTx, townID int64, rows []rosterRow, hasPhone bool, effective time.Time, allowLeavers bool, rep *Report) error {
	people, err := tx.People(townID)
	if err != nil {
		return err
	}
	known := make(map[string]gridbot.Person, len(people))
	for _, p := range people {
		known[p.UserID] = p
	}

	ids := newRosterIDs(tx, townID)
	inFile := make(map[string]bool, len(rows))
	for _, r := range rows {
		inFile[r.person.UserID] = true
		var gridID int64
		if r.person.Role != gridbot.RoleOffice {
			if gridID, err = ids.grid(r.district, r.village, r.grid); err != nil {
				return err
			}
		}

		p := r.person
		p.TownID, p.Active = townID, true
		old, existed := known[p.UserID]
		if !hasPhone && existed {
			p.Phone = old.Phone
		}
		changed := !existed || old.Name != p.Name || old.Role != p.Role || old.Party != p.Party ||
			old.Phone != p.Phone || !old.Active
		if changed {
			saved, err := tx.SavePerson(p)
			if err != nil {
				return err
			}
			p.ID = saved.ID
		} else {
			p.ID = old.ID
		}

		// Someone seen for the first time has been in their grid since
		// always; for anyone else the change dates from the import.
		at := effective
		if !existed {
			at = time.Time{}
		}
		moved, err := tx.SetMembership(townID, p.ID, gridID, p.Role, at)
		if err != nil {
			return err
		}
		switch {
		case !existed:
			rep.Added++
		case changed || moved:
			rep.Updated++
		default:
			rep.Skipped++
		}
	}

	// The file is the whole roster: whoever is missing from it has left.
	if err := checkLeavers(people, inFile, allowLeavers); err != nil {
		return err
	}
	var gone []string
	for _, p := range people {
		if inFile[p.UserID] || !p.Active {
			continue
		}
		p.Active = false
		if _, err := tx.SavePerson(p); err != nil {
			return err
		}
		if _, err := tx.SetMembership(townID, p.ID, 0, "", effective); err != nil {
			return err
		}
		gone = append(gone, fmt.Sprintf("%s(%s)", p.Name, p.UserID))
	}
	if rep.Removed = len(gone); rep.Removed > 0 {
		rep.warn("%d 人不在新名单中，已标记为离开（%s 起不再计分）：%s",
			len(gone), effective.In(gridbot.Zone).Format("2006-01-02 15:04"), strings.Join(gone, "、"))
	}
	return nil
}

// checkLeavers refuses a roster that would mark more than
// MaxLeaversPercent of the town's active people as having left: a partial
// file (one village, a sheet cut short) would otherwise end their scoring.
func checkLeavers(people []gridbot.Person, inFile map[string]bool, allow bool) error {
	if allow {
		return nil
	}
	active := 0
	var gone []string
	for _, p := range people {
		if !p.Active {
			continue
		}
		active++
		if !inFile[p.UserID] {
			gone = append(gone, fmt.Sprintf("%s(%s)", p.Name, p.UserID))
		}
	}
	if len(gone)*100 <= active*MaxLeaversPercent {
		return nil
	}
	shown := gone
	if len(shown) > 20 {
		shown = append(shown[:20:20], fmt.Sprintf("等共 %d 人", len(gone)))
	}
	return gridbot.Errorf(gridbot.EINVALID,
		"新名单中缺少 %d 人（全镇现有 %d 人，占 %d%%，超过 %d%%），导入后他们都会被标记为离开：%s。\n"+
			"名单导入的是全镇完整名单，请确认文件没有漏掉村或网格。如确实有这么多人离开，请加上 --allow-leavers 重新导入；未导入任何数据。",
		len(gone), active, len(gone)*100/active, MaxLeaversPercent, strings.Join(shown, "、"))
}

// rosterIDs ensures districts, villages and grids once each per import.
type rosterIDs struct {
	tx        gridbot.RosterWriter
	townID    int64
	districts map[string]int64
	villages  map[string]int64
	grids     map[string]int64
}

func newRosterIDs(tx gridbot.RosterWriter, townID int64) *rosterIDs {
	return &rosterIDs{tx: tx, townID: townID,
		districts: map[string]int64{}, villages: map[string]int64{}, grids: map[string]int64{}}
}

// grid returns the id of the grid, creating it, its village and its district as needed.
func (ids *rosterIDs) grid(district, village, grid string) (int64, error) {
	if id, ok := ids.grids[grid]; ok {
		return id, nil
	}
	did, ok := ids.districts[district]
	if !ok {
		d, err := ids.tx.EnsureDistrict(ids.townID, district)
		if err != nil {
			return 0, err
		}
		did, ids.districts[district] = d.ID, d.ID
	}
	vid, ok := ids.villages[village]
	if !ok {
		v, err := ids.tx.EnsureVillage(ids.townID, did, village)
		if err != nil {
			return 0, err
		}
		vid, ids.villages[village] = v.ID, v.ID
	}
	g, err := ids.tx.EnsureGrid(ids.townID, vid, grid)
	if err != nil {
		return 0, err
	}
	ids.grids[grid] = g.ID
	return g.ID, nil
}

// rosterWarnings checks the shape the scheme asks for: 4–9 people and one
// leader per grid, 2–5 grids per village. The office may have good reasons
// (a grid being formed), so these only warn.
func rosterWarnings(rows []rosterRow, rep *Report) {
	type gridInfo struct {
		people  int
		leaders []string
	}
	var gridOrder, villageOrder []string
	grids := map[string]*gridInfo{}
	villageGrids := map[string][]string{}
	for _, r := range rows {
		if r.person.Role == gridbot.RoleOffice {
			continue
		}
		g, ok := grids[r.grid]
		if !ok {
			g = &gridInfo{}
			grids[r.grid] = g
			gridOrder = append(gridOrder, r.grid)
			if _, seen := villageGrids[r.village]; !seen {
				villageOrder = append(villageOrder, r.village)
			}
			villageGrids[r.village] = append(villageGrids[r.village], r.grid)
		}
		g.people++
		if r.person.Role == gridbot.RoleLeader {
			g.leaders = append(g.leaders, r.person.Name)
		}
	}
	for _, name := range gridOrder {
		g := grids[name]
		if g.people < 4 || g.people > 9 {
			rep.warn("网格「%s」有 %d 人，方案要求每个网格 4–9 人", name, g.people)
		}
		switch len(g.leaders) {
		case 0:
			rep.warn("网格「%s」没有网格长", name)
		case 1:
		default:
			rep.warn("网格「%s」有 %d 名网格长（%s），方案要求只有一名", name, len(g.leaders), strings.Join(g.leaders, "、"))
		}
	}
	for _, name := range villageOrder {
		if n := len(villageGrids[name]); n < 2 || n > 5 {
			rep.warn("村「%s」有 %d 个网格，方案要求每个村 2–5 个网格", name, n)
		}
	}
}
