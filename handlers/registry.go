// Package handlers holds the chat commands of gridbot: each declared once in
// the registry (form, aliases, roles, help, example), parsed from a message,
// authorized by role and run inside the one store transaction the pipeline
// (bot.Pipeline) opens for it. One file per command family.
package handlers

import (
	"slices"
	"strings"
	"sync"

	"gridbot"
)

// Command is one chat command as declared in the registry. 帮助, the README's
// command table and the permission-matrix test all read this declaration.
type Command struct {
	Name    string         // the command word of the canonical form: "派发"
	Form    string         // the canonical form (commands.md): "派发 #<号> @成员"
	Aliases []string       // other words accepted for Name
	Roles   []gridbot.Role // roster roles that may use it
	Public  bool           // people not on the roster may use it too
	// NoSender, with Public, says the command reads nothing of its sender
	// (帮助): the pipeline then skips looking them up on the roster, and
	// Ctx.Sender holds only their user id.
	NoSender bool
	Who      string // who may, in words, when finer than Roles ("该网格的网格长、党建办")
	Summary  string // what it does, one line
	Help     string // rules and limits, shown by 帮助 <命令>
	Example  string // a full example message
	Instead  string // for someone whose role may not: what to do instead
	// Makes is the kind of numbered record the command records
	// (gridbot.KindIssue...), "" for none: such a command names its record
	// in its reply and goes through the duplicate guard (corrections.go).
	Makes string
	// Images says the command keeps the pictures its message carries (上报,
	// 活动, 附图): the pipeline fetches them, before the transaction, only
	// for such a command (images.go).
	Images bool

	run func(*Ctx) (*Reply, error)
}

// Allows reports whether someone of role may use the command; a stranger
// (not on the roster) has role "".
func (c *Command) Allows(role gridbot.Role) bool {
	if role == "" {
		return c.Public
	}
	return c.Public || slices.Contains(c.Roles, role)
}

// WhoText says who may use the command, in Chinese.
func (c *Command) WhoText() string {
	if c.Who != "" {
		return c.Who
	}
	if c.Public {
		return "所有人"
	}
	names := make([]string, len(c.Roles))
	for i, r := range c.Roles {
		names[i] = string(r)
	}
	return strings.Join(names, "、")
}

// Registry is the set of commands the bot understands.
type Registry struct {
	cmds   []*Command
	byWord map[string]*Command // command words and aliases, folded
	help   struct {            // HelpText, written once: the registry never changes
		once sync.Once
		text string
	}
}

// NewRegistry returns the registry of every command in commands.md.
func NewRegistry() *Registry {
	r := &Registry{byWord: map[string]*Command{}}
	for _, c := range commands() {
		r.add(c)
	}
	return r
}

func (r *Registry) add(c *Command) {
	for _, w := range append([]string{c.Name}, c.Aliases...) {
		k := key(w)
		if prev, dup := r.byWord[k]; dup {
			panic("handlers: command word " + w + " declared by " + prev.Name + " and " + c.Name)
		}
		r.byWord[k] = c
	}
	r.cmds = append(r.cmds, c)
}

// key is how a command word is looked up: folded and lower-cased.
func key(w string) string { return strings.ToLower(fold(w)) }

// Commands returns the commands in the order they are listed to members.
func (r *Registry) Commands() []*Command { return r.cmds }

// Lookup returns the command with word as its name or an alias, or nil.
func (r *Registry) Lookup(word string) *Command { return r.byWord[key(word)] }

// MustGet returns the command named name; it panics on a name not declared.
func (r *Registry) MustGet(name string) *Command {
	for _, c := range r.cmds {
		if c.Name == name {
			return c
		}
	}
	panic("handlers: no command " + name)
}

var (
	memberLeader = []gridbot.Role{gridbot.RoleMember, gridbot.RoleLeader}
	leaderOnly   = []gridbot.Role{gridbot.RoleLeader}
	officeOnly   = []gridbot.Role{gridbot.RoleOffice}
	leaderOffice = []gridbot.Role{gridbot.RoleLeader, gridbot.RoleOffice}
	everyone     = []gridbot.Role{gridbot.RoleMember, gridbot.RoleLeader, gridbot.RoleOffice}
)

