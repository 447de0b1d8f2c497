package wecom

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-resty/resty/v2"
)

// fakeCheckin is WeCom's gettoken and getcheckindata: one record per user a
// day at 08:00 (Asia/Shanghai) from Oct 1, for the users and span asked.
type fakeCheckin struct {
	t        *testing.T
	mu       sync.Mutex
	tokens   int // tokens handed out
	expireAt int // answer 42001 to this getcheckindata request (1-based); 0 never
	asked    []checkinRequest
	calls    int
}

func (f *fakeCheckin) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	switch r.URL.Path {
	case "/cgi-bin/gettoken":
		if r.URL.Query().Get("corpid") != "ww-corp" || r.URL.Query().Get("corpsecret") != "checkin-secret" {
			io.WriteString(w, `{"errcode":40001,"errmsg":"invalid credential"}`)
			return
		}
		f.tokens++
		fmt.Fprintf(w, `{"errcode":0,"errmsg":"ok","access_token":"tok-%d","expires_in":7200}`, f.tokens)
	case "/cgi-bin/checkin/getcheckindata":
		f.calls++
		if r.URL.Query().Get("access_token") != fmt.Sprintf("tok-%d", f.tokens) {
			io.WriteString(w, `{"errcode":40014,"errmsg":"invalid access_token"}`)
			return
		}
		if f.calls == f.expireAt {
			io.WriteString(w, `{"errcode":42001,"errmsg":"access_token expired"}`)
			return
		}
		var req checkinRequest
		body, _ := io.ReadAll(r.Body)
		if err := json.Unmarshal(body, &req); err != nil {
			f.t.Errorf("body %s: %v", body, err)
		}
		f.asked = append(f.asked, req)
		type rec struct {
			UserID        string `json:"userid"`
			CheckinType   string `json:"checkin_type"`
			ExceptionType string `json:"exception_type"`
			CheckinTime   int64  `json:"checkin_time"`
			Lat           int64  `json:"lat"`
			Lng           int64  `json:"lng"`
		}
		var recs []rec
		day := time.Date(2026, 10, 1, 8, 0, 0, 0, time.FixedZone("CST", 8*3600))
		for ; day.Unix() <= req.EndTime; day = day.AddDate(0, 0, 1) {
			if day.Unix() < req.StartTime {
				continue
			}
			for _, u := range req.UserIDList {
				recs = append(recs, rec{u, "上班打卡", "", day.Unix(), 28381234, 121470567})
			}
		}
		json.NewEncoder(w).Encode(map[string]any{"errcode": 0, "errmsg": "ok", "checkindata": recs})
	default:
		http.NotFound(w, r)
	}
}

func newCheckinClient(t *testing.T, h http.Handler) *CheckinClient {
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return &CheckinClient{HTTP: resty.New(), BaseURL: srv.URL, CorpID: "ww-corp", Secret: "checkin-secret"}
}

