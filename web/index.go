package web

import (
	"net/http"
	"slices"

	"gridbot/scoring"
)

// The 网格运行指数 page: every grid's index and its parts, sortable, and its chart.

// indexView is the index page.
type indexView struct {
	Month string
	Sort  string
	Grids []scoring.GridMonth
	Cols  []indexCol
}

type indexCol struct{ Key, Name string }

var indexCols = []indexCol{{"grid", "网格"}, {"village", "村"}, {"index", "指数"}, {"checkin", "打卡率"},
	{"activities", "活动"}, {"closed", "办结"}, {"ontime", "及时"}, {"satisfaction", "满意度"}, {"office", "党建办评价"}}

func partOf(g scoring.GridMonth, key string) float64 {
	v := func(p *float64) float64 {
		if p == nil {
			return -1
		}
		return *p
	}
	switch key {
	case "checkin":
		return v(g.Parts.CheckinRate)
	case "activities":
		return v(g.Parts.Activities)
	case "closed":
		return v(g.Parts.IssuesClosed)
	case "ontime":
		return v(g.Parts.OnTime)
	case "satisfaction":
		return v(g.Parts.Satisfaction)
	case "office":
		return v(g.Parts.Office)
	}
	return g.Index
}

// sortedGrids returns the month's grids sorted by key (best first).
func sortedGrids(res *scoring.MonthResult, key string) []scoring.GridMonth {
	gs := slices.Clone(res.Grids)
	slices.SortStableFunc(gs, func(a, b scoring.GridMonth) int {
		switch key {
		case "grid":
			return cmpStr(a.Grid, b.Grid)
		case "village":
			return cmpStr(a.Village+a.Grid, b.Village+b.Grid)
		}
		x, y := partOf(a, key), partOf(b, key)
		switch {
		case x > y:
			return -1
		case x < y:
			return 1
		}
		return cmpStr(a.Grid, b.Grid)
	})
	return gs
}

func cmpStr(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func (s *Server) indexPage(w http.ResponseWriter, r *http.Request, ss *session) {
	month := s.month(r)
	res, _, err := s.monthResult(r, ss.TownID, month)
	if err != nil {
		s.failOrSay(w, r, err)
		return
	}
	key := r.URL.Query().Get("sort")
	if !slices.ContainsFunc(indexCols, func(c indexCol) bool { return c.Key == key }) {
		key = "index"
	}
	ss.Nav = "index"
	s.render(w, http.StatusOK, "index", page{Title: month + " 网格运行指数", Office: ss,
		Data: indexView{Month: month, Sort: key, Grids: sortedGrids(res, key), Cols: indexCols}})
}

func (s *Server) indexChart(w http.ResponseWriter, r *http.Request, ss *session) {
	month := s.month(r)
	res, _, err := s.monthResult(r, ss.TownID, month)
	if err != nil {
		s.failOrSay(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "image/svg+xml")
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write(indexSVG(sortedGrids(res, "index")))
}
