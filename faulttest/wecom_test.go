package faulttest

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"io"
	"math/big"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/silenceper/wechat/v2/util"
)

// WeCom, played from outside: callbacks sealed with silenceper/wechat's
// WXBizMsgCrypt (not gridbot's own crypto), and a response_url sink.

type robotMessage struct {
	MsgID    string `json:"msgid"`
	AIBotID  string `json:"aibotid"`
	ChatID   string `json:"chatid"`
	ChatType string `json:"chattype"`
	From     struct {
		UserID string `json:"userid"`
	} `json:"from"`
	ResponseURL string `json:"response_url"`
	MsgType     string `json:"msgtype"`
	Text        struct {
		Content string `json:"content"`
	} `json:"text"`
}

func aesKey() []byte {
	k, err := base64.StdEncoding.DecodeString(botAESKey + "=")
	if err != nil {
		panic(err)
	}
	return k
}

// seal encrypts and signs m: the query and the body of one delivery.
func seal(m robotMessage) (string, []byte) {
	plain, _ := json.Marshal(m)
	var rnd [20]byte
	rand.Read(rnd[:])
	enc := base64.StdEncoding.EncodeToString(util.AESEncryptMsg(rnd[:16], plain, "", aesKey()))
	ts := strconv.FormatInt(time.Now().Unix(), 10)
	nonce := strconv.FormatUint(uint64(binary.BigEndian.Uint32(rnd[16:])), 10)
	q := url.Values{"msg_signature": {util.Signature(botToken, ts, nonce, enc)}, "timestamp": {ts}, "nonce": {nonce}}
	body, _ := json.Marshal(map[string]string{"encrypt": enc})
	return q.Encode(), body
}

func randn(n int) int {
	v, _ := rand.Int(rand.Reader, big.NewInt(int64(n)))
	return int(v.Int64())
}

// sink stands for WeCom's response_url: it refuses RefusePct% of first
// attempts with a 502, then takes one markdown reply per message; a
// second one is counted (WeCom would refuse it: the member sees one).
type sink struct {
	srv  *http.Server
	base string

	mu       sync.Mutex
	attempts map[string]int
	replies  map[string]int
	texts    map[string]string
	at       map[string]time.Time
	times    map[string][]time.Time // of every reply taken
	refused  int
}

func startSink(refusePct int, api http.HandlerFunc) (*sink, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	s := &sink{base: "http://" + l.Addr().String(), attempts: map[string]int{}, replies: map[string]int{},
		texts: map[string]string{}, at: map[string]time.Time{}, times: map[string][]time.Time{}}
	s.srv = &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id, ok := strings.CutPrefix(r.URL.Path, "/r/")
		if !ok && api != nil {
			api(w, r) // the WeCom API, at GRIDBOT_WECOM_API_BASE = sink/<replica>
			return
		}
		body, _ := io.ReadAll(r.Body)
		if !ok || r.Method != http.MethodPost {
			http.NotFound(w, r)
			return
		}
		s.mu.Lock()
		s.attempts[id]++
		first := s.attempts[id] == 1
		if first && randn(100) < refusePct {
			s.refused++
			s.mu.Unlock()
			http.Error(w, "bad gateway", http.StatusBadGateway)
			return
		}
		s.replies[id]++
		s.times[id] = append(s.times[id], time.Now())
		var md struct {
			Markdown struct {
				Content string `json:"content"`
			} `json:"markdown"`
		}
		json.Unmarshal(body, &md)
		if s.replies[id] == 1 {
			s.texts[id], s.at[id] = md.Markdown.Content, time.Now()
		}
		s.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"errcode":0,"errmsg":"ok"}`)
	})}
	go s.srv.Serve(l)
	return s, nil
}

func (s *sink) url(id string) string { return s.base + "/r/" + id }

func (s *sink) reply(id string) (n int, text string, at time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.replies[id], s.texts[id], s.at[id]
}

// deliver POSTs one delivery of a sealed callback; it says whether it was
// answered 200 (acknowledged), and the status or error otherwise.
func deliver(c *http.Client, u string, m robotMessage) (bool, string) {
	q, body := seal(m)
	resp, err := c.Post(u+"?"+q, "application/json", strings.NewReader(string(body)))
	if err != nil {
		if ne, ok := err.(net.Error); ok && ne.Timeout() {
			return false, "timeout"
		}
		return false, "refused"
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode == http.StatusOK {
		return true, ""
	}
	return false, strconv.Itoa(resp.StatusCode)
}

// replyTimes are when each reply to id was taken.
func (s *sink) replyTimes(id string) []time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]time.Time(nil), s.times[id]...)
}
