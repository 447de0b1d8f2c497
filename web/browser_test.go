package web_test

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/jpeg"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"gridbot"
	"gridbot/internal/bottest"
	"gridbot/internal/testkit"
)

// browser starts Debian's chromium headless (as .ci/run installs it) with
// a viewport of w×h; it skips without chromium unless services are required.
func browser(t *testing.T, w, h int, mobile bool) context.Context {
	t.Helper()
	path, err := exec.LookPath("chromium")
	if err != nil {
		if os.Getenv("GRIDBOT_REQUIRE_SERVICES") != "" {
			t.Fatal("chromium is not installed (apt-get install -y chromium; .ci/run does)")
		}
		t.Skip("chromium is not installed")
	}
	opts := []chromedp.ExecAllocatorOption{chromedp.ExecPath(path), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.NoFirstRun, chromedp.NoDefaultBrowserCheck,
		chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(w, h)}
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancel)
	bctx, cancel2 := chromedp.NewContext(actx)
	t.Cleanup(cancel2)
	tctx, cancel3 := context.WithTimeout(bctx, 90*time.Second)
	t.Cleanup(cancel3)
	if mobile {
		if err := chromedp.Do(tctx, chromedp.EmulateViewport(int64(w), int64(h), chromedp.EmulateScale(2), chromedp.EmulateMobile)); err != nil {
			t.Fatal(err)
		}
	}
	return tctx
}

