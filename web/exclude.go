package web

import (
	"fmt"
	"net/http"
	"net/url"
	"time"

	"gridbot"
	"gridbot/present"
	"gridbot/review"
	"gridbot/scoring"
)

// The dashboard's 取消排名 and 恢复排名. The ranking page links each ranked
// member to a form that asks for the reason; the form and the 恢复排名 button
// run review.Exclude and review.Restore, the very functions of the chat's
// commands (the same checks, refusals and audit entries), with the office
// member as their author. The chat names a member by @姓名; the dashboard by
// the user id of the row clicked.

// excludedRow is a member kept out of the month's ranking, on the ranking page.
type excludedRow struct {
	UserID, Name, Grid string
	Total              float64
	Reason             string
	By                 string // who decided it, by name
	At                 time.Time
}

// excludedRows lists the members res keeps out of its ranking, with who
// decided it and when (from the store; a published month keeps its reasons).
func (s *Server) excludedRows(r *http.Request, townID int64, month string, res *scoring.MonthResult) ([]excludedRow, error) {
	var out []excludedRow
	for _, m := range res.Members {
		if m.Excluded != "" {
			out = append(out, excludedRow{UserID: m.UserID, Name: m.Name, Grid: m.Grid, Total: m.Total, Reason: m.Excluded})
		}
	}
	if len(out) == 0 {
		return nil, nil
	}
	err := s.d.Store.View(r.Context(), func(tx gridbot.Tx) error {
		es, err := tx.Exclusions(townID, month)
		if err != nil {
			return err
		}
		by := map[string]gridbot.Exclusion{}
		for _, e := range es {
			by[e.UserID] = e
		}
		for i := range out {
			if e, ok := by[out[i].UserID]; ok {
				out[i].At, out[i].By = e.At, nameOf(tx, townID, e.By)
			}
		}
		return nil
	})
	return out, err
}

// nameOf is how the dashboard names the author of a change: their name, or
// 命令行 for the command line.
func nameOf(tx gridbot.Tx, townID int64, userID string) string {
	if userID == "cli" {
		return "命令行"
	}
	if p, err := tx.PersonByUserID(townID, userID); err == nil {
		return p.Name
	}
	return userID
}

// done confirms, on the ranking page the buttons return to, what was just
// done: read from the ranking itself, so a reloaded or copied address says
// only what is true.
func done(r *http.Request, month string, res *scoring.MonthResult) string {
	q := r.URL.Query()
	ex, re := q.Get("excluded"), q.Get("restored")
	for _, m := range res.Members {
		switch {
		case m.UserID == ex && m.Excluded != "":
			return fmt.Sprintf("已取消 %s（%s）%s 的排名：%s。其积分照常计算，排在其后的名次依次递补；发布前可在下方「恢复排名」。",
				m.Name, m.Grid, month, m.Excluded)
		case m.UserID == re && m.Excluded == "":
			return fmt.Sprintf("已恢复 %s（%s）%s 的排名。", m.Name, m.Grid, month)
		}
	}
	return ""
}

// member is the town's active member with userID; unknown (or gone from the
// roster) is refused in words.
func member(tx gridbot.Tx, townID int64, userID string) (gridbot.Person, error) {
	p, err := tx.PersonByUserID(townID, userID)
	if gridbot.ErrorCode(err) == gridbot.ENOTFOUND || (err == nil && !p.Active) {
		return gridbot.Person{}, gridbot.Errorf(gridbot.ENOTFOUND,
			"花名册中没有用户ID为「%s」的在册成员（可能已调离或已重新导入花名册）。请回到排名页，在排名表中重新点选。", userID)
	}
	return p, err
}

// excludeView is the form that asks why a member is kept out of a month.
type excludeView struct {
	Month  string
	Person gridbot.Person
	// The member's month: Counted when they have a result in it.
	Counted  bool
	Total    float64
	Place    string
	Excluded string // why they are kept out already
	Open     bool   // the month is not published
	Reason   string // what was typed, kept after a refusal
	Problem  string // the refusal
	Max      int
}

