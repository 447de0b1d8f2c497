package main

import (
	"context"
	"errors"
	"fmt"

	"gridbot"
	"gridbot/importer"
)

func init() {
	register(&subcommand{
		Name:    "import",
		Summary: "导入花名册、打卡点、基础积分、打卡记录、群机器人 (import roster|checkpoints|base-points|checkins|webhooks)",
		Usage: `用法 / usage:
  gridbot import roster [--town 镇名] [--effective 2026-11-01] [--allow-leavers] [--dry-run] 花名册.csv|.xlsx
      列: 用户ID,姓名,角色,网格,村,管理区,党员,手机   (角色: 网格员/网格长/党建办; 党员: 是/否)
      首次导入会创建该镇; 再次导入按文件更新人员并保留历史 (--effective: 变动生效日, 默认现在)
      新名单会让超过 10% 的人被标记为离开时不予导入, 确有其事请加 --allow-leavers
  gridbot import checkpoints [--town 镇名] 打卡点.csv   列: 村,名称,纬度,经度,半径米
  gridbot import base-points [--town 镇名] 2026-10 基础积分.csv   列: 用户ID,积分
  gridbot import checkins [--town 镇名] 打卡记录.csv   列: 用户ID,日期[,时间]
  gridbot import webhooks [--town 镇名] 群机器人.csv   列: 范围,名称,平台,地址或key,密钥
      范围: 镇/村/网格; 名称: 村名或网格名 (镇级留空); 平台: 企业微信/钉钉;
      地址或key: 机器人的 Webhook 地址 (或其中的 key / access_token); 密钥: 钉钉「加签」密钥 (企业微信留空)
      文件即全部群机器人: 不在文件中的机器人被删除

每种导入都可加 --dry-run: 只显示将会新增、更新、删除什么，不写入任何数据。
文件可为 CSV (UTF-8、带 BOM 的 UTF-8 或 GBK) 或 XLSX。整批导入: 任一行有误则全部不导入 (首次导入也不会创建镇)，
并一次列出所有错误 (最多列出前 200 处，另报总数)。导入超过 2 秒时显示进度。`,
		Run: runImport,
	})
}

func runImport(ctx context.Context, e *Env, args []string) error {
	fs := newFlags("import")
	town := fs.String("town", "", "镇名")
	effective := fs.String("effective", "", "花名册变动生效时间")
	dryRun := fs.Bool("dry-run", false, "只显示将会改变什么，不写入")
	allowLeavers := fs.Bool("allow-leavers", false, "允许新名单让超过 10% 的人离开")
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
	switch kind {
	case importer.KindRoster, importer.KindCheckpoints, importer.KindBasePoints, importer.KindCheckins, importer.KindWebhooks:
	default:
		return usageError("未知导入类型 %q: 应为 roster、checkpoints、base-points、checkins 或 webhooks", kind)
	}
	if *allowLeavers && kind != importer.KindRoster {
		return usageError("--allow-leavers 只用于 import roster")
	}
	st, err := e.Store(ctx)
	if err != nil {
		return err
	}
	// A first roster import names a town that does not exist yet: the
	// importer creates it in its own transaction, so a refused file leaves
	// no town behind.
	t, err := e.importTown(ctx, *town, kind == importer.KindRoster)
	if err != nil {
		return err
	}
	now := e.Clock.Now()
	o := importer.Options{DryRun: *dryRun, AllowLeavers: *allowLeavers, Progress: e.Stderr}
	if t.ID == 0 {
		o.Town = t.Name
	}
	var rep *importer.Report
	switch kind {
	case importer.KindRoster:
		at := now
		if *effective != "" {
			if at, err = parseTime(*effective); err != nil {
				return err
			}
		}
		rep, err = importer.Roster(ctx, st, t.ID, pos[0], at, o)
	case importer.KindCheckpoints:
		rep, err = importer.Checkpoints(ctx, st, t.ID, pos[0], o)
	case importer.KindBasePoints:
		rep, err = importer.BasePoints(ctx, st, t.ID, pos[0], pos[1], o)
	case importer.KindCheckins:
		rep, err = importer.Checkins(ctx, st, t.ID, pos[0], now, o)
	case importer.KindWebhooks:
		rep, err = importer.Webhooks(ctx, st, t.ID, pos[0], now, o)
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

// importTown is Env.Town for an import: with roster, a town that does not
// exist yet comes back with ID 0 and the name the import is to create.
func (e *Env) importTown(ctx context.Context, name string, roster bool) (gridbot.Town, error) {
	t, err := e.Town(ctx, name, false)
	if err == nil || !roster || gridbot.ErrorCode(err) != gridbot.ENOTFOUND {
		return t, err
	}
	if name == "" {
		c, err := e.Config()
		if err != nil {
			return gridbot.Town{}, err
		}
		name = c.Town
	}
	return gridbot.Town{Name: name}, nil
}
