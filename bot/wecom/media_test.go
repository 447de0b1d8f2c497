package wecom

import (
	"bytes"
	"context"
	"crypto/aes"
	"crypto/cipher"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"gridbot"
	"gridbot/storage/kv"
)

// The smart robot's picture messages of document path/100719: a picture
// alone (one-to-one chats) and text with pictures (图文混排).
const (
	robotImage = `{
    "msgid": "CAIQz7/MjQYY/NGagIOAgAMgl8jK/gI=",
    "aibotid": "AIBOTID",
    "chattype": "single",
    "from": {"userid": "USERID"},
    "response_url": "RESPONSEURL",
    "msgtype": "image",
    "image": {"url": "URL"}
}`
	robotMixed = `{
    "msgid": "CAIQrcjMjQYY/NGagIOAgAMg6PDc/w0=",
    "aibotid": "AIBOTID",
    "chatid": "CHATID",
    "chattype": "group",
    "from": {"userid": "USERID"},
    "response_url": "RESPONSEURL",
    "msgtype": "mixed",
    "mixed": {
        "msg_item": [
            {"msgtype": "text", "text": {"content": "@网格助手 上报 海滨路3号路灯不亮"}},
            {"msgtype": "image", "image": {"url": "URL1"}},
            {"msgtype": "text", "text": {"content": "灯杆也歪了"}},
            {"msgtype": "image", "image": {"url": "URL2"}}
        ]
    }
}`
	// appImage is a picture sent to the self-built app (document path/90239).
	appImage = `<xml><ToUserName><![CDATA[wx5823bf96d3bd56c7]]></ToUserName>
<FromUserName><![CDATA[U003]]></FromUserName>
<CreateTime>1348831860</CreateTime>
<MsgType><![CDATA[image]]></MsgType>
<PicUrl><![CDATA[this is a url]]></PicUrl>
<MediaId><![CDATA[media_id]]></MediaId>
<MsgId>1234567890123458</MsgId>
<AgentID>1000002</AgentID>
</xml>`
)

func TestRobotPictureMessages(t *testing.T) {
	received := time.Date(2026, 10, 8, 9, 30, 0, 0, gridbot.Zone)
	m, err := ParseRobotMessage([]byte(robotImage))
	if err != nil {
		t.Fatal(err)
	}
	got, ok := m.ToMessage(7, received)
	want := gridbot.Message{Platform: "wecom", TownID: 7, ChatID: "dm:USERID", ChatKind: gridbot.ChatSingle, SenderID: "USERID",
		MsgID: "CAIQz7/MjQYY/NGagIOAgAMgl8jK/gI=", At: received, Images: []gridbot.ImageRef{{Source: ImageSourceRobot, Ref: "URL"}}}
	if !ok || !reflect.DeepEqual(got, want) {
		t.Fatalf("image ToMessage = %+v, %v\nwant %+v", got, ok, want)
	}

	m, err = ParseRobotMessage([]byte(robotMixed))
	if err != nil {
		t.Fatal(err)
	}
	got, ok = m.ToMessage(7, received)
	want = gridbot.Message{Platform: "wecom", TownID: 7, ChatID: "CHATID", ChatKind: gridbot.ChatGroup, SenderID: "USERID",
		Text: "@网格助手 上报 海滨路3号路灯不亮\n灯杆也歪了", MsgID: "CAIQrcjMjQYY/NGagIOAgAMg6PDc/w0=", At: received,
		Images: []gridbot.ImageRef{{Source: ImageSourceRobot, Ref: "URL1"}, {Source: ImageSourceRobot, Ref: "URL2"}}}
	if !ok || !reflect.DeepEqual(got, want) {
		t.Fatalf("mixed ToMessage = %+v, %v\nwant %+v", got, ok, want)
	}

	for _, bad := range []string{
		`{"msgid":"m","chattype":"single","from":{"userid":"U"},"msgtype":"image","image":{}}`,
		`{"msgid":"m","chattype":"single","from":{"userid":"U"},"msgtype":"image"}`,
		`{"chattype":"single","from":{"userid":"U"},"msgtype":"image","image":{"url":"u"}}`,
		`{"msgid":"m","chattype":"group","from":{"userid":"U"},"msgtype":"image","image":{"url":"u"}}`,
		`{"msgid":"m","chattype":"group","chatid":"C","from":{"userid":"U"},"msgtype":"mixed","mixed":{"msg_item":[]}}`,
		`{"msgid":"m","chattype":"group","chatid":"C","from":{"userid":"U"},"msgtype":"mixed","mixed":{"msg_item":[{"msgtype":"image","image":{"url":""}}]}}`,
		`{"msgid":"m","chattype":"group","chatid":"C","from":{},"msgtype":"mixed","mixed":{"msg_item":[{"msgtype":"text","text":{"content":"x"}}]}}`,
	} {
		if _, err := ParseRobotMessage([]byte(bad)); !errors.Is(err, ErrMalformed) {
			t.Errorf("ParseRobotMessage(%s) = %v; want ErrMalformed", bad, err)
		}
	}
}

func TestAppPictureMessage(t *testing.T) {
	m, err := openApp(t, appImage, vecCorpID)
	if err != nil {
		t.Fatal(err)
	}
	if m.PicURL != "this is a url" || m.MediaID != "media_id" {
		t.Errorf("parsed %+v", m)
	}
	got, ok := m.ToMessage(3, time.Unix(0, 0))
	want := gridbot.Message{Platform: "wecom", TownID: 3, ChatID: "dm:U003", ChatKind: gridbot.ChatSingle, SenderID: "U003",
		MsgID: "1234567890123458", At: time.Unix(1348831860, 0).In(gridbot.Zone),
		Images: []gridbot.ImageRef{{Source: ImageSourceApp, Ref: "media_id"}}}
	if !ok || !reflect.DeepEqual(got, want) {
		t.Fatalf("image ToMessage = %+v, %v\nwant %+v", got, ok, want)
	}
	bad := `<xml><FromUserName>U</FromUserName><MsgType>image</MsgType><PicUrl>u</PicUrl><MsgId>1</MsgId></xml>`
	if _, err := ParseAppMessage([]byte(bad)); !errors.Is(err, ErrMalformed) {
		t.Errorf("an image without MediaId: %v", err)
	}
}