// TestCheckinRecordsBatches: 250 users over 45 days take three user batches
// of at most 100 in each of two spans of at most 30 days; an expired token
// is fetched again once.
func TestCheckinRecordsBatches(t *testing.T) {
	f := &fakeCheckin{t: t, expireAt: 2}
	c := newCheckinClient(t, f)
	var users []string
	for i := range 250 {
		users = append(users, fmt.Sprintf("U%03d", i))
	}
	zone := time.FixedZone("CST", 8*3600)
	from := time.Date(2026, 10, 1, 0, 0, 0, 0, zone)
	to := from.AddDate(0, 0, 45)
	recs, err := c.Records(context.Background(), from, to, users)
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 250*45 {
		t.Errorf("%d records, want %d", len(recs), 250*45)
	}
	if f.tokens != 2 {
		t.Errorf("fetched %d tokens, want 2 (one again after 42001)", f.tokens)
	}
	if len(f.asked) != 6 {
		t.Fatalf("%d requests answered, want 6", len(f.asked))
	}
	seen := map[string]int{}
	for _, req := range f.asked {
		if req.OpenCheckinDataType != 3 || len(req.UserIDList) > CheckinMaxUsers ||
			req.EndTime-req.StartTime > int64(CheckinMaxSpan/time.Second) || req.EndTime < req.StartTime {
			t.Errorf("request %+v", req)
		}
		for _, u := range req.UserIDList {
			seen[u]++
		}
	}
	if len(seen) != 250 || seen["U000"] != 2 || seen["U249"] != 2 {
		t.Errorf("users asked: %d distinct, U000 %d times", len(seen), seen["U000"])
	}
	if f.asked[0].StartTime != from.Unix() || f.asked[5].EndTime != to.Unix()-1 {
		t.Errorf("span %d..%d, want %d..%d", f.asked[0].StartTime, f.asked[5].EndTime, from.Unix(), to.Unix()-1)
	}
	if r := recs[0]; r.UserID != "U000" || r.CheckinType != "上班打卡" || r.Lat != 28381234 || r.CheckinTime != from.Add(8*time.Hour).Unix() {
		t.Errorf("first record %+v", r)
	}
}

// TestCheckinRecordsFailures: a wrong secret, a bad answer or a token that
// stays invalid fails the whole call, and no error shows the secret.
func TestCheckinRecordsFailures(t *testing.T) {
	from := time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)
	to := from.AddDate(0, 0, 3)

	c := newCheckinClient(t, &fakeCheckin{t: t})
	c.Secret = "wrong-secret"
	if _, err := c.Records(context.Background(), from, to, []string{"U1"}); err == nil || !strings.Contains(err.Error(), "40001") ||
		strings.Contains(err.Error(), "wrong-secret") {
		t.Errorf("wrong secret: %v", err)
	}

	calls := 0
	c = newCheckinClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/cgi-bin/gettoken" {
			io.WriteString(w, `{"errcode":0,"access_token":"t"}`)
			return
		}
		calls++
		if calls == 1 {
			io.WriteString(w, `{"errcode":0,"errmsg":"ok","checkindata":[]}`)
			return
		}
		w.WriteHeader(http.StatusBadGateway)
	}))
	users := make([]string, 150) // two batches: the second fails
	for i := range users {
		users[i] = fmt.Sprint("U", i)
	}
	if recs, err := c.Records(context.Background(), from, to, users); err == nil || recs != nil {
		t.Errorf("a failed batch: %d records, %v", len(recs), err)
	}

	c = newCheckinClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/cgi-bin/gettoken" {
			io.WriteString(w, `{"errcode":0,"access_token":"t"}`)
			return
		}
		io.WriteString(w, `{"errcode":42001,"errmsg":"access_token expired"}`)
	}))
	if _, err := c.Records(context.Background(), from, to, []string{"U1"}); err == nil || !strings.Contains(err.Error(), "42001") {
		t.Errorf("a token that stays expired: %v", err)
	}

	c = &CheckinClient{HTTP: resty.New(), BaseURL: "http://127.0.0.1:1", CorpID: "ww-corp", Secret: "s3cr3t-value"}
	if _, err := c.Records(context.Background(), from, to, []string{"U1"}); err == nil || strings.Contains(err.Error(), "s3cr3t-value") {
		t.Errorf("unreachable: %v", err)
	}
}

func TestCheckinExceptions(t *testing.T) {
	r := CheckinRecord{ExceptionType: "时间异常;地点异常"}
	if got := r.Exceptions(); !reflect.DeepEqual(got, []string{CheckinLate, CheckinOffSite}) {
		t.Errorf("Exceptions = %q", got)
	}
	if !r.HasException(CheckinOffSite) || r.HasException(CheckinNotCheckedIn) {
		t.Error("HasException")
	}
	if got := (CheckinRecord{}).Exceptions(); got != nil {
		t.Errorf("no exception: %q", got)
	}
}
