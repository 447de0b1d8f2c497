package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"gridbot"
	"gridbot/present"
	"gridbot/results"
	"gridbot/scoring"
	"gridbot/storage"
)

// runWithEnv is cli.run with more environment variables.
func (c *cli) runWithEnv(env map[string]string, args ...string) (string, string, int) {
	c.t.Helper()
	var out, errb bytes.Buffer
	all := map[string]string{"GRIDBOT_DATABASE_URL": c.dbURL}
	for k, v := range env {
		all[k] = v
	}
	e := newEnv(strings.NewReader(""), &out, &errb, func(k string) string { return all[k] })
	e.Clock = c.clock
	defer e.Close()
	code := run(context.Background(), e, args)
	return out.String(), errb.String(), code
}

// store opens the cli's database for a look behind the command line.
func (c *cli) store() gridbot.Store {
	c.t.Helper()
	st, err := storage.Open(context.Background(), c.dbURL)
	if err != nil {
		c.t.Fatal(err)
	}
	c.t.Cleanup(func() { st.Close() })
	return st
}

// fakeWebhook is a WeCom group robot: it records the bodies it is sent.
type fakeWebhook struct {
	mu     sync.Mutex
	bodies map[string][]string // by key
}

func newFakeWebhook(t *testing.T) (*fakeWebhook, string) {
	f := &fakeWebhook{bodies: map[string][]string{}}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/cgi-bin/webhook/send" || r.Method != http.MethodPost {
			http.NotFound(w, r)
			return
		}
		b, _ := io.ReadAll(r.Body)
		f.mu.Lock()
		f.bodies[r.URL.Query().Get("key")] = append(f.bodies[r.URL.Query().Get("key")], string(b))
		f.mu.Unlock()
		io.WriteString(w, `{"errcode":0,"errmsg":"ok"}`)
	}))
	t.Cleanup(srv.Close)
	return f, srv.URL
}

func (f *fakeWebhook) got(key string) []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.bodies[key]...)
}

const townRobotKey = "693a91f6-7a1c-4bc4-97a0-0ec2f1fa5aaa"

