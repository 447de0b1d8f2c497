package main

import (
	"context"
	"errors"
	"fmt"

	"gridbot/importer"
)

func init() {
	register(&subcommand{
		Name:    "import",
		Summary: "导入花名册、打卡点、基础积分、打卡记录、群机器人 (import roster|checkpoints|base-points|checkins|webhooks)",
		Usage: `用法 / usage:
  gridbot import roster [--town 镇名] [--effective 2026-11-01] 花名册.csv|.xlsx
      列: 用户ID,姓名,角色,网格,村,管理区,党员,手机   (角色: 网格员/网格长/党建办; 党员: 是/否)
      首次导入会创建该镇; 再次导入按文件更新人员并保留历史 (--effective: 变动生效日, 默认现在)
  gridbot import checkpoints [--town 镇名] 打卡点.csv   列: 村,名称,纬度,经度,半径米
  gridbot import base-points [--town 镇名] 2026-10 基础积分.csv   列: 用户ID,积分
  gridbot import checkins [--town 镇名] 打卡记录.csv   列: 用户ID,日期[,时间]
  gridbot import webhooks [--town 镇名] 群机器人.csv   列: 范围,名称,平台,地址或key,密钥
      范围: 镇/村/网格; 名称: 村名或网格名 (镇级留空); 平台: 企业微信/钉钉;
      地址或key: 机器人的 Webhook 地址 (或其中的 key / access_token); 密钥: 钉钉「加签」密钥 (企业微信留空)
      文件即全部群机器人: 不在文件中的机器人被删除

文件可为 CSV (UTF-8、带 BOM 的 UTF-8 或 GBK) 或 XLSX。整批导入: 任一行有误则全部不导入，并逐行列出错误。`,
		Run: runImport,
	})
}

func runImport(ctx context.Context, e *Env, args []string) error {
	fs := newFlags("import")
	town := fs.String("town", "", "镇名")
	effective := fs.String("effective", "", "花名册变动生效时间")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) == 0 {
		return usageError("缺少导入类型: roster、checkpoints、base-points、checkins 或 webhooks")
	}
	kind, pos := pos[0], pos[1:]
	want := 1
	if kind == "base-points" {
		want = 2
	}
	if len(pos) != want {
		return usageError("import %s 需要 %d 个参数", kind, want)
	}
	st, err := e.Store(ctx)
	if err != nil {
		return err
	}
	t, err := e.Town(ctx, *town, kind == "roster")
	if err != nil {
		return err
	}
	now := e.Clock.Now()
	var rep *importer.Report
	switch kind {
	case "roster":
		at := now
		if *effective != "" {
			if at, err = parseTime(*effective); err != nil {
				return err
			}
		}
		rep, err = importer.Roster(ctx, st, t.ID, pos[0], at)
	case "checkpoints":
		rep, err = importer.Checkpoints(ctx, st, t.ID, pos[0])
	case "base-points":
		rep, err = importer.BasePoints(ctx, st, t.ID, pos[0], pos[1])
	case "checkins":
		rep, err = importer.Checkins(ctx, st, t.ID, pos[0], now)
	case importer.KindWebhooks:
		rep, err = importer.Webhooks(ctx, st, t.ID, pos[0], now)
	default:
		return usageError("未知导入类型 %q: 应为 roster、checkpoints、base-points、checkins 或 webhooks", kind)
	}
	var rowErrs *importer.Errors
	if errors.As(err, &rowErrs) {
		fmt.Fprintln(e.Stderr, rowErrs.Error())
		return fmt.Errorf("%s 未导入任何数据", pos[len(pos)-1])
	} else if err != nil {
		return err
	}
	fmt.Fprintf(e.Stdout, "%s（%s）\n", rep.String(), t.Name)
	return nil
}
