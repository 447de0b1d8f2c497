package importer

import (
	"context"
	"time"
	"unicode/utf8"

	"gridbot"
)

// Roster columns. 手机 may be left out of the header altogether; the phones
// already stored are then kept.
var (
	rosterRequired = []string{"用户ID", "姓名", "角色", "网格", "村", "管理区", "党员"}
	rosterOptional = []string{"手机"}
)

// rosterRow is one validated roster line.
type rosterRow struct {
	line                    int
	person                  gridbot.Person // UserID, Name, Role, Party, Phone
	grid, village, district string         // empty for office staff
}

// Roster imports the town's whole roster from a CSV or XLSX file. People new
// to the town are members of their grid since always; a change for someone
// already known (another grid, another role) takes effect at effective (now
// when zero), and the old membership is kept as history. People of the town
// missing from the file have left: they are marked inactive at effective.
//
// townID 0 with o.Town set is a first import: the town is created in the
// same transaction, so a refused import leaves no town behind. A roster that
// would mark more than MaxLeaversPercent of the town as having left is
// refused unless o.AllowLeavers.
func Roster(ctx context.Context, st gridbot.Store, townID int64, path string, effective time.Time, o Options) (*Report, error) {
	t, done, err := openFile(path)
	if err != nil {
		return nil, err
	}
	defer done()
	o.watch(t)
	return roster(ctx, st, townID, t, effective, o)
}

// RosterTable is Roster for a sheet already read.
func RosterTable(ctx context.Context, st gridbot.Store, townID int64, t *Table, effective time.Time) (*Report, error) {
	return roster(ctx, st, townID, t, effective, Options{AllowLeavers: true})
}

func roster(ctx context.Context, st gridbot.Store, townID int64, t *Table, effective time.Time, o Options) (*Report, error) {
	if effective.IsZero() {
		effective = time.Now()
	}
	rows, hasPhone, probs := parseRoster(t)
	if err := probs.err(); err != nil {
		return nil, err
	}
	rep := &Report{Kind: KindRoster, Rows: len(rows)}
	err := o.update(ctx, st, func(tx gridbot.Tx) error {
		*rep = Report{Kind: KindRoster, Rows: len(rows)} // in case the store retries fn
		id := townID
		if id == 0 {
			if o.Town == "" {
				return gridbot.Errorf(gridbot.EINVALID, "没有指定镇名，请用 --town 指定。")
			}
			town, err := tx.CreateTown(o.Town)
			if err != nil {
				return err
			}
			id = town.ID
		}
		if err := rosterMoves(tx, id, rows, rep); err != nil {
			return err
		}
		return writeRoster(tx, id, rows, hasPhone, effective, o.AllowLeavers, rep)
	})
	if err != nil {
		return nil, err
	}
	rosterWarnings(rows, rep)
	return o.finish(rep), nil
}

// parseRoster validates every line on its own and against the other lines.
func parseRoster(t *Table) (rows []rosterRow, hasPhone bool, probs problems) {
	cols, errs := t.bind(rosterRequired, rosterOptional)
	if errs.n > 0 {
		return nil, false, errs
	}
	seenUser := map[string]int{}              // user id -> line
	gridVillage := map[string]rosterRow{}     // grid name -> first line naming it
	villageDistrict := map[string]rosterRow{} // village name -> first line naming it
	count := t.each(&probs, func(r Row) {
		row := rosterRow{line: r.Line,
			grid: cols.get(r, "网格"), village: cols.get(r, "村"), district: cols.get(r, "管理区")}
		p := &row.person
		p.UserID, p.Name, p.Phone = cols.get(r, "用户ID"), cols.get(r, "姓名"), narrow(cols.get(r, "手机"))
		p.Role = gridbot.Role(cols.get(r, "角色"))

		n := probs.n
		switch {
		case p.UserID == "":
			probs.add(r.Line, "用户ID", "用户ID不能为空，请填写企业微信或钉钉中的账号")
		case utf8.RuneCountInString(p.UserID) > 64:
			probs.add(r.Line, "用户ID", "用户ID太长（最多 64 个字符）")
		case seenUser[p.UserID] != 0:
			probs.add(r.Line, "用户ID", "用户ID重复（与第 %d 行）", seenUser[p.UserID])
		default:
			seenUser[p.UserID] = r.Line
		}
		if p.Name == "" {
			probs.add(r.Line, "姓名", "姓名不能为空")
		} else if utf8.RuneCountInString(p.Name) > 32 {
			probs.add(r.Line, "姓名", "姓名太长（最多 32 个字）")
		}
		if p.Role == "" {
			probs.add(r.Line, "角色", "角色不能为空，应为 网格员、网格长 或 党建办")
		} else if !p.Role.Valid() {
			probs.add(r.Line, "角色", "未知角色「%s」，应为 网格员、网格长 或 党建办", p.Role)
		}
		party, ok := parseParty(cols.get(r, "党员"))
		if !ok {
			probs.add(r.Line, "党员", "党员应填 是 或 否，不能是「%s」", cols.get(r, "党员"))
		}
		p.Party = party
		if !validPhone(p.Phone) {
			probs.add(r.Line, "手机", "手机号格式错误「%s」，应为 11 位手机号或带区号的座机号，也可留空", p.Phone)
		}

		if p.Role == gridbot.RoleOffice {
			for _, c := range []struct{ col, v string }{{"网格", row.grid}, {"村", row.village}, {"管理区", row.district}} {
				if c.v != "" {
					probs.add(r.Line, c.col, "党建办人员不属于任何网格，「%s」应留空", c.col)
				}
			}
		} else if p.Role.Valid() {
			for _, c := range []struct{ col, v string }{{"网格", row.grid}, {"村", row.village}, {"管理区", row.district}} {
				if c.v == "" {
					probs.add(r.Line, c.col, "%s必须填写「%s」", p.Role, c.col)
				}
			}
			if row.grid != "" && row.village != "" {
				if first, ok := gridVillage[row.grid]; !ok {
					gridVillage[row.grid] = row
				} else if first.village != row.village {
					probs.add(r.Line, "网格", "网格「%s」在第 %d 行属于「%s」，这里又写成「%s」；网格名在全镇内不能重复，请改名（如在前面加上村名）",
						row.grid, first.line, first.village, row.village)
				}
			}
			if row.village != "" && row.district != "" {
				if first, ok := villageDistrict[row.village]; !ok {
					villageDistrict[row.village] = row
				} else if first.district != row.district {
					probs.add(r.Line, "管理区", "村「%s」在第 %d 行属于「%s」，这里又写成「%s」",
						row.village, first.line, first.district, row.district)
				}
			}
		}
		if probs.n == n {
			rows = append(rows, row)
		}
	})
	if count == 0 && probs.n == 0 {
		probs.add(2, "", "文件只有表头，没有名单。名单导入的是全镇完整名单，空名单会让所有人离开，因此不予导入")
	}
	return rows, cols.has("手机"), probs
}
