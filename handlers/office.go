package handlers

import (
	"strconv"
	"strings"

	"gridbot"
	"gridbot/present"
	"gridbot/scoring"
)

// The office's records: publicity reports, photos, red-grid stories and
// adjustments.

// levels maps what the office may write for a publicity level to the level.
var levels = map[string]string{
	"镇级": gridbot.LevelTown, "镇": gridbot.LevelTown,
	"县级": gridbot.LevelCounty, "县": gridbot.LevelCounty, "温岭": gridbot.LevelCounty, "温岭市级": gridbot.LevelCounty, "县市级": gridbot.LevelCounty,
	"市级": gridbot.LevelCity, "市": gridbot.LevelCity, "台州": gridbot.LevelCity, "台州市级": gridbot.LevelCity,
	"省级": gridbot.LevelProvince, "省": gridbot.LevelProvince, "省级及以上": gridbot.LevelProvince, "国家级": gridbot.LevelProvince,
}

// involved resolves the people a record of the office names; at least one.
func (c *Ctx) involved() ([]gridbot.Person, error) {
	if len(c.Call.Mentions) == 0 {
		return nil, c.usage("请 @ 涉及的成员（至少一人）。")
	}
	return c.mentioned(c.scope())
}

// runPublicity is 报道: a publicity report involving members (R-PUB-*).
func runPublicity(c *Ctx) (*Reply, error) {
	w := c.Call.Words
	if len(w) == 0 {
		return nil, c.usage("请写明报道级别和标题。")
	}
	level, ok := levels[w[0]]
	if !ok {
		return nil, c.usage("「%s」不是报道级别。级别是 镇级、县级（温岭）、市级（台州）、省级（省级及以上）。", c.Call.Raw[0])
	}
	comp := len(w) > 1 && (w[1] == "综合" || w[1] == "综合性")
	from := 1
	if comp {
		from = 2
	}
	title := c.Call.Text(from)
	if title == "" {
		return nil, c.usage("请写明报道标题。")
	}
	people, err := c.involved()
	if err != nil {
		return nil, err
	}
	p := &gridbot.Publicity{TownID: c.TownID, Level: level, Comprehensive: comp, Title: title,
		Involved: userIDs(people), At: c.Now, Record: c.record()}
	if err := c.Tx.AddPublicity(p); err != nil {
		return nil, err
	}
	kind := level
	if comp {
		kind += "，综合性"
	}
	r := text("已记录 报道#%d（%s）：%s。涉及 %d 人：%s。", p.No, kind, title, len(people), names(people))
	r.Ref = gridbot.RecordRef(gridbot.KindPublicity, p.No)
	return r, nil
}

// runPhoto is 照片: photos used by a publicity platform (R-Q-PHOTO).
func runPhoto(c *Ctx) (*Reply, error) {
	if len(c.Call.Words) != 1 {
		return nil, c.usage("请写明采用的照片张数（一个整数），再 @ 涉及的成员。")
	}
	n, err := strconv.Atoi(strings.TrimSuffix(c.Call.Words[0], "张"))
	if err != nil || n < 1 || n > 999 {
		return nil, c.usage("张数应是 1 到 999 的整数，而不是「%s」。", c.Call.Raw[0])
	}
	people, err := c.involved()
	if err != nil {
		return nil, err
	}
	p := &gridbot.Photo{TownID: c.TownID, Count: n, Involved: userIDs(people), At: c.Now, Record: c.record()}
	if err := c.Tx.AddPhoto(p); err != nil {
		return nil, err
	}
	r := text("已记录 照片#%d：采用 %d 张，涉及 %d 人：%s。", p.No, n, len(people), names(people))
	r.Ref = gridbot.RecordRef(gridbot.KindPhoto, p.No)
	return r, nil
}

