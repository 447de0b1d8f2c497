package handlers_test

import (
	"strings"
	"testing"

	"gridbot"
	"gridbot/bot"
	"gridbot/handlers"
	"gridbot/internal/bottest"
	"gridbot/internal/testkit"
)

// matrixCase makes a command succeed for whoever may use it: setup brings
// the town to the state the command needs, text is what each role sends.
// spec is who may use it according to commands.md: m member, l leader,
// o office, s a stranger.
type matrixCase struct {
	spec  string
	setup []string // messages "USERID text" sent first, at "TIME|USERID text" when not at setupAt
	// setupAt is when they are sent, 2026-10-03 08:00 when empty (the
	// command comes at 08:30).
	setupAt string
	text    func(role gridbot.Role) string
}

func same4(s string) func(gridbot.Role) string { return func(gridbot.Role) string { return s } }

var (
	report   = bottest.Member1 + " 上报 路灯坏了"
	dispatch = bottest.Leader1 + " 派发 #1 @王海"
	// 评价: the assignee may not rate, so 张伟 handles it and 王海 rates.
	dispatchZ = bottest.Leader1 + " 派发 #1 @张伟"
	closeZ    = bottest.ZhangWei1 + " 办结 #1 已修好"
	activity  = bottest.Leader1 + " 活动 宣传 入户宣传 @王海"
	adjust    = bottest.Office + " 调整 @王海 +1 理由"
	// septemberCheckin gives September a record, so that it can be published.
	septemberCheckin = "2026-09-10 08:00|" + bottest.Member1 + " 上报 路灯坏了"
)

var matrix = map[string]matrixCase{
	"打卡": {spec: "ml", text: same4("打卡")},
	"活动": {spec: "l", text: same4("活动 宣传 入户宣传 @王海")},
	"上报": {spec: "ml", text: same4("上报 路灯坏了")},
	// Each has a record of the last 10 minutes to attach pictures to.
	"附图":   {spec: "ml", setup: []string{report, activity}, setupAt: "2026-10-03 08:25", text: same4("附图")},
	"派发":   {spec: "lo", setup: []string{report}, text: same4("派发 #1 @王海")},
	"办结":   {spec: "ml", setup: []string{report, dispatch}, text: same4("办结 #1 已修好")},
	"评价":   {spec: "mlo", setup: []string{report, dispatchZ, closeZ}, text: same4("评价 #1 满意")},
	"议事":   {spec: "l", text: same4("议事 商议停车 @王海")},
	"议事确认": {spec: "o", setup: []string{bottest.Leader1 + " 议事 商议停车 @王海"}, text: same4("议事确认 #1")},
	"报道":   {spec: "o", text: same4("报道 市级 标题 @王海")},
	"照片":   {spec: "o", text: same4("照片 3 @王海")},
	"故事":   {spec: "o", text: same4("故事 滨海村 标题")},
	"调整":   {spec: "o", text: same4("调整 @王海 +1 理由")},
	// Whoever recorded something may withdraw it (the office anything).
	"撤回": {spec: "mlo", setup: []string{report, activity}, text: func(r gridbot.Role) string {
		if r == gridbot.RoleLeader {
			return "撤回 活动#1 重复记录"
		}
		return "撤回 问题#1 重复记录"
	}},
	"改派": {spec: "lo", setup: []string{report, dispatch}, text: same4("改派 #1 @张伟")},
	// Each sends a record twice: the second waits for 确认.
	"确认": {spec: "mlo", setup: []string{report, report, activity, activity, adjust, adjust}, setupAt: "2026-10-03 08:25",
		text: same4("确认")},
	"积分": {spec: "mlo", text: func(r gridbot.Role) string {
		if r == gridbot.RoleOffice {
			return "积分 @王海"
		}
		return "积分"
	}},
	"排行":   {spec: "mlo", text: same4("排行")},
	"指数":   {spec: "mlo", text: same4("指数")},
	"问题":   {spec: "mlo", text: same4("问题")},
	"提醒":   {spec: "mlo", text: same4("提醒")},
	"后台":   {spec: "o", text: same4("后台")},
	"帮助":   {spec: "mlos", text: same4("帮助")},
	"取消排名": {spec: "o", text: same4("取消排名 @王海 2026-10 例会缺席")},
	"恢复排名": {spec: "o", setup: []string{bottest.Office + " 取消排名 @王海 2026-10 例会缺席"}, text: same4("恢复排名 @王海 2026-10")},
	"发布":   {spec: "o", setup: []string{report}, text: same4("发布 2026-10")},
	"确认发布": {spec: "o", setup: []string{septemberCheckin}, text: same4("确认发布 2026-09")},
	"撤销发布": {spec: "o", setup: []string{septemberCheckin, bottest.Office + " 确认发布 2026-09"}, text: same4("撤销发布 2026-09 漏导入打卡")},
}

// TestPermissionMatrix runs every registry command as every role — a member,
// a leader, the office and a stranger not on the roster — and checks that
// it runs exactly for the roles the registry declares.
func TestPermissionMatrix(t *testing.T) {
	senders := []struct {
		role   gridbot.Role
		user   string
		letter rune
	}{{gridbot.RoleMember, bottest.Member1, 'm'}, {gridbot.RoleLeader, bottest.Leader1, 'l'},
		{gridbot.RoleOffice, bottest.Office, 'o'}, {"", bottest.Stranger, 's'}}
	st := testkit.OpenSQLite(t)
	for _, cmd := range handlers.NewRegistry().Commands() {
		mc, ok := matrix[cmd.Name]
		if !ok {
			t.Errorf("command %s has no case in the permission matrix", cmd.Name)
			continue
		}
		for _, s := range senders {
			name := string(s.role)
			if name == "" {
				name = "stranger"
			}
			if inSpec := strings.ContainsRune(mc.spec, s.letter); cmd.Allows(s.role) != inSpec {
				t.Errorf("registry: %s allowed for %s = %v, commands.md says %v", cmd.Name, name, !inSpec, inSpec)
			}
			t.Run(cmd.Name+"/"+name, func(t *testing.T) {
				tw := bottest.NewNamed(t, st, cmd.Name+"-"+name)
				setupAt := mc.setupAt
				if setupAt == "" {
					setupAt = "2026-10-03 08:00"
				}
				for _, m := range mc.setup {
					at, m, ok := strings.Cut(m, "|")
					if !ok {
						at, m = setupAt, at
					}
					user, text := m[:4], m[5:]
					tw.Must(at, user, text)
				}
				msg := tw.Msg("2026-10-03 08:30", s.user, mc.text(s.role))
				msg.Location = &gridbot.Location{Lat: bottest.CheckpointLat, Lng: bottest.CheckpointLng}
				r := tw.P.Process(ctx, msg)
				want := bot.OK
				if !cmd.Allows(s.role) {
					want = gridbot.EFORBIDDEN
				}
				if r.Code != want || r.Command != cmd.Name {
					t.Fatalf("%s as %s: code %q command %q, want %q; reply %q", msg.Text, name, r.Code, r.Command, want, bottest.Reply(r))
				}
			})
		}
	}
}
