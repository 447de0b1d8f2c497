package gridbot

import (
	"slices"
	"strings"
	"time"
)

// The domain's own checks of its values. The store calls them and refuses
// what they refuse (EINVALID, with a Reason); importers and handlers may
// call them first to refuse earlier, in their own words.

// ValidDay reports whether s is a calendar day as written in the store and
// in files: DayLayout, "2026-10-03".
func ValidDay(s string) bool {
	_, err := time.ParseInLocation(DayLayout, s, Zone)
	return err == nil
}

// ValidMonth reports whether s is a month: MonthLayout, "2026-10".
func ValidMonth(s string) bool {
	_, err := time.ParseInLocation(MonthLayout, s, Zone)
	return err == nil
}

// ValidRating reports whether s is one of Ratings, or "" (not rated yet).
func ValidRating(s string) bool { return s == "" || slices.Contains(Ratings, s) }

// blank reports whether a name is empty once trimmed, as the store trims it.
func blank(name string) bool { return strings.TrimSpace(name) == "" }

// Validate refuses a town without a name.
func (t Town) Validate() error {
	if blank(t.Name) {
		return Refuse(ReasonTownNameEmpty)
	}
	return nil
}

// Validate refuses a district without a name.
func (d District) Validate() error {
	if blank(d.Name) {
		return Refuse(ReasonDistrictNameEmpty)
	}
	return nil
}

// Validate refuses a village without a name.
func (v Village) Validate() error {
	if blank(v.Name) {
		return Refuse(ReasonVillageNameEmpty)
	}
	return nil
}

// Validate refuses a grid without a name.
func (g Grid) Validate() error {
	if blank(g.Name) {
		return Refuse(ReasonGridNameEmpty)
	}
	return nil
}

// Validate refuses a role that is not one of the three.
func (r Role) Validate() error {
	if !r.Valid() {
		return Refuse(ReasonRole, string(r))
	}
	return nil
}

// Validate refuses a person without a user id or a name, or with a role
// that is not one of the three.
func (p Person) Validate() error {
	switch {
	case blank(p.UserID):
		return Refuse(ReasonUserIDEmpty)
	case blank(p.Name):
		return Refuse(ReasonPersonNameEmpty, strings.TrimSpace(p.UserID))
	case !p.Role.Valid():
		return Refuse(ReasonPersonRole, strings.TrimSpace(p.UserID), string(p.Role))
	}
	return nil
}

// Validate refuses a check-in without a user id, without both a day and an
// instant, or with a day not written as DayLayout.
func (c Checkin) Validate() error {
	switch {
	case c.UserID == "":
		return Refuse(ReasonCheckinUserIDMissing)
	case c.Day == "" && c.At.IsZero():
		return Refuse(ReasonCheckinDayMissing)
	case c.Day != "" && !ValidDay(c.Day):
		return Refuse(ReasonDay, c.Day)
	}
	return nil
}

// Validate refuses an issue whose rating is not one of Ratings.
func (i Issue) Validate() error {
	if !ValidRating(i.Rating) {
		return Refuse(ReasonRating, i.Rating)
	}
	return nil
}

// CheckMonth refuses a month not written as MonthLayout.
func CheckMonth(month string) error {
	if !ValidMonth(month) {
		return Refuse(ReasonMonth, month)
	}
	return nil
}