// excludeView reads the member and their month for the form.
func (s *Server) excludeView(r *http.Request, townID int64, month, userID string) (excludeView, error) {
	v := excludeView{Month: month, Max: review.MaxReason}
	if err := gridbot.CheckMonth(month); err != nil {
		return v, err
	}
	err := s.d.Store.View(r.Context(), func(tx gridbot.Tx) (err error) {
		v.Person, err = member(tx, townID, userID)
		return err
	})
	if err != nil {
		return v, err
	}
	res, published, err := s.monthResult(r, townID, month)
	if err != nil {
		return v, err
	}
	v.Open = !published
	for _, m := range res.Members {
		if m.UserID == userID {
			v.Counted, v.Total, v.Excluded, v.Place = true, m.Total, m.Excluded, present.Row{MemberResult: m}.Place()
		}
	}
	return v, nil
}

// excludePage is the form of 取消排名 for one member (?month=&user=).
func (s *Server) excludePage(w http.ResponseWriter, r *http.Request, ss *session) {
	q := r.URL.Query()
	v, err := s.excludeView(r, ss.TownID, q.Get("month"), q.Get("user"))
	if err != nil {
		s.refuse(w, r, ss, err, back(q.Get("month")))
		return
	}
	s.showExclude(w, http.StatusOK, ss, v)
}

func (s *Server) showExclude(w http.ResponseWriter, status int, ss *session, v excludeView) {
	ss.Nav = "ranking"
	s.render(w, status, "exclude", page{Title: "取消排名 " + v.Person.Name, Office: ss, Data: v})
}

// exclude is the form's POST: review.Exclude, then back to the ranking; a
// refusal shows the form again with review's words and what was typed.
func (s *Server) exclude(w http.ResponseWriter, r *http.Request, ss *session) {
	month, user, reason := r.PostFormValue("month"), r.PostFormValue("user"), r.PostFormValue("reason")
	err := s.d.Store.Update(r.Context(), func(tx gridbot.Tx) error {
		p, err := member(tx, ss.TownID, user)
		if err != nil {
			return err
		}
		return review.Exclude(tx, ss.TownID, month, p, reason, ss.UserID, s.d.Clock.Now())
	})
	if err == nil {
		http.Redirect(w, r, back(month)+"&excluded="+url.QueryEscape(user)+"#excluded", http.StatusSeeOther)
		return
	}
	if refusal(err) == 0 {
		s.fail(w, r, err)
		return
	}
	v, verr := s.excludeView(r, ss.TownID, month, user)
	if verr != nil { // an unknown member or month: nothing to show the form for
		s.refuse(w, r, ss, err, back(month))
		return
	}
	v.Problem, v.Reason = gridbot.ErrorMessage(err), reason
	s.showExclude(w, refusal(err), ss, v)
}

// restore is the 恢复排名 button: review.Restore, then back to the ranking.
func (s *Server) restore(w http.ResponseWriter, r *http.Request, ss *session) {
	month, user := r.PostFormValue("month"), r.PostFormValue("user")
	err := s.d.Store.Update(r.Context(), func(tx gridbot.Tx) error {
		p, err := member(tx, ss.TownID, user)
		if err != nil {
			return err
		}
		return review.Restore(tx, ss.TownID, month, p, ss.UserID, s.d.Clock.Now())
	})
	if err != nil {
		s.refuse(w, r, ss, err, back(month))
		return
	}
	http.Redirect(w, r, back(month)+"&restored="+url.QueryEscape(user), http.StatusSeeOther)
}

// back is the ranking page of month (this month's when month is not one).
func back(month string) string {
	if !gridbot.ValidMonth(month) {
		month = ""
	}
	return "/office?month=" + url.QueryEscape(month)
}

// refusal is the status that answers a refusal (review's and the store's
// codes); 0 for an internal error.
func refusal(err error) int {
	switch gridbot.ErrorCode(err) {
	case gridbot.EINVALID:
		return http.StatusUnprocessableEntity
	case gridbot.ENOTFOUND:
		return http.StatusNotFound
	case gridbot.ECONFLICT:
		return http.StatusConflict
	case gridbot.EFORBIDDEN:
		return http.StatusForbidden
	}
	return 0
}

// refuse shows a refusal in words, with the dashboard's nav and a way back;
// an internal error as such.
func (s *Server) refuse(w http.ResponseWriter, r *http.Request, ss *session, err error, link string) {
	status := refusal(err)
	if status == 0 {
		s.fail(w, r, err)
		return
	}
	s.render(w, status, "message", page{Title: "无法完成", Office: ss, Data: message{Heading: "无法完成",
		Text: gridbot.ErrorMessage(err), Link: link, LinkText: "返回排名"}})
}
