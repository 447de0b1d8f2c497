package scoring

import (
	"fmt"

	"gridbot"
)

// publicity books R-PUB-* for each member involved in a report of the month.
func (m *monthRun) publicity() {
	for i := range m.f.Publicity {
		p := &m.f.Publicity[i]
		if !m.w.seen(p.At, p.Record) {
			continue
		}
		it, ok := pubItem(m.r, p)
		if !ok {
			continue
		}
		seen := map[string]bool{}
		for _, u := range p.Involved {
			if a := m.accs[u]; a != nil && !seen[u] {
				seen[u] = true
				a.book(it)
			}
		}
	}
}

// pubItem returns the item of a report for one member involved.
func pubItem(r *Rules, p *gridbot.Publicity) (Item, bool) {
	switch {
	case p.Level == gridbot.LevelTown:
		return rPubTown(r, p), true
	case p.Comprehensive:
		return rPubHalf(r, p)
	case p.Level == gridbot.LevelCounty:
		return rPubCounty(r, p), true
	case p.Level == gridbot.LevelCity:
		return rPubCity(r, p), true
	case p.Level == gridbot.LevelProvince:
		return rPubProv(r, p), true
	}
	return Item{}, false
}

// rPubTown is R-PUB-TOWN: a town-level special report; a comprehensive one
// scores the town level's factor (0: "综合性报道不加分"), booked so the member
// sees why.
func rPubTown(r *Rules, p *gridbot.Publicity) Item {
	it := pubLine(RPubTown, "镇级专题报道", r.Publicity.Town.Points, p)
	if p.Comprehensive {
		it.Name = "镇级综合性报道"
		it.Points *= r.Publicity.Town.Comprehensive
	}
	return it
}

// rPubCounty is R-PUB-COUNTY: a county-level (温岭市级) report.
func rPubCounty(r *Rules, p *gridbot.Publicity) Item {
	return pubLine(RPubCounty, "温岭市级报道", r.Publicity.County.Points, p)
}

// rPubCity is R-PUB-CITY: a city-level (台州市级) report.
func rPubCity(r *Rules, p *gridbot.Publicity) Item {
	return pubLine(RPubCity, "台州市级报道", r.Publicity.City.Points, p)
}

// rPubProv is R-PUB-PROV: a provincial or higher report.
func rPubProv(r *Rules, p *gridbot.Publicity) Item {
	return pubLine(RPubProv, "省级及以上报道", r.Publicity.Province.Points, p)
}

// rPubHalf is R-PUB-HALF: a comprehensive report at county level or above
// scores its level's points times the level's factor (half).
func rPubHalf(r *Rules, p *gridbot.Publicity) (Item, bool) {
	lv, ok := level(r, p.Level)
	if !ok {
		return Item{}, false
	}
	return pubLine(RPubHalf, p.Level+"综合性报道（减半）", lv.Points*lv.Comprehensive, p), true
}

// level returns the rules of a publicity level.
func level(r *Rules, name string) (Level, bool) {
	switch name {
	case gridbot.LevelTown:
		return r.Publicity.Town, true
	case gridbot.LevelCounty:
		return r.Publicity.County, true
	case gridbot.LevelCity:
		return r.Publicity.City, true
	case gridbot.LevelProvince:
		return r.Publicity.Province, true
	}
	return Level{}, false
}

func pubLine(rule, name string, points float64, p *gridbot.Publicity) Item {
	return Item{Rule: rule, Name: name, Points: points, Ref: fmt.Sprintf("报道#%d", p.No),
		Date: gridbot.Day(p.At), Note: p.Title, seq: p.No}
}
