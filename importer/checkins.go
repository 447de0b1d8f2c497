package importer

import (
	"context"
	"time"

	"gridbot"
)

// Check-in columns: 时间 is optional and defaults to 08:00.
var (
	checkinsRequired = []string{"用户ID", "日期"}
	checkinsOptional = []string{"时间"}
)

// defaultClock is the time of an imported check-in without one: inside the
// morning window, so the record looks like any chat check-in.
const defaultClock = 8 * time.Hour

// Checkins imports check-ins from another source (WeCom's check-in app, the
// platform) from a CSV or XLSX file (用户ID,日期[,时间]). They merge with the
// chat check-ins at one a day: a person-day that already has a check-in is
// skipped, and so are later rows for the same person-day in the file (the
// earliest counts). now is the import's time; check-ins after it are refused.
func Checkins(ctx context.Context, st gridbot.Store, townID int64, path string, now time.Time, o Options) (*Report, error) {
	t, done, err := openFile(path)
	if err != nil {
		return nil, err
	}
	defer done()
	o.watch(t)
	return checkins(ctx, st, townID, t, now, o)
}

// CheckinsTable is Checkins for a sheet already read.
func CheckinsTable(ctx context.Context, st gridbot.Store, townID int64, t *Table, now time.Time) (*Report, error) {
	return checkins(ctx, st, townID, t, now, Options{})
}

func checkins(ctx context.Context, st gridbot.Store, townID int64, t *Table, now time.Time, o Options) (*Report, error) {
	if now.IsZero() {
		now = time.Now()
	}
	known, err := knownPeople(ctx, st, townID)
	if err != nil {
		return nil, err
	}
	cs, lines, rows, probs := parseCheckins(t, now, known)
	if err := probs.err(); err != nil {
		return nil, err
	}
	var rep *Report
	err = o.update(ctx, st, func(tx gridbot.Tx) error {
		rep = &Report{Kind: KindCheckins, Rows: rows}
		people, err := peopleByUserID(tx, townID)
		if err != nil {
			return err
		}
		var probs problems
		for i, c := range cs {
			if _, ok := people[c.UserID]; !ok {
				probs.add(lines[i], "用户ID", "未知用户ID「%s」：名单中没有此人，请检查或先导入名单", c.UserID)
			}
		}
		months := make([]string, len(cs))
		for i, c := range cs {
			months[i] = gridbot.Month(c.At)
		}
		if err := frozenRows(tx, townID, months, lines, &probs); err != nil {
			return err
		}
		if err := probs.err(); err != nil {
			return err
		}
		for i := range cs {
			cs[i].TownID = townID
			cs[i].Record = gridbot.Record{RecordedAt: now, Platform: "import"}
		}
		added, err := tx.AddCheckins(townID, cs)
		if err != nil {
			return err
		}
		rep.Added, rep.Skipped = added, rows-added
		return nil
	})
	if err != nil {
		return nil, err
	}
	return o.finish(rep), nil
}

// parseCheckins validates the file on its own and keeps the earliest row of
// each person-day. It returns the check-ins, their lines, and the number of
// data rows.
func parseCheckins(t *Table, now time.Time, known map[string]gridbot.Person) (cs []gridbot.Checkin, lines []int, rows int, probs problems) {
	cols, errs := t.bind(checkinsRequired, checkinsOptional)
	if errs.n > 0 {
		return nil, nil, 0, errs
	}
	first := map[string]int{} // user id + day -> index in cs
	rows = t.each(&probs, func(r Row) {
		n := probs.n
		c := gridbot.Checkin{UserID: cols.get(r, "用户ID"), Source: gridbot.SourceImport}
		if c.UserID == "" {
			probs.add(r.Line, "用户ID", "用户ID不能为空")
		} else if _, ok := known[c.UserID]; known != nil && !ok {
			probs.add(r.Line, "用户ID", "未知用户ID「%s」：名单中没有此人，请检查或先导入名单", c.UserID)
		}
		day, clock, hasClock, ok := parseDate(cols.get(r, "日期"))
		if !ok {
			probs.add(r.Line, "日期", "日期格式错误「%s」，应写成 2026-10-03、2026/10/3 或 2026年10月3日", cols.get(r, "日期"))
		}
		if s := cols.get(r, "时间"); s != "" {
			if clock, ok = parseClock(s); !ok {
				probs.add(r.Line, "时间", "时间格式错误「%s」，应写成 08:05 或 08:05:30", s)
			}
		} else if !hasClock {
			clock = defaultClock
		}
		if probs.n > n {
			return
		}
		c.At = day.Add(clock)
		c.Day = gridbot.Day(c.At)
		if c.At.After(now) {
			probs.add(r.Line, "日期", "打卡时间 %s 晚于现在，请检查日期", c.At.Format("2006-01-02 15:04"))
			return
		}
		key := c.UserID + "\x00" + c.Day
		if i, ok := first[key]; ok {
			if c.At.Before(cs[i].At) {
				cs[i], lines[i] = c, r.Line
			}
			return
		}
		first[key] = len(cs)
		cs = append(cs, c)
		lines = append(lines, r.Line)
	})
	if rows == 0 && probs.n == 0 {
		probs.add(2, "", "文件只有表头，没有打卡记录")
	}
	return cs, lines, rows, probs
}
