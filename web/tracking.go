package web

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"gridbot"
	"gridbot/bot"
)

// The villager's private tracking page (/t/<token>): the issue's progress and,
// once it is closed, the rating.

// trackingView is the tracking page.
type trackingView struct {
	Token  string
	Issue  gridbot.Issue
	Grid   string
	Track  gridbot.Tracking
	Images []gridbot.Image
	Steps  []step
	// CanRate: closed and not rated by the villager yet.
	CanRate bool
	Ratings []string
	Problem string
	Thanks  bool
}

// step is one line of an issue's progress.
type step struct {
	At   time.Time
	What string
	Done bool
}

func (s *Server) trackingPage(w http.ResponseWriter, r *http.Request) {
	s.showTracking(w, r, http.StatusOK, "")
}

func (s *Server) loadTracking(r *http.Request, token string) (trackingView, error) {
	v := trackingView{Token: token, Ratings: gridbot.Ratings, Thanks: r.URL.Query().Get("rated") == "1"}
	err := s.d.Store.View(r.Context(), func(tx gridbot.Tx) error {
		tr, err := tx.TrackingByToken(token)
		if err != nil {
			return err
		}
		v.Track = tr
		if v.Issue, err = tx.IssueByNo(tr.TownID, tr.IssueNo); err != nil {
			return err
		}
		if v.Images, err = tx.Images(tr.TownID, gridbot.KindIssue, tr.IssueNo); err != nil {
			return err
		}
		gs, err := tx.Grids(tr.TownID)
		if err != nil {
			return err
		}
		for _, g := range gs {
			if g.ID == v.Issue.GridID {
				v.Grid = g.Name
			}
		}
		return nil
	})
	if err != nil {
		return v, err
	}
	i := v.Issue
	rules := s.d.Pipe.Handler.Rules
	v.Steps = []step{{At: i.ReportedAt, What: "已上报，等待网格长派发（" + fmtTime(rules.DispatchDeadline(i.ReportedAt)) + " 前）", Done: true}}
	if i.Dispatched() {
		v.Steps = append(v.Steps, step{At: i.DispatchedAt, What: "已派发给网格员办理（一般 7 日内办结）", Done: true})
	} else {
		v.Steps = append(v.Steps, step{What: "派发"})
	}
	if i.Closed() {
		v.Steps = append(v.Steps, step{At: i.ClosedAt, What: "已办结：" + i.Result, Done: true})
	} else {
		v.Steps = append(v.Steps, step{What: "办结"})
	}
	v.CanRate = i.Closed() && v.Track.Rating == ""
	return v, nil
}

func (s *Server) showTracking(w http.ResponseWriter, r *http.Request, status int, problem string) {
	token := r.PathValue("token")
	if !tokenRE.MatchString(token) {
		s.notFound(w)
		return
	}
	v, err := s.loadTracking(r, token)
	if !s.found(w, r, err) {
		return
	}
	v.Problem = problem
	s.render(w, status, "tracking", page{Title: fmt.Sprintf("问题 #%d", v.Issue.No), Data: v})
}

// rate takes the villager's rating of a closed issue: once; it takes the
// place of a rating entered in chat, and 不满意 tells the grid's leaders
// and the office.
func (s *Server) rate(w http.ResponseWriter, r *http.Request) {
	token := r.PathValue("token")
	if !tokenRE.MatchString(token) {
		s.notFound(w)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	rating, comment := r.PostFormValue("rating"), strings.TrimSpace(r.PostFormValue("comment"))
	if rating == "" || !gridbot.ValidRating(rating) {
		s.showTracking(w, r, http.StatusUnprocessableEntity, "请选择 满意、基本满意 或 不满意。")
		return
	}
	if utf8.RuneCountInString(comment) > 500 {
		s.showTracking(w, r, http.StatusUnprocessableEntity, "意见请写在 500 字以内。")
		return
	}
	var tr gridbot.Tracking
	err := s.d.Store.View(r.Context(), func(tx gridbot.Tx) error {
		var err error
		tr, err = tx.TrackingByToken(token)
		return err
	})
	if !s.found(w, r, err) {
		return
	}
	now := s.d.Clock.Now()
	m := gridbot.Message{Platform: gridbot.PlatformWeb, TownID: tr.TownID, ChatID: "web:" + token[:8], ChatKind: gridbot.ChatGroup,
		SenderID: gridbot.Villager, MsgID: "rate:" + token, At: now}
	jobs, err := s.d.Pipe.Web(r.Context(), m, func(tx gridbot.Tx) ([]gridbot.Notice, error) {
		return villagerRating(tx, tr, rating, comment, now)
	})
	switch code := gridbot.ErrorCode(err); {
	case errors.Is(err, bot.ErrDuplicate) || code == gridbot.ECONFLICT:
		s.showTracking(w, r, http.StatusConflict, "这个问题已经评价过了，每个问题只评价一次。")
		return
	case code == gridbot.EINVALID:
		s.showTracking(w, r, http.StatusUnprocessableEntity, gridbot.ErrorMessage(err))
		return
	case err != nil:
		s.fail(w, r, err)
		return
	}
	if s.d.Deliver != nil && len(jobs) > 0 {
		s.d.Deliver(jobs)
	}
	http.Redirect(w, r, "/t/"+token+"?rated=1", http.StatusSeeOther)
}

// villagerRating records the villager's rating in tx and returns its notices.
func villagerRating(tx gridbot.Tx, tr gridbot.Tracking, rating, comment string, now time.Time) ([]gridbot.Notice, error) {
	i, err := tx.IssueByNo(tr.TownID, tr.IssueNo)
	if err != nil {
		return nil, err
	}
	if !i.Closed() {
		return nil, gridbot.Errorf(gridbot.EINVALID, "这个问题还没有办结，办结后才能评价。")
	}
	tr.Replaced = ""
	if i.Rating != "" {
		tr.Replaced = i.Rating
	}
	tr.Rating, tr.Comment, tr.RatedAt = rating, comment, now
	if err := tx.RateTracking(tr); err != nil {
		return nil, err
	}
	i.Rating, i.RatedBy, i.RatedAt = rating, gridbot.Villager, now
	if err := tx.UpdateIssue(i); err != nil {
		return nil, err
	}
	gs, err := tx.Grids(tr.TownID)
	if err != nil {
		return nil, err
	}
	var grid string
	for _, g := range gs {
		if g.ID == i.GridID {
			grid = g.Name
		}
	}
	text := fmt.Sprintf("村民通过网格码评价 问题#%d：%s", i.No, rating)
	if tr.Replaced != "" {
		text += fmt.Sprintf("（代替群里录入的「%s」）", tr.Replaced)
	}
	if comment != "" {
		text += "。意见：" + comment
	}
	notices := []gridbot.Notice{{Key: fmt.Sprintf("web:rating:%d", i.No),
		To: gridbot.Destination{Kind: gridbot.DestGroup, Scope: gridbot.ScopeGrid, Name: grid}, Text: text}}
	if rating == gridbot.Ratings[2] {
		people, err := tx.People(tr.TownID)
		if err != nil {
			return nil, err
		}
		for _, p := range people {
			if p.Active && (p.Role == gridbot.RoleOffice || (p.Role == gridbot.RoleLeader && p.GridID == i.GridID)) {
				notices = append(notices, gridbot.Notice{Key: fmt.Sprintf("web:unsatisfied:%d:%s", i.No, p.UserID),
					To: gridbot.ToPerson(p.UserID), Text: fmt.Sprintf("%s（%s）。问题：%s；办理结果：%s", text, grid, i.Description, i.Result)})
			}
		}
	}
	return notices, nil
}
