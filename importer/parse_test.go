package importer

import (
	"strings"
	"testing"
	"time"

	"gridbot"
)

// rosterHeader is the roster header in the documented order.
const rosterHeader = "用户ID,姓名,角色,网格,村,管理区,党员,手机\n"

// wantProblem asserts that probs holds a problem on line in column whose
// message contains text.
func wantProblem(t *testing.T, ps problems, line int, column, text string) {
	probs := ps.list
	t.Helper()
	for _, p := range probs {
		if p.Line == line && p.Column == column && strings.Contains(p.Message, text) {
			return
		}
	}
	t.Errorf("no problem on line %d in 「%s」 containing %q; got %v", line, column, text, probs)
}

func TestParseRosterProblems(t *testing.T) {
	src := rosterHeader +
		"U001,张伟,网格长,一网格,海风村,东片,是,13800000001\n" + // 2 ok
		"U001,李四,网格员,一网格,海风村,东片,是,\n" + // 3 duplicate id
		"U003,王五,组长,一网格,海风村,东片,是,\n" + // 4 unknown role
		",赵六,网格员,一网格,海风村,东片,否,\n" + // 5 empty id
		"U005,,网格员,一网格,海风村,东片,否,\n" + // 6 empty name
		"U006,钱七,网格员,一网格,海风村,东片,Y,\n" + // 7 bad party
		"U007,孙八,网格员,一网格,海风村,东片,是,12ab\n" + // 8 bad phone
		"U008,周九,党建办,一网格,,,是,\n" + // 9 office with a grid
		"U009,吴十,网格员,,海风村,东片,是,\n" + // 10 member without a grid
		"U010,郑一,网格员,一网格,东岙村,东片,是,\n" + // 11 grid under a second village
		"U011,冯二,网格员,二网格,海风村,西片,是,\n" + // 12 village under a second district
		"U012,陈三,,二网格,海风村,东片,是,\n" + // 13 empty role
		"U013,褚四,网格员,三网格,海风村,东片,是,0576-86123456\n" // 14 ok (landline)
	rows, hasPhone, probs := parseRoster(mustCSV(t, src))
	wantProblem(t, probs, 3, "用户ID", "用户ID重复（与第 2 行）")
	wantProblem(t, probs, 4, "角色", "未知角色「组长」，应为 网格员、网格长 或 党建办")
	wantProblem(t, probs, 5, "用户ID", "不能为空")
	wantProblem(t, probs, 6, "姓名", "不能为空")
	wantProblem(t, probs, 7, "党员", "是 或 否")
	wantProblem(t, probs, 8, "手机", "手机号格式错误")
	wantProblem(t, probs, 9, "网格", "党建办")
	wantProblem(t, probs, 10, "网格", "必须填写")
	wantProblem(t, probs, 11, "网格", "在第 2 行属于「海风村」")
	wantProblem(t, probs, 12, "管理区", "在第 2 行属于「东片」")
	wantProblem(t, probs, 13, "角色", "角色不能为空")
	if probs.n != 11 {
		t.Errorf("%d problems, want 11: %v", probs.n, probs)
	}
	if !hasPhone || len(rows) != 2 || rows[0].person.UserID != "U001" || rows[1].person.Phone != "0576-86123456" {
		t.Errorf("valid rows = %+v", rows)
	}
	if err := probs.err(); gridbot.ErrorCode(err) != gridbot.EINVALID {
		t.Errorf("err = %v", err)
	}
}

func TestParseRosterHeader(t *testing.T) {
	// Columns in another order, 手机 left out.
	rows, hasPhone, probs := parseRoster(mustCSV(t, "党员,角色,用户ID,姓名,管理区,村,网格\n否,党建办,U1,甲,,,\n"))
	if probs.n != 0 || hasPhone || len(rows) != 1 || rows[0].person.Role != gridbot.RoleOffice || rows[0].person.Party {
		t.Fatalf("rows %+v, probs %v", rows, probs)
	}
	_, _, probs = parseRoster(mustCSV(t, "用户ID,姓名,网格,村,管理区,党员\nU1,甲,a,b,c,是\n"))
	wantProblem(t, probs, 1, "角色", "缺少列「角色」")
	_, _, probs = parseRoster(mustCSV(t, rosterHeader))
	wantProblem(t, probs, 2, "", "没有名单")
}

