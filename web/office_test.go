package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"gridbot"
	"gridbot/internal/bottest"
	"gridbot/internal/testkit"
)

func TestOfficeLogin(t *testing.T) {
	s := newSite(t, testkit.OpenSQLite(t))
	c := client()
	// No session: to the page that says how to get a link.
	if code, _ := status(t, c, "GET", s.srv.URL+"/office", nil); code != http.StatusSeeOther {
		t.Fatalf("/office without a session: %d", code)
	}
	if !strings.Contains(get(t, c, s.srv.URL+"/office/help"), "发送「后台」") {
		t.Error("help page")
	}
	s.tw.Refused("2026-10-05 09:00", bottest.Leader1, "后台", gridbot.EFORBIDDEN)
	link := loginLink(t, s)
	if code, _ := status(t, c, "GET", link, nil); code != http.StatusSeeOther {
		t.Fatalf("login: %d", code)
	}
	if page := get(t, c, s.srv.URL+"/office"); !strings.Contains(page, "月度排名") || !strings.Contains(page, "王海") {
		t.Fatalf("dashboard:\n%s", page)
	}
	// Once only: another browser gets 410 and no session.
	c2 := client()
	if code, body := status(t, c2, "GET", link, nil); code != http.StatusGone || !strings.Contains(body, "已失效") {
		t.Errorf("second use: %d", code)
	}
	if code, _ := status(t, c2, "GET", s.srv.URL+"/office", nil); code != http.StatusSeeOther {
		t.Errorf("second browser got in: %d", code)
	}
	// Expired after 10 minutes.
	late := loginLink(t, s)
	s.clock.Add(11 * 60e9)
	if code, _ := status(t, client(), "GET", late, nil); code != http.StatusGone {
		t.Errorf("expired link: %d", code)
	}
	// September gets a record, so that it can be published (an empty month cannot).
	s.tw.Must("2026-09-10 08:00", bottest.Member1, "上报 海滨路路灯不亮")
	// CSRF: a form without the token is refused; with it, it runs.
	if code, _ := status(t, c, "POST", s.srv.URL+"/office/publish", url.Values{"month": {"2026-09"}}); code != http.StatusForbidden {
		t.Errorf("publish without the form token: %d", code)
	}
	csrf := regexp.MustCompile(`name="csrf" value="([^"]+)"`).FindStringSubmatch(get(t, c, s.srv.URL+"/office"))
	if csrf == nil {
		t.Fatal("no form token on the dashboard")
	}
	if code, body := status(t, c, "POST", s.srv.URL+"/office/publish", url.Values{"month": {"2026-09"}, "csrf": {csrf[1]}}); code != 200 || !strings.Contains(body, "已发布") {
		t.Errorf("publish: %d %s", code, body)
	}
	for _, p := range []string{"/office/index", "/office/index.svg", "/office/issues", "/office/notices", "/office/audit", "/office/posters", "/office/export?month=2026-09"} {
		if code, body := status(t, c, "GET", s.srv.URL+p, nil); code != 200 {
			t.Errorf("%s: %d %s", p, code, body)
		}
	}
	if !strings.Contains(get(t, c, s.srv.URL+"/office/audit"), "2026-09") {
		t.Error("the publish is not in the audit log")
	}
}
