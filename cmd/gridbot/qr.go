package main

import (
	"context"
	"fmt"

	"gridbot"
	"gridbot/web"
)

func init() {
	register(&subcommand{
		Name:    "qr",
		Summary: "列出各网格的村民网格码链接，或更换某个网格的网格码 (qr [--list] [--rotate 网格])",
		Usage: `用法 / usage:
  gridbot qr [--list] [--town 镇名]          每个网格一行：村<TAB>网格<TAB>村民页面链接
  gridbot qr --rotate 网格名 [--town 镇名]   更换该网格的网格码：旧二维码立即失效（404），请重新打印海报

还没有网格码的网格会在第一次列出时生成。链接以 GRIDBOT_PUBLIC_URL 开头（如 https://grid.example.cn）。
海报（A4，含二维码）：党建办后台 → 网格码海报（发送「后台」获取登录链接）。`,
		Run: runQR,
	})
}

func runQR(ctx context.Context, e *Env, args []string) error {
	fs := newFlags("qr")
	town := fs.String("town", "", "镇名")
	fs.Bool("list", false, "列出链接（默认）")
	rotate := fs.String("rotate", "", "更换该网格的网格码")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usageError("多余的参数 %q；用法: gridbot qr [--list] [--rotate 网格名]", pos[0])
	}
	cfg, err := e.Config()
	if err != nil {
		return err
	}
	st, _, t, err := e.open(ctx, *town)
	if err != nil {
		return err
	}
	now := e.Clock.Now()
	var grids []gridbot.Grid
	var links map[int64]gridbot.GridLink
	err = st.Update(ctx, func(tx gridbot.Tx) error {
		if grids, err = tx.Grids(t.ID); err != nil {
			return err
		}
		if *rotate != "" {
			var found bool
			for _, g := range grids {
				if g.Name == *rotate {
					found = true
					if _, err := web.RotateLink(tx, t.ID, g.ID, now); err != nil {
						return err
					}
				}
			}
			if !found {
				return gridbot.Errorf(gridbot.ENOTFOUND, "%s没有名为「%s」的网格。", t.Name, *rotate)
			}
		}
		links, err = web.EnsureLinks(tx, t.ID, now)
		return err
	})
	if err != nil {
		return err
	}
	for _, g := range grids {
		if *rotate != "" && g.Name != *rotate {
			continue
		}
		if _, err := fmt.Fprintf(e.Stdout, "%s\t%s\t%s/v/%s\n", g.Village, g.Name, cfg.PublicURL, links[g.ID].Token); err != nil {
			return err
		}
	}
	if *rotate != "" {
		_, err = fmt.Fprintf(e.Stderr, "已更换%s的网格码，旧二维码已失效；请重新打印海报。\n", *rotate)
	}
	return err
}
