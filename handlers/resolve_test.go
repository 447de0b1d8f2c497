package handlers

import (
	"strings"
	"testing"

	"gridbot"
)

// roster is a town with shared names: 张伟 in grids 1 and 3, 王芳 in grids 2
// and 3, 林小燕 in grids 1 and 2 (grids 1 and 2 are in 滨海村, 3 in 东海村),
// and a 张伟 who left.
var roster = []gridbot.Person{
	{UserID: "U900", Name: "郑敏", Role: gridbot.RoleOffice, Active: true},
	{UserID: "U101", Name: "陈强", Role: gridbot.RoleLeader, GridID: 1, Grid: "滨海村一网格", Village: "滨海村", Active: true},
	{UserID: "U102", Name: "王海", Role: gridbot.RoleMember, GridID: 1, Grid: "滨海村一网格", Village: "滨海村", Active: true},
	{UserID: "U103", Name: "张伟", Role: gridbot.RoleMember, GridID: 1, Grid: "滨海村一网格", Village: "滨海村", Active: true},
	{UserID: "U104", Name: "林小燕", Role: gridbot.RoleMember, GridID: 1, Grid: "滨海村一网格", Village: "滨海村", Active: true},
	{UserID: "U201", Name: "李明", Role: gridbot.RoleLeader, GridID: 2, Grid: "滨海村二网格", Village: "滨海村", Active: true},
	{UserID: "U202", Name: "王芳", Role: gridbot.RoleMember, GridID: 2, Grid: "滨海村二网格", Village: "滨海村", Active: true},
	{UserID: "U204", Name: "林小燕", Role: gridbot.RoleMember, GridID: 2, Grid: "滨海村二网格", Village: "滨海村", Active: true},
	{UserID: "U301", Name: "周杰", Role: gridbot.RoleLeader, GridID: 3, Grid: "东海村二网格", Village: "东海村", Active: true},
	{UserID: "U302", Name: "张伟", Role: gridbot.RoleMember, GridID: 3, Grid: "东海村二网格", Village: "东海村", Active: true},
	{UserID: "U303", Name: "王芳", Role: gridbot.RoleMember, GridID: 3, Grid: "东海村二网格", Village: "东海村", Active: true},
	{UserID: "U399", Name: "张伟", Role: gridbot.RoleMember, GridID: 0, Active: false},
}

var (
	grid1  = Scope{GridID: 1, Village: "滨海村"}
	grid2  = Scope{GridID: 2, Village: "滨海村"}
	grid3  = Scope{GridID: 3, Village: "东海村"}
	office = Scope{}
)

func TestResolve(t *testing.T) {
	tests := []struct {
		sc   Scope
		m    Mention
		want string // user id
	}{
		{grid1, Mention{Name: "张伟"}, "U103"},                  // the sender's grid first
		{grid3, Mention{Name: "张伟"}, "U302"},                  // idem
		{grid2, Mention{Name: "张伟"}, "U103"},                  // then the village
		{grid1, Mention{Name: "王芳"}, "U202"},                  // the village's only 王芳
		{grid1, Mention{Name: "林小燕"}, "U104"},                 // the grid wins over the village
		{grid2, Mention{Name: "林小燕"}, "U204"},                 //
		{office, Mention{Name: "周杰"}, "U301"},                 // the town
		{office, Mention{Name: "张伟", UserID: "U302"}, "U302"}, // exact
		{grid1, Mention{Name: "张伟", UserID: "U302"}, "U302"},  // exact beats the grid
		{grid1, Mention{Name: "", UserID: "U201"}, "U201"},    // the id alone
	}
	for _, tc := range tests {
		got, err := Resolve(roster, tc.sc, []Mention{tc.m})
		if err != nil || len(got) != 1 || got[0].UserID != tc.want {
			t.Errorf("Resolve(%v in %v) = %v, %v; want %s", tc.m, tc.sc, got, err, tc.want)
		}
	}
}

