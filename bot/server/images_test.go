package server_test

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"image"
	"image/png"
	"io"
	"net/http"
	"strings"
	"testing"

	"gridbot"
	"gridbot/bot/wecom"
	"gridbot/internal/bottest"
	"gridbot/internal/testkit"
)

// pictures is the fake platforms' side of pictures: files served at
// /files/NAME (the smart robot's encrypted URLs, DingTalk's download URLs),
// the app's media/get, and DingTalk's accessToken and messageFiles/download
// of the new API.
type pictures struct {
	files      map[string][]byte // NAME → bytes served at /files/NAME; also media ids and download codes
	downloads  []string          // messageFiles/download bodies
	fileGets   int               // GETs of /files/
	dingV1Toks map[string]bool   // new-API tokens handed out
}

func (f *fake) pictureRoutes(mux *http.ServeMux) {
	f.files, f.dingV1Toks = map[string][]byte{}, map[string]bool{}
	mux.HandleFunc("GET /files/{name}", f.file)
	mux.HandleFunc("GET /cgi-bin/media/get", f.mediaGet)
	mux.HandleFunc("POST /v1.0/oauth2/accessToken", f.dingV1Token)
	mux.HandleFunc("POST /v1.0/robot/messageFiles/download", f.dingDownload)
}

func (f *fake) file(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.fileGets++
	data, ok := f.files[r.PathValue("name")]
	if !ok {
		http.Error(w, `<?xml version="1.0"?><Error><Code>AccessDenied</Code><Message>Request has expired</Message></Error>`, http.StatusForbidden)
		return
	}
	w.Header().Set("Content-Type", "application/octet-stream")
	w.Write(data)
}

// mediaGet is WeCom's GET /cgi-bin/media/get?access_token=&media_id=.
func (f *fake) mediaGet(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	f.mu.Lock()
	defer f.mu.Unlock()
	w.Header().Set("Content-Type", "application/json; charset=UTF-8")
	data, ok := f.files[q.Get("media_id")]
	switch {
	case !f.tokens[q.Get("access_token")]:
		io.WriteString(w, `{"errcode":42001,"errmsg":"access_token expired, hint: [1760000000_5_g]"}`)
	case !ok:
		io.WriteString(w, `{"errcode":40007,"errmsg":"invalid media_id, hint: [1760000000_6_h]"}`)
	default:
		w.Header().Set("Content-Type", "image/png")
		w.Header().Set("Content-disposition", `attachment; filename="`+q.Get("media_id")+`.png"`)
		w.Write(data)
	}
}

// dingV1Token is DingTalk's POST /v1.0/oauth2/accessToken; the robot's code
// is its app's AppKey.
func (f *fake) dingV1Token(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	f.mu.Lock()
	defer f.mu.Unlock()
	w.Header().Set("Content-Type", "application/json;charset=utf-8")
	if string(body) != `{"appKey":"dingrobot","appSecret":"`+f.dingSecret+`"}` {
		w.WriteHeader(http.StatusBadRequest)
		io.WriteString(w, `{"code":"invalidClientIdOrSecret","requestid":"5E2C-1","message":"无效的clientId或者clientSecret"}`)
		return
	}
	f.seq++
	tok := fmt.Sprintf("v1tok%d", f.seq)
	f.dingV1Toks[tok] = true
	fmt.Fprintf(w, `{"expireIn":7200,"accessToken":"%s"}`, tok)
}

// dingDownload is DingTalk's POST /v1.0/robot/messageFiles/download.
func (f *fake) dingDownload(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	f.mu.Lock()
	defer f.mu.Unlock()
	w.Header().Set("Content-Type", "application/json;charset=utf-8")
	if !f.dingV1Toks[r.Header.Get("x-acs-dingtalk-access-token")] {
		w.WriteHeader(http.StatusUnauthorized)
		io.WriteString(w, `{"code":"InvalidAuthentication","requestid":"5E2C-2","message":"不合法的access_token"}`)
		return
	}
	f.downloads = append(f.downloads, string(body))
	var req struct {
		DownloadCode string `json:"downloadCode"`
		RobotCode    string `json:"robotCode"`
	}
	if json.Unmarshal(body, &req) != nil || req.RobotCode != "dingrobot" {
		w.WriteHeader(http.StatusBadRequest)
		io.WriteString(w, `{"code":"invalidParameter","requestid":"5E2C-3","message":"robotCode有误"}`)
		return
	}
	fmt.Fprintf(w, `{"downloadUrl":"%s/files/%s"}`, f.srv.URL, req.DownloadCode)
}

// servePicture makes the fake serve file under name.
func (f *fake) servePicture(name string, file []byte) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.files[name] = file
}

