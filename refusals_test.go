package gridbot

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
)

// TestRefusals: every reason has a code and words that take its Args, and
// the refusal carries them as data.
func TestRefusals(t *testing.T) {
	for r, ref := range refusals {
		if ref.code != ENOTFOUND && ref.code != ECONFLICT && ref.code != EINVALID {
			t.Errorf("%s: code %q", r, ref.code)
		}
		// Words never leak a format verb: count the verbs and fill them.
		n := strings.Count(ref.format, "%") - 2*strings.Count(ref.format, "%%")
		args := make([]any, n)
		for i := range args {
			args[i] = "x"
			if strings.Contains(ref.format, "%d") {
				args[i] = int64(7)
			}
		}
		e := Refuse(r, args...)
		if strings.Contains(e.Message, "%!") || e.Code != ref.code || e.Reason != r || len(e.Args) != n {
			t.Errorf("Refuse(%s, %v) = %+v", r, args, e)
		}
	}
	err := fmt.Errorf("wrapped: %w", Refuse(ReasonIssueUnknown, int64(12)))
	if reasonOf(err) != ReasonIssueUnknown || ErrorCode(err) != ENOTFOUND ||
		ErrorMessage(err) != "没有问题#12，请发「问题」查看本网格的问题编号。" {
		t.Errorf("wrapped refusal: %v %v %q", reasonOf(err), ErrorCode(err), ErrorMessage(err))
	}
	if reasonOf(errors.New("x")) != "" || reasonOf(Errorf(EINVALID, "y")) != "" {
		t.Error("an error without a reason has one")
	}
	if e := Refuse("no_such_reason"); e.Code != EINTERNAL {
		t.Errorf("unknown reason: %+v", e)
	}
}

func TestValidate(t *testing.T) {
	at := time.Date(2026, 10, 3, 8, 0, 0, 0, Zone)
	for _, c := range []struct {
		name string
		err  error
		want Reason
	}{
		{"town", Town{Name: " "}.Validate(), ReasonTownNameEmpty},
		{"town ok", Town{Name: "滨海镇"}.Validate(), ""},
		{"district", District{}.Validate(), ReasonDistrictNameEmpty},
		{"village", Village{Name: "\t"}.Validate(), ReasonVillageNameEmpty},
		{"grid", Grid{}.Validate(), ReasonGridNameEmpty},
		{"role", Role("组长").Validate(), ReasonRole},
		{"role ok", RoleLeader.Validate(), ""},
		{"person without id", Person{Name: "王海", Role: RoleMember}.Validate(), ReasonUserIDEmpty},
		{"person without name", Person{UserID: "U1", Name: " ", Role: RoleMember}.Validate(), ReasonPersonNameEmpty},
		{"person role", Person{UserID: "U1", Name: "王海", Role: ""}.Validate(), ReasonPersonRole},
		{"person ok", Person{UserID: "U1", Name: "王海", Role: RoleOffice}.Validate(), ""},
		{"check-in without user", Checkin{At: at}.Validate(), ReasonCheckinUserIDMissing},
		{"check-in without day", Checkin{UserID: "U1"}.Validate(), ReasonCheckinDayMissing},
		{"check-in day", Checkin{UserID: "U1", Day: "2026-10-3"}.Validate(), ReasonDay},
		{"check-in by instant", Checkin{UserID: "U1", At: at}.Validate(), ""},
		{"check-in by day", Checkin{UserID: "U1", Day: "2026-10-03"}.Validate(), ""},
		{"rating", Issue{Rating: "好"}.Validate(), ReasonRating},
		{"no rating", Issue{}.Validate(), ""},
		{"rating ok", Issue{Rating: Ratings[2]}.Validate(), ""},
		{"month", CheckMonth("2026-1"), ReasonMonth},
		{"month ok", CheckMonth("2026-10"), ""},
	} {
		if got := reasonOf(c.err); got != c.want || (c.want == "" && c.err != nil) {
			t.Errorf("%s: %v, want reason %q", c.name, c.err, c.want)
		} else if c.want != "" && ErrorCode(c.err) != EINVALID {
			t.Errorf("%s: code %q, want EINVALID", c.name, ErrorCode(c.err))
		}
	}
	if !ValidDay("2026-02-28") || ValidDay("2026-02-30") || !ValidMonth("2026-12") || ValidMonth("2026-13") {
		t.Error("ValidDay or ValidMonth")
	}
}

// reasonOf returns the Reason of err, "" when it has none.
func reasonOf(err error) Reason {
	var e *Error
	if errors.As(err, &e) {
		return e.Reason
	}
	return ""
}
