package scoring

// Member returns userID's line of the month.
func (r *MonthResult) Member(userID string) (MemberResult, bool) {
	for _, m := range r.Members {
		if m.UserID == userID {
			return m, true
		}
	}
	return MemberResult{}, false
}
