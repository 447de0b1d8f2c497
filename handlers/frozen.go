package handlers

import "gridbot"

// dated are the commands that record a fact dated by their message: none of
// them may record into a published (frozen) month. Handler.Run asks
// gridbot.CheckOpen for them before they run; 议事确认, whose fact is dated by
// the deliberation, asks for that month itself (runConfirm).
var dated = map[string]bool{
	"打卡": true, "活动": true, "上报": true, "派发": true, "办结": true, "评价": true,
	"议事": true, "报道": true, "照片": true, "故事": true, "调整": true,
}

// checkOpen refuses a dated command whose month (the message's) is
// published. 调整 is itself the way to correct a published month, so its
// refusal says instead that it counts in the month it is sent in, never in
// another: its reply never names a month that will not count it.
func (c *Ctx) checkOpen() error {
	if !dated[c.Call.Cmd.Name] {
		return nil
	}
	err := gridbot.CheckOpenAt(c.Tx, c.TownID, c.Now)
	if gridbot.ErrorCode(err) == gridbot.ECONFLICT && c.Call.Cmd.Name == "调整" {
		m := gridbot.Month(c.Now)
		return gridbot.Errorf(gridbot.ECONFLICT, "调整计入发送当月（%s），而 %s 已发布，结果已冻结，这次调整不会计入，所以没有记录。请在尚未发布的月份发送「调整」。", m, m)
	}
	return err
}
