package handlers

import (
	"gridbot"
	"gridbot/present"
)

// runDeliberation is 议事: a deliberation meeting of the leader's grid.
func runDeliberation(c *Ctx) (*Reply, error) {
	minutes := c.Call.Text(0)
	if minutes == "" {
		return nil, c.usage("请写明议事纪要（议了什么、形成什么意见）。")
	}
	g, err := c.senderGrid()
	if err != nil {
		return nil, err
	}
	parts, err := c.gridMembers(g)
	if err != nil {
		return nil, err
	}
	d := &gridbot.Deliberation{TownID: c.TownID, GridID: g.ID, Minutes: minutes, Leader: c.Sender.UserID,
		Participants: userIDs(parts), At: c.Now, Record: c.record()}
	if err := c.Tx.AddDeliberation(d); err != nil {
		return nil, err
	}
	r := text("已记录 议事#%d（%s，参加 %d 人：%s）。台账完善后请党建办发送：议事确认 #%d",
		d.No, g.Name, len(parts), names(parts), d.No)
	r.Ref = gridbot.RecordRef(gridbot.KindDeliberation, d.No)
	return r, nil
}

// runConfirm is 议事确认: the office confirms a deliberation's ledger, which
// gives its participants R-DELIB in the month it was held, unless that month
// is already published (frozen).
func runConfirm(c *Ctx) (*Reply, error) {
	no, _, ok := findRef(c.Call.Words)
	if !ok {
		return nil, c.usage("请写明议事编号。")
	}
	d, err := c.Tx.DeliberationByNo(c.TownID, no)
	if gridbot.ErrorCode(err) == gridbot.ENOTFOUND {
		return nil, gridbot.Errorf(gridbot.ENOTFOUND, "没有 议事#%d。请核对编号（网格长记录议事时回复的「议事#N」）。", no)
	} else if err != nil {
		return nil, err
	}
	if r, err := c.Tx.RecordByNo(c.TownID, gridbot.KindDeliberation, no); err != nil {
		return nil, err
	} else if r.Withdrawn() {
		return nil, gridbot.Errorf(gridbot.ECONFLICT, "议事#%d 已于 %s 撤回（理由：%s），不能确认。", no, present.When(r.WithdrawnAt), r.WithdrawReason)
	}
	if !d.ConfirmedAt.IsZero() {
		return nil, gridbot.Errorf(gridbot.ECONFLICT, "议事#%d 已于 %s 确认过，无需再确认。", no, present.When(d.ConfirmedAt))
	}
	// R-DELIB counts in the deliberation's month: that month must be open.
	month := gridbot.Month(d.At)
	switch err := gridbot.CheckOpen(c.Tx, c.TownID, month); gridbot.ErrorCode(err) {
	case "":
	case gridbot.ECONFLICT:
		return nil, gridbot.Errorf(gridbot.ECONFLICT, "议事#%d 是 %s 的议事，该月结果已公布冻结，不能再确认。如需补加分，请在本月用：调整 @成员 +%s 议事#%d 台账补确认",
			no, month, present.Num(c.Rules.Monthly.Deliberation.Points), no)
	default:
		return nil, err
	}
	if err := c.Tx.ConfirmDeliberation(c.TownID, no, c.Sender.UserID, c.Now); err != nil {
		return nil, err
	}
	g, err := c.Grid(d.GridID)
	if err != nil {
		return nil, err
	}
	return text("议事#%d（%s，%s）台账已确认。参加的 %d 人按规则各加 %s 分（每人每月至多 %d 次）。",
		no, g.Name, present.When(d.At), len(d.Participants), present.Num(c.Rules.Monthly.Deliberation.Points),
		c.Rules.Monthly.Deliberation.MaxPerMonth), nil
}
