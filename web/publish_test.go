package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"gridbot"
	"gridbot/internal/bottest"
	"gridbot/internal/testkit"
)

// everyRobot registers a robot for the town's group and for each village's
// and grid's group of the test town.
func everyRobot(t testing.TB, s *site) {
	t.Helper()
	hooks := []gridbot.Webhook{{Scope: gridbot.ScopeTown, Platform: gridbot.PlatformWeCom, Key: "town-key"}}
	for _, v := range []string{"滨海村", "东海村"} {
		hooks = append(hooks, gridbot.Webhook{Scope: gridbot.ScopeVillage, Name: v, Platform: gridbot.PlatformWeCom, Key: "village-key-" + v})
	}
	for _, g := range []string{"滨海村一网格", "滨海村二网格", "东海村二网格"} {
		hooks = append(hooks, gridbot.Webhook{Scope: gridbot.ScopeGrid, Name: g, Platform: gridbot.PlatformWeCom, Key: "grid-key-" + g})
	}
	if err := s.tw.Store.Update(ctx, func(tx gridbot.Tx) error {
		return tx.ReplaceWebhooks(s.tw.ID, hooks, s.clock.Now())
	}); err != nil {
		t.Fatal(err)
	}
}

// published is what a publication left in the store: the announcement
// jobs (robot's group, key, what it says, whom it @s), the audit entries
// and the frozen result of the month.
type published struct {
	jobs   []string
	audit  []string
	frozen string // the frozen result's JSON; "" for none
}

func (s *site) published(month string) published {
	s.t.Helper()
	var p published
	s.tw.View(func(tx gridbot.Tx) error {
		jobs, err := tx.Jobs(s.tw.ID, "")
		if err != nil {
			return err
		}
		for _, j := range jobs {
			if strings.HasPrefix(j.Key, "publish:") {
				p.jobs = append(p.jobs, fmt.Sprintf("%s/%s %s %q %q %v", j.Webhook.Scope, j.Webhook.Name, j.Key, j.Markdown, j.Text, j.Mentions))
			}
		}
		slices.Sort(p.jobs)
		log, err := tx.AuditLog(s.tw.ID, time.Time{}, time.Time{})
		if err != nil {
			return err
		}
		for _, e := range log {
			p.audit = append(p.audit, fmt.Sprintf("%s %s %s %s %q", e.At.Format("2006-01-02 15:04"), e.By, e.Action, e.Ref, e.Detail))
		}
		data, err := tx.Published(s.tw.ID, gridbot.KindMonth, month)
		if gridbot.ErrorCode(err) == gridbot.ENOTFOUND {
			return nil
		}
		p.frozen = string(data)
		return err
	})
	return p
}

var nonceInput = regexp.MustCompile(`name="nonce" value="([^"]+)"`)

// publishForm opens the dashboard's preview of month and returns the page
// and the nonce of its 确认发布 form ("" when it offers none).
func publishForm(t testing.TB, s *site, c *http.Client, month string) (int, string, string) {
	t.Helper()
	code, page := status(t, c, "GET", s.srv.URL+"/office/publish?month="+month, nil)
	if m := nonceInput.FindStringSubmatch(page); m != nil {
		return code, page, m[1]
	}
	return code, page, ""
}