// runStory is 故事: a red-grid story of a village (R-Q-STORY, R-STORY-VILLAGE).
func runStory(c *Ctx) (*Reply, error) {
	if len(c.Call.Words) < 2 {
		return nil, c.usage("请写明村名和故事标题。")
	}
	vs, err := c.Tx.Villages(c.TownID)
	if err != nil {
		return nil, err
	}
	typed := c.Call.Words[0]
	var v *gridbot.Village
	for i := range vs {
		if vs[i].Name == typed || trimVillage(vs[i].Name) == trimVillage(typed) {
			v = &vs[i]
			break
		}
	}
	if v == nil {
		all := make([]string, len(vs))
		for i, x := range vs {
			all[i] = x.Name
		}
		return nil, c.usage("本镇没有「%s」。村名是：%s。", c.Call.Raw[0], strings.Join(all, "、"))
	}
	title := c.Call.Text(1)
	s := &gridbot.Story{TownID: c.TownID, VillageID: v.ID, Village: v.Name, Title: title, At: c.Now, Record: c.record()}
	if err := c.Tx.AddStory(s); err != nil {
		return nil, err
	}
	r := text("已记录 故事#%d（%s）：%s。", s.No, v.Name, title)
	r.Ref = gridbot.RecordRef(gridbot.KindStory, s.No)
	return r, nil
}

// trimVillage drops the 村/社区/居 suffix, so "海风" matches "海风村".
func trimVillage(name string) string {
	for _, suf := range []string{"社区", "村", "居"} {
		if t := strings.TrimSuffix(name, suf); t != "" && t != name {
			return t
		}
	}
	return name
}

// maxAdjust bounds one adjustment; a larger number is a typo more often than not.
const maxAdjust = 100

// adjustCategories are the categories an adjustment's reason may start with
// (the rules file's index.office_categories is checked against them).
var adjustCategories = scoring.AdjustCategories

// runAdjust is 调整: an office adjustment of a member's points (R-ADJ),
// booked in the current month.
func runAdjust(c *Ctx) (*Reply, error) {
	if len(c.Call.Mentions) != 1 {
		return nil, c.usage("请 @ 一名成员（现在 @ 了 %d 人）。", len(c.Call.Mentions))
	}
	if len(c.Call.Words) == 0 {
		return nil, c.usage("请写明加扣的分数（带正负号）和理由。")
	}
	pts, ok := parseSigned(c.Call.Words[0])
	if !ok {
		return nil, c.usage("分数「%s」要带正负号，例如 +5 或 -2。", c.Call.Raw[0])
	}
	if pts == 0 || pts > maxAdjust || pts < -maxAdjust {
		return nil, c.usage("分数应在 -%d 到 +%d 之间且不为 0，而不是「%s」。", maxAdjust, maxAdjust, c.Call.Raw[0])
	}
	reason := c.Call.Text(1)
	if reason == "" {
		return nil, c.usage("请写明调整理由。")
	}
	people, err := c.mentioned(c.scope())
	if err != nil {
		return nil, err
	}
	p := people[0]
	if !p.Role.Ranked() {
		return nil, gridbot.Errorf(gridbot.EINVALID, "%s 是%s人员，不参与积分，不能调整。", p.Name, p.Role)
	}
	cat := ""
	for _, k := range adjustCategories {
		if strings.HasPrefix(reason, k) {
			cat = k
		}
	}
	a := &gridbot.Adjustment{TownID: c.TownID, UserID: p.UserID, Points: pts, Reason: reason, Category: cat,
		At: c.Now, Record: c.record()}
	if err := c.Tx.AddAdjustment(a); err != nil {
		return nil, err
	}
	r := text("已记录 调整#%d：为 %s(%s) 调整 %s 分（%s），计入 %s。", a.No, p.Name, where(p), present.Signed(pts), reason, gridbot.Month(c.Now))
	r.Ref = gridbot.RecordRef(gridbot.KindAdjustment, a.No)
	return r, nil
}

// parseSigned reads "+5", "-2", "+0.5" (full-width and "−" folded); the sign
// is required so that a slip cannot turn a deduction into an addition.
func parseSigned(w string) (float64, bool) {
	w = strings.ReplaceAll(w, "−", "-")
	if len(w) < 2 || (w[0] != '+' && w[0] != '-') {
		return 0, false
	}
	w = strings.TrimSuffix(w, "分")
	f, err := strconv.ParseFloat(w, 64)
	if err != nil || f != f || strings.ContainsAny(w[1:], "+-eEinfINFxXpP_") {
		return 0, false
	}
	return f, true
}
