package web

import (
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"gridbot"
	"gridbot/bot"
	"gridbot/handlers"
)

// gridEntry is what the villager page shows of a grid, kept gridCacheTTL.
type gridEntry struct {
	grid    gridbot.Grid
	leaders []gridbot.Person
	at      time.Time
}

// gridOf returns the grid of link with its leaders.
func (s *Server) gridOf(tx gridbot.Tx, l gridbot.GridLink) (gridEntry, error) {
	now := time.Now()
	s.mu.Lock()
	e, ok := s.grids[l.GridID]
	s.mu.Unlock()
	if ok && now.Sub(e.at) < gridCacheTTL {
		return e, nil
	}
	gs, err := tx.Grids(l.TownID)
	if err != nil {
		return e, err
	}
	e = gridEntry{at: now}
	for _, g := range gs {
		if g.ID == l.GridID {
			e.grid = g
		}
	}
	if e.grid.ID == 0 {
		return e, gridbot.Errorf(gridbot.ENOTFOUND, "grid %d not found", l.GridID)
	}
	people, err := tx.People(l.TownID)
	if err != nil {
		return e, err
	}
	for _, p := range people {
		if p.Active && p.GridID == l.GridID && p.Role == gridbot.RoleLeader {
			e.leaders = append(e.leaders, p)
		}
	}
	s.mu.Lock()
	s.grids[l.GridID] = e
	s.mu.Unlock()
	return e, nil
}

// villagerView is the villager page.
type villagerView struct {
	Token   string
	Nonce   string
	Grid    gridbot.Grid
	Leaders []gridbot.Person
	Open    []issueLine
	Text    string // kept when the form comes back with a refusal
	Phone   string
	Problem string
}

// issueLine is one issue of the grid's public list: no names, no phones.
type issueLine struct {
	No    int64
	Text  string
	State string
	At    time.Time
}

func (s *Server) villagerPage(w http.ResponseWriter, r *http.Request) {
	s.showVillager(w, r, http.StatusOK, villagerView{})
}

// showVillager renders a grid's villager page with v's form values.
func (s *Server) showVillager(w http.ResponseWriter, r *http.Request, status int, v villagerView) {
	token := r.PathValue("token")
	err := s.d.Store.View(r.Context(), func(tx gridbot.Tx) error {
		l, err := tx.GridByToken(token)
		if err != nil {
			return err
		}
		e, err := s.gridOf(tx, l)
		if err != nil {
			return err
		}
		v.Token, v.Grid, v.Leaders = token, e.grid, e.leaders
		open, err := tx.OpenIssues(l.TownID, l.GridID)
		if err != nil {
			return err
		}
		for _, i := range open {
			v.Open = append(v.Open, issueLine{No: i.No, Text: short(i.Description, 30), State: publicState(i), At: i.ReportedAt})
		}
		return nil
	})
	if !s.found(w, r, err) {
		return
	}
	if v.Nonce == "" {
		v.Nonce = handlers.NewToken()
	}
	s.render(w, status, "villager", page{Title: v.Grid.Name + " 网格码", Data: v})
}

// publicState says where an issue stands, without names.
func publicState(i gridbot.Issue) string {
	switch {
	case i.Rating != "":
		return "已办结，已评价"
	case i.Closed():
		return "已办结"
	case i.Dispatched():
		return "办理中"
	}
	return "待派发"
}

var (
	phoneRE = regexp.MustCompile(`^[0-9+\- ]{5,20}$`)
	tokenRE = regexp.MustCompile(`^[A-Za-z0-9_-]{43}$`)
)