// The dashboard's 确认发布 leaves what the chat's leaves for the same data:
// the same announcements to the town's, each village's and each grid's
// robot, the same audit entry (by the office member) and the same frozen
// result.
func TestPublishLikeChat(t *testing.T) {
	sites := map[string]*site{}
	for _, via := range []string{"chat", "dashboard"} {
		s := newSite(t, testkit.OpenSQLite(t))
		everyRobot(t, s)
		rankSeptember(t, s)
		sites[via] = s
	}
	chat := sites["chat"]
	chat.tw.P.Notifier = chat.notifier
	if got := chat.tw.Must("2026-10-05 09:00", bottest.Office, "确认发布 2026-09"); !strings.Contains(got, "2026-09 已发布并冻结") {
		t.Fatalf("确认发布 in chat: %s", got)
	}
	dash := sites["dashboard"]
	c, csrf := officeClient(t, dash)
	code, page, nonce := publishForm(t, dash, c, "2026-09")
	if code != http.StatusOK || nonce == "" {
		t.Fatalf("preview: %d, no 确认发布 form:\n%s", code, page)
	}
	for _, want := range []string{"2026-09 党建网格积分排名", "陈强", "月度网格之星", "已登记机器人的群 6 个"} {
		if !strings.Contains(page, want) {
			t.Errorf("preview lacks %q:\n%s", want, page)
		}
	}
	if p := dash.published("2026-09"); len(p.jobs)+len(p.audit) > 0 || p.frozen != "" {
		t.Fatalf("the preview changed something: %+v", p)
	}
	code, body := status(t, c, "POST", dash.srv.URL+"/office/publish", url.Values{"month": {"2026-09"}, "csrf": {csrf}, "nonce": {nonce}})
	if code != http.StatusOK || !strings.Contains(body, "2026-09 已发布并冻结。公告已排队推送到 6 个群机器人") {
		t.Fatalf("确认发布 on the dashboard: %d\n%s", code, body)
	}

	want, got := chat.published("2026-09"), dash.published("2026-09")
	if len(want.jobs) != 6 {
		t.Fatalf("the chat's publish queued %d announcements, want 6 (town, 2 villages, 3 grids):\n%s", len(want.jobs), strings.Join(want.jobs, "\n"))
	}
	for _, scope := range []string{"镇/ ", "村/滨海村 ", "村/东海村 ", "网格/滨海村一网格 ", "网格/东海村二网格 "} {
		if !slices.ContainsFunc(want.jobs, func(j string) bool { return strings.HasPrefix(j, scope) }) {
			t.Errorf("no announcement to %q:\n%s", scope, strings.Join(want.jobs, "\n"))
		}
	}
	if !slices.Equal(got.jobs, want.jobs) {
		t.Errorf("the dashboard queued\n%s\nthe chat\n%s", strings.Join(got.jobs, "\n"), strings.Join(want.jobs, "\n"))
	}
	if len(want.audit) != 1 || !strings.Contains(want.audit[0], bottest.Office+" "+gridbot.AuditPublish+" 2026-09") || !slices.Equal(got.audit, want.audit) {
		t.Errorf("audit: the dashboard's %q, the chat's %q", got.audit, want.audit)
	}
	if want.frozen == "" || got.frozen != want.frozen {
		t.Errorf("frozen results differ:\n%s\n%s", got.frozen, want.frozen)
	}
	// The same form again publishes nothing twice; another says it is published.
	code, body = status(t, c, "POST", dash.srv.URL+"/office/publish", url.Values{"month": {"2026-09"}, "csrf": {csrf}, "nonce": {nonce}})
	if code != http.StatusOK || !strings.Contains(body, "刚才已经提交过") {
		t.Errorf("the form sent twice: %d\n%s", code, body)
	}
	code, body = status(t, c, "POST", dash.srv.URL+"/office/publish", url.Values{"month": {"2026-09"}, "csrf": {csrf}, "nonce": {strings.Repeat("A", 43)}})
	if code != http.StatusConflict || !strings.Contains(body, "2026-09 已发布，结果已冻结") {
		t.Errorf("publishing a published month: %d\n%s", code, body)
	}
	if code, page, _ := publishForm(t, dash, c, "2026-09"); code != http.StatusConflict || !strings.Contains(page, "撤销发布 2026-09") {
		t.Errorf("preview of a published month: %d\n%s", code, page)
	}
	if again := dash.published("2026-09"); !slices.Equal(again.jobs, got.jobs) || len(again.audit) != 1 {
		t.Errorf("sent again, it queued or logged more: %+v", again)
	}
	if page := get(t, c, dash.srv.URL+"/office/audit"); !strings.Contains(page, "郑敏") || !strings.Contains(page, "2026-09") {
		t.Errorf("audit page does not show the office member's publish:\n%s", page)
	}
}

