package importer

import (
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/width"

	"gridbot"
)

// narrow turns full-width digits and punctuation (１２：３０) into ASCII, as
// a Chinese input method often types them.
func narrow(s string) string { return width.Narrow.String(s) }

// parseNumber parses a decimal number such as 45 or 45.5.
func parseNumber(s string) (float64, bool) {
	f, err := strconv.ParseFloat(narrow(s), 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return 0, false
	}
	return f, true
}

// parseParty reads the 党员 column.
func parseParty(s string) (party, ok bool) {
	switch s {
	case "是":
		return true, true
	case "否":
		return false, true
	}
	return false, false
}

var phoneRE = regexp.MustCompile(`^\+?[0-9][0-9-]{4,19}$`)

// validPhone accepts a mobile number or a landline with its area code
// (0576-86123456); the column may also be empty.
func validPhone(s string) bool { return s == "" || phoneRE.MatchString(narrow(s)) }

var dateRE = regexp.MustCompile(`^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$`)

// Excel serial numbers of 2000-01-01 and 2100-01-01: a raw XLSX date cell
// reads as a number in this range.
const serialFrom, serialTo = 36526, 73051

// parseDate reads a day written as 2026-10-03, 2026/10/3, 2026.10.3 or
// 2026年10月3日, or an Excel date serial number. It returns the day and,
// when the cell also held a time ("2026/10/3 8:12" or a serial with a
// fraction), the time of day.
func parseDate(s string) (day time.Time, clock time.Duration, hasClock, ok bool) {
	s = narrow(s)
	if f, err := strconv.ParseFloat(s, 64); err == nil {
		if f < serialFrom || f >= serialTo {
			return time.Time{}, 0, false, false
		}
		t, err := excelize.ExcelDateToTime(f, false)
		if err != nil {
			return time.Time{}, 0, false, false
		}
		day = time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, gridbot.Zone)
		clock = t.Sub(time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, t.Location())).Round(time.Second)
		return day, clock, clock != 0, true
	}
	var datePart, timePart string
	if i := strings.Index(s, "日"); i >= 0 { // 2026 年 10 月 3 日 8:00 may hold spaces
		datePart, timePart = strings.ReplaceAll(s[:i+len("日")], " ", ""), s[i+len("日"):]
	} else {
		datePart, timePart, _ = strings.Cut(strings.Replace(s, "T", " ", 1), " ")
	}
	m := dateRE.FindStringSubmatch(datePart)
	if m == nil {
		return time.Time{}, 0, false, false
	}
	y, _ := strconv.Atoi(m[1])
	mo, _ := strconv.Atoi(m[2])
	d, _ := strconv.Atoi(m[3])
	day = time.Date(y, time.Month(mo), d, 0, 0, 0, 0, gridbot.Zone)
	if day.Year() != y || day.Month() != time.Month(mo) || day.Day() != d {
		return time.Time{}, 0, false, false // 2026-02-30 and the like
	}
	if timePart = strings.TrimSpace(timePart); timePart != "" {
		if clock, ok = parseClock(timePart); !ok {
			return time.Time{}, 0, false, false
		}
		return day, clock, true, true
	}
	return day, 0, false, true
}

var clockRE = regexp.MustCompile(`^(\d{1,2}):(\d{2})(?::(\d{2}))?$`)

// parseClock reads a time of day, HH:MM or HH:MM:SS (8:05 too), or the
// fraction of a day that a raw XLSX time cell holds.
func parseClock(s string) (time.Duration, bool) {
	s = strings.ReplaceAll(narrow(s), "：", ":")
	if f, err := strconv.ParseFloat(s, 64); err == nil {
		if f < 0 || f >= 1 {
			return 0, false
		}
		return time.Duration(f * float64(24*time.Hour)).Round(time.Second), true
	}
	m := clockRE.FindStringSubmatch(s)
	if m == nil {
		return 0, false
	}
	h, _ := strconv.Atoi(m[1])
	mi, _ := strconv.Atoi(m[2])
	sec := 0
	if m[3] != "" {
		sec, _ = strconv.Atoi(m[3])
	}
	if h > 23 || mi > 59 || sec > 59 {
		return 0, false
	}
	return time.Duration(h)*time.Hour + time.Duration(mi)*time.Minute + time.Duration(sec)*time.Second, true
}
