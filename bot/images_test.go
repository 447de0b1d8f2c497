package bot_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"image"
	"image/color"
	"image/png"
	"strings"
	"sync"
	"testing"

	"gridbot"
	"gridbot/bot"
	"gridbot/internal/bottest"
	"gridbot/internal/testkit"
)

// pictures plays the platforms' downloads: a reference it knows gives its
// file, any other fails as an expired URL does.
type pictures struct {
	mu    sync.Mutex
	files map[string][]byte
	calls []string
}

func (p *pictures) FetchImage(_ context.Context, townID int64, ref gridbot.ImageRef) ([]byte, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.calls = append(p.calls, ref.Ref)
	if data, ok := p.files[ref.Ref]; ok {
		return data, nil
	}
	return nil, errors.New("HTTP 403: the download URL has expired")
}

func (p *pictures) fetched() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.calls)
}

// pngOf is a w×h PNG.
func pngOf(t testing.TB, w, h int) []byte {
	t.Helper()
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for i := range img.Pix {
		img.Pix[i] = byte(i)
	}
	img.Set(0, 0, color.NRGBA{255, 0, 0, 255})
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// picTown is the test town whose pipeline fetches pictures from a fake:
// "ok1".."ok5" are pictures (ok2 is 40×30), "text" is no picture, anything
// else fails to download.
func picTown(t *testing.T) (*bottest.Town, *pictures) {
	tw := bottest.New(t, testkit.OpenSQLite(t))
	p := &pictures{files: map[string][]byte{"text": []byte("hello, not a picture")}}
	for i, n := range []string{"ok1", "ok2", "ok3", "ok4", "ok5"} {
		p.files[n] = pngOf(t, 20+20*i, 30)
	}
	tw.P.Images = p
	return tw, p
}

// sendPics sends text from userID at at with pictures refs.
func sendPics(tw *bottest.Town, at, userID, text string, refs ...string) bot.Result {
	m := tw.Msg(at, userID, text)
	for _, r := range refs {
		m.Images = append(m.Images, gridbot.ImageRef{Source: "test", Ref: r})
	}
	return tw.P.Process(ctx, m)
}

// imagesOf returns a record's pictures with their data.
func imagesOf(t *testing.T, tw *bottest.Town, kind string, no int64) []gridbot.Image {
	t.Helper()
	var out []gridbot.Image
	tw.View(func(tx gridbot.Tx) error {
		ims, err := tx.Images(tw.ID, kind, no)
		for _, im := range ims {
			full, err := tx.Image(tw.ID, im.ID)
			if err != nil {
				return err
			}
			out = append(out, full)
		}
		return err
	})
	return out
}

func wantReply(t *testing.T, r bot.Result, code string, parts ...string) {
	t.Helper()
	if r.Code != code {
		t.Fatalf("code %q, want %q; reply %q", r.Code, code, bottest.Reply(r))
	}
	for _, p := range parts {
		if !strings.Contains(bottest.Reply(r), p) {
			t.Errorf("reply %q lacks %q", bottest.Reply(r), p)
		}
	}
}

// TestPicturesWithTheCommand: pictures in the same message as 上报 or 活动
// are kept with the record it makes, re-encoded as JPEG.
func TestPicturesWithTheCommand(t *testing.T) {
	tw, p := picTown(t)
	r := sendPics(tw, "2026-10-03 08:00", bottest.Member1, "@网格助手 上报 海滨路路灯不亮", "ok1", "ok2")
	wantReply(t, r, bot.OK, "已登记 问题#1", "已将 2 张图片附到 问题#1（共 2 张）。")
	ims := imagesOf(t, tw, gridbot.KindIssue, 1)
	if len(ims) != 2 || ims[1].Width != 40 || ims[1].Height != 30 || ims[0].Mime != "image/jpeg" ||
		!bytes.HasPrefix(ims[0].Data, []byte{0xff, 0xd8}) || ims[0].At.IsZero() {
		t.Fatalf("kept %+v", ims)
	}
	r = sendPics(tw, "2026-10-03 08:01", bottest.Leader1, "活动 宣传 入户宣传垃圾分类 @王海", "ok3")
	wantReply(t, r, bot.OK, "已记录 活动#1", "已将图片附到 活动#1（共 1 张）。")
	if ims := imagesOf(t, tw, gridbot.KindActivity, 1); len(ims) != 1 || ims[0].Width != 60 {
		t.Fatalf("activity kept %+v", ims)
	}
	if got := tw.Must("2026-10-03 08:02", bottest.Member1, "问题 #1"); !strings.Contains(got, "上报，附图片 2 张") {
		t.Errorf("问题 #1 does not count the pictures: %s", got)
	}
	// A command that keeps no pictures fetches none and says so.
	before := p.fetched()
	r = sendPics(tw, "2026-10-03 08:03", bottest.Member1, "问题", "ok4")
	wantReply(t, r, bot.OK, "这条消息里的图片没有保存")
	if p.fetched() != before {
		t.Error("pictures fetched for 问题")
	}
}

// TestPictureAfterTheCommand: a picture sent alone attaches to the sender's
// latest 上报 or 活动 in the same chat within 10 minutes, and nowhere else.
func TestPictureAfterTheCommand(t *testing.T) {
	tw, _ := picTown(t)
	tw.Must("2026-10-03 08:00", bottest.Member1, "上报 海滨路路灯不亮")
	wantReply(t, sendPics(tw, "2026-10-03 08:09", bottest.Member1, "", "ok1"), bot.OK, "已将图片附到 问题#1（共 1 张）。")
	wantReply(t, sendPics(tw, "2026-10-03 08:10", bottest.Member1, "@网格助手", "ok2"), bot.OK, "已将图片附到 问题#1（共 2 张）。")
	// Too late, another person, another chat: nowhere to go, and what to do.
	wantReply(t, sendPics(tw, "2026-10-03 08:10:01", bottest.Member1, "", "ok3"), gridbot.ENOTFOUND,
		"图片没有保存", "请先发「上报 问题描述」", "或在同一条消息里附图")
	wantReply(t, sendPics(tw, "2026-10-03 08:05", bottest.ZhangWei1, "", "ok3"), gridbot.ENOTFOUND, "先发「上报")
	m := tw.Msg("2026-10-03 08:05", bottest.Member1, "")
	m.ChatID, m.ChatKind = gridbot.DM(bottest.Member1), gridbot.ChatSingle
	m.Images = []gridbot.ImageRef{{Source: "test", Ref: "ok3"}}
	wantReply(t, tw.P.Process(ctx, m), gridbot.ENOTFOUND, "先发「上报")
	if n := len(imagesOf(t, tw, gridbot.KindIssue, 1)); n != 2 {
		t.Fatalf("问题#1 has %d pictures, want 2", n)
	}

	// The latest of a leader's records wins; 附图 typed says where pictures go.
	tw.Must("2026-10-03 09:00", bottest.Leader1, "上报 井盖缺失")
	tw.Must("2026-10-03 09:01", bottest.Leader1, "活动 服务 走访独居老人 @王海")
	wantReply(t, tw.Send("2026-10-03 09:02", bottest.Leader1, "附图"), bot.OK, "在 10月3日 09:11 前，在这里直接发图片，会附到 活动#1（已有 0 张，最多 3 张）。")
	wantReply(t, sendPics(tw, "2026-10-03 09:03", bottest.Leader1, "", "ok1"), bot.OK, "已将图片附到 活动#1（共 1 张）。")
	if n := len(imagesOf(t, tw, gridbot.KindIssue, 2)); n != 0 {
		t.Errorf("问题#2 got %d pictures", n)
	}
	// A withdrawn record takes none.
	tw.Must("2026-10-03 09:04", bottest.Leader1, "撤回 活动#1 记错了")
	wantReply(t, sendPics(tw, "2026-10-03 09:05", bottest.Leader1, "", "ok2"), gridbot.ECONFLICT, "活动#1 已撤回，图片没有保存。")
	// Someone who may not 上报 is told so.
	wantReply(t, sendPics(tw, "2026-10-03 09:05", bottest.Office, "", "ok2"), gridbot.EFORBIDDEN, "「附图」只有网格员、网格长可以使用")
}

// TestPictureAllowance: a record keeps at most three pictures; more are
// refused in Chinese, and never fetched past the third.
func TestPictureAllowance(t *testing.T) {
	tw, p := picTown(t)
	r := sendPics(tw, "2026-10-03 08:00", bottest.Member1, "上报 海滨路路灯不亮", "ok1", "ok2", "ok3", "ok4", "ok5")
	wantReply(t, r, bot.OK, "已将 3 张图片附到 问题#1（共 3 张）。", "每条记录最多附 3 张图片，另外 2 张没有保存。")
	if p.fetched() != 3 {
		t.Errorf("%d pictures fetched, want 3", p.fetched())
	}
	wantReply(t, sendPics(tw, "2026-10-03 08:01", bottest.Member1, "", "ok4"), gridbot.ECONFLICT,
		"问题#1 已有 3 张图片，每条记录最多 3 张，这次的图片没有保存。")
	tw.Must("2026-10-03 08:02", bottest.Member1, "上报 井盖缺失")
	wantReply(t, sendPics(tw, "2026-10-03 08:03", bottest.Member1, "", "ok1", "ok2"), bot.OK, "已将 2 张图片附到 问题#2（共 2 张）。")
	wantReply(t, sendPics(tw, "2026-10-03 08:04", bottest.Member1, "", "ok3", "ok4"), bot.OK,
		"已将图片附到 问题#2（共 3 张）。", "另外 1 张没有保存。")
	if n := len(imagesOf(t, tw, gridbot.KindIssue, 2)); n != 3 {
		t.Fatalf("问题#2 has %d pictures", n)
	}
}

// TestPictureDownloadFails: the record is made all the same, and the reply
// says to send the picture again, which then attaches.
func TestPictureDownloadFails(t *testing.T) {
	tw, _ := picTown(t)
	r := sendPics(tw, "2026-10-03 08:00", bottest.Member1, "上报 海滨路路灯不亮", "expired")
	wantReply(t, r, bot.OK, "已登记 问题#1", "图片没能保存（下载失败），请在 10 分钟内在这里重新发送图片，会附到 问题#1。")
	if countIssues(t, tw) != 1 || len(imagesOf(t, tw, gridbot.KindIssue, 1)) != 0 {
		t.Fatal("the report was not kept, or a picture was")
	}
	wantReply(t, sendPics(tw, "2026-10-03 08:02", bottest.Member1, "", "expired"), gridbot.EINVALID, "图片没能保存（下载失败）")
	wantReply(t, sendPics(tw, "2026-10-03 08:03", bottest.Member1, "", "text"), gridbot.EINVALID, "图片不是 JPG、PNG 或 GIF 图片")
	wantReply(t, sendPics(tw, "2026-10-03 08:04", bottest.Member1, "", "ok1"), bot.OK, "已将图片附到 问题#1（共 1 张）。")
	// Without any way to fetch (the console, a replay) the command runs all the same.
	tw.P.Images = nil
	wantReply(t, sendPics(tw, "2026-10-03 08:05", bottest.Member1, "上报 井盖缺失", "ok1"), bot.OK, "已登记 问题#2", "图片没能保存")
}

// TestPicturesOnceForRetries: a platform's retry of a message with pictures
// attaches nothing twice, and a repeat held by the duplicate guard keeps none.
func TestPicturesOnceForRetries(t *testing.T) {
	tw, _ := picTown(t)
	m := tw.Msg("2026-10-03 08:00", bottest.Member1, "上报 海滨路路灯不亮")
	m.Images = []gridbot.ImageRef{{Source: "test", Ref: "ok1"}}
	wantReply(t, tw.P.Process(ctx, m), bot.OK, "已将图片附到 问题#1")
	wantReply(t, tw.P.Process(ctx, m), bot.Duplicate)
	lone := tw.Msg("2026-10-03 08:01", bottest.Member1, "")
	lone.Images = []gridbot.ImageRef{{Source: "test", Ref: "ok2"}}
	wantReply(t, tw.P.Process(ctx, lone), bot.OK, "（共 2 张）")
	wantReply(t, tw.P.Process(ctx, lone), bot.Duplicate)
	if n := len(imagesOf(t, tw, gridbot.KindIssue, 1)); n != 2 || countIssues(t, tw) != 1 {
		t.Fatalf("%d pictures, %d issues after retries; want 2 and 1", n, countIssues(t, tw))
	}
	r := sendPics(tw, "2026-10-03 08:02", bottest.Member1, "上报 海滨路路灯不亮", "ok3")
	wantReply(t, r, bot.OK, "请在 10 分钟内回复「确认」", "这条消息里的图片没有保存")
	if n := len(imagesOf(t, tw, gridbot.KindIssue, 1)); n != 2 {
		t.Errorf("a held repeat kept its picture: %d", n)
	}
	// What is journaled never holds the pictures themselves.
	m.Fetched = []gridbot.FetchedImage{{Image: gridbot.Image{Data: []byte("pixels")}}}
	b, _ := json.Marshal(m)
	if strings.Contains(string(b), "Fetched") || !strings.Contains(string(b), `"Images":[{"Source":"test","Ref":"ok1"}]`) {
		t.Errorf("journaled message: %s", b)
	}
}