func TestParseCheckpointsProblems(t *testing.T) {
	src := "村,名称,纬度,经度,半径米\n" +
		"海风村,服务中心,28.38,121.47,300\n" + // 2 ok
		"海风村,服务中心,28.38,121.47,300\n" + // 3 duplicate
		"海风村,礼堂,abc,121.47,300\n" + // 4 bad number
		"海风村,码头,121.47,28.38,300\n" + // 5 swapped
		"海风村,渔港,28.38,121.47,0\n" + // 6 radius
		",,28.38,121.47,200\n" // 7 empty village and name
	cps, _, probs := parseCheckpoints(mustCSV(t, src), nil)
	wantProblem(t, probs, 3, "名称", "打卡点重复（与第 2 行）")
	wantProblem(t, probs, 4, "纬度", "数字格式错误「abc」")
	wantProblem(t, probs, 5, "纬度", "填反")
	wantProblem(t, probs, 6, "半径米", "大于 0")
	wantProblem(t, probs, 7, "村", "不能为空")
	wantProblem(t, probs, 7, "名称", "不能为空")
	if len(cps) != 1 || cps[0].Lat != 28.38 || cps[0].RadiusM != 300 {
		t.Errorf("cps = %+v", cps)
	}
}

func TestParseBasePointsProblems(t *testing.T) {
	src := "用户ID,积分,姓名\n" +
		"U001,45.5,张伟\n" + // 2 ok
		"U002,四十,李四\n" + // 3 bad number
		"U001,30,张伟\n" + // 4 duplicate
		"U003,１２,王五\n" // 5 full-width digits are fine
	bps, lines, names, probs := parseBasePoints(mustCSV(t, src), "2026-10", nil)
	wantProblem(t, probs, 3, "积分", "数字格式错误「四十」")
	wantProblem(t, probs, 4, "用户ID", "用户ID重复（与第 2 行）")
	if probs.n != 2 || len(bps) != 2 || bps[0].Points != 45.5 || bps[1].Points != 12 ||
		bps[1].Month != "2026-10" || lines[1] != 5 || names[0] != "张伟" {
		t.Errorf("bps %+v lines %v names %v probs %v", bps, lines, names, probs)
	}
}

func TestParseCheckins(t *testing.T) {
	now := time.Date(2026, 11, 1, 9, 0, 0, 0, gridbot.Zone)
	src := "用户ID,日期,时间\n" +
		"U001,2026-10-03,07:15\n" + // 2
		"U001,2026/10/3,06:50\n" + // 3 same day, earlier: replaces line 2
		"U002,2026年10月4日,\n" + // 4 default 08:00
		"U003,2026.10.5,7:05:09\n" + // 5
		"U004,46298,\n" + // 6 an Excel serial day (2026-10-03)
		"U005,2026/10/6 6:40,\n" + // 7 date and time in one cell
		"U006,2026-13-01,\n" + // 8 no such month
		"U006,昨天,\n" + // 9
		"U006,2026-10-07,25:00\n" + // 10
		"U006,2026-11-02,\n" + // 11 after now
		",2026-10-07,\n" // 12
	cs, lines, rows, probs := parseCheckins(mustCSV(t, src), now, nil)
	wantProblem(t, probs, 8, "日期", "日期格式错误")
	wantProblem(t, probs, 9, "日期", "日期格式错误「昨天」")
	wantProblem(t, probs, 10, "时间", "时间格式错误")
	wantProblem(t, probs, 11, "日期", "晚于现在")
	wantProblem(t, probs, 12, "用户ID", "不能为空")
	if probs.n != 5 || rows != 11 {
		t.Fatalf("rows %d, problems %v", rows, probs)
	}
	at := func(d, h, m, s int) time.Time { return time.Date(2026, 10, d, h, m, s, 0, gridbot.Zone) }
	want := []struct {
		user string
		at   time.Time
		line int
	}{
		{"U001", at(3, 6, 50, 0), 3},
		{"U002", at(4, 8, 0, 0), 4},
		{"U003", at(5, 7, 5, 9), 5},
		{"U004", at(3, 8, 0, 0), 6},
		{"U005", at(6, 6, 40, 0), 7},
	}
	if len(cs) != len(want) {
		t.Fatalf("check-ins %+v", cs)
	}
	for i, w := range want {
		c := cs[i]
		if c.UserID != w.user || !c.At.Equal(w.at) || c.Day != gridbot.Day(w.at) || lines[i] != w.line || c.Source != gridbot.SourceImport {
			t.Errorf("check-in %d = %s %s %s line %d, want %s %s line %d", i, c.UserID, c.Day, c.At, lines[i], w.user, w.at, w.line)
		}
	}
}

