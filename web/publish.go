package web

import (
	"errors"
	"fmt"
	"net/http"
	"strings"

	"gridbot"
	"gridbot/bot"
	"gridbot/handlers"
	"gridbot/present"
	"gridbot/review"
)

// The dashboard's 发布 is the chat's: the ranking page's button opens the
// preview (review.Preview, what 发布 <月份> answers in chat), whose
// 确认发布 button runs review.Publish — the function of 确认发布 and of
// gridbot publish — with the office member as its author: the same checks
// and refusals, the same audit entry, and the same announcements to the
// town's, the villages' and the grids' groups, queued through the
// pipeline's notifier in the publishing transaction.

// publishView is the preview of a month's publication.
type publishView struct {
	Month        string
	Announcement []announceLine // what the town's group will read
	Payouts      int
	TotalYuan    int
	Robots       int      // groups with a robot registered
	Warnings     []string // what looks odd
	Ready        bool     // 确认发布 may follow now
	Nonce        string   // the form's id: sent twice, it publishes once
}

// announceLine is a line of a group announcement (the robots' markdown:
// "## " headings and "**…**" lines) as it will read.
type announceLine struct {
	Text       string
	Head, Bold bool
}

// announceLines splits a markdown announcement into lines to show.
func announceLines(markdown string) []announceLine {
	var out []announceLine
	for _, l := range strings.Split(strings.TrimSpace(markdown), "\n") {
		switch {
		case strings.HasPrefix(l, "## "):
			out = append(out, announceLine{Text: strings.TrimPrefix(l, "## "), Head: true})
		case len(l) > 4 && strings.HasPrefix(l, "**") && strings.HasSuffix(l, "**"):
			out = append(out, announceLine{Text: strings.Trim(l, "*"), Bold: true})
		default:
			out = append(out, announceLine{Text: l})
		}
	}
	return out
}

// publishPage is the preview (?month=): review.Preview's ranking, payouts
// and warnings, and the 确认发布 button when the month may be published.
func (s *Server) publishPage(w http.ResponseWriter, r *http.Request, ss *session) {
	month := r.URL.Query().Get("month")
	if err := gridbot.CheckMonth(month); err != nil {
		s.refuse(w, r, ss, err, back(month))
		return
	}
	var o *review.Outcome
	err := s.d.Store.View(r.Context(), func(tx gridbot.Tx) (err error) {
		o, err = review.Preview(tx, ss.TownID, s.d.Pipe.Handler.Rules, month, s.d.Clock.Now())
		return err
	})
	if err != nil {
		s.refuse(w, r, ss, err, back(month))
		return
	}
	v := publishView{Month: month, Robots: o.Robots, Warnings: o.Warnings, Ready: o.Ready, Nonce: handlers.NewToken()}
	if rk := o.Ranking; rk != nil {
		v.Announcement = announceLines(present.Announcement(rk))
		v.Payouts, v.TotalYuan = len(rk.Payouts), rk.TotalYuan
	}
	ss.Nav = "ranking"
	s.render(w, http.StatusOK, "publish", page{Title: "发布 " + month, Office: ss, Data: v})
}

// publish is 确认发布 from the dashboard: review.Publish in the pipeline's
// one transaction (which also claims the form's id), its announcements
// queued through the notifier there and sent after the commit.
func (s *Server) publish(w http.ResponseWriter, r *http.Request, ss *session) {
	month, nonce := r.PostFormValue("month"), r.PostFormValue("nonce")
	if err := gridbot.CheckMonth(month); err != nil {
		s.refuse(w, r, ss, err, back(month))
		return
	}
	now := s.d.Clock.Now()
	m := gridbot.Message{Platform: gridbot.PlatformWeb, TownID: ss.TownID, ChatID: "web:office", ChatKind: gridbot.ChatSingle,
		SenderID: ss.UserID, At: now}
	if tokenRE.MatchString(nonce) {
		m.MsgID = "publish:" + nonce
	}
	var o *review.Outcome
	jobs, err := s.d.Pipe.Web(r.Context(), m, func(tx gridbot.Tx) ([]gridbot.Notice, error) {
		var err error
		if o, err = review.Publish(tx, ss.TownID, s.d.Pipe.Handler.Rules, month, ss.UserID, now); err != nil {
			return nil, err
		}
		return o.Notices, nil
	})
	if errors.Is(err, bot.ErrDuplicate) {
		s.render(w, http.StatusOK, "message", page{Title: "已发布", Office: ss, Data: message{Heading: "已发布",
			Text: month + " 已经发布：这个表单刚才已经提交过，没有再次发布。", Link: back(month), LinkText: "查看排名"}})
		return
	} else if err != nil {
		s.refuse(w, r, ss, err, back(month))
		return
	}
	if s.d.Deliver != nil && len(jobs) > 0 {
		s.d.Deliver(jobs)
	}
	text := fmt.Sprintf("%s 已发布并冻结。公告已排队推送到 %d 个群机器人：镇级群收到全镇排名，各村群收到本村人员的名次，各网格群收到本网格每人的结果（网格之星会被 @）；没有登记机器人的群不推送。", month, len(jobs))
	if len(jobs) == 0 {
		text = month + " 已发布并冻结。本镇没有登记群机器人，公告没有推送：请用 gridbot import webhooks 登记镇、村、网格群的机器人。"
	}
	ss.Nav = "ranking"
	s.render(w, http.StatusOK, "published", page{Title: "已发布 " + month, Office: ss,
		Data: publishedView{Month: month, Text: text, Announcement: announceLines(o.Text)}})
}

// publishedView is the answer to 确认发布.
type publishedView struct {
	Month        string
	Text         string
	Announcement []announceLine
}
