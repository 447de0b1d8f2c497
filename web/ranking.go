package web

import (
	"bytes"
	"html/template"
	"net/http"
	"time"

	"gridbot"
	"gridbot/present"
	"gridbot/scoring"
)

// The dashboard's front page: the month's ranking as it will be announced.

// month is the month a page asks for (?month=), this month by default.
func (s *Server) month(r *http.Request) string {
	if m := r.URL.Query().Get("month"); gridbot.ValidMonth(m) {
		return m
	}
	return gridbot.Month(s.d.Clock.Now())
}

// monthResult settles (or reuses) the month through the handler's board.
func (s *Server) monthResult(r *http.Request, townID int64, month string) (*scoring.MonthResult, bool, error) {
	h := s.d.Pipe.Handler
	var res *scoring.MonthResult
	var published bool
	err := s.d.Store.View(r.Context(), func(tx gridbot.Tx) error {
		var err error
		res, published, err = h.Board.Month(tx, townID, h.Rules, month, s.d.Clock.Now())
		return err
	})
	return res, published, err
}

// rankingView is the ranking page.
type rankingView struct {
	Month    string
	State    string
	Table    template.HTML // the rendered table, shared by every session (rankCache)
	CanPub   bool
	Previous string
	Next     string
}

// ranking is the month's live ranking as it will be announced.
func (s *Server) ranking(w http.ResponseWriter, r *http.Request, ss *session) {
	month := s.month(r)
	res, published, err := s.monthResult(r, ss.TownID, month)
	if err != nil {
		s.failOrSay(w, r, err)
		return
	}
	table, err := s.rankingTable(res, published)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	_, end, _ := scoring.MonthBounds(month)
	ss.Nav = "ranking"
	v := rankingView{Month: month, State: present.StateOf(res, published), Table: template.HTML(table), // rendered by html/template
		CanPub: !published && !s.d.Clock.Now().Before(end), Previous: addMonth(month, -1), Next: addMonth(month, 1)}
	s.render(w, http.StatusOK, "ranking", page{Title: month + " 排名", Office: ss, Data: v})
}

func addMonth(month string, n int) string {
	t, err := time.ParseInLocation(gridbot.MonthLayout, month, gridbot.Zone)
	if err != nil {
		return month
	}
	return t.AddDate(0, n, 0).Format(gridbot.MonthLayout)
}

// rankCache keeps the last rendered ranking table per result: the board
// hands out the same result for its TTL, so the table is rendered once.
type rankCache struct {
	res  *scoring.MonthResult
	html []byte
}

// rankRow is a line of the ranking table.
type rankRow struct {
	present.Row
	Gap string
}

func (s *Server) rankingTable(res *scoring.MonthResult, published bool) ([]byte, error) {
	s.mu.Lock()
	if s.rank.res == res {
		b := s.rank.html
		s.mu.Unlock()
		return b, nil
	}
	s.mu.Unlock()
	rk := present.MonthRanking(res, s.d.Pipe.Handler.Rules, published)
	gaps := present.Gaps(rk, 3)
	rows := make([]rankRow, len(rk.Rows))
	for i, row := range rk.Rows {
		rows[i] = rankRow{Row: row, Gap: gaps[row.UserID]}
	}
	var b bytes.Buffer
	err := s.pages["ranking"].ExecuteTemplate(&b, "table", struct {
		Ranking *present.Ranking
		Rows    []rankRow
	}{rk, rows})
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	s.rank = rankCache{res: res, html: b.Bytes()}
	s.mu.Unlock()
	return b.Bytes(), nil
}
