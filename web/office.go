package web

import (
	"bytes"
	"crypto/subtle"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"time"

	"gridbot"
	"gridbot/handlers"
	"gridbot/present"
	"gridbot/sheets"
)

// cookieName is the office session's cookie.
const cookieName = "gridbot_session"

// session is a logged-in office member, for one request.
type session struct {
	gridbot.WebSession
	Name string
	Town gridbot.Town
	Nav  string // the page, for the nav's highlight
}

// login spends a one-time link and starts a session.
func (s *Server) login(w http.ResponseWriter, r *http.Request) {
	token := r.PathValue("token")
	now := s.d.Clock.Now()
	sessionToken := handlers.NewToken()
	err := s.d.Store.Update(r.Context(), func(tx gridbot.Tx) error {
		ws, err := tx.UseLogin(handlers.HashToken(token), now)
		if err != nil {
			return err
		}
		p, err := tx.PersonByUserID(ws.TownID, ws.UserID)
		if err != nil {
			return err
		}
		if !p.Active || p.Role != gridbot.RoleOffice {
			return gridbot.Errorf(gridbot.ENOTFOUND, "no longer office")
		}
		ws.CSRF, ws.Expires = handlers.NewToken(), now.Add(SessionTTL)
		return tx.AddSession(handlers.HashToken(sessionToken), ws)
	})
	if gridbot.ErrorCode(err) == gridbot.ENOTFOUND {
		s.render(w, http.StatusGone, "message", page{Title: "登录链接已失效", Data: message{Heading: "登录链接已失效",
			Text: "这个登录链接已经用过或已过期（每个链接 10 分钟内有效，只能打开一次）。请在企业微信或钉钉里给网格助手发送「后台」，获取新的链接。"}})
		return
	} else if err != nil {
		s.fail(w, r, err)
		return
	}
	http.SetCookie(w, &http.Cookie{Name: cookieName, Value: sessionToken, Path: "/", HttpOnly: true,
		Secure: s.d.Secure, SameSite: http.SameSiteLaxMode, MaxAge: int(SessionTTL / time.Second)})
	http.Redirect(w, r, "/office", http.StatusSeeOther)
}

// loginHelp says how to log in.
func (s *Server) loginHelp(w http.ResponseWriter, r *http.Request) {
	s.render(w, http.StatusOK, "message", page{Title: "党建办后台", Data: message{Heading: "党建办后台",
		Text: "请在企业微信或钉钉里给网格助手发送「后台」（仅党建办人员可用），机器人会私信你一个登录链接，10 分钟内打开有效，只能用一次。"}})
}

// office wraps a dashboard page: a session is required (else the help
// page), and a POST must carry the session's form token.
func (s *Server) office(next func(http.ResponseWriter, *http.Request, *session)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		c, err := r.Cookie(cookieName)
		if err != nil || !tokenRE.MatchString(c.Value) {
			http.Redirect(w, r, "/office/help", http.StatusSeeOther)
			return
		}
		var ss session
		err = s.d.Store.View(r.Context(), func(tx gridbot.Tx) error {
			ws, err := tx.SessionByHash(handlers.HashToken(c.Value), s.d.Clock.Now())
			if err != nil {
				return err
			}
			ss.WebSession = ws
			p, err := tx.PersonByUserID(ws.TownID, ws.UserID)
			if err != nil {
				return err
			}
			if !p.Active || p.Role != gridbot.RoleOffice {
				return gridbot.Errorf(gridbot.ENOTFOUND, "no longer office")
			}
			ss.Name = p.Name
			towns, err := tx.Towns()
			for _, t := range towns {
				if t.ID == ws.TownID {
					ss.Town = t
				}
			}
			return err
		})
		if gridbot.ErrorCode(err) == gridbot.ENOTFOUND {
			http.Redirect(w, r, "/office/help", http.StatusSeeOther)
			return
		} else if err != nil {
			s.fail(w, r, err)
			return
		}
		if r.Method == http.MethodPost {
			r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
			got := r.PostFormValue("csrf")
			if subtle.ConstantTimeCompare([]byte(got), []byte(ss.CSRF)) != 1 {
				s.say(w, http.StatusForbidden, "请求无效", "这个表单已过期或不是从后台页面提交的。请返回后台页面刷新后再操作。")
				return
			}
		}
		next(w, r, &ss)
	}
}

// logout ends the session.
func (s *Server) logout(w http.ResponseWriter, r *http.Request, ss *session) {
	c, _ := r.Cookie(cookieName)
	if err := s.d.Store.Update(r.Context(), func(tx gridbot.Tx) error { return tx.EndSession(handlers.HashToken(c.Value)) }); err != nil {
		s.fail(w, r, err)
		return
	}
	http.SetCookie(w, &http.Cookie{Name: cookieName, Value: "", Path: "/", MaxAge: -1, HttpOnly: true, Secure: s.d.Secure, SameSite: http.SameSiteLaxMode})
	http.Redirect(w, r, "/office/help", http.StatusSeeOther)
}

// failOrSay shows a refusal in words, an internal error as such.
func (s *Server) failOrSay(w http.ResponseWriter, r *http.Request, err error) {
	switch gridbot.ErrorCode(err) {
	case gridbot.EINVALID, gridbot.ENOTFOUND, gridbot.ECONFLICT, gridbot.EFORBIDDEN:
		s.say(w, http.StatusUnprocessableEntity, "无法完成", gridbot.ErrorMessage(err))
	default:
		s.fail(w, r, err)
	}
}

// openIssue is one open issue on the dashboard.
type openIssue struct {
	gridbot.Issue
	Grid     string
	Names    map[string]string
	Due      time.Time
	Overdue  bool
	Left     string
	Images   []gridbot.Image
	Tracking *gridbot.Tracking
}