func TestResolveRefusals(t *testing.T) {
	tests := []struct {
		sc   Scope
		ms   []Mention
		want []string
	}{
		{office, []Mention{{Name: "张伟"}}, []string{"@张伟 有2人: 张伟(东海村二网格) 张伟(滨海村一网格)，请用 @张伟#U302 指定",
			"东海村二网格 U302", "滨海村一网格 U103"}},
		{grid3, []Mention{{Name: "林小燕"}}, []string{"@林小燕 有2人: 林小燕(滨海村一网格) 林小燕(滨海村二网格)"}},
		{grid1, []Mention{{Name: "孙悟空"}}, []string{"@孙悟空 不在花名册中。请核对姓名"}},
		{grid1, []Mention{{Name: "王梅"}}, []string{"@王梅 不在花名册中，相近的有: 王海(滨海村一网格) 王芳(滨海村二网格) 王芳(东海村二网格)"}},
		{grid1, []Mention{{Name: "张伟", UserID: "U399"}}, []string{"花名册中没有用户ID U399"}}, // left the roster
		{grid1, []Mention{{Name: "X", UserID: "U000"}}, []string{"花名册中没有用户ID U000"}},
		// Every problem is listed, and one bad name refuses the whole call.
		{office, []Mention{{Name: "周杰"}, {Name: "王五"}, {Name: "王芳"}}, []string{"@王五 不在花名册中", "@王芳 有2人"}},
	}
	for _, tc := range tests {
		got, err := Resolve(roster, tc.sc, tc.ms)
		if gridbot.ErrorCode(err) != gridbot.EINVALID || got != nil {
			t.Errorf("Resolve(%v in %v) = %v, %v; want a refusal", tc.ms, tc.sc, got, err)
			continue
		}
		for _, w := range tc.want {
			if !strings.Contains(gridbot.ErrorMessage(err), w) {
				t.Errorf("Resolve(%v in %v): %q lacks %q", tc.ms, tc.sc, gridbot.ErrorMessage(err), w)
			}
		}
	}
}

func TestResolveTwiceCountsOnce(t *testing.T) {
	got, err := Resolve(roster, grid1, []Mention{{Name: "王海"}, {Name: "王海", UserID: "U102"}, {Name: "陈强"}})
	if err != nil || len(got) != 2 || got[0].UserID != "U102" || got[1].UserID != "U101" {
		t.Fatalf("Resolve = %v, %v; want U102, U101", got, err)
	}
}

// FuzzResolve checks that resolution never panics and that what it resolves
// is right: an exact id gives that active person; a name gives the only
// person of that name at the narrowest level that has any; a refusal names
// the mention.
func FuzzResolve(f *testing.F) {
	f.Add("张伟", "", 1)
	f.Add("张伟", "U302", 0)
	f.Add("王芳", "", 2)
	f.Add("林小燕", "", 3)
	f.Add("", "", 1)
	f.Add("王五", "U000", 0)
	f.Fuzz(func(t *testing.T, name, userID string, g int) {
		sc := []Scope{office, grid1, grid2, grid3}[uint(g)%4]
		m := Mention{Name: name, UserID: userID}
		got, err := Resolve(roster, sc, []Mention{m})
		if err != nil {
			if gridbot.ErrorCode(err) != gridbot.EINVALID || !strings.Contains(gridbot.ErrorMessage(err), m.String()) {
				t.Fatalf("refusal %v does not name %v", err, m)
			}
			if got != nil {
				t.Fatalf("refusal with people %v", got)
			}
			return
		}
		if len(got) != 1 {
			t.Fatalf("%d people for one mention", len(got))
		}
		p := got[0]
		if !p.Active {
			t.Fatalf("resolved to inactive %v", p)
		}
		if userID != "" {
			if p.UserID != userID {
				t.Fatalf("id %q resolved to %s", userID, p.UserID)
			}
			return
		}
		if p.Name != name {
			t.Fatalf("name %q resolved to %s", name, p.Name)
		}
		if n := countAtLevel(sc, p, name); n != 1 {
			t.Fatalf("%q resolved to %s though %d share its level", name, p.UserID, n)
		}
	})
}

// countAtLevel counts the active people named name at the narrowest level of
// sc that has any, and checks p is at that level.
func countAtLevel(sc Scope, p gridbot.Person, name string) int {
	for level := 0; level <= 2; level++ {
		n, has := 0, false
		for _, q := range roster {
			if q.Active && q.Name == name && closeness(sc, q) <= level {
				n++
				has = has || q.UserID == p.UserID
			}
		}
		if n > 0 {
			if !has {
				return -1
			}
			return n
		}
	}
	return 0
}
