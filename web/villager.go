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
