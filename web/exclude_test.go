package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"gridbot"
	"gridbot/handlers"
	"gridbot/internal/bottest"
	"gridbot/internal/testkit"
	"gridbot/results"
)

// rankSeptember gives 2026-09 a ranking: 陈强 70, 王海 60, 张伟 60 and
// 林小燕 55 (22 check-ins, base points; everyone else's base points are 0).
func rankSeptember(t testing.TB, s *site) {
	t.Helper()
	base := map[string]float64{bottest.Leader1: 75, bottest.Member1: 65, bottest.ZhangWei1: 65, bottest.Member1b: 60}
	err := s.tw.Store.Update(ctx, func(tx gridbot.Tx) error {
		var cs []gridbot.Checkin
		var bps []gridbot.BasePoint
		for _, u := range []string{bottest.Leader1, bottest.Member1, bottest.ZhangWei1, bottest.Member1b, bottest.Leader2,
			bottest.WangFang2, bottest.Member2, bottest.LinXY2, bottest.Leader3, bottest.ZhangWei3, bottest.WangFang3} {
			bps = append(bps, gridbot.BasePoint{UserID: u, Month: "2026-09", Points: base[u]})
			for d := 1; base[u] > 0 && d <= 22; d++ {
				at := testkit.At(fmt.Sprintf("2026-09-%02d 07:30", d))
				cs = append(cs, gridbot.Checkin{TownID: s.tw.ID, UserID: u, Day: gridbot.Day(at), At: at, Source: gridbot.SourceImport,
					Record: gridbot.Record{RecordedBy: "import", RecordedAt: at, Platform: "import"}})
			}
		}
		if _, err := tx.AddCheckins(s.tw.ID, cs); err != nil {
			return err
		}
		return tx.SetBasePoints(s.tw.ID, "2026-09", bps)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// officeClient logs a browser without JavaScript in as the office and
// returns it with the session's form token.
func officeClient(t testing.TB, s *site) (*http.Client, string) {
	t.Helper()
	c := client()
	if code, _ := status(t, c, "GET", loginLink(t, s), nil); code != http.StatusSeeOther {
		t.Fatalf("login: %d", code)
	}
	m := regexp.MustCompile(`name="csrf" value="([^"]+)"`).FindStringSubmatch(get(t, c, s.srv.URL+"/office"))
	if m == nil {
		t.Fatal("no form token on the dashboard")
	}
	return c, m[1]
}

var tableRE = regexp.MustCompile(`(?s)<div class="card" id="ranking"><table>.*?</table>`)

// rankingRows returns the rows of the ranking table of a dashboard page
// (not the card of the excluded), as "place name".
func rankingRows(t testing.TB, page string) []string {
	t.Helper()
	table := tableRE.FindString(page)
	if table == "" {
		t.Fatalf("no ranking table:\n%s", page)
	}
	var rows []string
	for _, m := range regexp.MustCompile(`<tr><td class="num">([^<]*)</td><td>([^<]*)</td>`).FindAllStringSubmatch(table, -1) {
		rows = append(rows, m[1]+" "+m[2])
	}
	return rows
}

// exclusions returns the month's exclusions in the store.
func (s *site) exclusions(month string) (es []gridbot.Exclusion) {
	s.tw.View(func(tx gridbot.Tx) (err error) { es, err = tx.Exclusions(s.tw.ID, month); return err })
	return es
}

// audit returns the town's audit log as "action by ref reason" lines.
func (s *site) audit() (lines []string) {
	s.tw.View(func(tx gridbot.Tx) error {
		log, err := tx.AuditLog(s.tw.ID, time.Time{}, time.Time{})
		for _, e := range log {
			lines = append(lines, strings.TrimSpace(e.Action+" "+e.By+" "+e.Ref+" "+e.Reason))
		}
		return err
	})
	return lines
}

func mustContain(t testing.TB, what, got string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(got, w) {
			t.Errorf("%s lacks %q:\n%s", what, w, got)
		}
	}
}

// TestOfficeExclude is 取消排名 and 恢复排名 by the dashboard's buttons, on
// both engines: refused without the form token, without a reason, for an
// unknown member, twice, and for a published month (in review's words), each
// time with nothing changed; done, the member leaves the live ranking at
// once (though the board keeps results for an hour), the places below move
// up, the card of the excluded says why and who, the chat's 排行 agrees, and
// the audit log has the chat's entries. A session of someone who is not the
// office changes nothing.
func TestOfficeExclude(t *testing.T) {
	testkit.Engines(t, func(t *testing.T, st gridbot.Store) {
		s := newSite(t, st)
		s.h.Board = results.NewBoard(time.Hour)
		rankSeptember(t, s)
		c, csrf := officeClient(t, s)
		sept := s.srv.URL + "/office?month=2026-09"
		page := get(t, c, sept)
		if got := rankingRows(t, page); len(got) < 4 || got[0] != "1 陈强" || got[1] != "2(并列) 王海" || got[3] != "4 林小燕" {
			t.Fatalf("ranking before: %q", got)
		}
		mustContain(t, "the ranking", page, `href="/office/exclude?month=2026-09&amp;user=U101">取消排名</a>`, "本月没有人被取消排名")

		form := get(t, c, s.srv.URL+"/office/exclude?month=2026-09&user=U101")
		mustContain(t, "the form", form, "取消排名：陈强（滨海村一网格） 2026-09", "名次 1", `name="reason"`, `name="csrf" value="`+csrf+`"`)
		if code, body := status(t, c, "GET", s.srv.URL+"/office/exclude?month=2026-09&user=U999", nil); code != http.StatusNotFound ||
			!strings.Contains(body, "花名册中没有用户ID为「U999」") {
			t.Errorf("form of an unknown member: %d %s", code, body)
		}

		post := func(path string, vals url.Values) (int, string) {
			t.Helper()
			return status(t, c, "POST", s.srv.URL+path, vals)
		}
		ex := func(user, month, reason string) url.Values {
			return url.Values{"csrf": {csrf}, "month": {month}, "user": {user}, "reason": {reason}}
		}
		noToken := ex("U101", "2026-09", "例会多次无故缺席")
		noToken.Del("csrf")
		for _, r := range []struct {
			vals url.Values
			code int
			want string
		}{
			{noToken, http.StatusForbidden, "请求无效"},
			{ex("U101", "2026-09", "   "), http.StatusUnprocessableEntity, "请写明取消排名的理由"},
			{ex("U999", "2026-09", "例会多次无故缺席"), http.StatusNotFound, "花名册中没有用户ID为「U999」"},
			{ex(bottest.Office, "2026-09", "例会多次无故缺席"), http.StatusUnprocessableEntity, "本来就不参加排名"},
			{ex("U101", "2026-13", "例会多次无故缺席"), http.StatusUnprocessableEntity, "月份应写成 YYYY-MM"},
		} {
			code, body := post("/office/exclude", r.vals)
			if code != r.code || !strings.Contains(body, r.want) {
				t.Errorf("exclude %v: %d, want %d and %q:\n%s", r.vals, code, r.code, r.want, body)
			}
		}
		if es, log := s.exclusions("2026-09"), s.audit(); len(es) != 0 || len(log) != 0 {
			t.Fatalf("refused forms changed something: %+v %q", es, log)
		}
		// A refusal keeps what was typed: the reason is there again.
		_, body := post("/office/exclude", ex("U101", "2026-09", strings.Repeat("缺", 201)))
		mustContain(t, "the refused form", body, "最多 200 个字", strings.Repeat("缺", 201)+"</textarea>")

		resp, err := c.PostForm(s.srv.URL+"/office/exclude", ex("U101", "2026-09", "例会多次无故缺席"))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if loc := resp.Header.Get("Location"); resp.StatusCode != http.StatusSeeOther || loc != "/office?month=2026-09&excluded=U101#excluded" {
			t.Fatalf("exclude: %d %q", resp.StatusCode, resp.Header.Get("Location"))
		}
		page = get(t, c, s.srv.URL+"/office?month=2026-09&excluded=U101")
		if got := rankingRows(t, page); len(got) < 3 || got[0] != "1(并列) 王海" || got[1] != "1(并列) 张伟" || got[2] != "3 林小燕" || strings.Contains(strings.Join(got, ","), "陈强") {
			t.Errorf("ranking after 取消排名: %q", got)
		}
		mustContain(t, "the ranking", page, "已取消 陈强（滨海村一网格）2026-09 的排名：例会多次无故缺席。",
			"已取消排名（综合表现）1 人", "<td>陈强</td><td>滨海村一网格</td><td class=\"num\">70.0</td><td>例会多次无故缺席</td><td>郑敏</td>",
			`action="/office/restore"`)
		if es := s.exclusions("2026-09"); len(es) != 1 || es[0].UserID != "U101" || es[0].By != bottest.Office || es[0].Reason != "例会多次无故缺席" {
			t.Errorf("exclusions: %+v", es)
		}
		if log := s.audit(); len(log) != 1 || log[0] != "exclude "+bottest.Office+" U101 2026-09 例会多次无故缺席" {
			t.Errorf("audit log: %q", log)
		}
		mustContain(t, "排行", s.tw.Must("2026-10-05 09:30", bottest.Member2, "排行 2026-09"), "陈强（滨海村一网格）本月因综合表现不参加排名：例会多次无故缺席")
		mustContain(t, "the audit page", get(t, c, s.srv.URL+"/office/audit"), "取消排名", "例会多次无故缺席")
		if code, body := post("/office/exclude", ex("U101", "2026-09", "又一次")); code != http.StatusConflict || !strings.Contains(body, "已被取消排名") {
			t.Errorf("second exclusion: %d %s", code, body)
		}
		form = get(t, c, s.srv.URL+"/office/exclude?month=2026-09&user=U101")
		mustContain(t, "the form of an excluded member", form, "已取消排名：例会多次无故缺席", `action="/office/restore"`)

		// 恢复排名: back in first place.
		if code, _ := post("/office/restore", url.Values{"csrf": {csrf}, "month": {"2026-09"}, "user": {"U101"}}); code != http.StatusSeeOther {
			t.Fatalf("restore: %d", code)
		}
		page = get(t, c, s.srv.URL+"/office?month=2026-09&restored=U101")
		if got := rankingRows(t, page); len(got) == 0 || got[0] != "1 陈强" {
			t.Errorf("ranking after 恢复排名: %q", got)
		}
		mustContain(t, "the ranking", page, "已恢复 陈强（滨海村一网格）2026-09 的排名。", "本月没有人被取消排名")
		if code, body := post("/office/restore", url.Values{"csrf": {csrf}, "month": {"2026-09"}, "user": {"U101"}}); code != http.StatusNotFound ||
			!strings.Contains(body, "没有被取消排名") {
			t.Errorf("second restore: %d %s", code, body)
		}

		// A published month: refused in words, nothing changed.
		if code, _ := post("/office/exclude", ex("U101", "2026-09", "例会多次无故缺席")); code != http.StatusSeeOther {
			t.Fatalf("exclude again: %d", code)
		}
		if code, body := post("/office/publish", url.Values{"csrf": {csrf}, "month": {"2026-09"}}); code != 200 {
			t.Fatalf("publish: %d %s", code, body)
		}
		before := s.audit()
		code, body := post("/office/exclude", ex("U102", "2026-09", "例会缺席"))
		if code != http.StatusConflict {
			t.Errorf("exclusion from a published month: %d", code)
		}
		mustContain(t, "the refusal", body, "2026-09 已发布，排名已冻结，不能取消排名。如需更改，请先「撤销发布 2026-09 &lt;理由&gt;」。")
		if strings.Contains(body, `action="/office/exclude"`) {
			t.Error("the refusal offers the form of a published month again")
		}
		if code, body := post("/office/restore", url.Values{"csrf": {csrf}, "month": {"2026-09"}, "user": {"U101"}}); code != http.StatusConflict ||
			!strings.Contains(body, "不能恢复排名") {
			t.Errorf("restore in a published month: %d %s", code, body)
		}
		if es, log := s.exclusions("2026-09"), s.audit(); len(es) != 1 || len(log) != len(before) {
			t.Errorf("a published month changed: %+v %q", es, log)
		}
		form = get(t, c, s.srv.URL+"/office/exclude?month=2026-09&user=U102")
		mustContain(t, "the form in a published month", form, "2026-09 已发布，排名已冻结，不能再取消或恢复", "撤销发布 2026-09 &lt;理由&gt;")
		if strings.Contains(form, `action="/office/exclude"`) {
			t.Error("a published month offers the form")
		}
		page = get(t, c, sept)
		mustContain(t, "the published ranking", page, "已取消排名（综合表现）1 人", "例会多次无故缺席", "本月已发布，不能再改")
		if strings.Contains(page, "/office/exclude?") || strings.Contains(page, `action="/office/restore"`) {
			t.Error("a published month offers 取消排名 or 恢复排名")
		}

		// Not the office: a session of a member (or of someone no longer in
		// the office) is sent to the login help, and nothing changes.
		token := handlers.NewToken()
		err = st.Update(ctx, func(tx gridbot.Tx) error {
			return tx.AddSession(handlers.HashToken(token), gridbot.WebSession{TownID: s.tw.ID, UserID: bottest.Leader1, CSRF: "member-csrf",
				Expires: s.clock.Now().Add(time.Hour)})
		})
		if err != nil {
			t.Fatal(err)
		}
		member := client()
		u, _ := url.Parse(s.srv.URL)
		member.Jar.SetCookies(u, []*http.Cookie{{Name: "gridbot_session", Value: token}})
		for _, c := range []*http.Client{member, client()} {
			vals := url.Values{"csrf": {"member-csrf"}, "month": {"2026-10"}, "user": {"U102"}, "reason": {"例会缺席"}}
			if code, _ := status(t, c, "POST", s.srv.URL+"/office/exclude", vals); code != http.StatusSeeOther {
				t.Errorf("exclude by a member: %d", code)
			}
			if code, _ := status(t, c, "GET", s.srv.URL+"/office/exclude?month=2026-10&user=U102", nil); code != http.StatusSeeOther {
				t.Errorf("form for a member: %d", code)
			}
		}
		if es := s.exclusions("2026-10"); len(es) != 0 {
			t.Errorf("a member excluded someone: %+v", es)
		}
	})
}