// pngPicture is a w×h PNG.
func pngPicture(t testing.TB, w, h int) []byte {
	t.Helper()
	img := image.NewGray(image.Rect(0, 0, w, h))
	rand.Read(img.Pix)
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// sealPicture encrypts a file as WeCom serves a smart robot's picture:
// AES-256-CBC with the robot's key, IV = key[:16], PKCS#7 to 32 bytes.
func sealPicture(t testing.TB, key, file []byte) []byte {
	t.Helper()
	pad := 32 - len(file)%32
	pt := append(bytes.Clone(file), bytes.Repeat([]byte{byte(pad)}, pad)...)
	block, err := aes.NewCipher(key)
	if err != nil {
		t.Fatal(err)
	}
	out := make([]byte, len(pt))
	cipher.NewCBCEncrypter(block, key[:16]).CryptBlocks(out, pt)
	return out
}

// robotPlain seals a decrypted smart robot message (any msgtype) the way
// WeCom does.
func (h *harness) robotPlain(msg map[string]any) robotCall {
	msgid := randHex(16)
	ru := h.fake.replyURL("robot")
	msg["msgid"], msg["aibotid"], msg["response_url"] = msgid, "AIBOT", ru
	plain, _ := json.Marshal(msg)
	enc, err := wecom.Encrypt(h.botKey, plain, "", rand.Reader)
	if err != nil {
		h.t.Fatal(err)
	}
	body, _ := json.Marshal(map[string]string{"encrypt": enc})
	return robotCall{query: h.signed(h.cfg.Default.WeCom.BotToken, enc, h.clock.Now()), body: body, responseURL: ru, msgid: msgid}
}

// deliverRobot posts c (as many times as copies: a platform's retries) and
// returns the one reply.
func (h *harness) deliverRobot(c robotCall, copies int) string {
	h.t.Helper()
	for range copies {
		if st, body := h.post("/wecom/bot", c.query, nil, c.body); st != http.StatusOK || body != "" {
			h.t.Fatalf("answered %d %q", st, body)
		}
	}
	h.wait()
	rs := h.fake.repliesTo(c.responseURL)
	if len(rs) != 1 {
		h.t.Fatalf("%d replies at response_url, want 1", len(rs))
	}
	return markdown(h.t, rs[0])
}

// pictureSizes returns the widths of a record's pictures.
func (h *harness) pictureSizes(kind string, no int64) []int {
	h.t.Helper()
	var out []int
	if err := h.store.View(ctx, func(tx gridbot.Tx) error {
		ims, err := tx.Images(h.townID, kind, no)
		for _, im := range ims {
			out = append(out, im.Width)
		}
		return err
	}); err != nil {
		h.t.Fatal(err)
	}
	return out
}

// TestRobotPictures: 「@网格助手 上报 …」 with a picture (a mixed message)
// keeps the picture, fetched from its encrypted URL; a retry of the
// callback attaches nothing twice; a picture alone in the one-to-one chat
// goes to the latest 上报 there; an expired URL keeps the report and says
// to send the picture again.
func TestRobotPictures(t *testing.T) {
	tw := bottest.New(t, testkit.OpenSQLite(t))
	h := newHarness(t, tw.Store, tw.ID, opts{})
	h.fake.servePicture("r1", sealPicture(t, h.botKey, pngPicture(t, 64, 48)))
	h.fake.servePicture("r2", sealPicture(t, h.botKey, pngPicture(t, 80, 48)))
	mixed := func(chat, text string, urls ...string) map[string]any {
		items := []map[string]any{{"msgtype": "text", "text": map[string]string{"content": text}}}
		for _, u := range urls {
			items = append(items, map[string]any{"msgtype": "image", "image": map[string]string{"url": u}})
		}
		m := map[string]any{"chattype": "group", "chatid": chat, "from": map[string]string{"userid": bottest.Member1},
			"msgtype": "mixed", "mixed": map[string]any{"msg_item": items}}
		if chat == "" {
			m["chattype"] = "single"
			delete(m, "chatid")
		}
		return m
	}
	c := h.robotPlain(mixed(bottest.Group1, "@网格助手 上报 海滨路路灯不亮", h.fake.srv.URL+"/files/r1"))
	got := h.deliverRobot(c, 3)
	if !strings.Contains(got, "已登记 问题#1") || !strings.Contains(got, "已将图片附到 问题#1（共 1 张）") {
		t.Fatalf("reply %q", got)
	}
	if w := h.pictureSizes(gridbot.KindIssue, 1); len(w) != 1 || w[0] != 64 {
		t.Fatalf("问题#1 pictures %v, want one 64 wide (kept once for three deliveries)", w)
	}

	// One-to-one: a report, then the picture alone.
	h.deliverRobot(h.robotPlain(mixed("", "上报 井盖缺失")), 1)
	lone := map[string]any{"chattype": "single", "from": map[string]string{"userid": bottest.Member1},
		"msgtype": "image", "image": map[string]string{"url": h.fake.srv.URL + "/files/r2"}}
	if got := h.deliverRobot(h.robotPlain(lone), 1); !strings.Contains(got, "已将图片附到 问题#2（共 1 张）") {
		t.Fatalf("picture alone: %q", got)
	}
	if w := h.pictureSizes(gridbot.KindIssue, 2); len(w) != 1 || w[0] != 80 {
		t.Fatalf("问题#2 pictures %v", w)
	}

	// The URL has expired (WeCom's are valid five minutes): the report stays.
	got = h.deliverRobot(h.robotPlain(mixed(bottest.Group1, "@网格助手 上报 围墙开裂", h.fake.srv.URL+"/files/gone")), 1)
	if !strings.Contains(got, "已登记 问题#3") || !strings.Contains(got, "图片没能保存（下载失败），请在 10 分钟内在这里重新发送图片") {
		t.Fatalf("expired picture: %q", got)
	}
	if h.openIssues() != 3 || len(h.pictureSizes(gridbot.KindIssue, 3)) != 0 {
		t.Fatal("the report was lost or a picture kept")
	}
}

// TestAppPicture: a picture sent to the self-built app after a 上报 there is
// downloaded by media/get and kept with it.
func TestAppPicture(t *testing.T) {
	tw := bottest.New(t, testkit.OpenSQLite(t))
	h := newHarness(t, tw.Store, tw.ID, opts{})
	h.fake.servePicture("MEDIA_1", pngPicture(t, 50, 40))
	corp, at := h.cfg.Default.WeCom.CorpID, h.clock.Now()
	if got := h.appSend(appText(corp, bottest.Member1, "7000000000000000011", at, "上报 路灯坏了"), bottest.Member1); !strings.Contains(got, "问题#1") {
		t.Fatalf("上报: %q", got)
	}
	pic := fmt.Appendf(nil, "<xml><ToUserName><![CDATA[%s]]></ToUserName><FromUserName><![CDATA[%s]]></FromUserName><CreateTime>%d</CreateTime><MsgType><![CDATA[image]]></MsgType><PicUrl><![CDATA[%s]]></PicUrl><MediaId><![CDATA[MEDIA_1]]></MediaId><MsgId>7000000000000000012</MsgId><AgentID>1000002</AgentID></xml>",
		corp, bottest.Member1, at.Unix(), "https://wework.qpic.cn/wwpic/1")
	if got := h.appSend(pic, bottest.Member1); !strings.Contains(got, "已将图片附到 问题#1（共 1 张）") {
		t.Fatalf("picture: %q", got)
	}
	if w := h.pictureSizes(gridbot.KindIssue, 1); len(w) != 1 || w[0] != 50 {
		t.Fatalf("问题#1 pictures %v", w)
	}
}

// TestDingTalkPictures: rich text with a picture — DingTalk's way of
// sending 上报 with a photo in a group — keeps the picture, downloaded by
// messageFiles/download with a token of the new API.
func TestDingTalkPictures(t *testing.T) {
	tw := bottest.New(t, testkit.OpenSQLite(t))
	h := newHarness(t, tw.Store, tw.ID, opts{})
	h.fake.servePicture("dcode1", pngPicture(t, 30, 20))
	now := h.clock.Now()
	hdr, body, hook := h.dingtalk(bottest.Member1, "BH01", "", now)
	var m map[string]any
	json.Unmarshal(body, &m)
	delete(m, "text")
	m["msgtype"] = "richText"
	m["content"] = map[string]any{"richText": []map[string]string{
		{"text": "上报 海滨路路灯不亮"},
		{"type": "picture", "downloadCode": "dcode1", "pictureDownloadCode": "pcode1"},
	}}
	body, _ = json.Marshal(m)
	if st, answer := h.post("/dingtalk/robot", nil, hdr, body); st != 200 || answer != "" {
		t.Fatalf("answered %d %q", st, answer)
	}
	h.wait()
	rs := h.fake.repliesTo(hook)
	if len(rs) != 1 || !strings.Contains(rs[0], "已登记 问题#1") || !strings.Contains(rs[0], "已将图片附到 问题#1（共 1 张）") {
		t.Fatalf("replies %q", rs)
	}
	if w := h.pictureSizes(gridbot.KindIssue, 1); len(w) != 1 || w[0] != 30 {
		t.Fatalf("问题#1 pictures %v", w)
	}
	h.fake.mu.Lock()
	defer h.fake.mu.Unlock()
	if len(h.fake.downloads) != 1 || h.fake.downloads[0] != `{"downloadCode":"dcode1","robotCode":"dingrobot"}` {
		t.Errorf("messageFiles/download asked %q", h.fake.downloads)
	}
}