// The dashboard refuses what the chat refuses, in the chat's words, and
// changes nothing: a month without records, a month not over, a month
// that is not one, and a form without the session's token.
func TestPublishRefusals(t *testing.T) {
	testkit.Engines(t, func(t *testing.T, st gridbot.Store) {
		s := newSite(t, st)
		everyRobot(t, s)
		rankSeptember(t, s)
		s.tw.Must("2026-10-05 08:30", bottest.Member1, "上报 海滨路路灯不亮")
		c, csrf := officeClient(t, s)
		before := map[string]published{}
		for _, m := range []string{"2026-08", "2026-09", "2026-10"} {
			before[m] = s.published(m)
		}
		for _, tc := range []struct {
			month string
			code  int
			words string
		}{
			{"2026-08", http.StatusUnprocessableEntity, "2026-08 本镇没有任何记录（打卡、活动、问题……），不能发布"},
			{"2026-10", http.StatusUnprocessableEntity, "2026-10 尚未结束（2026-11-01 00:00 起才能发布）"},
			{"2026-13", http.StatusUnprocessableEntity, "月份"},
		} {
			code, body := status(t, c, "POST", s.srv.URL+"/office/publish", url.Values{"month": {tc.month}, "csrf": {csrf}, "nonce": {strings.Repeat("B", 43)}})
			if code != tc.code || !strings.Contains(body, tc.words) || !strings.Contains(body, "返回排名") {
				t.Errorf("publish %s: %d, want %d and %q:\n%s", tc.month, code, tc.code, tc.words, body)
			}
		}
		// The preview says the same of an empty month, and offers no button
		// for a month not over yet.
		if code, page, _ := publishForm(t, s, c, "2026-08"); code != http.StatusUnprocessableEntity || !strings.Contains(page, "没有任何记录") {
			t.Errorf("preview of an empty month: %d\n%s", code, page)
		}
		if code, page, nonce := publishForm(t, s, c, "2026-10"); code != http.StatusOK || nonce != "" || !strings.Contains(page, "2026-10 尚未结束") {
			t.Errorf("preview of a running month: %d, nonce %q\n%s", code, nonce, page)
		}
		// Without the session's token: 403, whatever the month.
		_, _, nonce := publishForm(t, s, c, "2026-09")
		if code, body := status(t, c, "POST", s.srv.URL+"/office/publish", url.Values{"month": {"2026-09"}, "nonce": {nonce}}); code != http.StatusForbidden ||
			!strings.Contains(body, "请求无效") {
			t.Errorf("publish without the form token: %d\n%s", code, body)
		}
		if code, _ := status(t, c, "POST", s.srv.URL+"/office/publish", url.Values{"month": {"2026-09"}, "nonce": {nonce}, "csrf": {"x" + csrf[1:]}}); code != http.StatusForbidden {
			t.Errorf("publish with a wrong form token: %d", code)
		}
		// Nothing changed: no job, no audit entry, nothing frozen.
		for m, b := range before {
			if after := s.published(m); !slices.Equal(after.jobs, b.jobs) || !slices.Equal(after.audit, b.audit) || after.frozen != "" {
				t.Errorf("%s: a refused publish left %+v", m, after)
			}
		}
		// Then, with its token, it runs.
		if code, body := status(t, c, "POST", s.srv.URL+"/office/publish", url.Values{"month": {"2026-09"}, "nonce": {nonce}, "csrf": {csrf}}); code != http.StatusOK ||
			!strings.Contains(body, "已发布并冻结") {
			t.Errorf("publish: %d\n%s", code, body)
		}
		if p := s.published("2026-09"); len(p.jobs) != 6 || len(p.audit) != 1 || p.frozen == "" {
			t.Errorf("after publishing: %+v", p)
		}
	})
}
