package web_test

import (
	"bytes"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"gridbot"
	"gridbot/internal/bottest"
	"gridbot/internal/testkit"
	"gridbot/web"
)

func TestVillagerLoop(t *testing.T) {
	testkit.Engines(t, func(t *testing.T, st gridbot.Store) {
		s := newSite(t, st)
		c := client()
		resp := s.report(c, "滨海村一网格", "海滨路3号<script>alert('x')</script>路灯不亮", "13812345678",
			map[string][]byte{"a.jpg": photoWithExif(t)})
		loc := resp.Header.Get("Location")
		if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, "/t/") {
			t.Fatalf("report answered %d %q", resp.StatusCode, loc)
		}
		track := get(t, c, s.srv.URL+loc)
		for _, want := range []string{"#1", "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;", "待派发"} {
			if !strings.Contains(track, want) {
				t.Errorf("tracking page lacks %q:\n%s", want, track)
			}
		}
		if strings.Contains(track, "<script>alert") || strings.Contains(track, "13812345678") {
			t.Errorf("tracking page shows the payload raw or the phone:\n%s", track)
		}
		// The issue is the chat's: numbered, in the grid, listed by 问题.
		i := s.issue(1)
		if i.ReportedBy != gridbot.Villager || i.Platform != gridbot.PlatformWeb {
			t.Errorf("issue %+v", i)
		}
		if got := s.tw.Must("2026-10-05 09:10", bottest.Member1, "问题"); !strings.Contains(got, "问题#1") {
			t.Errorf("问题 does not list the villager's issue: %s", got)
		}
		// The photo: re-encoded, no EXIF, capped.
		var imgs []gridbot.Image
		s.tw.View(func(tx gridbot.Tx) error {
			ims, err := tx.Images(s.tw.ID, gridbot.KindIssue, 1)
			for _, im := range ims {
				full, err := tx.Image(s.tw.ID, im.ID)
				if err != nil {
					return err
				}
				imgs = append(imgs, full)
			}
			return err
		})
		if len(imgs) != 1 || imgs[0].Width != web.MaxSide || bytes.Contains(imgs[0].Data, []byte("Exif")) || bytes.Contains(imgs[0].Data, []byte("GPS")) {
			t.Fatalf("photo kept: %d, %+v", len(imgs), imgs)
		}
		if code, _ := status(t, c, "GET", s.srv.URL+loc+"/photo/"+itoa(imgs[0].ID), nil); code != 200 {
			t.Errorf("own photo: %d", code)
		}
		// Sending the same form again records nothing more.
		if resp := s.post(c, "滨海村一网格", strings.TrimPrefix(loc, "/t/"), "again", "", nil); resp.StatusCode != http.StatusSeeOther ||
			resp.Header.Get("Location") != loc {
			t.Fatalf("second report %d", resp.StatusCode)
		}
		s.tw.View(func(tx gridbot.Tx) error {
			if _, err := tx.IssueByNo(s.tw.ID, 2); gridbot.ErrorCode(err) != gridbot.ENOTFOUND {
				t.Errorf("the form sent twice made issue #2: %v", err)
			}
			return nil
		})
		// Dispatched and closed in chat; the villager rates through the link.
		s.tw.Must("2026-10-05 10:00", bottest.Leader1, "派发 #1 @王海")
		if strings.Contains(get(t, c, s.srv.URL+loc), `name="rating"`) {
			t.Error("rating offered before the issue is closed")
		}
		s.tw.Must("2026-10-05 11:00", bottest.Member1, "办结 #1 已更换灯泡")
		s.tw.Must("2026-10-05 11:05", bottest.Member1b, "评价 #1 满意")
		page := get(t, c, s.srv.URL+loc)
		if !strings.Contains(page, "已更换灯泡") || !strings.Contains(page, `name="rating" value="不满意"`) {
			t.Fatalf("closed tracking page:\n%s", page)
		}
		code, _ := status(t, c, "POST", s.srv.URL+loc, url.Values{"rating": {"不满意"}, "comment": {"<b>灯还是暗</b>"}})
		if code != http.StatusSeeOther {
			t.Fatalf("rating answered %d", code)
		}
		page = get(t, c, s.srv.URL+loc)
		if strings.Contains(page, `name="rating"`) || !strings.Contains(page, "不满意") || !strings.Contains(page, "代替了网格在群里代录的评价「满意」") ||
			!strings.Contains(page, "&lt;b&gt;灯还是暗&lt;/b&gt;") {
			t.Errorf("rated tracking page:\n%s", page)
		}
		if i := s.issue(1); i.Rating != "不满意" || i.RatedBy != gridbot.Villager {
			t.Errorf("issue rating %q by %q", i.Rating, i.RatedBy)
		}
		if code, _ := status(t, c, "POST", s.srv.URL+loc, url.Values{"rating": {"满意"}}); code != http.StatusConflict {
			t.Errorf("second rating answered %d", code)
		}
		// Queued: the grid group's notices, and 不满意 to the leader and the office.
		var keys []string
		s.tw.View(func(tx gridbot.Tx) error {
			jobs, err := tx.Jobs(s.tw.ID, "")
			for _, j := range jobs {
				keys = append(keys, j.Key+" "+j.Text+j.Markdown)
			}
			return err
		})
		all := strings.Join(keys, "\n")
		// (The office member has no one-to-one channel here, nor a grid whose
		// robot could @ them: their notice is dropped by the notifier.)
		for _, want := range []string{"web:report:1:1 村民通过网格码上报 #1（附照片 1 张），联系电话 13812345678", "web:rating:1:1",
			"web:unsatisfied:1:" + bottest.Leader1} {
			if !strings.Contains(all, want) {
				t.Errorf("no job %q in\n%s", want, all)
			}
		}
	})
}

