package main

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"gridbot"
	"gridbot/present"
	"gridbot/results"
	"gridbot/scoring"
)

func init() {
	register(&subcommand{
		Name:    "settle",
		Summary: "结算月度/季度/年度积分与奖励 (settle month|quarter|year)",
		Usage: `用法 / usage:
  gridbot settle month 2026-10 [--at 时间] [--json] [--town 镇名]
  gridbot settle quarter 2026Q4 [--at 时间] [--json] [--town 镇名]
  gridbot settle year 2026 [--at 时间] [--json] [--town 镇名]

--at   按该时间结算 (默认现在), 如 2026-11-01 或 2026-10-31T18:00:00+08:00;
       超时未派发的扣分只计入该时间之前已到期的问题
--json 输出 JSON (字段见 README)`,
		Run: runSettle,
	})
}

// settlement is what settle and export share: the period's results, computed
// in one read-only transaction.
type settlement struct {
	kind, period string
	town         string         // the town's name, for titles
	rules        *scoring.Rules // the rules in force, for the words
	month        *scoring.MonthResult
	published    bool
	quarter      *scoring.QuarterResult
	year         *scoring.YearResult
}

func settlePeriod(ctx context.Context, e *Env, kind, period, town string, at time.Time) (*settlement, error) {
	st, rules, t, err := e.open(ctx, town)
	if err != nil {
		return nil, err
	}
	s := &settlement{kind: kind, period: period, town: t.Name, rules: rules}
	err = st.View(ctx, func(tx gridbot.Tx) error {
		var err error
		switch kind {
		case "month":
			s.month, s.published, err = results.Month(tx, t.ID, rules, period, at)
			if err == nil && !s.published {
				err = results.HintLastBase(tx, t.ID, s.month)
			}
		case "quarter":
			s.quarter, err = results.Quarter(tx, t.ID, rules, period, at)
		case "year":
			s.year, err = results.Year(tx, t.ID, rules, period, at)
		default:
			err = usageError("应为 month、quarter 或 year，而不是 %q", kind)
		}
		return err
	})
	return s, err
}

func runSettle(ctx context.Context, e *Env, args []string) error {
	fs := newFlags("settle")
	town := fs.String("town", "", "镇名")
	atFlag := fs.String("at", "", "结算时间")
	asJSON := fs.Bool("json", false, "输出 JSON")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 2 {
		return usageError("需要两个参数: month 2026-10、quarter 2026Q4 或 year 2026")
	}
	at, err := e.at(*atFlag)
	if err != nil {
		return err
	}
	s, err := settlePeriod(ctx, e, pos[0], pos[1], *town, at)
	if err != nil {
		return err
	}
	if *asJSON {
		enc := json.NewEncoder(e.Stdout)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		switch {
		case s.month != nil:
			return enc.Encode(s.month)
		case s.quarter != nil:
			return enc.Encode(s.quarter)
		default:
			return enc.Encode(s.year)
		}
	}
	switch {
	case s.month != nil && s.month.NotStarted:
		_, err := fmt.Fprintf(e.Stdout, "%s：本镇该月尚未开始使用 gridbot（该月结束前没有任何记录），不计分、不排名，季度和年度也不计入该月。\n", s.period)
		return err
	case s.month != nil:
		return present.MonthTable(e.Stdout, present.MonthRanking(s.month, s.rules, s.published))
	case s.quarter != nil:
		return present.Quarter(e.Stdout, s.quarter, s.rules)
	default:
		return present.Year(e.Stdout, s.year)
	}
}
