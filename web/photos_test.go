package web_test

import (
	"bytes"
	"context"
	"image"
	"image/png"
	"net/http"
	"strings"
	"testing"

	"gridbot"
	"gridbot/internal/bottest"
	"gridbot/internal/testkit"
)

// onePicture is a platform that serves every picture as a 90×60 PNG.
type onePicture struct{ data []byte }

func (p onePicture) FetchImage(context.Context, int64, gridbot.ImageRef) ([]byte, error) {
	return p.data, nil
}

// TestOfficeSeesChatPictures: a picture sent in chat with 上报 shows on the
// office's view of open issues, like a villager's, and is served to it.
func TestOfficeSeesChatPictures(t *testing.T) {
	s := newSite(t, testkit.OpenSQLite(t))
	var b bytes.Buffer
	png.Encode(&b, image.NewGray(image.Rect(0, 0, 90, 60)))
	s.tw.P.Images = onePicture{b.Bytes()}
	m := s.tw.Msg("2026-10-05 09:00", bottest.Member1, "上报 海滨路路灯不亮")
	m.Images = []gridbot.ImageRef{{Source: "test", Ref: "x"}}
	if r := s.tw.P.Process(ctx, m); !strings.Contains(bottest.Reply(r), "已将图片附到 问题#1") {
		t.Fatalf("上报 with a picture: %q", bottest.Reply(r))
	}
	var id int64
	s.tw.View(func(tx gridbot.Tx) error {
		ims, err := tx.Images(s.tw.ID, gridbot.KindIssue, 1)
		if len(ims) == 1 {
			id = ims[0].ID
		}
		return err
	})
	if id == 0 {
		t.Fatal("no picture kept")
	}
	c := client()
	if code, _ := status(t, c, "GET", loginLink(t, s), nil); code != http.StatusSeeOther {
		t.Fatalf("login: %d", code)
	}
	page := get(t, c, s.srv.URL+"/office/issues")
	if !strings.Contains(page, `<img src="/office/photo/`+itoa(id)+`" alt="照片" width="90" height="60">`) {
		t.Fatalf("the office's issue view lacks the chat picture:\n%s", page)
	}
	resp, err := c.Get(s.srv.URL + "/office/photo/" + itoa(id))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "image/jpeg" {
		t.Errorf("photo: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
}