func TestParseDateAndClock(t *testing.T) {
	for _, s := range []string{"2026-10-03", "2026-10-3", "2026/10/3", "2026年10月3日", "2026 年 10 月 3 日", "２０２６-10-03", "2026.10.03", "46298"} {
		day, _, _, ok := parseDate(s)
		if !ok || gridbot.Day(day) != "2026-10-03" {
			t.Errorf("parseDate(%q) = %s %v", s, day, ok)
		}
	}
	for _, s := range []string{"", "2026-02-30", "10/03/2026", "2026-10", "3", "2026-10-03 8点"} {
		if _, _, _, ok := parseDate(s); ok {
			t.Errorf("parseDate(%q) accepted", s)
		}
	}
	for s, want := range map[string]time.Duration{
		"08:00": 8 * time.Hour, "8:05": 8*time.Hour + 5*time.Minute, "23:59:59": 24*time.Hour - time.Second,
		"０７：３０": 7*time.Hour + 30*time.Minute, "0.3125": 7*time.Hour + 30*time.Minute,
	} {
		if got, ok := parseClock(s); !ok || got != want {
			t.Errorf("parseClock(%q) = %v %v, want %v", s, got, ok, want)
		}
	}
	for _, s := range []string{"24:00", "8", "08:60", "1.5", "早上"} {
		if _, ok := parseClock(s); ok {
			t.Errorf("parseClock(%q) accepted", s)
		}
	}
}

func TestRosterWarnings(t *testing.T) {
	var b strings.Builder
	b.WriteString(rosterHeader)
	add := func(id, role, grid, village string) {
		b.WriteString(id + ",某人" + id + "," + role + "," + grid + "," + village + ",东片,是,\n")
	}
	// 甲村: grid A has 3 people and no leader, grid B 10 people and two leaders.
	for i := 0; i < 3; i++ {
		add("A"+string(rune('0'+i)), "网格员", "A网格", "甲村")
	}
	for i := 0; i < 10; i++ {
		role := "网格员"
		if i < 2 {
			role = "网格长"
		}
		add("B"+string(rune('0'+i)), role, "B网格", "甲村")
	}
	// 乙村 has a single, well-formed grid.
	for i := 0; i < 5; i++ {
		role := "网格员"
		if i == 0 {
			role = "网格长"
		}
		add("C"+string(rune('0'+i)), role, "C网格", "乙村")
	}
	b.WriteString("O1,办公室,党建办,,,,否,\n") // office staff count for no grid
	rows, _, probs := parseRoster(mustCSV(t, b.String()))
	if probs.n != 0 {
		t.Fatalf("problems %v", probs)
	}
	rep := &Report{Kind: KindRoster}
	rosterWarnings(rows, rep)
	want := []string{
		"网格「A网格」有 3 人，方案要求每个网格 4–9 人",
		"网格「A网格」没有网格长",
		"网格「B网格」有 10 人，方案要求每个网格 4–9 人",
		"网格「B网格」有 2 名网格长（某人B0、某人B1），方案要求只有一名",
		"村「乙村」有 1 个网格，方案要求每个村 2–5 个网格",
	}
	if strings.Join(rep.Warnings, "\n") != strings.Join(want, "\n") {
		t.Fatalf("warnings:\n%s\nwant:\n%s", strings.Join(rep.Warnings, "\n"), strings.Join(want, "\n"))
	}
}

func TestReportString(t *testing.T) {
	rep := &Report{Kind: KindCheckins, Rows: 10, Added: 7, Skipped: 3, Warnings: []string{"注意一"}}
	want := "打卡记录导入完成：共 10 行，新增 7 条，已有打卡跳过 3 条。\n请注意（1 条，不影响导入）：\n- 注意一"
	if rep.String() != want {
		t.Fatalf("String() = %q, want %q", rep.String(), want)
	}
	rep = &Report{Kind: KindRoster, Rows: 3, Added: 1, Updated: 1, Skipped: 1, Removed: 2}
	if s := rep.String(); !strings.Contains(s, "新增 1 人，更新 1 人，未变 1 人，2 人不在新名单中") {
		t.Fatalf("String() = %q", s)
	}
}