// sealMedia encrypts a file as WeCom serves a smart robot's picture, with
// crypto/cipher directly: AES-256-CBC, IV = key[:16], PKCS#7 to 32 bytes.
func sealMedia(t testing.TB, key, file []byte) []byte {
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

func TestDecryptMedia(t *testing.T) {
	key := vecKey(t)
	for _, n := range []int{1, 31, 32, 33, 1000} {
		file := bytes.Repeat([]byte{0xff, 0xd8, 0x42}, n)[:n]
		got, err := DecryptMedia(key, sealMedia(t, key, file))
		if err != nil || !bytes.Equal(got, file) {
			t.Fatalf("%d bytes: %v", n, err)
		}
	}
	sealed := sealMedia(t, key, []byte("GIF89a"))
	other := bytes.Clone(key)
	other[0] ^= 1
	for name, c := range map[string]struct{ key, data []byte }{
		"empty":     {key, nil},
		"not block": {key, sealed[:len(sealed)-1]},
		"wrong key": {other, sealed},
		"short key": {key[:16], sealed},
	} {
		if _, err := DecryptMedia(c.key, c.data); !errors.Is(err, ErrDecrypt) {
			t.Errorf("%s: %v, want ErrDecrypt", name, err)
		}
	}
}

func TestFetchRobotImage(t *testing.T) {
	key := vecKey(t)
	file := []byte("\x89PNG\r\n\x1a\n some picture")
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/ok":
			w.Header().Set("Content-Type", "application/octet-stream")
			w.Write(sealMedia(t, key, file))
		case "/big":
			w.Write(sealMedia(t, key, bytes.Repeat([]byte("x"), 4096)))
		default:
			http.Error(w, "<Error><Code>AccessDenied</Code><Message>Request has expired</Message></Error>", http.StatusForbidden)
		}
	}))
	defer srv.Close()
	got, err := FetchRobotImage(context.Background(), srv.Client(), key, srv.URL+"/ok?sign=secret", 1<<20)
	if err != nil || !bytes.Equal(got, file) {
		t.Fatalf("FetchRobotImage = %q, %v", got, err)
	}
	if _, err := FetchRobotImage(context.Background(), srv.Client(), key, srv.URL+"/big", 1024); !errors.Is(err, ErrTooLarge) {
		t.Errorf("too large: %v", err)
	}
	_, err = FetchRobotImage(context.Background(), srv.Client(), key, srv.URL+"/expired?sign=secret", 1<<20)
	var ae *APIError
	if !errors.As(err, &ae) || ae.HTTPStatus != http.StatusForbidden || strings.Contains(err.Error(), "secret") {
		t.Errorf("expired URL: %v", err)
	}
	_, err = FetchRobotImage(context.Background(), srv.Client(), key, "http://127.0.0.1:1/x?sign=secret", 1<<20)
	if err == nil || strings.Contains(err.Error(), "secret") {
		t.Errorf("unreachable: %v (must not show the URL)", err)
	}
}

// fakeMedia is WeCom's gettoken and media/get; the first token it hands out
// is expired by the time media/get sees it.
type fakeMedia struct {
	fetches, gets atomic.Int32
}

func (f *fakeMedia) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	switch r.URL.Path {
	case "/cgi-bin/gettoken":
		n := f.fetches.Add(1)
		fmt.Fprintf(w, `{"errcode":0,"errmsg":"ok","access_token":"token-%d","expires_in":7200}`, n)
	case "/cgi-bin/media/get":
		f.gets.Add(1)
		w.Header().Set("Content-Type", "application/json; charset=UTF-8")
		switch {
		case q.Get("access_token") == "token-1":
			io.WriteString(w, `{"errcode":42001,"errmsg":"access_token expired, hint: [1760000000_3_x]"}`)
		case q.Get("media_id") != "media_id":
			io.WriteString(w, `{"errcode":40007,"errmsg":"invalid media_id, hint: [1760000000_4_y]"}`)
		default:
			w.Header().Set("Content-Type", "image/jpeg")
			w.Header().Set("Content-disposition", `attachment; filename="media_id.jpg"`)
			w.Write([]byte("\xff\xd8\xff\xe0 a jpeg"))
		}
	}
}

func TestAppMedia(t *testing.T) {
	f := &fakeMedia{}
	srv := httptest.NewServer(f)
	defer srv.Close()
	app := newApp(t, srv.URL, kv.NewMemory(nil))
	got, err := app.Media(context.Background(), "media_id", 1<<20)
	if err != nil || string(got) != "\xff\xd8\xff\xe0 a jpeg" {
		t.Fatalf("Media = %q, %v", got, err)
	}
	if f.fetches.Load() != 2 || f.gets.Load() != 2 {
		t.Errorf("an expired token: %d gettoken, %d media/get; want a new token and one more try", f.fetches.Load(), f.gets.Load())
	}
	_, err = app.Media(context.Background(), "gone", 1<<20)
	var ae *APIError
	if !errors.As(err, &ae) || ae.Code != 40007 {
		t.Errorf("unknown media: %v", err)
	}
	if _, err := app.Media(context.Background(), "media_id", 4); !errors.Is(err, ErrTooLarge) {
		t.Errorf("too large: %v", err)
	}
}
