package web

import (
	"bytes"
	"html/template"
	"net/http"
	"slices"
	"time"

	"gridbot"
	"gridbot/present"
	"gridbot/results"
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

// monthResult settles (or reuses) the month through the handler's board,
// ranked without the members the office keeps out of it as of now.
func (s *Server) monthResult(r *http.Request, townID int64, month string) (*scoring.MonthResult, bool, error) {
	h := s.d.Pipe.Handler
	var res *scoring.MonthResult
	var published bool
	err := s.d.Store.View(r.Context(), func(tx gridbot.Tx) error {
		var err error
		res, published, err = h.Board.Month(tx, townID, h.Rules, month, s.d.Clock.Now())
		if err != nil || published {
			return err
		}
		reasons, err := results.Exclusions(tx, townID, month)
		res = withExclusions(h.Rules, res, reasons)
		return err
	})
	return res, published, err
}

// withExclusions returns the live month res ranked without the members in
// reasons (user id → reason): res itself when it is already, else a copy
// ranked again by scoring.Exclude, as settling does. The board keeps a live
// month for its TTL (30 s in serve), so a 取消排名 or 恢复排名 made since —
// by this page's button, in chat, on another replica — would otherwise show
// only when it expires; the office sees the change at once.
func withExclusions(rules *scoring.Rules, res *scoring.MonthResult, reasons map[string]string) *scoring.MonthResult {
	if !slices.ContainsFunc(res.Members, func(m scoring.MemberResult) bool { return m.Excluded != reasons[m.UserID] }) {
		return res
	}
	again := *res
	again.Members = slices.Clone(res.Members)
	scoring.Exclude(rules, &again, reasons)
	return &again
}

// rankingView is the ranking page.
type rankingView struct {
	Month    string
	State    string
	Table    template.HTML // the rendered table, shared by every session (rankCache)
	CanPub   bool
	Previous string
	Next     string
	// Open: the month is not published, so its exclusions may change.
	Open bool
	// Excluded lists the members kept out of the ranking, with why.
	Excluded []excludedRow
	// Done confirms the exclusion or restoration just made ("" for none).
	Done string
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
	excluded, err := s.excludedRows(r, ss.TownID, month, res)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	_, end, _ := scoring.MonthBounds(month)
	ss.Nav = "ranking"
	v := rankingView{Month: month, State: present.StateOf(res, published), Table: template.HTML(table), // rendered by html/template
		CanPub: !published && !s.d.Clock.Now().Before(end), Previous: addMonth(month, -1), Next: addMonth(month, 1),
		Open: !published, Excluded: excluded, Done: done(r, month, res)}
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
	rows := make([]rankRow, 0, len(rk.Rows))
	for _, row := range rk.Rows {
		if row.Excluded == "" { // listed apart, with why (excludedRows)
			rows = append(rows, rankRow{Row: row, Gap: gaps[row.UserID]})
		}
	}
	var b bytes.Buffer
	err := s.pages["ranking"].ExecuteTemplate(&b, "table", struct {
		Ranking *present.Ranking
		Rows    []rankRow
		Open    bool // a 取消排名 link on each row
	}{rk, rows, !published})
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	s.rank = rankCache{res: res, html: b.Bytes()}
	s.mu.Unlock()
	return b.Bytes(), nil
}