func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestImportWebhooks: a good file is stored; a file with bad rows is
// refused with line numbers and stores nothing.
func TestImportWebhooks(t *testing.T) {
	engines(t, func(t *testing.T, c *cli) {
		c.ok("import", "roster", "--town", "海风镇", ex("roster.csv"))
		good := writeFile(t, "hooks.csv", "范围,名称,平台,地址或key,密钥\n"+
			"镇,,企业微信,https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key="+townRobotKey+",\n"+
			"村,海风村,钉钉,0123456789abcdef0123456789abcdef,SEC0123456789abcdef\n")
		out := c.ok("import", "webhooks", good)
		if !strings.Contains(out, "新增 2") || strings.Contains(out, townRobotKey) {
			t.Errorf("import webhooks: %s", out)
		}
		bad := writeFile(t, "bad.csv", "范围,名称,平台,地址或key,密钥\n"+
			"镇,,企业微信,new-key-000001,\n"+
			"村,不存在村,企业微信,new-key-000002,\n"+
			"网格,,钉钉,0123456789abcdef,\n")
		_, errs, code := c.run("import", "webhooks", bad)
		if code != 1 || !strings.Contains(errs, "第 4 行「名称」：网格级群机器人要填写网格名") {
			t.Fatalf("bad file: exit %d\n%s", code, errs)
		}
		var hooks []gridbot.Webhook
		if err := c.store().View(context.Background(), func(tx gridbot.Tx) error {
			towns, err := tx.Towns()
			if err != nil {
				return err
			}
			hooks, err = tx.Webhooks(towns[0].ID)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		if len(hooks) != 2 || hooks[0].Key != townRobotKey {
			t.Errorf("after a refused file: %+v", hooks)
		}
	})
}

// TestPublishEnqueuesTheAnnouncement: publishing a month queues its
// announcement for the town's robot in the same transaction, and push
// delivers it; without a robot publish says none was queued.
func TestPublishEnqueuesTheAnnouncement(t *testing.T) {
	engines(t, func(t *testing.T, c *cli) {
		c.importExamples()
		robot, base := newFakeWebhook(t)
		c.ok("import", "webhooks", writeFile(t, "hooks.csv", "范围,名称,平台,地址或key\n镇,海风镇,企业微信,"+townRobotKey+"\n"))
		out := c.ok("publish", "month", "2026-10")
		if !strings.Contains(out, "公告已排队推送到 1 个群机器人") {
			t.Fatalf("publish output:\n%s", out)
		}
		// What was queued is the announcement of the frozen month.
		st := c.store()
		var want string
		var jobs []gridbot.OutboundJob
		if err := st.View(context.Background(), func(tx gridbot.Tx) error {
			town, err := tx.TownByName("海风镇")
			if err != nil {
				return err
			}
			res, frozen, err := results.Month(tx, town.ID, scoring.DefaultRules(), "2026-10", c.clock.Now())
			if err != nil || !frozen {
				return fmt.Errorf("the published month: frozen %v, %v", frozen, err)
			}
			want = present.Announcement(present.MonthRanking(res, scoring.DefaultRules(), true))
			jobs, err = tx.Jobs(town.ID, gridbot.JobPending)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		// Only the town's group has a robot; the stars are @-ed beside it.
		if len(jobs) != 1 || jobs[0].Markdown != want || jobs[0].Webhook.Key != townRobotKey || len(jobs[0].Mentions) == 0 {
			t.Fatalf("queued %+v", jobs)
		}

		env := map[string]string{"GRIDBOT_WECOM_API_BASE": base}
		out, errs, code := c.runWithEnv(env, "push")
		if code != 0 || !strings.Contains(out, "已发送 1 条消息") {
			t.Fatalf("push: exit %d\n%s\n%s", code, out, errs)
		}
		got := robot.got(townRobotKey)
		if len(got) != 2 || !strings.Contains(got[1], jobs[0].Mentions[0]) {
			t.Fatalf("the robot got %d messages, want the announcement and the @ of the stars: %q", len(got), got)
		}
		var body struct {
			MsgType  string `json:"msgtype"`
			Markdown struct {
				Content string `json:"content"`
			} `json:"markdown"`
		}
		if err := json.Unmarshal([]byte(got[0]), &body); err != nil || body.MsgType != "markdown" ||
			body.Markdown.Content != strings.Trim(want, "\n") {
			t.Errorf("the robot got %s\nwant the announcement\n%s", got[0], want)
		}
		// Pushing again sends nothing: it was delivered once.
		if out, _, _ := c.runWithEnv(env, "push"); !strings.Contains(out, "已发送 0 条消息") || len(robot.got(townRobotKey)) != 2 {
			t.Errorf("second push: %s", out)
		}
		if out := c.ok("push", "--list"); !strings.Contains(out, "没有待发送") {
			t.Errorf("push --list: %s", out)
		}
	})
}

func TestPublishWithoutRobot(t *testing.T) {
	c := newCLI(t, "sqlite:"+filepath.Join(t.TempDir(), "t.db"))
	c.importExamples()
	out := c.ok("publish", "month", "2026-10")
	if !strings.Contains(out, "本镇没有登记群机器人，公告未排队推送") {
		t.Errorf("publish without a robot:\n%s", out)
	}
}

// TestPushGivesUpAndRetries: a robot that keeps refusing is given up after
// the last attempt (exit 1, listed with the reason), and --retry-dead sends
// it again once the robot works.
func TestPushGivesUpAndRetries(t *testing.T) {
	c := newCLI(t, "sqlite:"+filepath.Join(t.TempDir(), "t.db"))
	c.ok("import", "roster", "--town", "海风镇", ex("roster.csv"))
	c.ok("import", "webhooks", writeFile(t, "hooks.csv", "范围,名称,平台,地址或key\n镇,,企业微信,"+townRobotKey+"\n"))
	var mu sync.Mutex
	refuse := true
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		if refuse {
			io.WriteString(w, `{"errcode":93000,"errmsg":"invalid webhook url"}`)
			return
		}
		io.WriteString(w, `{"errcode":0,"errmsg":"ok"}`)
	}))
	defer srv.Close()
	st := c.store()
	if err := st.Update(context.Background(), func(tx gridbot.Tx) error {
		town, err := tx.TownByName("海风镇")
		if err != nil {
			return err
		}
		hooks, err := tx.Webhooks(town.ID)
		if err != nil {
			return err
		}
		// One attempt left before it is given up.
		j := &gridbot.OutboundJob{TownID: town.ID, WebhookID: hooks[0].ID, Text: "明早 8 点打卡", CreatedAt: c.clock.Now()}
		if err := tx.EnqueueJob(j); err != nil {
			return err
		}
		jobs, err := tx.ClaimJobs("test", c.clock.Now(), 1, 1)
		if err != nil || len(jobs) != 1 {
			return err
		}
		return tx.MarkJobFailed(j.ID, "test", gridbot.JobFailure{Attempts: 14, NextAt: c.clock.Now(), Error: "earlier"})
	}); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"GRIDBOT_WECOM_API_BASE": srv.URL}
	_, errs, code := c.runWithEnv(env, "push", "--wait", "0")
	if code != 1 || !strings.Contains(errs, "1 条消息多次发送失败，已放弃") {
		t.Fatalf("push: exit %d, %s", code, errs)
	}
	if out := c.ok("push", "--list"); !strings.Contains(out, "已放弃") || !strings.Contains(out, "93000") || !strings.Contains(out, "明早 8 点打卡") {
		t.Errorf("push --list:\n%s", out)
	}
	mu.Lock()
	refuse = false
	mu.Unlock()
	out, errs, code := c.runWithEnv(env, "push", "--retry-dead")
	if code != 0 || !strings.Contains(out, "已将 1 条放弃的消息重新排队") || !strings.Contains(out, "已发送 1 条消息") {
		t.Errorf("push --retry-dead: exit %d\n%s\n%s", code, out, errs)
	}
}