// shot saves a screenshot for the README when GRIDBOT_SCREENSHOTS names a
// directory (the repository's docs/, as an absolute path: tests run in
// web/). Without a CJK font every Chinese character would be an empty box,
// so it refuses to make one.
func shot(t *testing.T, ctx context.Context, name string, full bool) {
	dir := os.Getenv("GRIDBOT_SCREENSHOTS")
	if dir == "" {
		return
	}
	if out, err := exec.Command("fc-list", ":lang=zh", "family").Output(); err != nil || len(strings.TrimSpace(string(out))) == 0 {
		t.Fatalf("no Chinese font for the screenshots (fc-list :lang=zh: %v): apt-get install -y fonts-wqy-microhei", err)
	}
	var b []byte
	var err error
	if full {
		b, err = chromedp.Run(ctx, chromedp.FullScreenshot(60))
	} else {
		b, err = chromedp.Run(ctx, chromedp.CaptureScreenshot())
	}
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestBrowser runs the loop in chromium on a phone and on a desktop: a
// villager reports with a photo, the grid sees it in 问题, the leader
// dispatches and the member closes it in chat, the villager rates it, the
// office logs in once and sees the rating and an activity's photo, keeps a member out of a month's
// ranking by its button (取消排名) and puts him back (恢复排名), and publishes
// the month through its preview; a second use of the link and a form
// without its token are refused; an HTML payload stays text.
func TestBrowser(t *testing.T) {
	for _, vp := range []struct {
		name   string
		w, h   int
		mobile bool
	}{{"phone", 390, 844, true}, {"desktop", 1280, 900, false}} {
		t.Run(vp.name, func(t *testing.T) {
			s := newSite(t, testkit.OpenSQLite(t))
			ctx := browser(t, vp.w, vp.h, vp.mobile)
			photo := filepath.Join(t.TempDir(), "photo.jpg")
			if err := os.WriteFile(photo, photoWithExif(t), 0o644); err != nil {
				t.Fatal(err)
			}
			payload := `<img src=x onerror=alert(1)>路灯不亮`
			do := func(steps ...chromedp.Action[chromedp.Void]) {
				t.Helper()
				if err := chromedp.Do(ctx, steps...); err != nil {
					t.Fatal(err)
				}
			}
			text := func(sel string) string {
				t.Helper()
				var v string
				var err error
				for range 20 { // a node of the page being replaced: ask again
					if v, err = chromedp.Run(ctx, chromedp.Text(sel)); err == nil {
						return v
					}
					time.Sleep(100 * time.Millisecond)
				}
				t.Fatal(err)
				return ""
			}
			count := func(sel string) int {
				t.Helper()
				n, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll(`+"`"+sel+"`"+`).length`))
				if err != nil {
					t.Fatal(err)
				}
				return n
			}
			do(chromedp.Navigate(s.links["滨海村一网格"]),
				chromedp.WaitVisible(`textarea[name=text]`),
				chromedp.SendKeys(`textarea[name=text]`, payload+" 海滨路3号"),
				chromedp.SetUploadFiles(`input[name=photos]`, []string{photo}),
				chromedp.SendKeys(`input[name=phone]`, "13812345678"))
			// The file input hides behind its Chinese label; the page says
			// what was chosen.
			if chosen := text(`#chosen`); chosen != "已选 1 张照片" {
				t.Errorf("after choosing a photo the page says %q", chosen)
			}
			if vp.mobile {
				shot(t, ctx, "villager-page.png", false)
			}
			do(chromedp.Click(`button[type=submit]`), chromedp.WaitVisible(`ol.steps`))
			track, err := chromedp.Run(ctx, chromedp.Location())
			if err != nil {
				t.Fatal(err)
			}
			if issueText := text(`main`); !strings.Contains(issueText, "#1") || !strings.Contains(issueText, payload) {
				t.Fatalf("tracking page says %q", issueText)
			}
			if n := count("img"); n != 1 {
				t.Fatalf("images on the tracking page: %d (the photo only; the payload must stay text)", n)
			}
			if got := s.tw.Must("2026-10-05 09:10", bottest.Leader1, "问题"); !strings.Contains(got, "问题#1") {
				t.Fatalf("问题: %s", got)
			}
			s.tw.Must("2026-10-05 10:00", bottest.Leader1, "派发 #1 @王海")
			s.tw.Must("2026-10-05 11:00", bottest.Member1, "办结 #1 已更换灯泡")
			do(chromedp.Navigate(track),
				chromedp.WaitVisible(`input[name=rating]`),
				chromedp.Click(`input[value="基本满意"]`),
				chromedp.SendKeys(`textarea[name=comment]`, "修得快"),
				chromedp.Click(`button[type=submit]`),
				chromedp.WaitVisible(`.ok.card`)) // only after the rating: 谢谢您的评价
			if after := text(`main`); !strings.Contains(after, "基本满意") || count("input[name=rating]") != 0 {
				t.Fatalf("after rating: %q", after)
			}
			if vp.mobile {
				shot(t, ctx, "tracking-page.png", false)
			}
			// The office: a one-time link, then the dashboard.
			link := loginLink(t, s)
			do(chromedp.Navigate(link), chromedp.WaitVisible(`nav.office`))
			if dash := text(`main`); !strings.Contains(dash, "月度排名") || !strings.Contains(dash, "王海") {
				t.Fatalf("dashboard: %q", dash)
			}
			if i := s.issue(1); i.Rating != "基本满意" || i.RatedBy != gridbot.Villager {
				t.Fatalf("rating in the store: %+v", i)
			}
			// The office sees the rating: the grid's satisfaction is 60 (基本满意).
			do(chromedp.Navigate(s.srv.URL+"/office/index"), chromedp.WaitVisible(`table`))
			if idx := text(`table`); !strings.Contains(idx, "滨海村一网格") || !strings.Contains(idx, "60") {
				t.Errorf("index table: %q", idx)
			}
			if !vp.mobile {
				shot(t, ctx, "index.png", false)
				do(chromedp.Navigate(s.srv.URL+"/office/posters/1"), chromedp.WaitVisible(`.poster svg`))
				if poster := text(`.poster`); !strings.Contains(poster, "滨海村一网格") || !strings.Contains(poster, "陈强") {
					t.Errorf("poster: %q", poster)
				}
				shot(t, ctx, "poster.png", false)
			}
			// An activity logged in chat with a picture: on the office's page
			// of the month's activities, its photo loaded.
			s.tw.P.Images = onePicture{scene(t)}
			m := s.tw.Msg("2026-10-05 11:30", bottest.Leader1, "活动 宣传 海滨路入户宣传防诈骗 @王海")
			m.Images = []gridbot.ImageRef{{Source: "test", Ref: "x"}}
			if r := s.tw.P.Process(context.Background(), m); !strings.Contains(bottest.Reply(r), "已将图片附到 活动#1") {
				t.Fatalf("活动 with a picture: %q", bottest.Reply(r))
			}
			do(chromedp.Click(`nav.office a[href="/office/activities"]`), chromedp.WaitVisible(`#activities img`))
			if acts := text(`#activities`); !strings.Contains(acts, "活动#1") || !strings.Contains(acts, "2 人：陈强、王海") {
				t.Errorf("activities: %q", acts)
			}
			// The img is visible before its bytes arrive: wait (up to the
			// poll's timeout) for every photo to have loaded, not just to exist.
			if loaded, err := chromedp.Run(ctx, chromedp.Poll[bool](`[...document.querySelectorAll('#activities img')].every(i => i.complete && i.naturalWidth > 0)`, chromedp.WithPollingInterval(50*time.Millisecond), chromedp.WithPollingTimeout(10*time.Second))); err != nil || !loaded || count(`#activities img`) != 1 {
				t.Errorf("the activity's photo did not load: %v %v", loaded, err)
			}
			if !vp.mobile {
				shot(t, ctx, "activities.png", false)
			}
			// The office keeps 陈强 out of September's ranking by the button:
			// the places below move up, the card of the excluded says why;
			// 恢复排名 puts him back.
			rankSeptember(t, s)
			firstRow := `#ranking tbody tr:first-child`
			do(chromedp.Navigate(s.srv.URL+"/office?month=2026-09"), chromedp.WaitVisible(`a[href*="user=U101"]`))
			if first := text(firstRow); !strings.Contains(first, "1") || !strings.Contains(first, "陈强") {
				t.Fatalf("first place before 取消排名: %q", first)
			}
			do(chromedp.Click(`a[href*="user=U101"]`), chromedp.WaitVisible(`textarea[name=reason]`),
				chromedp.SendKeys(`textarea[name=reason]`, "例会多次无故缺席"),
				chromedp.Click(`form[action="/office/exclude"] button`),
				chromedp.WaitVisible(`#excluded form[action="/office/restore"]`))
			if first := text(firstRow); !strings.Contains(first, "1(并列)") || !strings.Contains(first, "王海") {
				t.Errorf("first place after 取消排名: %q", first)
			}
			if table := text(`#ranking table`); strings.Contains(table, "陈强") {
				t.Errorf("陈强 still in the ranking: %q", table)
			}
			if card := text(`#excluded`); !strings.Contains(card, "陈强") || !strings.Contains(card, "例会多次无故缺席") || !strings.Contains(card, "郑敏") {
				t.Errorf("card of the excluded: %q", card)
			}
			if done := text(`p.ok`); !strings.Contains(done, "已取消 陈强") {
				t.Errorf("confirmation: %q", done)
			}
			if !vp.mobile {
				do(chromedp.Navigate(s.srv.URL+"/office?month=2026-09&excluded=U101"), chromedp.WaitVisible(`p.ok`))
				shot(t, ctx, "dashboard.png", false)
			}
			do(chromedp.Click(`#excluded form[action="/office/restore"] button`), chromedp.WaitNotPresent(`#excluded table`))
			if first := text(firstRow); !strings.Contains(first, "陈强") || !strings.Contains(text(`p.ok`), "已恢复 陈强") {
				t.Errorf("first place after 恢复排名: %q", first)
			}
			// The link again, in this browser: refused.
			do(chromedp.Navigate(link), chromedp.WaitNotPresent(`nav.office`))
			if gone := text(`main`); !strings.Contains(gone, "已失效") {
				t.Errorf("second use of the link: %q", gone)
			}
			// 发布 from the ranking: the preview, then 确认发布; first a form
			// without its token (removed), refused.
			do(chromedp.Navigate(s.srv.URL+"/office?month=2026-09"),
				chromedp.Click(`a[href="/office/publish?month=2026-09"]`),
				chromedp.WaitVisible(`form[action="/office/publish"]`))
			if preview := text(`main`); !strings.Contains(preview, "2026-09 党建网格积分排名") || !strings.Contains(preview, "陈强") {
				t.Errorf("publish preview: %q", preview)
			}
			if !vp.mobile {
				shot(t, ctx, "publish.png", false)
			}
			if _, err := chromedp.Run(ctx, chromedp.Evaluate[any](`document.querySelector('form[action="/office/publish"] input[name=csrf]').remove()`)); err != nil {
				t.Fatal(err)
			}
			do(chromedp.Click(`form[action="/office/publish"] button`), chromedp.WaitNotPresent(`nav.office`))
			if refused := text(`main`); !strings.Contains(refused, "请求无效") {
				t.Errorf("publish without its token: %q", refused)
			}
			do(chromedp.Navigate(s.srv.URL+"/office/publish?month=2026-09"),
				chromedp.Click(`form[action="/office/publish"] button`),
				chromedp.WaitVisible(`p.ok`))
			if done := text(`main`); !strings.Contains(done, "2026-09 已发布并冻结") {
				t.Errorf("after 确认发布: %q", done)
			}
		})
	}
}

// scene is a picture as a member might send of an activity: sky, sea, a red
// banner.
func scene(t *testing.T) []byte {
	img := image.NewRGBA(image.Rect(0, 0, 1200, 900))
	for y := range 900 {
		for x := range 1200 {
			c := color.RGBA{150, 200, 240, 255} // sky
			switch {
			case y > 560:
				c = color.RGBA{40, 110, 170, 255} // sea
			case x > 300 && x < 900 && y > 200 && y < 330:
				c = color.RGBA{192, 57, 43, 255} // banner
			}
			img.Set(x, y, c)
		}
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, nil); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}
