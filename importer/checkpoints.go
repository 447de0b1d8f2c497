package importer

import (
	"context"
	"fmt"
	"strings"

	"gridbot"
)

var checkpointColumns = []string{"村", "名称", "纬度", "经度", "半径米"}

// Checkpoints replaces the town's check-in points with those of a CSV or
// XLSX file (村,名称,纬度,经度,半径米). Every village must already be on
// the roster. Points missing from the file are deleted.
func Checkpoints(ctx context.Context, st gridbot.Store, townID int64, path string, o Options) (*Report, error) {
	t, done, err := openFile(path)
	if err != nil {
		return nil, err
	}
	defer done()
	o.watch(t)
	return checkpoints(ctx, st, townID, t, o)
}

// CheckpointsTable is Checkpoints for a sheet already read.
func CheckpointsTable(ctx context.Context, st gridbot.Store, townID int64, t *Table) (*Report, error) {
	return checkpoints(ctx, st, townID, t, Options{})
}

func checkpoints(ctx context.Context, st gridbot.Store, townID int64, t *Table, o Options) (*Report, error) {
	var villages map[string]bool
	err := st.View(ctx, func(tx gridbot.Tx) error {
		vs, err := tx.Villages(townID)
		villages = map[string]bool{}
		for _, v := range vs {
			villages[v.Name] = true
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	cps, lines, probs := parseCheckpoints(t, villages)
	if err := probs.err(); err != nil {
		return nil, err
	}
	var rep *Report
	err = o.update(ctx, st, func(tx gridbot.Tx) error {
		rep = &Report{Kind: KindCheckpoints, Rows: len(cps)}
		villages, err := tx.Villages(townID)
		if err != nil {
			return err
		}
		byName := map[string]gridbot.Village{}
		for _, v := range villages {
			byName[v.Name] = v
		}
		var probs problems
		for i := range cps {
			v, ok := byName[cps[i].Village]
			if !ok {
				probs.add(lines[i], "村", "未知村「%s」：村名要与名单中的一致，或先导入名单", cps[i].Village)
				continue
			}
			cps[i].TownID, cps[i].VillageID = townID, v.ID
		}
		if err := probs.err(); err != nil {
			return err
		}
		old, err := tx.Checkpoints(townID)
		if err != nil {
			return err
		}
		compareCheckpoints(old, cps, rep)
		if err := tx.ReplaceCheckpoints(townID, cps); err != nil {
			return err
		}
		// A village without a point leaves its members unable to check in by location.
		has := map[string]bool{}
		for _, c := range cps {
			has[c.Village] = true
		}
		for _, v := range villages {
			if !has[v.Name] {
				rep.warn("村「%s」没有打卡点，该村成员无法定位打卡", v.Name)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return o.finish(rep), nil
}

// parseCheckpoints validates the file on its own; lines[i] is the line of cps[i].
func parseCheckpoints(t *Table, villages map[string]bool) (cps []gridbot.Checkpoint, lines []int, probs problems) {
	cols, errs := t.bind(checkpointColumns, nil)
	if errs.n > 0 {
		return nil, nil, errs
	}
	seen := map[string]int{}
	count := t.each(&probs, func(r Row) {
		n := probs.n
		c := gridbot.Checkpoint{Village: cols.get(r, "村"), Name: cols.get(r, "名称")}
		if c.Village == "" {
			probs.add(r.Line, "村", "村不能为空")
		} else if villages != nil && !villages[c.Village] {
			probs.add(r.Line, "村", "未知村「%s」：村名要与名单中的一致，或先导入名单", c.Village)
		}
		if c.Name == "" {
			probs.add(r.Line, "名称", "名称不能为空，例如「村党群服务中心」")
		}
		if key := c.Village + "\x00" + c.Name; c.Name != "" && seen[key] != 0 {
			probs.add(r.Line, "名称", "打卡点重复（与第 %d 行）", seen[key])
		} else {
			seen[key] = r.Line
		}
		var ok bool
		if c.Lat, ok = parseNumber(cols.get(r, "纬度")); !ok {
			probs.add(r.Line, "纬度", "数字格式错误「%s」，纬度应为小数，例如 28.3812", cols.get(r, "纬度"))
		} else if c.Lat < -90 || c.Lat > 90 {
			probs.add(r.Line, "纬度", "纬度应在 -90 到 90 之间，是否把经度和纬度填反了？")
		}
		if c.Lng, ok = parseNumber(cols.get(r, "经度")); !ok {
			probs.add(r.Line, "经度", "数字格式错误「%s」，经度应为小数，例如 121.4705", cols.get(r, "经度"))
		} else if c.Lng < -180 || c.Lng > 180 {
			probs.add(r.Line, "经度", "经度应在 -180 到 180 之间")
		}
		if c.RadiusM, ok = parseNumber(cols.get(r, "半径米")); !ok {
			probs.add(r.Line, "半径米", "数字格式错误「%s」，半径应为米数，例如 300", cols.get(r, "半径米"))
		} else if c.RadiusM <= 0 || c.RadiusM > 10000 {
			probs.add(r.Line, "半径米", "半径应大于 0 且不超过 10000 米")
		}
		if probs.n == n {
			cps = append(cps, c)
			lines = append(lines, r.Line)
		}
	})
	if count == 0 && probs.n == 0 {
		probs.add(2, "", "文件只有表头，没有打卡点。导入会替换全部打卡点，空文件不予导入")
	}
	return cps, lines, probs
}

// compareCheckpoints counts what the new points change against the old.
func compareCheckpoints(old, cps []gridbot.Checkpoint, rep *Report) {
	key := func(c gridbot.Checkpoint) string { return c.Village + "\x00" + c.Name }
	before := map[string]gridbot.Checkpoint{}
	for _, c := range old {
		before[key(c)] = c
	}
	after := map[string]bool{}
	for _, c := range cps {
		after[key(c)] = true
		b, ok := before[key(c)]
		switch {
		case !ok:
			rep.Added++
		case b.Lat != c.Lat || b.Lng != c.Lng || b.RadiusM != c.RadiusM:
			rep.Updated++
		default:
			rep.Skipped++
		}
	}
	var gone []string
	for _, c := range old {
		if !after[key(c)] {
			gone = append(gone, fmt.Sprintf("%s %s", c.Village, c.Name))
		}
	}
	if rep.Removed = len(gone); rep.Removed > 0 {
		rep.warn("%d 个打卡点不在新文件中，已删除：%s", len(gone), strings.Join(gone, "、"))
	}
}
