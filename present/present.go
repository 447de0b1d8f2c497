// Package present is where results become words: the chat replies of 积分 and
// 排行, the terminal tables of settle, the announcement posted to groups and
// the rows of the office's spreadsheets. Tier names, places and amounts come
// from the rules in force (Tiers), never from code, and the month's ranking
// is one model (Ranking) that each of those renders.
package present

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Num writes points without needless decimals: "57", "57.5".
func Num(v float64) string {
	s := strings.TrimRight(strings.TrimRight(fmt.Sprintf("%.2f", v), "0"), ".")
	if s == "-0" {
		return "0"
	}
	return s
}

// Signed writes points with a sign: "+10", "-2", "+0.5".
func Signed(v float64) string {
	if s := Num(v); v > 0 {
		return "+" + s
	}
	return Num(v)
}

// Deduction writes the points a rule takes off, without their sign: the
// sentence around them says 扣 ("扣 2 分").
func Deduction(v float64) string { return Num(math.Abs(v)) }

// Missing says what a member still lacks for the ranking ("还差 3 天打卡、7 分").
func Missing(days int, points float64) string {
	switch {
	case days > 0 && points > 0:
		return fmt.Sprintf("还差 %d 天打卡、%s 分", days, Num(points))
	case days > 0:
		return fmt.Sprintf("还差 %d 天打卡", days)
	case points > 0:
		return fmt.Sprintf("还差 %s 分", Num(points))
	}
	return ""
}

// place writes a place: "3", "3(并列)", "-" for none.
func place(rank *int, tie bool) string {
	if rank == nil {
		return "-"
	}
	if tie {
		return fmt.Sprintf("%d(并列)", *rank)
	}
	return strconv.Itoa(*rank)
}

// yuan writes an amount, "" for none.
func yuan(v int) string {
	if v == 0 {
		return ""
	}
	return strconv.Itoa(v)
}
