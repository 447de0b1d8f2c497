package storagetest

import (
	"errors"
	"reflect"
	"testing"
	"time"

	"gridbot"
)

// testRefusals: the store refuses with a gridbot.Reason and its data, and
// the words people read are the domain's (gridbot.Refuse); bad values are
// refused by the domain types' own checks (Validate), with EINVALID.
func testRefusals(t *testing.T, s gridbot.Store) {
	at := time.Date(2026, 10, 3, 9, 0, 0, 0, gridbot.Zone)
	var town gridbot.Town
	update(t, s, func(tx gridbot.Tx) (err error) { town, err = tx.CreateTown("滨海镇"); return err })

	for _, c := range []struct {
		name   string
		reason gridbot.Reason
		args   []any
		text   string
		fn     func(gridbot.Tx) error
	}{
		{"unknown issue", gridbot.ReasonIssueUnknown, []any{int64(12)}, "没有问题#12，请发「问题」查看本网格的问题编号。",
			func(tx gridbot.Tx) error { _, err := tx.IssueByNo(town.ID, 12); return err }},
		{"unknown user", gridbot.ReasonPersonUnknown, []any{"U404"}, "花名册中没有用户 U404，请联系党建办导入花名册。",
			func(tx gridbot.Tx) error { _, err := tx.PersonByUserID(town.ID, "U404"); return err }},
		{"town taken", gridbot.ReasonTownExists, []any{"滨海镇"}, "镇「滨海镇」已存在。",
			func(tx gridbot.Tx) error { _, err := tx.CreateTown(" 滨海镇 "); return err }},
		{"not published", gridbot.ReasonNotPublished, []any{"2026-09"}, "2026-09 尚未发布。",
			func(tx gridbot.Tx) error { _, err := tx.Published(town.ID, "month", "2026-09"); return err }},
		{"bad role", gridbot.ReasonPersonRole, []any{"U001", "组长"}, "用户 U001 的角色「组长」无效，请填写 网格员、网格长 或 党建办。",
			func(tx gridbot.Tx) error {
				_, err := tx.SavePerson(gridbot.Person{TownID: town.ID, UserID: " U001 ", Name: "王海", Role: "组长"})
				return err
			}},
		{"bad day", gridbot.ReasonDay, []any{"2026/10/3"}, "日期「2026/10/3」格式不对，请写成 2026-10-03。",
			func(tx gridbot.Tx) error {
				return tx.AddCheckin(&gridbot.Checkin{TownID: town.ID, UserID: "U001", Day: "2026/10/3", Source: gridbot.SourceImport})
			}},
		{"bad month", gridbot.ReasonMonth, []any{"2026-13"}, "月份「2026-13」格式不对，请写成 2026-10。",
			func(tx gridbot.Tx) error { return tx.SetBasePoints(town.ID, "2026-13", nil) }},
		{"bad rating", gridbot.ReasonRating, []any{"很好"}, "评价「很好」无效，请填写 满意、基本满意 或 不满意。",
			func(tx gridbot.Tx) error {
				return tx.AddIssue(&gridbot.Issue{TownID: town.ID, Description: "路灯不亮", ReportedBy: "U001", ReportedAt: at, Rating: "很好"})
			}},
	} {
		err := s.Update(ctx, c.fn)
		var e *gridbot.Error
		if !errors.As(err, &e) || e.Reason != c.reason || !reflect.DeepEqual(e.Args, c.args) {
			t.Errorf("%s: %#v; want reason %q with %v", c.name, err, c.reason, c.args)
			continue
		}
		if got := gridbot.ErrorMessage(err); got != c.text {
			t.Errorf("%s: says %q, want %q", c.name, got, c.text)
		}
		if want := gridbot.Refuse(c.reason, c.args...).Code; e.Code != want {
			t.Errorf("%s: code %q, want %q", c.name, e.Code, want)
		}
	}

	// A rating is checked on update too, and a good one is stored.
	update(t, s, func(tx gridbot.Tx) error {
		i := gridbot.Issue{TownID: town.ID, Description: "路灯不亮", ReportedBy: "U001", ReportedAt: at}
		if err := tx.AddIssue(&i); err != nil {
			return err
		}
		i.Rating = "还行"
		var e *gridbot.Error
		if err := tx.UpdateIssue(i); !errors.As(err, &e) || e.Reason != gridbot.ReasonRating {
			t.Errorf("UpdateIssue with rating 还行: %v", err)
		}
		i.Rating = gridbot.Ratings[1]
		return tx.UpdateIssue(i)
	})
}
