package web

import (
	"net/http"
	"slices"
	"strconv"
	"strings"

	"gridbot"
	"gridbot/scoring"
)

// maxActivities is how many activities the page lists: a town of 580 logs
// about 450 a month, so this is every one of them; a larger town's month is
// seen grid by grid.
const maxActivities = 1000

// activitiesView is the page of a month's collective activities.
type activitiesView struct {
	Month, Previous, Next string
	Grid                  int64    // the grid chosen, 0 for every grid
	GridName              string   // its name
	Months                []string // the select's: the chosen, and the 24 up to this one
	Grids                 []gridbot.Grid
	Rows                  []activityRow
	Photos                int  // how many photos the rows have
	More                  bool // there were more than maxActivities
	Max                   int
}

// activityRow is one activity as the office reads it.
type activityRow struct {
	gridbot.Activity
	Grid   string
	By     string // who logged it
	People string // the participants' names, 、-separated
	Count  int    // how many took part
	Images []gridbot.Image
}

// activitiesPage lists the month's collective activities, newest first,
// with their participants and photos: one query for the activities, one for
// their photos, whatever the month holds (and the town's grids and people
// for their names).
func (s *Server) activitiesPage(w http.ResponseWriter, r *http.Request, ss *session) {
	month := s.month(r)
	from, to, err := scoring.MonthBounds(month)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v := activitiesView{Month: month, Previous: addMonth(month, -1), Next: addMonth(month, 1), Max: maxActivities,
		Months: months(month, gridbot.Month(s.d.Clock.Now()), 24)}
	err = s.d.Store.View(r.Context(), func(tx gridbot.Tx) error {
		grids, err := tx.Grids(ss.TownID)
		if err != nil {
			return err
		}
		v.Grids = grids
		gname := gridNames(grids)
		want, _ := strconv.ParseInt(r.URL.Query().Get("grid"), 10, 64)
		if n, ok := gname[want]; ok { // another town's grid, or none: every grid
			v.Grid, v.GridName = want, n
		}
		people, err := tx.People(ss.TownID)
		if err != nil {
			return err
		}
		names := personNames(people, nil)
		name := func(id string) string {
			if n, ok := names[id]; ok {
				return n
			}
			return id
		}
		acts, err := tx.Activities(ss.TownID, v.Grid, from, to, maxActivities+1)
		if err != nil {
			return err
		}
		if len(acts) > maxActivities {
			acts, v.More = acts[:maxActivities], true
		}
		nos := make([]int64, len(acts))
		for i, a := range acts {
			nos[i] = a.No
		}
		images, err := tx.RecordImages(ss.TownID, gridbot.KindActivity, nos)
		if err != nil {
			return err
		}
		v.Rows = make([]activityRow, len(acts))
		for i, a := range acts {
			by := a.RecordedBy
			if by == "" {
				by = a.Leader
			}
			ps := make([]string, len(a.Participants))
			for k, p := range a.Participants {
				ps[k] = name(p)
			}
			v.Rows[i] = activityRow{Activity: a, Grid: gname[a.GridID], By: name(by), People: strings.Join(ps, "、"),
				Count: len(ps), Images: images[a.No]}
			v.Photos += len(images[a.No])
		}
		return nil
	})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	ss.Nav = "activities"
	s.render(w, http.StatusOK, "activities", page{Title: month + " 集体活动", Office: ss, Data: v})
}

// months are the choices of the month select, newest first: the n months
// up to now's, and chosen wherever it falls.
func months(chosen, now string, n int) []string {
	out := make([]string, 0, n+1)
	for i := range n {
		out = append(out, addMonth(now, -i))
	}
	if !slices.Contains(out, chosen) {
		out = append(out, chosen)
		slices.Sort(out)
		slices.Reverse(out)
	}
	return out
}
