package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"gridbot"
	"gridbot/internal/testkit"
)

// fakeCheckinApp is WeCom's gettoken and getcheckindata with the records
// given, answered for the users and the span each request asks; fail makes
// the nth getcheckindata request answer errcode -1.
type fakeCheckinApp struct {
	t       *testing.T
	records []map[string]any
	fail    int

	mu    sync.Mutex
	calls int
	users int // the most users one request named
}

func (f *fakeCheckinApp) start(t *testing.T) string {
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	return srv.URL
}

func (f *fakeCheckinApp) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	switch r.URL.Path {
	case "/cgi-bin/gettoken":
		if r.URL.Query().Get("corpid") != "ww-corp" || r.URL.Query().Get("corpsecret") != "ck-secret" {
			io.WriteString(w, `{"errcode":40001,"errmsg":"invalid credential"}`)
			return
		}
		io.WriteString(w, `{"errcode":0,"errmsg":"ok","access_token":"TOKEN","expires_in":7200}`)
	case "/cgi-bin/checkin/getcheckindata":
		f.calls++
		if r.URL.Query().Get("access_token") != "TOKEN" {
			io.WriteString(w, `{"errcode":40014,"errmsg":"invalid access_token"}`)
			return
		}
		if f.calls == f.fail {
			io.WriteString(w, `{"errcode":-1,"errmsg":"system busy"}`)
			return
		}
		var req struct {
			Type      int      `json:"opencheckindatatype"`
			StartTime int64    `json:"starttime"`
			EndTime   int64    `json:"endtime"`
			Users     []string `json:"useridlist"`
		}
		b, _ := io.ReadAll(r.Body)
		if err := json.Unmarshal(b, &req); err != nil || req.Type != 3 || req.EndTime-req.StartTime > 30*86400 {
			f.t.Errorf("getcheckindata body %s", b)
		}
		f.users = max(f.users, len(req.Users))
		asked := map[string]bool{}
		for _, u := range req.Users {
			asked[u] = true
		}
		var out []map[string]any
		for _, rec := range f.records {
			ts := rec["checkin_time"].(int64)
			if asked[rec["userid"].(string)] && ts >= req.StartTime && ts <= req.EndTime {
				out = append(out, rec)
			}
		}
		json.NewEncoder(w).Encode(map[string]any{"errcode": 0, "errmsg": "ok", "checkindata": out})
	default:
		http.NotFound(w, r)
	}
}

// punch is a check-in app record.
func punch(user, when, exception string) map[string]any {
	t := testkit.At(when)
	return map[string]any{"userid": user, "groupname": "网格打卡", "checkin_type": "上班打卡", "exception_type": exception,
		"checkin_time": t.Unix(), "location_title": "海风村党群服务中心", "location_detail": "", "wifiname": "", "notes": "",
		"wifimac": "", "mediaids": []string{}, "sch_checkin_time": t.Unix(), "groupid": 1, "schedule_id": 0, "timeline_id": 1,
		"lat": 28381234, "lng": 121470567}
}

func (c *cli) checkin(user, day string) (gridbot.Checkin, error) {
	var ci gridbot.Checkin
	err := c.store().View(context.Background(), func(tx gridbot.Tx) error {
		town, err := tx.TownByName("海风镇")
		if err != nil {
			return err
		}
		ci, err = tx.CheckinOn(town.ID, user, day)
		return err
	})
	return ci, err
}

func (c *cli) countCheckins() int {
	var n int
	err := c.store().View(context.Background(), func(tx gridbot.Tx) error {
		town, err := tx.TownByName("海风镇")
		if err != nil {
			return err
		}
		n, err = tx.CountCheckins(town.ID, time.Date(2026, 1, 1, 0, 0, 0, 0, gridbot.Zone), time.Date(2027, 1, 1, 0, 0, 0, 0, gridbot.Zone))
		return err
	})
	if err != nil {
		c.t.Fatal(err)
	}
	return n
}