func TestReportLimits(t *testing.T) {
	s := newSite(t, testkit.OpenSQLite(t))
	c := client()
	// 20 MB: 413 with a Chinese page, nothing recorded.
	big := bytes.Repeat([]byte{0xFF, 0xD8, 0xFF}, 7<<20)
	resp := s.report(c, "滨海村一网格", "大文件", "", map[string][]byte{"big.jpg": big})
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusRequestEntityTooLarge || !strings.Contains(string(b), "照片太大了") {
		t.Fatalf("20 MB report: %d %s", resp.StatusCode, b)
	}
	// Not an image, whatever its name.
	resp = s.report(c, "滨海村一网格", "假照片", "", map[string][]byte{"a.jpg": []byte("<html><script>alert(1)</script></html>")})
	b, _ = io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(string(b), "照片只能是") {
		t.Fatalf("fake photo: %d %s", resp.StatusCode, b)
	}
	s.tw.View(func(tx gridbot.Tx) error {
		if _, err := tx.IssueByNo(s.tw.ID, 1); gridbot.ErrorCode(err) != gridbot.ENOTFOUND {
			t.Errorf("a refused report was recorded: %v", err)
		}
		return nil
	})
	// Ten a minute from one address, then 429.
	s.xff = "203.0.113.9"
	for n := 1; n <= 10; n++ {
		if resp := s.report(c, "滨海村二网格", "问题", "", nil); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("report %d: %d", n, resp.StatusCode)
		}
	}
	resp = s.report(c, "滨海村二网格", "问题", "", nil)
	b, _ = io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusTooManyRequests || !strings.Contains(string(b), "提交太频繁") {
		t.Fatalf("11th report: %d %s", resp.StatusCode, b)
	}
}

func TestRotateAndUnknownLinks(t *testing.T) {
	s := newSite(t, testkit.OpenSQLite(t))
	c := client()
	old := s.links["滨海村一网格"]
	err := s.tw.Store.Update(ctx, func(tx gridbot.Tx) error {
		grids, _ := tx.Grids(s.tw.ID)
		_, err := web.RotateLink(tx, s.tw.ID, grids[0].ID, s.clock.Now())
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range []string{old, s.srv.URL + "/v/nope", s.srv.URL + "/t/nope", s.srv.URL + "/t/" + strings.Repeat("A", 43)} {
		if code, body := status(t, c, "GET", u, nil); code != 404 || !strings.Contains(body, "没有找到") {
			t.Errorf("%s: %d", u, code)
		}
	}
}
