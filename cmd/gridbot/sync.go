package main

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"time"

	"github.com/go-resty/resty/v2"

	"gridbot"
	"gridbot/bot/wecom"
	"gridbot/config"
)

func init() {
	register(&subcommand{
		Name:    "sync",
		Summary: "从企业微信打卡应用同步打卡记录 (sync checkins --from DATE --to DATE)",
		Usage: `用法 / usage:
  gridbot sync checkins --from 2026-10-01 --to 2026-10-31 [--town 镇名]

从企业微信「打卡」应用读取名单中在册网格员（网格长）的打卡记录，按每人每天一次并入打卡：已有打卡的
日子跳过；「未打卡」和「地点异常」（在打卡范围外）的记录不计。整批同步：任何一次请求失败，都不写入。
环境变量:
  GRIDBOT_WECOM_CORP_ID          企业 ID
  GRIDBOT_WECOM_CHECKIN_SECRET   可调用打卡接口的 Secret（「打卡」应用 → API 的 Secret）；不设置则用
                                 GRIDBOT_WECOM_APP_SECRET（2023-12-01 后创建的企业须用自建应用，并在
                                 「打卡 → 可调用接口的应用」中加入该应用）
  GRIDBOT_WECOM_API_BASE         默认 https://qyapi.weixin.qq.com
密钥也可用 变量名_FILE 指向文件（两者只能设置一个）。`,
		Run: runSync,
	})
}

func runSync(ctx context.Context, e *Env, args []string) error {
	fs := newFlags("sync")
	town := fs.String("town", "", "镇名")
	fromFlag := fs.String("from", "", "起始日期")
	toFlag := fs.String("to", "", "结束日期")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 || pos[0] != "checkins" {
		return usageError("用法: gridbot sync checkins --from 2026-10-01 --to 2026-10-31")
	}
	from, err1 := time.ParseInLocation(gridbot.DayLayout, *fromFlag, gridbot.Zone)
	to, err2 := time.ParseInLocation(gridbot.DayLayout, *toFlag, gridbot.Zone)
	if err1 != nil || err2 != nil {
		return usageError("--from 和 --to 是日期，写成 2026-10-01")
	}
	end := to.AddDate(0, 0, 1) // --to is inclusive
	if !from.Before(end) || end.Sub(from) > 366*24*time.Hour {
		return usageError("--from 要不晚于 --to，一次最多同步一年")
	}
	cfg, err := config.LoadCheckin(e.Getenv)
	if err != nil {
		return err
	}
	st, err := e.Store(ctx)
	if err != nil {
		return err
	}
	t, err := e.Town(ctx, *town, false)
	if err != nil {
		return err
	}
	var users []string
	if err := st.View(ctx, func(tx gridbot.Tx) error {
		people, err := tx.People(t.ID)
		for _, p := range people {
			if p.Active && p.Role.Ranked() {
				users = append(users, p.UserID)
			}
		}
		return err
	}); err != nil {
		return err
	}
	if len(users) == 0 {
		return gridbot.Errorf(gridbot.ENOTFOUND, "%s 的名单中没有在册的网格员，请先导入名单。", t.Name)
	}
	sort.Strings(users)

	client := &wecom.CheckinClient{HTTP: resty.New().SetTimeout(30 * time.Second), BaseURL: cfg.APIBase,
		CorpID: cfg.CorpID, Secret: cfg.Secret}
	recs, err := client.Records(ctx, from, end, users)
	if err != nil {
		return checkinAPIError(err)
	}
	now := e.Clock.Now()
	sum := mergeCheckins(recs, users, from, end, now)
	err = st.Update(ctx, func(tx gridbot.Tx) error {
		sum.added, err = tx.AddCheckins(t.ID, sum.checkins)
		return err
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(e.Stdout, "企业微信打卡同步完成（%s，%s 至 %s）：获取 %d 条记录", t.Name, *fromFlag, *toFlag, len(recs))
	if sum.notCheckedIn+sum.offSite > 0 {
		fmt.Fprintf(e.Stdout, "，未打卡 %d 条、地点异常 %d 条不计", sum.notCheckedIn, sum.offSite)
	}
	fmt.Fprintf(e.Stdout, "；有效打卡 %d 人·天，新增 %d 条，已有打卡跳过 %d 条。\n",
		sum.days, sum.added, sum.days-sum.added)
	return nil
}

// checkinSum is what a sync found and did.
type checkinSum struct {
	checkins     []gridbot.Checkin // one per person-day, the earliest
	days         int
	notCheckedIn int // records of punches that did not happen
	offSite      int // records outside the check-in app's geofence
	added        int
}

// mergeCheckins turns the check-in app's records into check-ins: one per
// person and day, the earliest punch, for the users asked and inside
// [from, end). A 未打卡 record is WeCom's placeholder for a missed punch; a
// 地点异常 one was made outside the geofence, which a chat check-in would
// refuse too. Late punches (时间异常) count: imported check-ins are not held
// to the chat's morning window either.
func mergeCheckins(recs []wecom.CheckinRecord, users []string, from, end, now time.Time) checkinSum {
	var sum checkinSum
	asked := map[string]bool{}
	for _, u := range users {
		asked[u] = true
	}
	sort.SliceStable(recs, func(i, j int) bool { return recs[i].CheckinTime < recs[j].CheckinTime })
	seen := map[string]bool{}
	for _, r := range recs {
		at := time.Unix(r.CheckinTime, 0).In(gridbot.Zone)
		switch {
		case r.HasException(wecom.CheckinNotCheckedIn):
			sum.notCheckedIn++
			continue
		case r.HasException(wecom.CheckinOffSite):
			sum.offSite++
			continue
		case !asked[r.UserID] || r.CheckinTime == 0 || at.Before(from) || !at.Before(end) || at.After(now):
			continue
		}
		day := gridbot.Day(at)
		if seen[r.UserID+"\x00"+day] {
			continue
		}
		seen[r.UserID+"\x00"+day] = true
		sum.checkins = append(sum.checkins, gridbot.Checkin{UserID: r.UserID, Day: day, At: at, Source: gridbot.SourceWeCom,
			Lat: float64(r.Lat) / 1e6, Lng: float64(r.Lng) / 1e6, Record: gridbot.Record{RecordedAt: now, Platform: "wecom"}})
	}
	sum.days = len(sum.checkins)
	return sum
}

// checkinAPIError says what to do about WeCom's refusals; nothing was stored.
func checkinAPIError(err error) error {
	var api *wecom.APIError
	if !errors.As(err, &api) {
		return fmt.Errorf("无法连接企业微信，未写入任何打卡: %w", err)
	}
	hint := ""
	switch api.Code {
	case 40001, 40013, 40091:
		hint = "企业 ID 或 Secret 不对，请检查 GRIDBOT_WECOM_CORP_ID 和 GRIDBOT_WECOM_CHECKIN_SECRET。"
	case 48002, 301023:
		hint = "该 Secret 无权调用打卡接口：请使用「打卡」应用的 Secret，或在「打卡 → 可调用接口的应用」中加入自建应用。"
	case 60020:
		hint = "本机 IP 不在企业可信 IP 中：请在自建应用的「企业可信IP」中加入本机出口 IP。"
	}
	return gridbot.Errorf(gridbot.EINVALID, "企业微信拒绝了请求（%s），未写入任何打卡。%s", api.Error(), hint)
}
