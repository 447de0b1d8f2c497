package handlers

import (
	"gridbot"
	"gridbot/present"
	"gridbot/scoring"
)

// runIndex is 指数: the 网格运行指数 of a grid (the sender's, or for the
// office any grid) in a month, with its parts; for the office without a
// grid, every grid's.
func runIndex(c *Ctx) (*Reply, error) {
	if len(c.Call.Mentions) > 0 {
		return nil, c.usage("指数按网格查看，不用 @ 成员。")
	}
	month, gridName := gridbot.Month(c.Now), ""
	if len(c.Call.Words) > 2 {
		return nil, c.usage("多了「%s」。", c.Call.Text(2))
	}
	for i, w := range c.Call.Words {
		if m, ok := parseMonth(w, c.Now); ok {
			month = m
		} else if gridName == "" {
			gridName = c.Call.Raw[i]
		} else {
			return nil, c.usage("「%s」不是月份。月份写 2026-10、2026年10月、10月、本月 或 上月。", c.Call.Raw[i])
		}
	}
	if err := c.notStarted(month); err != nil {
		return nil, err
	}
	office := c.Sender.Role == gridbot.RoleOffice
	var gridID int64
	switch {
	case gridName == "" && office:
	case gridName == "":
		g, err := c.senderGrid()
		if err != nil {
			return nil, err
		}
		gridID = g.ID
	default:
		gs, err := c.Grids()
		if err != nil {
			return nil, err
		}
		for _, g := range gs {
			if g.Name == gridName || fold(g.Name) == fold(gridName) {
				gridID = g.ID
			}
		}
		if gridID == 0 {
			return nil, gridbot.Errorf(gridbot.ENOTFOUND, "没有名为「%s」的网格。网格名要与花名册一致，例如「%s」。", gridName, exampleGrid(gs))
		}
		if !office && gridID != c.Sender.GridID {
			return nil, gridbot.Errorf(gridbot.EFORBIDDEN, "只能查看本网格（%s）的指数；全镇各网格的指数请党建办查看。", c.Sender.Grid)
		}
	}
	res, published, err := c.Board.Month(c.Tx, c.TownID, c.Rules, month, c.Now)
	if err != nil {
		return nil, err
	}
	_, end, _ := scoring.MonthBounds(month)
	live := !published && c.Now.Before(end)
	if gridID == 0 {
		return text("%s", present.IndexListChat(res.Grids, month, live)), nil
	}
	for _, g := range res.Grids {
		if g.GridID == gridID {
			return text("%s", present.IndexChat(g, month, c.Rules, live)), nil
		}
	}
	return text("%s 这个网格本月还没有指数（网格在本月没有成员）。", gridName), nil
}

// exampleGrid is a grid name to show in a message.
func exampleGrid(gs []gridbot.Grid) string {
	if len(gs) == 0 {
		return "海风村第一网格"
	}
	return gs[0].Name
}
