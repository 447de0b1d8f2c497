package scoring

import (
	"fmt"
	"strconv"
	"strings"
)

// Member returns userID's line of the month.
func (r *MonthResult) Member(userID string) (MemberResult, bool) {
	for _, m := range r.Members {
		if m.UserID == userID {
			return m, true
		}
	}
	return MemberResult{}, false
}

// MissingText says in Chinese what a member still lacks to be ranked, e.g.
// "还差3天打卡、2.5分"; "" when eligible.
func (m MemberResult) MissingText() string {
	var parts []string
	if m.MissingDays > 0 {
		parts = append(parts, fmt.Sprintf("%d天打卡", m.MissingDays))
	}
	if m.MissingPoints > 0 {
		parts = append(parts, strconv.FormatFloat(m.MissingPoints, 'f', -1, 64)+"分")
	}
	if len(parts) == 0 {
		return ""
	}
	return "还差" + strings.Join(parts, "、")
}
