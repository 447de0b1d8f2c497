package importer

import (
	"context"
	"time"

	"gridbot"
)

// Base-points columns. Platform exports usually carry the name too; when a
// 姓名 column is there it is checked against the roster.
var (
	basePointsRequired = []string{"用户ID", "积分"}
	basePointsOptional = []string{"姓名"}
)

// BasePoints imports the platform's base points (岭格治理平台积分) of month
// ("2026-10") from a CSV or XLSX file (用户ID,积分). It replaces the points
// of the people in the file for that month and leaves everyone else's alone.
func BasePoints(ctx context.Context, st gridbot.Store, townID int64, month, path string, o Options) (*Report, error) {
	if err := checkMonth(month); err != nil {
		return nil, err
	}
	t, done, err := openFile(path)
	if err != nil {
		return nil, err
	}
	defer done()
	o.watch(t)
	return basePoints(ctx, st, townID, month, t, o)
}

func checkMonth(month string) error {
	if !gridbot.ValidMonth(month) {
		return gridbot.Errorf(gridbot.EINVALID, "月份「%s」格式错误，应写成 YYYY-MM，例如 2026-10", month)
	}
	return nil
}

// BasePointsTable is BasePoints for a sheet already read.
func BasePointsTable(ctx context.Context, st gridbot.Store, townID int64, month string, t *Table) (*Report, error) {
	return basePoints(ctx, st, townID, month, t, Options{})
}

func basePoints(ctx context.Context, st gridbot.Store, townID int64, month string, t *Table, o Options) (*Report, error) {
	if err := checkMonth(month); err != nil {
		return nil, err
	}
	known, err := knownPeople(ctx, st, townID)
	if err != nil {
		return nil, err
	}
	bps, lines, names, probs := parseBasePoints(t, month, known)
	if err := probs.err(); err != nil {
		return nil, err
	}
	var rep *Report
	err = o.update(ctx, st, func(tx gridbot.Tx) error {
		rep = &Report{Kind: KindBasePoints, Rows: len(bps)}
		if err := gridbot.CheckOpen(tx, townID, month); err != nil {
			return err
		}
		people, err := peopleByUserID(tx, townID)
		if err != nil {
			return err
		}
		var probs problems
		for i, bp := range bps {
			p, ok := people[bp.UserID]
			switch {
			case !ok:
				probs.add(lines[i], "用户ID", "未知用户ID「%s」：名单中没有此人，请检查或先导入名单", bp.UserID)
			case names[i] != "" && names[i] != p.Name:
				rep.warn("第 %d 行：用户ID %s 在名单中是「%s」，文件中写的是「%s」，请确认", lines[i], bp.UserID, p.Name, names[i])
			case p.Role == gridbot.RoleOffice:
				rep.warn("第 %d 行：%s(%s) 是党建办人员，不参与排名，其积分不会计入", lines[i], p.Name, bp.UserID)
			}
		}
		if err := probs.err(); err != nil {
			return err
		}
		from, _ := time.ParseInLocation(gridbot.MonthLayout, month, gridbot.Zone)
		// Only the month's base points are read here: no issue before it is needed.
		facts, err := tx.PeriodFacts(townID, from, from.AddDate(0, 1, 0), 0)
		if err != nil {
			return err
		}
		before := map[string]float64{}
		for _, bp := range facts.BasePoints {
			if bp.Month == month {
				before[bp.UserID] = bp.Points
			}
		}
		for _, bp := range bps {
			old, ok := before[bp.UserID]
			switch {
			case !ok:
				rep.Added++
			case old != bp.Points:
				rep.Updated++
			default:
				rep.Skipped++
			}
		}
		return tx.SetBasePoints(townID, month, bps)
	})
	if err != nil {
		return nil, err
	}
	return o.finish(rep), nil
}

// parseBasePoints validates the file, against known (the town's people)
// too; lines[i] and names[i] belong to bps[i].
func parseBasePoints(t *Table, month string, known map[string]gridbot.Person) (bps []gridbot.BasePoint, lines []int, names []string, probs problems) {
	cols, errs := t.bind(basePointsRequired, basePointsOptional)
	if errs.n > 0 {
		return nil, nil, nil, errs
	}
	seen := map[string]int{}
	count := t.each(&probs, func(r Row) {
		n := probs.n
		bp := gridbot.BasePoint{UserID: cols.get(r, "用户ID"), Month: month}
		switch {
		case bp.UserID == "":
			probs.add(r.Line, "用户ID", "用户ID不能为空")
		case seen[bp.UserID] != 0:
			probs.add(r.Line, "用户ID", "用户ID重复（与第 %d 行）", seen[bp.UserID])
		default:
			seen[bp.UserID] = r.Line
			if _, ok := known[bp.UserID]; known != nil && !ok {
				probs.add(r.Line, "用户ID", "未知用户ID「%s」：名单中没有此人，请检查或先导入名单", bp.UserID)
			}
		}
		var ok bool
		if bp.Points, ok = parseNumber(cols.get(r, "积分")); !ok {
			probs.add(r.Line, "积分", "数字格式错误「%s」，积分应为数字，例如 45 或 45.5", cols.get(r, "积分"))
		} else if bp.Points < -1000 || bp.Points > 1000 {
			probs.add(r.Line, "积分", "积分 %g 超出合理范围（-1000 到 1000），请检查", bp.Points)
		}
		if probs.n == n {
			bps = append(bps, bp)
			lines = append(lines, r.Line)
			names = append(names, cols.get(r, "姓名"))
		}
	})
	if count == 0 && probs.n == 0 {
		probs.add(2, "", "文件只有表头，没有积分")
	}
	return bps, lines, names, probs
}

// knownPeople reads the town's people, active or not, by user id, so a
// file is checked against the roster in the same pass as everything else.
func knownPeople(ctx context.Context, st gridbot.Store, townID int64) (m map[string]gridbot.Person, err error) {
	err = st.View(ctx, func(tx gridbot.Tx) error {
		m, err = peopleByUserID(tx, townID)
		return err
	})
	return m, err
}

// peopleByUserID returns everyone of the town, active or not, by user id.
func peopleByUserID(tx gridbot.Roster, townID int64) (map[string]gridbot.Person, error) {
	people, err := tx.People(townID)
	if err != nil {
		return nil, err
	}
	m := make(map[string]gridbot.Person, len(people))
	for _, p := range people {
		m[p.UserID] = p
	}
	return m, nil
}