// report takes a villager's report: the limits, the photos, then 上报 in
// one transaction with the tracking link, and the tracking page.
func (s *Server) report(w http.ResponseWriter, r *http.Request) {
	token := r.PathValue("token")
	ctx := r.Context()
	if !s.allow(ctx, "web:ip:"+clientIP(r), IPRate, time.Minute) {
		s.say(w, http.StatusTooManyRequests, "提交太频繁", fmt.Sprintf("同一网络每分钟最多提交 %d 个问题。请稍等一分钟再提交；急事请直接打电话给网格长。", IPRate))
		return
	}
	if r.ContentLength > MaxReport {
		s.tooLarge(w)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, MaxReport)
	if err := r.ParseMultipartForm(1 << 20); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			s.tooLarge(w)
			return
		}
		s.say(w, http.StatusBadRequest, "提交没有成功", "表单没有完整收到，请返回重新填写提交。")
		return
	}
	defer r.MultipartForm.RemoveAll()
	v := villagerView{Text: strings.TrimSpace(r.FormValue("text")), Phone: strings.TrimSpace(r.FormValue("phone")),
		Nonce: r.FormValue("nonce")}
	if !tokenRE.MatchString(v.Nonce) {
		v.Nonce = handlers.NewToken()
	}
	switch {
	case v.Text == "":
		v.Problem = "请写明问题的内容（地点、什么事）。"
	case utf8.RuneCountInString(v.Text) > MaxText:
		v.Problem = fmt.Sprintf("问题描述太长了，请写在 %d 字以内。", MaxText)
	case v.Phone != "" && !phoneRE.MatchString(v.Phone):
		v.Problem = "手机号只能写数字，例如 13812345678；也可以不填。"
	}
	var images []gridbot.Image
	if v.Problem == "" {
		var err error
		images, err = readPhotos(r.MultipartForm.File["photos"])
		if err != nil {
			v.Problem = err.Error()
		}
	}
	if v.Problem != "" {
		s.showVillager(w, r, http.StatusUnprocessableEntity, v)
		return
	}
	var lat, lng *float64
	if a, err1 := strconv.ParseFloat(r.FormValue("lat"), 64); err1 == nil && a >= -90 && a <= 90 {
		if b, err2 := strconv.ParseFloat(r.FormValue("lng"), 64); err2 == nil && b >= -180 && b <= 180 {
			lat, lng = &a, &b
		}
	}
	var link gridbot.GridLink
	err := s.d.Store.View(ctx, func(tx gridbot.Tx) error {
		var err error
		link, err = tx.GridByToken(token)
		return err
	})
	if !s.found(w, r, err) {
		return
	}
	if !s.allow(ctx, "web:grid:"+strconv.FormatInt(link.GridID, 10), GridRate, time.Hour) {
		s.say(w, http.StatusTooManyRequests, "提交太频繁", "这个网格这一小时收到的问题太多了，请稍后再提交；急事请直接打电话给网格长。")
		return
	}
	now := s.d.Clock.Now()
	m := gridbot.Message{Platform: gridbot.PlatformWeb, TownID: link.TownID, ChatID: "web:" + token[:8],
		ChatKind: gridbot.ChatGroup, SenderID: gridbot.Villager, Text: v.Text, MsgID: "report:" + v.Nonce, At: now}
	jobs, err := s.d.Pipe.Web(ctx, m, func(tx gridbot.Tx) ([]gridbot.Notice, error) {
		e, err := s.gridOf(tx, link)
		if err != nil {
			return nil, err
		}
		reply, issue, err := s.d.Pipe.Handler.VillagerReport(ctx, tx, m, e.grid, v.Text)
		if err != nil {
			return nil, err
		}
		if err := tx.AddTracking(gridbot.Tracking{TownID: link.TownID, IssueNo: issue.No, Token: v.Nonce,
			Phone: v.Phone, Lat: lat, Lng: lng, At: now}); err != nil {
			return nil, err
		}
		for i := range images {
			images[i].TownID, images[i].Kind, images[i].No, images[i].At = link.TownID, gridbot.KindIssue, issue.No, now
			if err := tx.AddImage(&images[i]); err != nil {
				return nil, err
			}
		}
		text := fmt.Sprintf("村民通过网格码上报 #%d", issue.No)
		if len(images) > 0 {
			text += fmt.Sprintf("（附照片 %d 张）", len(images))
		}
		if v.Phone != "" {
			text += "，联系电话 " + v.Phone
		}
		if lat != nil {
			text += fmt.Sprintf("，位置 %.5f,%.5f", *lat, *lng)
		}
		text += "\n" + reply.Text
		notices := []gridbot.Notice{{Key: fmt.Sprintf("web:report:%d", issue.No),
			To: gridbot.Destination{Kind: gridbot.DestGroup, Scope: gridbot.ScopeGrid, Name: e.grid.Name}, Text: text}}
		return append(notices, reply.Also...), nil
	})
	switch code := gridbot.ErrorCode(err); {
	case errors.Is(err, bot.ErrDuplicate):
		// The same form sent again: its report is in, under this token.
	case err == nil:
		if s.d.Deliver != nil && len(jobs) > 0 {
			s.d.Deliver(jobs)
		}
	case code == gridbot.EINVALID || code == gridbot.EFORBIDDEN:
		v.Problem = gridbot.ErrorMessage(err)
		s.showVillager(w, r, http.StatusUnprocessableEntity, v)
		return
	default:
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/t/"+v.Nonce, http.StatusSeeOther)
}

func (s *Server) tooLarge(w http.ResponseWriter) {
	s.say(w, http.StatusRequestEntityTooLarge, "照片太大了",
		fmt.Sprintf("一次提交（文字和照片）最多 %d MB，最多 %d 张照片。请少选几张或换小一点的照片再提交，问题没有登记。", MaxReport>>20, MaxPhotos))
}

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

// trackingPhoto serves a photo of the tracking link's own issue.
func (s *Server) trackingPhoto(w http.ResponseWriter, r *http.Request) {
	token := r.PathValue("token")
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || !tokenRE.MatchString(token) {
		s.notFound(w)
		return
	}
	var img gridbot.Image
	err = s.d.Store.View(r.Context(), func(tx gridbot.Tx) error {
		tr, err := tx.TrackingByToken(token)
		if err != nil {
			return err
		}
		if img, err = tx.Image(tr.TownID, id); err == nil && (img.Kind != gridbot.KindIssue || img.No != tr.IssueNo) {
			err = gridbot.Errorf(gridbot.ENOTFOUND, "not this issue's photo")
		}
		return err
	})
	s.servePhoto(w, r, img, err)
}

func (s *Server) servePhoto(w http.ResponseWriter, r *http.Request, img gridbot.Image, err error) {
	if !s.found(w, r, err) {
		return
	}
	w.Header().Set("Content-Type", img.Mime)
	w.Header().Set("Cache-Control", "private, max-age=86400")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	_, _ = w.Write(img.Data)
}

// short cuts s to n characters.
func short(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}
