package gridbot

import "fmt"

// Reason names one refusal of the store as data: what was refused and about
// what (Error.Args). The store says only that (Refuse); the words people read
// are here, next to the domain they talk about, so storage/ holds none, and
// an importer or a handler that wants other words switches on the Reason.
type Reason string

// Refusals of the store with code ENOTFOUND, and the Args each carries.
const (
	ReasonTownUnknown         Reason = "town_unknown"         // name
	ReasonTownIDUnknown       Reason = "town_id_unknown"      // id int64
	ReasonDistrictNotInTown   Reason = "district_not_in_town" // -
	ReasonVillageNotInTown    Reason = "village_not_in_town"  // - (a grid's village)
	ReasonVillageUnknown      Reason = "village_unknown"      // name
	ReasonGridNotInTown       Reason = "grid_not_in_town"     // -
	ReasonPersonUnknown       Reason = "person_unknown"       // user id
	ReasonPersonNotInTown     Reason = "person_not_in_town"   // -
	ReasonCheckpointVillage   Reason = "checkpoint_village"   // point name, village name
	ReasonNoCheckin           Reason = "no_checkin"           // day
	ReasonIssueUnknown        Reason = "issue_unknown"        // no int64
	ReasonDeliberationUnknown Reason = "deliberation_unknown" // no int64
	ReasonNotPublished        Reason = "not_published"        // period
	ReasonRecordUnknown       Reason = "record_unknown"       // ref ("活动#7")
	ReasonPendingNone         Reason = "pending_none"         // -
	ReasonNotExcluded         Reason = "not_excluded"         // user id, month
)

// Refusals with code ECONFLICT.
const (
	ReasonDuplicate          Reason = "duplicate"              // - (a unique key, caught as a safety net)
	ReasonTownExists         Reason = "town_exists"            // name
	ReasonCheckpointTwice    Reason = "checkpoint_twice"       // village name, point name
	ReasonCheckedIn          Reason = "checked_in"             // day
	ReasonMessageRecorded    Reason = "message_recorded"       // -
	ReasonMessageHandled     Reason = "message_handled"        // -
	ReasonConfirmed          Reason = "deliberation_confirmed" // no int64
	ReasonPublished          Reason = "published"              // period
	ReasonWithdrawn          Reason = "withdrawn"              // ref ("活动#7")
	ReasonWithdrawDispatched Reason = "withdraw_dispatched"    // no int64 (an issue's)
	ReasonExcluded           Reason = "excluded"               // user id, month
	ReasonFrozen             Reason = "frozen"                 // month
	ReasonImagesFull         Reason = "images_full"            // ref ("问题#12")
)

// Refusals with code EINVALID: the domain types' own checks (validate.go).
const (
	ReasonTownNameEmpty        Reason = "town_name_empty"        // -
	ReasonDistrictNameEmpty    Reason = "district_name_empty"    // -
	ReasonVillageNameEmpty     Reason = "village_name_empty"     // -
	ReasonGridNameEmpty        Reason = "grid_name_empty"        // -
	ReasonUserIDEmpty          Reason = "userid_empty"           // -
	ReasonPersonNameEmpty      Reason = "person_name_empty"      // user id
	ReasonPersonRole           Reason = "person_role"            // user id, role
	ReasonRole                 Reason = "role"                   // role
	ReasonEffectiveMissing     Reason = "effective_missing"      // -
	ReasonEffectiveEarly       Reason = "effective_early"        // -
	ReasonRejoinEffective      Reason = "rejoin_effective"       // -
	ReasonCheckinUserIDMissing Reason = "checkin_userid_missing" // -
	ReasonCheckinDayMissing    Reason = "checkin_day_missing"    // -
	ReasonDay                  Reason = "day"                    // day
	ReasonMonth                Reason = "month"                  // month
	ReasonRating               Reason = "rating"                 // rating
	ReasonMessageIDMissing     Reason = "message_id_missing"     // -
)

