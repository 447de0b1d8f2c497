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
	"gridbot/bot"
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
	// notifier is the server's: a test gives it to the chat's pipeline
	// (tw.P) to queue what a chat command announces, as serve does.
	notifier bot.Notifier

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
	s.notifier = srv.Notifier()
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

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

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