// TestSyncCheckins: the check-in app's records are merged one a day (the
// earliest punch), skipping days already checked in, 未打卡 and 地点异常
// records, people not on the roster, and days outside the range asked.
func TestSyncCheckins(t *testing.T) {
	engines(t, func(t *testing.T, c *cli) {
		c.ok("import", "roster", "--town", "海风镇", ex("roster.csv"))
		c.ok("import", "checkins", writeFile(t, "ck.csv", "用户ID,日期,时间\nU001,2026-10-01,07:23\n"))
		f := &fakeCheckinApp{t: t, records: []map[string]any{
			punch("U001", "2026-10-01 08:00", ""),          // the day is already checked in
			punch("U001", "2026-10-02 08:05", "时间异常"),      // late, still a check-in
			punch("U002", "2026-10-02 09:00", "未打卡"),       // a missed punch
			punch("U003", "2026-10-03 17:30", ""),          // the later punch of the day
			punch("U003", "2026-10-03 07:50", ""),          // the earliest counts
			punch("U004", "2026-10-04 08:00", "时间异常;地点异常"), // outside the geofence
			punch("U005", "2026-11-01 08:00", ""),          // after --to
			punch("X999", "2026-10-05 08:00", ""),          // not on the roster
		}}
		env := map[string]string{"GRIDBOT_WECOM_API_BASE": f.start(t), "GRIDBOT_WECOM_CORP_ID": "ww-corp",
			"GRIDBOT_WECOM_CHECKIN_SECRET": "ck-secret"}
		out, errs, code := c.runWithEnv(env, "sync", "checkins", "--from", "2026-10-01", "--to", "2026-10-31")
		if code != 0 {
			t.Fatalf("sync: exit %d\n%s", code, errs)
		}
		if !strings.Contains(out, "获取 6 条记录，未打卡 1 条、地点异常 1 条不计；有效打卡 3 人·天，新增 2 条，已有打卡跳过 1 条") {
			t.Errorf("sync output: %s", out)
		}
		if got, err := c.checkin("U001", "2026-10-01"); err != nil || got.Source != gridbot.SourceImport {
			t.Errorf("the imported check-in was replaced: %+v %v", got, err)
		}
		got, err := c.checkin("U003", "2026-10-03")
		if err != nil || got.Source != gridbot.SourceWeCom || got.At.Format("15:04") != "07:50" || got.Lat != 28.381234 || got.Lng != 121.470567 {
			t.Errorf("U003's check-in: %+v %v", got, err)
		}
		if got, err := c.checkin("U001", "2026-10-02"); err != nil || got.Source != gridbot.SourceWeCom {
			t.Errorf("a late punch: %+v %v", got, err)
		}
		for _, missing := range [][2]string{{"U002", "2026-10-02"}, {"U004", "2026-10-04"}} {
			if _, err := c.checkin(missing[0], missing[1]); gridbot.ErrorCode(err) != gridbot.ENOTFOUND {
				t.Errorf("%s on %s was stored (%v)", missing[0], missing[1], err)
			}
		}
		// Syncing again adds nothing.
		if out, _, _ := c.runWithEnv(env, "sync", "checkins", "--from", "2026-10-01", "--to", "2026-10-31"); !strings.Contains(out, "新增 0 条，已有打卡跳过 3 条") {
			t.Errorf("second sync: %s", out)
		}
		if f.users != 60 {
			t.Errorf("asked for %d users at most, want the roster's 60", f.users)
		}
	})
}

// TestSyncCheckinsAllOrNothing: when one request of the range fails,
// nothing of the others is stored.
func TestSyncCheckinsAllOrNothing(t *testing.T) {
	c := newCLI(t, "sqlite:"+t.TempDir()+"/t.db")
	c.ok("import", "roster", "--town", "海风镇", ex("roster.csv"))
	f := &fakeCheckinApp{t: t, fail: 2, records: []map[string]any{punch("U001", "2026-09-02 08:00", ""), punch("U002", "2026-10-20 08:00", "")}}
	// The app secret stands in for the check-in secret.
	env := map[string]string{"GRIDBOT_WECOM_API_BASE": f.start(t), "GRIDBOT_WECOM_CORP_ID": "ww-corp",
		"GRIDBOT_WECOM_APP_SECRET": "ck-secret"}
	before := c.countCheckins()
	_, errs, code := c.runWithEnv(env, "sync", "checkins", "--from", "2026-09-01", "--to", "2026-10-31")
	if code != 1 || !strings.Contains(errs, "errcode -1") || !strings.Contains(errs, "未写入任何打卡") {
		t.Fatalf("sync with a failing request: exit %d, %s", code, errs)
	}
	if f.calls != 2 || c.countCheckins() != before {
		t.Errorf("after %d requests, %d check-ins stored", f.calls, c.countCheckins()-before)
	}
	f.fail = 0
	if out, errs, code := c.runWithEnv(env, "sync", "checkins", "--from", "2026-09-01", "--to", "2026-10-31"); code != 0 || !strings.Contains(out, "新增 2 条") {
		t.Errorf("sync once WeCom answers: exit %d %s %s", code, out, errs)
	}
}

func TestSyncCheckinsRefusals(t *testing.T) {
	c := newCLI(t, "sqlite:"+t.TempDir()+"/t.db")
	c.ok("import", "roster", "--town", "海风镇", ex("roster.csv"))
	f := &fakeCheckinApp{t: t}
	base := f.start(t)
	for _, tc := range []struct {
		env  map[string]string
		args []string
		code int
		want string
	}{
		{map[string]string{}, []string{"--from", "2026-10-01", "--to", "2026-10-31"}, 1, "GRIDBOT_WECOM_CORP_ID"},
		{map[string]string{"GRIDBOT_WECOM_CORP_ID": "ww-corp", "GRIDBOT_WECOM_CHECKIN_SECRET": "wrong"},
			[]string{"--from", "2026-10-01", "--to", "2026-10-31"}, 1, "企业 ID 或 Secret 不对"},
		{map[string]string{"GRIDBOT_WECOM_CORP_ID": "ww-corp", "GRIDBOT_WECOM_CHECKIN_SECRET": "wrong",
			"GRIDBOT_WECOM_CHECKIN_SECRET_FILE": "/run/secrets/checkin"},
			[]string{"--from", "2026-10-01", "--to", "2026-10-31"}, 1, "只能设置一个"},
		{map[string]string{}, []string{"--from", "2026-10-31", "--to", "2026-10-01"}, 2, "--from 要不晚于 --to"},
		{map[string]string{}, []string{"--from", "10月1日", "--to", "2026-10-31"}, 2, "写成 2026-10-01"},
	} {
		tc.env["GRIDBOT_WECOM_API_BASE"] = base
		_, errs, code := c.runWithEnv(tc.env, append([]string{"sync", "checkins"}, tc.args...)...)
		if code != tc.code || !strings.Contains(errs, tc.want) {
			t.Errorf("sync %v: exit %d, %q; want %d and %q", tc.args, code, errs, tc.code, tc.want)
		}
		if strings.Contains(errs, "wrong") {
			t.Errorf("the secret is shown: %s", errs)
		}
	}
}
