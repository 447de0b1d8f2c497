package handlers

import (
	"fmt"
	"math"

	"gridbot"
	"gridbot/present"
)

// runCheckin is 打卡: once a day, inside the morning window, at one of the
// village's check-in points when it has any (R-ATT-*).
func runCheckin(c *Ctx) (*Reply, error) {
	w := c.Rules.CheckinWindow
	if !c.Rules.CheckinOpen(c.Now) {
		return nil, gridbot.Errorf(gridbot.EINVALID, "现在是 %s，不在打卡时间内。每天 %s–%s 可以打卡，请在这个时间内再发送「打卡」。",
			c.Now.In(gridbot.Zone).Format("15:04"), w.From, w.To)
	}
	day := gridbot.Day(c.Now)
	// Someone who checked in already is told so first, whatever else is
	// wrong; the store is asked only when the check-in cannot be recorded
	// (most check-ins are the day's first: one read less for them).
	already := func(refusal error) error {
		prev, err := c.Tx.CheckinOn(c.TownID, c.Sender.UserID, day)
		switch gridbot.ErrorCode(err) {
		case "":
			return gridbot.Errorf(gridbot.ECONFLICT, "今日已打卡（%s），无需重复打卡。", prev.At.In(gridbot.Zone).Format("15:04"))
		case gridbot.ENOTFOUND:
			return refusal
		}
		return err
	}
	g, err := c.senderGrid()
	if err != nil {
		return nil, already(err)
	}
	all, err := c.Tx.Checkpoints(c.TownID)
	if err != nil {
		return nil, err
	}
	var cps []gridbot.Checkpoint
	for _, cp := range all {
		if cp.VillageID == g.VillageID {
			cps = append(cps, cp)
		}
	}
	ci := &gridbot.Checkin{TownID: c.TownID, UserID: c.Sender.UserID, Day: day, At: c.Now,
		Source: gridbot.SourceChat, Record: c.record()}
	place := ""
	loc := c.Msg.Location
	switch {
	case len(cps) > 0 && loc == nil:
		return nil, already(gridbot.Errorf(gridbot.EINVALID, "%s设有打卡点（%s），打卡需要发送位置：在企业微信里点「＋」→「位置」，选择当前位置发给我（或在钉钉发送位置），须在打卡点 %s 米内。",
			g.Village, checkpointNames(cps), present.Num(cps[0].RadiusM)))
	case len(cps) > 0:
		cp, dist := nearest(cps, loc.Lat, loc.Lng)
		if dist > cp.RadiusM {
			return nil, already(gridbot.Errorf(gridbot.EINVALID, "你的位置离最近的打卡点「%s」约 %s，超出 %s 米的范围，打卡未成功。请到打卡点附近再发送位置打卡。",
				cp.Name, fmtDistance(dist), present.Num(cp.RadiusM)))
		}
		place = "·" + cp.Name
	}
	if loc != nil {
		ci.Lat, ci.Lng = loc.Lat, loc.Lng
	}
	if err := c.Tx.AddCheckin(ci); gridbot.ErrorCode(err) == gridbot.ECONFLICT {
		return nil, already(err) // checked in today, or this very message was recorded before
	} else if err != nil {
		return nil, err
	}
	return text("%s 打卡成功（%s%s）。", c.Sender.Name, present.When(c.Now), place), nil
}

// checkpointNames lists up to three check-in points.
func checkpointNames(cps []gridbot.Checkpoint) string {
	s := ""
	for i, cp := range cps {
		if i == 3 {
			return s + "等"
		}
		if i > 0 {
			s += "、"
		}
		s += cp.Name
	}
	return s
}

// nearest returns the check-in point nearest to (lat, lng) and its distance
// in metres; a point within its own radius wins over a nearer point whose
// radius is smaller.
func nearest(cps []gridbot.Checkpoint, lat, lng float64) (gridbot.Checkpoint, float64) {
	best, bestD := cps[0], math.Inf(1)
	for _, cp := range cps {
		d := Haversine(lat, lng, cp.Lat, cp.Lng)
		inside, bestInside := d <= cp.RadiusM, bestD <= best.RadiusM
		if (inside && !bestInside) || (inside == bestInside && d < bestD) {
			best, bestD = cp, d
		}
	}
	return best, bestD
}

// earthRadiusM is the mean radius of the Earth in metres.
const earthRadiusM = 6371008.8

// Haversine is the great-circle distance in metres between two points given
// in degrees.
func Haversine(lat1, lng1, lat2, lng2 float64) float64 {
	rad := math.Pi / 180
	dLat, dLng := (lat2-lat1)*rad, (lng2-lng1)*rad
	a := math.Sin(dLat/2)*math.Sin(dLat/2) + math.Cos(lat1*rad)*math.Cos(lat2*rad)*math.Sin(dLng/2)*math.Sin(dLng/2)
	return 2 * earthRadiusM * math.Asin(math.Min(1, math.Sqrt(a)))
}

// fmtDistance writes a distance: "350 米", "1.2 公里".
func fmtDistance(m float64) string {
	if m < 1000 {
		return fmt.Sprintf("%.0f 米", m)
	}
	return fmt.Sprintf("%.1f 公里", m/1000)
}
