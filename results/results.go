package results

import (
	"encoding/json"
	"fmt"
	"time"

	"gridbot"
	"gridbot/scoring"
)

// Tx is what settling uses of a transaction: the periods' facts and the
// published results. A gridbot.Tx is one.
type Tx interface {
	gridbot.Periods
	gridbot.Published
	gridbot.Review
}

// KindMonth is the kind under which published months are stored.
const KindMonth = gridbot.KindMonth

// Month returns a month's results: the frozen ones when the month is
// published, otherwise computed live from the store as at at.
func Month(tx Tx, townID int64, rules *scoring.Rules, month string, at time.Time) (*scoring.MonthResult, bool, error) {
	if _, _, err := scoring.MonthBounds(month); err != nil {
		return nil, false, err
	}
	if res, err := frozen(tx, townID, month); err != nil || res != nil {
		return res, res != nil, err
	}
	res, err := live(tx, townID, rules, month, at)
	return res, false, err
}

// frozen returns the month's published results, or nil when it is not published.
func frozen(tx gridbot.Published, townID int64, month string) (*scoring.MonthResult, error) {
	data, err := tx.Published(townID, KindMonth, month)
	switch gridbot.ErrorCode(err) {
	case "":
		var res scoring.MonthResult
		if err := json.Unmarshal(data, &res); err != nil {
			return nil, fmt.Errorf("published month %s: %w", month, err)
		}
		return &res, nil
	case gridbot.ENOTFOUND:
		return nil, nil
	}
	return nil, err
}

// live settles the month from the store as at at: without the members the
// office kept out of its ranking (Exclude), and not at all when the month
// ended before the town's first record (NotStarted).
func live(tx Tx, townID int64, rules *scoring.Rules, month string, at time.Time) (*scoring.MonthResult, error) {
	from, to, err := scoring.MonthBounds(month)
	if err != nil {
		return nil, err
	}
	if started, err := Started(tx, townID, month, at); err != nil {
		return nil, err
	} else if !started {
		return &scoring.MonthResult{Month: month, AsAt: at, Members: []scoring.MemberResult{}, Grids: []scoring.GridMonth{}, NotStarted: true}, nil
	}
	f, err := monthFacts(tx, townID, rules, from, to, at)
	if err != nil {
		return nil, err
	}
	res := scoring.Month(f, rules, month, at)
	reasons, err := Exclusions(tx, townID, month)
	if err != nil {
		return nil, err
	}
	scoring.Exclude(rules, res, reasons)
	return res, nil
}

// monthFacts reads the facts of the month [from, to) that count as at at.
// As at an instant inside the month nothing after it counts, so the period
// read ends just after it: PeriodFacts gives check-ins as days by person
// (CheckinDays), which could no longer tell the check-ins after at from the
// others, and marks Late those recorded after it. Every other fact scoring
// needs still comes: those of [from, at] and the issues whose deadlines
// passed by at, back as far as the rules' deadlines reach. Stores keep
// milliseconds, so the period ends at the next one.
func monthFacts(tx gridbot.Periods, townID int64, rules *scoring.Rules, from, to, at time.Time) (*gridbot.Facts, error) {
	return tx.PeriodFacts(townID, from, ReadTo(from, to, at), rules.IssueLookback())
}

// ReadTo is the end of the read of [from, to) as at at (monthFacts, Member).
func ReadTo(from, to, at time.Time) time.Time {
	if end := at.Truncate(time.Millisecond).Add(time.Millisecond); !at.IsZero() && from.Before(end) && end.Before(to) {
		return end
	}
	return to
}

// PublishMonth freezes a month that has ended: its results as at at are
// stored and never recomputed. A month published before, or not yet over, is
// refused.
func PublishMonth(tx Tx, townID int64, rules *scoring.Rules, month string, at time.Time) (*scoring.MonthResult, error) {
	_, to, err := scoring.MonthBounds(month)
	if err != nil {
		return nil, err
	}
	if at.Before(to) {
		return nil, gridbot.Errorf(gridbot.EINVALID, "%s 尚未结束（%s 起才能发布）。", month, to.Format("2006-01-02 15:04"))
	}
	res, published, err := Month(tx, townID, rules, month, at)
	if err != nil {
		return nil, err
	}
	if published {
		return nil, gridbot.Errorf(gridbot.ECONFLICT, "%s 已发布，结果已冻结；更正请在本月用「调整」。", month)
	}
	if n, err := RecordsIn(tx, townID, month); err != nil {
		return nil, err
	} else if !n {
		return nil, gridbot.Errorf(gridbot.EINVALID, "%s 本镇没有任何记录（打卡、活动、问题……），不能发布：发布会给每个人记上全月未打卡和网格的扣分。请先导入该月的打卡记录（gridbot import checkins）。", month)
	}
	data, err := json.Marshal(res)
	if err != nil {
		return nil, err
	}
	if err := tx.SavePublished(townID, KindMonth, month, data, at); err != nil {
		return nil, err
	}
	return res, nil
}

// monthsUpTo returns the results of each month that has begun by at and in
// which the scheme ran in the town. A month without a single check-in and
// not published is one before the town started using gridbot (or after it
// stopped): scoring it would book attendance and grid penalties against
// everyone for work that was never recorded here, so it is left out.
func monthsUpTo(tx Tx, townID int64, rules *scoring.Rules, months []string, at time.Time) ([]*scoring.MonthResult, error) {
	var out []*scoring.MonthResult
	for _, m := range months {
		from, to, _ := scoring.MonthBounds(m)
		if !from.Before(at) {
			break
		}
		if _, err := tx.Published(townID, KindMonth, m); gridbot.ErrorCode(err) == gridbot.ENOTFOUND {
			n, err := tx.CountCheckins(townID, from, to)
			if err != nil {
				return nil, err
			}
			if n == 0 {
				continue
			}
		} else if err != nil {
			return nil, err
		}
		res, _, err := Month(tx, townID, rules, m, at)
		if err != nil {
			return nil, err
		}
		if res.NotStarted {
			continue
		}
		out = append(out, res)
	}
	return out, nil
}

// Quarter returns a quarter's results as at at, from its months (frozen where
// published) and the quarter's facts.
func Quarter(tx Tx, townID int64, rules *scoring.Rules, quarter string, at time.Time) (*scoring.QuarterResult, error) {
	from, to, months, err := scoring.QuarterBounds(quarter)
	if err != nil {
		return nil, err
	}
	res, err := monthsUpTo(tx, townID, rules, months, at)
	if err != nil {
		return nil, err
	}
	f, err := tx.PeriodFacts(townID, from, to, rules.IssueLookback())
	if err != nil {
		return nil, err
	}
	return scoring.Quarter(quarter, res, f, rules, at), nil
}

// Year returns a year's results as at at.
func Year(tx Tx, townID int64, rules *scoring.Rules, year string, at time.Time) (*scoring.YearResult, error) {
	from, to, err := scoring.YearBounds(year)
	months := monthsOf(from, to)
	if err != nil {
		return nil, err
	}
	// The previous December too (published or live): R-Y-PARTY counts
	// December and January as consecutive months.
	prev := from.AddDate(0, -1, 0).Format(gridbot.MonthLayout)
	res, err := monthsUpTo(tx, townID, rules, append([]string{prev}, months...), at)
	if err != nil {
		return nil, err
	}
	f, err := tx.PeriodFacts(townID, from, to, rules.IssueLookback())
	if err != nil {
		return nil, err
	}
	return scoring.Year(year, res, f, rules, at), nil
}
