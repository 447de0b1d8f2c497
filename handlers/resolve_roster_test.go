package handlers

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"gridbot"
)

// fakeRoster is a test double of the one role resolveMentions uses,
// gridbot.Roster, over the package's roster: seven methods, not the
// forty-odd of gridbot.Tx. It counts the whole-roster reads and can fail
// PeopleByName.
type fakeRoster struct {
	people     []gridbot.Person
	peopleRead int
	byNameErr  error
}

var _ gridbot.Roster = (*fakeRoster)(nil)

func (f *fakeRoster) Villages(int64) ([]gridbot.Village, error)       { return nil, nil }
func (f *fakeRoster) Grids(int64) ([]gridbot.Grid, error)             { return nil, nil }
func (f *fakeRoster) Memberships(int64) ([]gridbot.Membership, error) { return nil, nil }
func (f *fakeRoster) Checkpoints(int64) ([]gridbot.Checkpoint, error) { return nil, nil }

func (f *fakeRoster) People(int64) ([]gridbot.Person, error) {
	f.peopleRead++
	return f.people, nil
}

func (f *fakeRoster) PersonByUserID(_ int64, userID string) (gridbot.Person, error) {
	for _, p := range f.people {
		if p.UserID == userID {
			return p, nil // active or not, as the store
		}
	}
	return gridbot.Person{}, gridbot.Refuse(gridbot.ReasonPersonUnknown, userID)
}

func (f *fakeRoster) PeopleByUserIDs(_ int64, ids []string) ([]gridbot.Person, error) {
	var ps []gridbot.Person
	for _, p := range f.people {
		if slices.Contains(ids, p.UserID) {
			ps = append(ps, p)
		}
	}
	return ps, nil
}

func (f *fakeRoster) PeopleByName(_ int64, name string) ([]gridbot.Person, error) {
	if f.byNameErr != nil {
		return nil, f.byNameErr
	}
	var ps []gridbot.Person
	for _, p := range f.people {
		if p.Active && p.Name == name {
			ps = append(ps, p)
		}
	}
	return ps, nil
}

// TestResolveMentions: names resolve from the lookups of the names alone;
// only a refusal reads the whole roster, to offer similar names; a user id
// the roster lacks is a refusal, not an error; a failing lookup fails.
func TestResolveMentions(t *testing.T) {
	r := &fakeRoster{people: roster}
	got, err := resolveMentions(r, 1, grid2, []Mention{{Name: "张伟"}, {Name: "林小燕"}, {Name: "X", UserID: "U302"}})
	if err != nil || len(got) != 3 || got[0].UserID != "U103" || got[1].UserID != "U204" || got[2].UserID != "U302" {
		t.Fatalf("resolveMentions = %v, %v; want U103, U204, U302", got, err)
	}
	if r.peopleRead != 0 {
		t.Errorf("resolving known names read the whole roster %d times", r.peopleRead)
	}

	if got, err := resolveMentions(r, 1, grid1, nil); got != nil || err != nil || r.peopleRead != 0 {
		t.Errorf("no mentions = %v, %v (%d roster reads)", got, err, r.peopleRead)
	}

	_, err = resolveMentions(r, 1, grid1, []Mention{{Name: "王梅"}})
	if gridbot.ErrorCode(err) != gridbot.EINVALID || !strings.Contains(gridbot.ErrorMessage(err), "相近的有: 王海(滨海村一网格)") {
		t.Errorf("unknown name: %v; want a refusal offering 王海", err)
	}
	if r.peopleRead != 1 {
		t.Errorf("a refusal read the whole roster %d times, want once", r.peopleRead)
	}

	for _, id := range []string{"U000", "U399"} { // unknown; left the roster
		_, err = resolveMentions(r, 1, grid1, []Mention{{Name: "张伟", UserID: id}})
		if gridbot.ErrorCode(err) != gridbot.EINVALID || !strings.Contains(gridbot.ErrorMessage(err), "花名册中没有用户ID "+id) {
			t.Errorf("@张伟#%s: %v; want a refusal naming the id", id, err)
		}
	}

	broken := errors.New("connection reset")
	r = &fakeRoster{people: roster, byNameErr: broken}
	if _, err := resolveMentions(r, 1, grid1, []Mention{{Name: "王海"}}); !errors.Is(err, broken) {
		t.Errorf("a failing lookup gave %v, want it", err)
	}
}
