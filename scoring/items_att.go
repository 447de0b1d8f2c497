package scoring

import "fmt"

// rAttendance books the attendance rules. R-ATT-FULL and R-ATT-20 do not
// stack: the higher applies. R-ATT-LOW stands alone.
func rAttendance(m *monthRun, a *memberAcc) {
	full, okFull := rAttFull(m, a)
	many, okMany := rAtt20(m, a)
	switch {
	case okFull && (!okMany || full.Points >= many.Points):
		a.book(full)
	case okMany:
		a.book(many)
	}
	if low, ok := rAttLow(m, a); ok {
		a.book(low)
	}
}

// rAttFull is R-ATT-FULL: checked in on every calendar day of the month.
func rAttFull(m *monthRun, a *memberAcc) (Item, bool) {
	if a.CheckinDays < m.days {
		return Item{}, false
	}
	return Item{Rule: RAttFull, Name: "打卡全勤", Points: m.r.Monthly.Attendance.FullPoints, Ref: attRef(m, a)}, true
}

// rAtt20 is R-ATT-20: checked in on many_days (20) days or more.
func rAtt20(m *monthRun, a *memberAcc) (Item, bool) {
	at := m.r.Monthly.Attendance
	if a.CheckinDays < at.ManyDays {
		return Item{}, false
	}
	return Item{Rule: RAtt20, Name: m.text.att20, Points: at.ManyPoints, Ref: attRef(m, a)}, true
}

// rAttLow is R-ATT-LOW: checked in on few_days (10) days or fewer.
func rAttLow(m *monthRun, a *memberAcc) (Item, bool) {
	at := m.r.Monthly.Attendance
	if a.CheckinDays > at.FewDays {
		return Item{}, false
	}
	return Item{Rule: RAttLow, Name: m.text.attLow, Points: at.FewPoints, Ref: attRef(m, a)}, true
}

func attRef(m *monthRun, a *memberAcc) string {
	if a.CheckinDays < len(m.text.days) {
		return m.text.days[a.CheckinDays]
	}
	return fmt.Sprintf("打卡 %d 天", a.CheckinDays)
}