func (s *Server) issuesPage(w http.ResponseWriter, r *http.Request, ss *session) {
	now := s.d.Clock.Now()
	rules := s.d.Pipe.Handler.Rules
	var list []openIssue
	err := s.d.Store.View(r.Context(), func(tx gridbot.Tx) error {
		open, err := tx.OpenIssues(ss.TownID, 0)
		if err != nil {
			return err
		}
		grids, err := tx.Grids(ss.TownID)
		if err != nil {
			return err
		}
		gname := gridNames(grids)
		people, err := tx.People(ss.TownID)
		if err != nil {
			return err
		}
		names := personNames(people, map[string]string{gridbot.Villager: gridbot.Villager})
		// One query for every open issue's photos (times are not shown).
		nos := make([]int64, len(open))
		for k, i := range open {
			nos[k] = i.No
		}
		photos, err := tx.RecordImages(ss.TownID, gridbot.KindIssue, nos)
		if err != nil {
			return err
		}
		for _, i := range open {
			oi := openIssue{Issue: i, Grid: gname[i.GridID], Names: names, Images: photos[i.No]}
			if i.Dispatched() {
				oi.Due = rules.CloseDeadline(i.ReportedAt)
			} else {
				oi.Due = rules.DispatchDeadline(i.ReportedAt)
			}
			oi.Overdue = now.After(oi.Due)
			oi.Left = countdown(oi.Due.Sub(now))
			if tr, err := tx.TrackingByIssue(ss.TownID, i.No); err == nil {
				oi.Tracking = &tr
			} else if gridbot.ErrorCode(err) != gridbot.ENOTFOUND {
				return err
			}
			list = append(list, oi)
		}
		return nil
	})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	slices.SortStableFunc(list, func(a, b openIssue) int {
		if a.Overdue != b.Overdue {
			if a.Overdue {
				return -1
			}
			return 1
		}
		return a.Due.Compare(b.Due)
	})
	ss.Nav = "issues"
	s.render(w, http.StatusOK, "issues", page{Title: "未办结的问题", Office: ss, Data: list})
}

// countdown writes the time left ("还剩 2天3小时") or past ("超时 5小时").
func countdown(d time.Duration) string {
	word := "还剩 "
	if d < 0 {
		word, d = "已超时 ", -d
	}
	d = d.Round(time.Minute)
	days, hours, mins := int(d/(24*time.Hour)), int(d%(24*time.Hour)/time.Hour), int(d%time.Hour/time.Minute)
	switch {
	case days > 0:
		return fmt.Sprintf("%s%d天%d小时", word, days, hours)
	case hours > 0:
		return fmt.Sprintf("%s%d小时%d分钟", word, hours, mins)
	}
	return fmt.Sprintf("%s%d分钟", word, mins)
}

func (s *Server) noticesPage(w http.ResponseWriter, r *http.Request, ss *session) {
	var jobs []gridbot.OutboundJob
	err := s.d.Store.View(r.Context(), func(tx gridbot.Tx) error {
		var err error
		jobs, err = tx.RecentNotices(ss.TownID, 200)
		return err
	})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	ss.Nav = "notices"
	s.render(w, http.StatusOK, "notices", page{Title: "通知", Office: ss, Data: jobs})
}

// auditLine is one line of the audit log with the actor's name.
type auditLine struct {
	gridbot.AuditEntry
	Name, Action string
}

func (s *Server) auditPage(w http.ResponseWriter, r *http.Request, ss *session) {
	var lines []auditLine
	err := s.d.Store.View(r.Context(), func(tx gridbot.Tx) error {
		log, err := tx.AuditLog(ss.TownID, time.Time{}, time.Time{})
		if err != nil {
			return err
		}
		for k := len(log) - 1; k >= 0 && len(lines) < 500; k-- {
			e := log[k]
			name := e.By
			if p, err := tx.PersonByUserID(ss.TownID, e.By); err == nil {
				name = p.Name
			}
			lines = append(lines, auditLine{AuditEntry: e, Name: name, Action: gridbot.AuditActionName(e.Action)})
		}
		return nil
	})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	ss.Nav = "audit"
	s.render(w, http.StatusOK, "audit", page{Title: "审计记录", Office: ss, Data: lines})
}

// export downloads the month's workbook, as gridbot export month writes it.
func (s *Server) export(w http.ResponseWriter, r *http.Request, ss *session) {
	month := s.month(r)
	res, published, err := s.monthResult(r, ss.TownID, month)
	if err != nil {
		s.failOrSay(w, r, err)
		return
	}
	// sheets writes files: write one in a scratch directory and send it.
	dir, err := os.MkdirTemp("", "gridbot-export-")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, month+".xlsx")
	if err := sheets.Write(path, present.MonthSheets(present.Book{Town: ss.Town.Name, AsAt: res.AsAt},
		present.MonthRanking(res, s.d.Pipe.Handler.Rules, published), res.Grids), s.d.Clock.Now()); err != nil {
		s.fail(w, r, err)
		return
	}
	data, err := os.ReadFile(path)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	b := bytes.NewBuffer(data)
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", `attachment; filename="`+month+`.xlsx"`)
	w.Header().Set("Content-Length", strconv.Itoa(b.Len()))
	_, _ = w.Write(b.Bytes())
}

func (s *Server) officePhoto(w http.ResponseWriter, r *http.Request, ss *session) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		s.notFound(w)
		return
	}
	var img gridbot.Image
	err = s.d.Store.View(r.Context(), func(tx gridbot.Tx) error {
		img, err = tx.Image(ss.TownID, id)
		return err
	})
	s.servePhoto(w, r, img, err)
}