// refusals are the code and the words (a format of the Args) of each Reason.
var refusals = map[Reason]struct{ code, format string }{
	ReasonTownUnknown:         {ENOTFOUND, "没有名为「%s」的镇，请检查镇名。"},
	ReasonTownIDUnknown:       {ENOTFOUND, "没有编号为 %d 的镇。"},
	ReasonDistrictNotInTown:   {ENOTFOUND, "本镇没有这个管理区。"},
	ReasonVillageNotInTown:    {ENOTFOUND, "本镇没有这个村，请先填写网格所属的村。"},
	ReasonVillageUnknown:      {ENOTFOUND, "没有名为「%s」的村，请核对村名。"},
	ReasonGridNotInTown:       {ENOTFOUND, "本镇没有这个网格。"},
	ReasonPersonUnknown:       {ENOTFOUND, "花名册中没有用户 %s，请联系党建办导入花名册。"},
	ReasonPersonNotInTown:     {ENOTFOUND, "本镇花名册中没有这个人。"},
	ReasonCheckpointVillage:   {ENOTFOUND, "打卡点「%s」所在的村「%s」不在花名册中，请先导入花名册或改正村名。"},
	ReasonNoCheckin:           {ENOTFOUND, "%s 没有打卡记录。"},
	ReasonIssueUnknown:        {ENOTFOUND, "没有问题#%d，请发「问题」查看本网格的问题编号。"},
	ReasonDeliberationUnknown: {ENOTFOUND, "没有议事#%d，请核对编号。"},
	ReasonNotPublished:        {ENOTFOUND, "%s 尚未发布。"},
	ReasonRecordUnknown:       {ENOTFOUND, "没有 %s，请核对编号（记录时回复的编号）。"},
	ReasonNotExcluded:         {ENOTFOUND, "%s 在 %s 没有被取消排名。"},
	ReasonPendingNone:         {ENOTFOUND, "没有等待确认的记录（10 分钟内重复发送的内容才需要确认）。"},

	ReasonDuplicate:          {ECONFLICT, "记录已存在，请勿重复提交。"},
	ReasonTownExists:         {ECONFLICT, "镇「%s」已存在。"},
	ReasonCheckpointTwice:    {ECONFLICT, "打卡点「%s %s」重复出现，请在文件中只保留一行。"},
	ReasonCheckedIn:          {ECONFLICT, "%s 今日已打卡，无需重复打卡。"},
	ReasonMessageRecorded:    {ECONFLICT, "这条消息已经记录过了。"},
	ReasonMessageHandled:     {ECONFLICT, "这条消息已经处理过了。"},
	ReasonConfirmed:          {ECONFLICT, "议事#%d 已经确认过了。"},
	ReasonPublished:          {ECONFLICT, "%s 已经发布，发布后不能更改；如需更正，请在本月做积分调整。"},
	ReasonWithdrawn:          {ECONFLICT, "%s 已经撤回过了。"},
	ReasonWithdrawDispatched: {ECONFLICT, "问题#%d 已经派发，不能撤回。"},
	ReasonExcluded:           {ECONFLICT, "%s 在 %s 已被取消排名。"},
	ReasonFrozen:             {ECONFLICT, "%s 已发布，结果已冻结，不能再记入该月。更正请在本月用「调整」：调整 @成员 <+N|-N> 更正 <理由>。"},
	ReasonImagesFull:         {ECONFLICT, "%s 的照片已满：每条记录最多 " + fmt.Sprint(MaxRecordImages) + " 张。"},

	ReasonTownNameEmpty:        {EINVALID, "镇名不能为空，请填写镇名。"},
	ReasonDistrictNameEmpty:    {EINVALID, "管理区名称不能为空。"},
	ReasonVillageNameEmpty:     {EINVALID, "村名不能为空。"},
	ReasonGridNameEmpty:        {EINVALID, "网格名称不能为空。"},
	ReasonUserIDEmpty:          {EINVALID, "用户ID不能为空，请填写企业微信或钉钉的用户ID。"},
	ReasonPersonNameEmpty:      {EINVALID, "用户 %s 的姓名不能为空。"},
	ReasonPersonRole:           {EINVALID, "用户 %s 的角色「%s」无效，请填写 网格员、网格长 或 党建办。"},
	ReasonRole:                 {EINVALID, "角色「%s」无效，请填写 网格员、网格长 或 党建办。"},
	ReasonEffectiveMissing:     {EINVALID, "变更网格或角色时必须给出生效时间。"},
	ReasonEffectiveEarly:       {EINVALID, "生效时间早于当前任职的开始时间，不能改写更早的历史。"},
	ReasonRejoinEffective:      {EINVALID, "重新加入时必须给出生效时间。"},
	ReasonCheckinUserIDMissing: {EINVALID, "打卡记录缺少用户ID。"},
	ReasonCheckinDayMissing:    {EINVALID, "打卡记录缺少日期或时间。"},
	ReasonDay:                  {EINVALID, "日期「%s」格式不对，请写成 2026-10-03。"},
	ReasonMonth:                {EINVALID, "月份「%s」格式不对，请写成 2026-10。"},
	ReasonRating:               {EINVALID, "评价「%s」无效，请填写 满意、基本满意 或 不满意。"},
	ReasonMessageIDMissing:     {EINVALID, "消息缺少编号，无法处理。"},
}

// Refuse returns the refusal r about args: an *Error with r's code, r and
// args as data, and r's words as Message. An unknown r is a bug, refused
// as an internal error whose text is never shown.
func Refuse(r Reason, args ...any) *Error {
	ref, ok := refusals[r]
	if !ok {
		return &Error{Code: EINTERNAL, Message: fmt.Sprintf("unknown refusal %q %v", r, args), Reason: r, Args: args}
	}
	return &Error{Code: ref.code, Message: fmt.Sprintf(ref.format, args...), Reason: r, Args: args}
}
