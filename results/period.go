// Package results settles a town's months, quarters and years: it reads the
// facts of the period from the store with set-based queries, hands them to the
// pure scoring engine, and keeps published months frozen.
package results

import (
	"fmt"
	"regexp"
	"strconv"
	"time"

	"gridbot"
)

var (
	monthRe   = regexp.MustCompile(`^(\d{4})-(\d{2})$`)
	quarterRe = regexp.MustCompile(`^(\d{4})[Qq]([1-4])$`)
	yearRe    = regexp.MustCompile(`^(\d{4})$`)
)

// MonthRange returns [from, to) of a month written "2026-10", in gridbot.Zone.
func MonthRange(month string) (from, to time.Time, err error) {
	m := monthRe.FindStringSubmatch(month)
	if m == nil {
		return from, to, gridbot.Errorf(gridbot.EINVALID, "月份应写成 2026-10 这样的格式，而不是「%s」。", month)
	}
	y, _ := strconv.Atoi(m[1])
	mo, _ := strconv.Atoi(m[2])
	if mo < 1 || mo > 12 {
		return from, to, gridbot.Errorf(gridbot.EINVALID, "月份「%s」不存在，应为 01–12。", month)
	}
	from = time.Date(y, time.Month(mo), 1, 0, 0, 0, 0, gridbot.Zone)
	return from, from.AddDate(0, 1, 0), nil
}

// QuarterMonths returns the months of a quarter written "2026Q4" and its range.
func QuarterMonths(quarter string) (months []string, from, to time.Time, err error) {
	m := quarterRe.FindStringSubmatch(quarter)
	if m == nil {
		return nil, from, to, gridbot.Errorf(gridbot.EINVALID, "季度应写成 2026Q4 这样的格式，而不是「%s」。", quarter)
	}
	y, _ := strconv.Atoi(m[1])
	q, _ := strconv.Atoi(m[2])
	from = time.Date(y, time.Month(3*q-2), 1, 0, 0, 0, 0, gridbot.Zone)
	for i := 0; i < 3; i++ {
		months = append(months, gridbot.Month(from.AddDate(0, i, 0)))
	}
	return months, from, from.AddDate(0, 3, 0), nil
}

// YearMonths returns the twelve months of a year written "2026" and its range.
func YearMonths(year string) (months []string, from, to time.Time, err error) {
	if !yearRe.MatchString(year) {
		return nil, from, to, gridbot.Errorf(gridbot.EINVALID, "年份应写成 2026 这样的格式，而不是「%s」。", year)
	}
	y, _ := strconv.Atoi(year)
	from = time.Date(y, 1, 1, 0, 0, 0, 0, gridbot.Zone)
	for i := 0; i < 12; i++ {
		months = append(months, gridbot.Month(from.AddDate(0, i, 0)))
	}
	return months, from, from.AddDate(1, 0, 0), nil
}

// QuarterOf returns the quarter a month belongs to ("2026-11" -> "2026Q4").
func QuarterOf(month string) (string, error) {
	from, _, err := MonthRange(month)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("%dQ%d", from.Year(), (int(from.Month())+2)/3), nil
}
