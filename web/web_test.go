package web_test

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/jpeg"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"

	"gridbot"
	"gridbot/bot/notify"
	"gridbot/bot/server"
	"gridbot/config"
	"gridbot/handlers"
	"gridbot/internal/bottest"
	"gridbot/internal/testkit"
	"gridbot/scoring"
	"gridbot/web"
)

var ctx = context.Background()

// site is gridbot serve on the test town, with a fake WeCom for the grid's
// group robot, whose messages it keeps.
type site struct {
	t     testing.TB
	tw    *bottest.Town
	h     *handlers.Handler // the server's: the tests may give it another Board
	clock *testkit.Clock
	srv   *httptest.Server
	links map[string]string // grid name → villager URL

	xff string // the villager's address, through the proxy on this host

	mu    sync.Mutex
	group []string // what the grids' robots were sent
}

func newSite(t testing.TB, st gridbot.Store) *site {
	t.Helper()
	s := &site{t: t, tw: bottest.New(t, st), clock: testkit.NewClock(testkit.At("2026-10-05 09:00"))}
	s.tw.P.Clock = s.clock
	fake := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		s.mu.Lock()
		s.group = append(s.group, string(b))
		s.mu.Unlock()
		io.WriteString(w, `{"errcode":0,"errmsg":"ok"}`)
	}))
	t.Cleanup(fake.Close)
	cfg, err := config.LoadServe(func(k string) string {
		if k == "GRIDBOT_TOWN" {
			return "测试镇"
		}
		return ""
	})
	if err != nil {
		t.Fatal(err)
	}
	h := handlers.New(scoring.DefaultRules())
	s.h = h
	s.srv = httptest.NewUnstartedServer(nil)
	s.srv.Start()
	t.Cleanup(s.srv.Close)
	h.PublicURL = s.srv.URL
	s.tw.P.Handler.PublicURL = s.srv.URL
	srv, err := server.New(cfg, server.Deps{Store: st, Handler: h, Clock: s.clock,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Notify: notify.Options{WeComBase: fake.URL}})
	if err != nil {
		t.Fatal(err)
	}
	s.srv.Config.Handler = srv.Handler()
	err = st.Update(ctx, func(tx gridbot.Tx) error {
		if err := tx.ReplaceWebhooks(s.tw.ID, []gridbot.Webhook{{Scope: gridbot.ScopeGrid, Name: "滨海村一网格",
			Platform: gridbot.PlatformWeCom, Key: "grid-key-1"}}, s.clock.Now()); err != nil {
			return err
		}
		links, err := web.EnsureLinks(tx, s.tw.ID, s.clock.Now())
		if err != nil {
			return err
		}
		grids, err := tx.Grids(s.tw.ID)
		s.links = map[string]string{}
		for _, g := range grids {
			s.links[g.Name] = s.srv.URL + "/v/" + links[g.ID].Token
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Wait(ctx) })
	return s
}

// client is a browser without JavaScript: it keeps cookies and does not
// follow redirects.
func client() *http.Client {
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// form builds a multipart report.
func form(t testing.TB, fields map[string]string, files map[string][]byte) (*bytes.Buffer, string) {
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	for k, v := range fields {
		mw.WriteField(k, v)
	}
	for name, data := range files {
		fw, err := mw.CreateFormFile("photos", name)
		if err != nil {
			t.Fatal(err)
		}
		fw.Write(data)
	}
	mw.Close()
	return &b, mw.FormDataContentType()
}

var nonceRE = regexp.MustCompile(`name="nonce" value="([^"]+)"`)

// report sends a report from the grid's page as a villager would, and
// returns the answer.
func (s *site) report(c *http.Client, grid, text, phone string, files map[string][]byte) *http.Response {
	s.t.Helper()
	page := get(s.t, c, s.links[grid])
	m := nonceRE.FindStringSubmatch(page)
	if m == nil {
		s.t.Fatalf("no nonce on the villager page:\n%s", page)
	}
	return s.post(c, grid, m[1], text, phone, files)
}

// post sends the form of a page whose nonce was nonce.
func (s *site) post(c *http.Client, grid, nonce, text, phone string, files map[string][]byte) *http.Response {
	s.t.Helper()
	body, ct := form(s.t, map[string]string{"text": text, "phone": phone, "nonce": nonce}, files)
	req, _ := http.NewRequest("POST", s.links[grid], body)
	req.Header.Set("Content-Type", ct)
	if s.xff != "" {
		req.Header.Set("X-Forwarded-For", s.xff)
	}
	resp, err := c.Do(req)
	if err != nil {
		s.t.Fatal(err)
	}
	return resp
}

func get(t testing.TB, c *http.Client, u string) string {
	t.Helper()
	resp, err := c.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}

func status(t testing.TB, c *http.Client, method, u string, vals url.Values) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(method, u, strings.NewReader(vals.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// photoWithExif is a JPEG with an EXIF segment carrying a GPS-like marker.
func photoWithExif(t testing.TB) []byte {
	img := image.NewRGBA(image.Rect(0, 0, 2400, 1200))
	for x := 0; x < 2400; x++ {
		img.Set(x, x/2, color.RGBA{200, 0, 0, 255})
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, nil); err != nil {
		t.Fatal(err)
	}
	data := b.Bytes()
	exif := append([]byte{0xFF, 0xE1, 0x00, 0x20}, []byte("Exif\x00\x00GPSLatitude=28.3812;xxxxxx")...)
	exif[3] = byte(len(exif) - 2)
	return append(append(append([]byte{}, data[:2]...), exif...), data[2:]...)
}

func (s *site) issue(no int64) (i gridbot.Issue) {
	s.tw.View(func(tx gridbot.Tx) error {
		var err error
		i, err = tx.IssueByNo(s.tw.ID, no)
		return err
	})
	return i
}

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

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

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

var linkRE = regexp.MustCompile(`https?://\S+/office/login/[A-Za-z0-9_-]+`)

// loginLink sends 后台 as the office in a group and returns the link sent one-to-one.
func loginLink(t testing.TB, s *site) string {
	t.Helper()
	r := s.tw.Send(s.clock.Now().Format("2006-01-02 15:04"), bottest.Office, "后台")
	for _, o := range r.Out {
		if o.To == gridbot.DM(bottest.Office) {
			if l := linkRE.FindString(o.Text); l != "" {
				return l
			}
		}
	}
	t.Fatalf("后台 sent no link: %+v", r.Out)
	return ""
}