// commands declares every command, in the order 帮助 lists them.
func commands() []*Command {
	return []*Command{
		{Name: "打卡", Form: "打卡", Aliases: []string{"签到", "考勤", "checkin"}, Roles: memberLeader,
			Summary: "今日打卡（每天上午一次，需在打卡点范围内发送位置）",
			Help:    "每天 05:00–12:00 可打卡，一天一次。村里设了打卡点的，请发送位置（企业微信：＋ → 位置），需在打卡点范围内。",
			Instead: "党建办人员不需要打卡。",
			Example: "打卡", run: runCheckin},
		{Name: "活动", Form: "活动 <类别> <内容> @成员...", Aliases: []string{"集体活动", "工作记录", "activity"}, Roles: leaderOnly,
			Summary: "记录本网格的集体活动（网格长自动计入参加）",
			Help:    "类别是 宣传政策法规、服务中心工作、收集社情民意、开展红色代跑、调处纠纷矛盾 之一，也可只写前两个字（宣传、服务、收集、开展、调处）。参加的成员须是本网格的。",
			Example: "活动 宣传 入户宣传垃圾分类 @王海 @林小燕", Makes: gridbot.KindActivity, Images: true, run: runActivity},
		{Name: "上报", Form: "上报 <描述>", Aliases: []string{"报事", "反映", "report"}, Roles: memberLeader,
			Summary: "上报村民反映的问题，回复问题编号和派发时限",
			Help:    "问题记在你所在的网格。网格长须在 24 小时内派发，超过 24 小时、7 天未派发分别扣全网格每人 2 分、10 分。",
			Instead: "请让问题所在网格的网格员上报，或直接「派发」已上报的问题。",
			Example: "上报 海滨路3号路灯不亮", Makes: gridbot.KindIssue, Images: true, run: runReport},
		{Name: "附图", Form: "附图", Aliases: []string{"补图", "加图"}, Roles: memberLeader,
			Summary: "把现场图片附到你 10 分钟内的「上报」或「活动」（直接发图片即可）",
			Help:    "图片可以和「上报 …」「活动 …」写在同一条消息里（图文一起发），也可以在上报或活动后 10 分钟内，在同一个聊天里直接发图片，会附到你最近的那条记录上。每条记录最多 3 张。只发「附图」两个字，会告诉你图片将附到哪条记录。",
			Instead: "图片只能附在网格员、网格长的「上报」或「活动」上。",
			Example: "附图", Images: true, run: runAttach},
		{Name: "派发", Form: "派发 #<号> @成员", Aliases: []string{"流转", "分派", "指派", "dispatch"}, Roles: leaderOffice,
			Who:     "该网格的网格长、党建办",
			Summary: "把问题派发给本网格的一名成员办理",
			Help:    "只能派发给问题所在网格的成员，一个问题只派发一次。派发后一般 7 日内办结。",
			Instead: "请提醒本网格的网格长派发。",
			Example: "派发 #12 @王海", run: runDispatch},
		{Name: "办结", Form: "办结 #<号> <结果>", Aliases: []string{"结案", "完成", "close"}, Roles: memberLeader,
			Who:     "承办人、该网格的网格长",
			Summary: "问题办理完毕，写明结果",
			Help:    "问题须已派发。办结后请回访村民，用「评价」记录满意度。",
			Instead: "请提醒承办人或网格长办结。",
			Example: "办结 #12 已联系电力所更换灯泡", run: runClose},
		{Name: "评价", Form: "评价 #<号> <满意|基本满意|不满意>", Aliases: []string{"点评", "满意度", "rate"}, Roles: everyone,
			Who:     "该网格的成员（代村民）、党建办",
			Summary: "记录村民对已办结问题的满意度",
			Help:    "只有办结后才能评价，每个问题只评价一次。",
			Example: "评价 #12 满意", run: runRate},
		{Name: "议事", Form: "议事 <纪要> @成员...", Aliases: []string{"网格议事", "一事一议", "meeting"}, Roles: leaderOnly,
			Summary: "记录网格议事（网格长自动计入参加），回复议事编号",
			Help:    "参加的成员须是本网格的。党建办确认台账完善后（议事确认），参加的每人加 10 分，每月至多一次。",
			Example: "议事 商议海滨路停车难问题，形成三条意见 @王海 @林小燕 @陈大勇", Makes: gridbot.KindDeliberation, run: runDeliberation},
		{Name: "议事确认", Form: "议事确认 #<号>", Aliases: []string{"确认议事", "台账确认", "confirm"}, Roles: officeOnly,
			Summary: "确认网格议事台账完善，参加的成员按规则加分",
			Help:    "每次议事只确认一次；议事所在月份已公布的，不能再确认，请改用「调整」。",
			Example: "议事确认 #3", run: runConfirm},
		{Name: "报道", Form: "报道 <级别> [综合] <标题> @成员...", Aliases: []string{"宣传报道", "报导", "publicity"}, Roles: officeOnly,
			Summary: "记录宣传报道，涉及的成员按级别加分",
			Help:    "级别：镇级、县级（温岭）、市级（台州）、省级（省级及以上）。综合性报道加「综合」：镇级不加分，县级及以上减半。",
			Example: "报道 市级 海风镇网格员雨夜转移群众 @王海 @林小燕", Makes: gridbot.KindPublicity, run: runPublicity},
		{Name: "照片", Form: "照片 <张数> @成员...", Aliases: []string{"用图", "图片", "photo"}, Roles: officeOnly,
			Summary: "记录被宣传平台采用的照片（按张奖励所在网格）",
			Help:    "张数是 1 到 999 的整数；@照片涉及的成员，奖励按网格平分。",
			Example: "照片 3 @王海", Makes: gridbot.KindPhoto, run: runPhoto},
		{Name: "故事", Form: "故事 <村名> <标题>", Aliases: []string{"小故事", "红网格故事", "红网格小故事", "story"}, Roles: officeOnly,
			Summary: "记录镇级及以上刊发的红网格小故事（积分计入村）",
			Help:    "村名须是本镇花名册里的村。",
			Example: "故事 海风村 渔港边的“老娘舅”", Makes: gridbot.KindStory, run: runStory},
		{Name: "调整", Form: "调整 @成员 <+N|-N> <理由>", Aliases: []string{"酌情加扣分", "adjust"}, Roles: officeOnly,
			Summary: "酌情加扣分，计入本月",
			Help:    "分数须带正负号，例如 +5、-2、+0.5；理由必填。已公布月份的更正也用它，计入本月。理由可以「基础工作」「应知应到」「组织纪律」「更正」开头，作为类别。",
			Example: "调整 @王海 -2 组织纪律 例会无故缺席", Makes: gridbot.KindAdjustment, run: runAdjust},
		// Corrections (issue 12): 撤回, 改派 and the duplicate guard's 确认 (corrections.go).
		{Name: "撤回", Form: "撤回 <记录> <理由>", Aliases: []string{"撤回记录", "withdraw"}, Roles: everyone,
			Who:     "记录人（24 小时内）、党建办",
			Summary: "撤回记错的记录：保留备查，不再计分，并告知记录所在的群",
			Help:    "<记录> 写回复里的编号：问题#12、议事#3、活动#7、报道#2、照片#4、故事#1、调整#5（只写 #12 指问题）。记录人 24 小时内可撤回自己的记录，党建办随时可以。已公布月份的记录不能撤回，请在本月用「调整」更正；问题派发后不能撤回。打卡不是编号记录，不能撤回。",
			Instead: "请联系记录人（24 小时内）或党建办撤回。",
			Example: "撤回 活动#7 重复记录", run: runWithdraw},
		{Name: "改派", Form: "改派 #<号> @成员 [理由]", Aliases: []string{"转派", "重新派发", "reassign"}, Roles: leaderOffice,
			Who:     "该网格的网格长、党建办",
			Summary: "把已派发、未办结的问题改派给本网格的另一名成员",
			Help:    "只能改派给问题所在网格的成员；办结时限不变。原承办人和新承办人都会收到通知。",
			Instead: "请联系本网格的网格长改派。",
			Example: "改派 #12 @林小燕 王海外出培训", run: runReassign},
		{Name: "确认", Form: "确认", Aliases: []string{"确定"}, Roles: everyone,
			Summary: "10 分钟内重复发送同样内容时，确认这是一条新记录",
			Help:    "同一个人 10 分钟内发送同样的记录内容，机器人会先问是否是新记录；10 分钟内回复「确认」才记录。",
			Example: "确认", run: runConfirmPending},
		{Name: "积分", Form: "积分 [@成员] [YYYY-MM]", Aliases: []string{"查积分", "我的积分", "分数", "points"}, Roles: everyone,
			Who:     "所有人查自己；网格长查本网格成员；党建办查所有人",
			Summary: "本月（或指定月份）积分明细、打卡天数、是否达到排名条件及名次",
			Help:    "月份写 2026-10、2026年10月、10月、本月 或 上月。",
			Example: "积分 @王海 2026-10", run: runPoints},
		{Name: "排行", Form: "排行 [YYYY-MM]", Aliases: []string{"排名", "排行榜", "rank"}, Roles: everyone,
			Summary: "本月（或指定月份）排名：公布前为实时排名",
			Help:    "列出前 50 名及奖励档次，并列的名次标「并列」。",
			Example: "排行 2026-10", run: runRanking},
		{Name: "指数", Form: "指数 [网格名] [YYYY-MM]", Aliases: []string{"运行指数", "网格指数", "index"}, Roles: everyone,
			Who:     "所有人查本网格；党建办查全镇各网格",
			Summary: "网格运行指数及各项得分（打卡率、集体活动、办结、按时、满意度、党建办评定）",
			Help:    "不写网格名查本网格；党建办不写网格名列出全镇各网格。月份写 2026-10、10月、本月 或 上月。各项 0–100 分，权重见规则文件 index 部分。",
			Example: "指数 海风村第一网格 2026-10", run: runIndex},
		{Name: "问题", Form: "问题 [#<号>]", Aliases: []string{"查问题", "问题列表", "issues"}, Roles: everyone,
			Who:     "本网格的成员、党建办",
			Summary: "本网格未办结的问题及时限，或一个问题的经过",
			Help:    "党建办看全镇未办结的问题。",
			Example: "问题 #12", run: runIssues},
		{Name: "提醒", Form: "提醒 [开|关] [打卡]", Aliases: []string{"通知", "remind"}, Roles: everyone,
			Summary: "我的待办时限和我会收到的提醒；关闭或恢复每日打卡提醒",
			Help:    "不带参数：列出我要在时限前派发、办结的问题，以及我会收到哪些提醒。「提醒 关 打卡」不再收到每天 10:30 的打卡提醒，「提醒 开 打卡」恢复。时限提醒和超时通知不能关闭。",
			Example: "提醒 关 打卡", run: runRemind},
		{Name: "后台", Form: "后台", Aliases: []string{"网页", "登录后台", "dashboard"}, Roles: officeOnly,
			Summary: "私信发给你党建办网页后台的一次性登录链接",
			Help:    "链接 10 分钟内有效，只能打开一次；打开后在该浏览器保持登录 12 小时。后台可看实时排名、网格运行指数、未办结问题、审计记录，并可发布、导出。",
			Example: "后台", run: runOffice},
		{Name: "取消排名", Form: "取消排名 @成员 <YYYY-MM> <理由>", Aliases: []string{"不参加排名", "exclude"}, Roles: officeOnly,
			Summary: "因综合表现取消某人某月的排名（发布前），其后名次递补",
			Help:    "积分照常计算，只是不参加该月排名和奖励；理由必填，会在预览、排行和本人的积分里显示。已发布的月份不能再改。「恢复排名 @成员 <YYYY-MM>」撤销。",
			Example: "取消排名 @王海 2026-10 例会多次无故缺席", run: runExclude},
		{Name: "恢复排名", Form: "恢复排名 @成员 <YYYY-MM>", Aliases: []string{"restore"}, Roles: officeOnly,
			Summary: "撤销取消排名（发布前）",
			Example: "恢复排名 @王海 2026-10", run: runRestore},
		{Name: "发布", Form: "发布 <YYYY-MM>", Aliases: []string{"发布预览", "预览", "preview"}, Roles: officeOnly,
			Summary: "预览发布后将公告的排名、档次、奖励和需要注意的情况，不做任何更改",
			Help:    "也可写季度（2026Q4）或年度（2026）。月份结束后才能确认发布；没有任何记录的月份不能发布。季度、年度须在其中有记录的月份都发布后才能发布。",
			Example: "发布 2026-10", run: runPreview},
		{Name: "确认发布", Form: "确认发布 <YYYY-MM>", Aliases: []string{"publish"}, Roles: officeOnly,
			Summary: "冻结结果，并把公告发到镇、各村、各网格的群（网格之星会被 @）",
			Help:    "也可写季度（2026Q4）或年度（2026）。发布后该期结果不再变化：该月的新记录和导入都会被拒绝，更正请在本月用「调整」，或先「撤销发布」。",
			Example: "确认发布 2026-10", run: runPublish},
		{Name: "撤销发布", Form: "撤销发布 <YYYY-MM> <理由>", Aliases: []string{"unpublish"}, Roles: officeOnly,
			Summary: "撤销已发布的结果（记入审计日志），各群收到更正通知",
			Help:    "也可写季度（2026Q4）或年度（2026）。理由必填。月份所在的季度或年度已发布的，须先撤销季度或年度。",
			Example: "撤销发布 2026-10 漏导入部分打卡记录", run: runUnpublish},
		{Name: "帮助", Form: "帮助 [命令]", Aliases: []string{"help", "菜单", "命令"}, Public: true, NoSender: true,
			Summary: "命令列表，或一个命令的写法和例子",
			Example: "帮助 派发", run: runHelp},
	}
}
