package faulttest

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// The cluster: the test's own PostgreSQL and Redis (stopped and restarted
// by the test, never the machine's shared ones), two `gridbot serve`
// replicas, all on 127.0.0.1.

const (
	botToken  = "faulttoken"
	botAESKey = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C"
	town      = "海风镇"
)

// tools finds initdb/pg_ctl and redis-server; "" when missing.
func pgBin() string {
	if p, err := exec.LookPath("pg_ctl"); err == nil {
		if _, err := os.Stat(filepath.Join(filepath.Dir(p), "initdb")); err == nil {
			return filepath.Dir(p)
		}
	}
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(dirs, func(i, j int) bool { return version(dirs[i]) > version(dirs[j]) })
	for _, d := range dirs {
		if _, err := os.Stat(filepath.Join(d, "initdb")); err == nil {
			return d
		}
	}
	return ""
}

func version(dir string) int {
	n, _ := strconv.Atoi(filepath.Base(filepath.Dir(dir)))
	return n
}

func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// asPostgres runs a PostgreSQL tool, as the postgres user when we are root
// (initdb refuses root).
func asPostgres(bin string, args ...string) *exec.Cmd {
	if os.Geteuid() == 0 {
		return exec.Command("runuser", append([]string{"-u", "postgres", "--", bin}, args...)...)
	}
	return exec.Command(bin, args...)
}

type postgres struct {
	bin, dir string
	port     int
}

func startPostgres(t *testing.T, bin, root string) *postgres {
	t.Helper()
	pg := &postgres{bin: bin, dir: filepath.Join(root, "pgdata"), port: freePort(t)}
	if err := os.MkdirAll(pg.dir, 0o700); err != nil {
		t.Fatal(err)
	}
	if os.Geteuid() == 0 {
		u, err := user.Lookup("postgres")
		if err != nil {
			t.Fatalf("running as root needs the postgres user for initdb: %v", err)
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		for _, d := range []string{root, pg.dir} {
			os.Chown(d, uid, gid)
		}
		os.Chmod(root, 0o755)
	}
	if out, err := asPostgres(filepath.Join(bin, "initdb"), "-D", pg.dir, "-A", "trust", "-U", "postgres",
		"--no-sync", "-E", "UTF8", "--locale=C").CombinedOutput(); err != nil {
		t.Fatalf("initdb: %v\n%s", err, out)
	}
	pg.start(t)
	t.Cleanup(func() {
		asPostgres(filepath.Join(bin, "pg_ctl"), "-D", pg.dir, "stop", "-m", "immediate", "-w").Run()
	})
	return pg
}

func (pg *postgres) url() string {
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable", pg.port)
}

func (pg *postgres) start(t *testing.T) {
	opts := fmt.Sprintf("-p %d -c listen_addresses=127.0.0.1 -c unix_socket_directories=%s -c fsync=off -c max_connections=200",
		pg.port, pg.dir)
	if out, err := asPostgres(filepath.Join(pg.bin, "pg_ctl"), "-D", pg.dir, "-o", opts, "-l",
		filepath.Join(pg.dir, "log"), "-w", "-t", "60", "start").CombinedOutput(); err != nil {
		t.Errorf("pg_ctl start: %v\n%s", err, out)
	}
}

func (pg *postgres) stop(t *testing.T) {
	if out, err := asPostgres(filepath.Join(pg.bin, "pg_ctl"), "-D", pg.dir, "stop", "-m", "fast", "-w", "-t", "60").CombinedOutput(); err != nil {
		t.Errorf("pg_ctl stop: %v\n%s", err, out)
	}
}

type redis struct {
	bin  string
	port int
	cmd  *exec.Cmd
}

func startRedis(t *testing.T, bin string) *redis {
	r := &redis{bin: bin, port: freePort(t)}
	r.start(t)
	t.Cleanup(func() { r.kill() })
	return r
}

func (r *redis) url() string { return fmt.Sprintf("redis://127.0.0.1:%d/0", r.port) }

func (r *redis) start(t *testing.T) {
	r.cmd = exec.Command(r.bin, "--port", strconv.Itoa(r.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no")
	if err := r.cmd.Start(); err != nil {
		t.Fatalf("redis-server: %v", err)
	}
	waitTCP(t, r.port)
}

// kill stops Redis at once: it comes back empty.
func (r *redis) kill() {
	if r.cmd != nil && r.cmd.Process != nil {
		r.cmd.Process.Kill()
		r.cmd.Wait()
	}
}

func waitTCP(t *testing.T, port int) {
	for i := 0; i < 200; i++ {
		if c, err := net.DialTimeout("tcp", fmt.Sprintf("127.0.0.1:%d", port), 100*time.Millisecond); err == nil {
			c.Close()
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("nothing listens on port %d", port)
}

// replica is one `gridbot serve`.
type replica struct {
	name string
	bin  string
	env  []string
	port int
	log  *os.File
	cmd  *exec.Cmd
}

func newReplica(t *testing.T, name, bin, root string, pg *postgres, rd *redis, sinkBase string) *replica {
	rp := &replica{name: name, bin: bin, port: freePort(t)}
	jdir := filepath.Join(root, "journal-"+name)
	rp.env = append(os.Environ(),
		"GRIDBOT_ADDR=127.0.0.1:"+strconv.Itoa(rp.port),
		"GRIDBOT_DATABASE_URL="+pg.url(),
		"GRIDBOT_REDIS_URL="+rd.url(),
		"GRIDBOT_TOWN="+town,
		"GRIDBOT_WECOM_BOT_TOKEN="+botToken,
		"GRIDBOT_WECOM_BOT_AES_KEY="+botAESKey,
		"GRIDBOT_WECOM_API_BASE="+sinkBase+"/"+name, // the fake tells the replicas apart
		"GRIDBOT_USER_RATE=0",
		"GRIDBOT_JOURNAL_DIR="+jdir,
		"GRIDBOT_REPLY_LEASE=20s",
		"GRIDBOT_OUTBOX_LEASE=30s",
	)
	rp.env = append(rp.env, appEnv...)
	var err error
	if rp.log, err = os.Create(filepath.Join(root, "serve-"+name+".log")); err != nil {
		t.Fatal(err)
	}
	rp.start(t)
	t.Cleanup(func() { rp.kill(); rp.log.Close() })
	return rp
}

func (rp *replica) url() string { return fmt.Sprintf("http://127.0.0.1:%d/wecom/bot", rp.port) }

func (rp *replica) start(t *testing.T) {
	rp.cmd = exec.Command(rp.bin, "serve")
	rp.cmd.Env = rp.env
	rp.cmd.Stdout, rp.cmd.Stderr = rp.log, rp.log
	if err := rp.cmd.Start(); err != nil {
		t.Fatalf("serve %s: %v", rp.name, err)
	}
	for i := 0; i < 300; i++ {
		if resp, err := http.Get(fmt.Sprintf("http://127.0.0.1:%d/healthz", rp.port)); err == nil {
			resp.Body.Close()
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("replica %s did not start; see %s", rp.name, rp.log.Name())
}

// kill9 kills the replica the hard way (SIGKILL: no shutdown at all).
func (rp *replica) kill9() {
	if rp.cmd != nil && rp.cmd.Process != nil {
		rp.cmd.Process.Signal(syscall.SIGKILL)
		rp.cmd.Wait()
	}
}

func (rp *replica) kill() {
	if rp.cmd != nil && rp.cmd.Process != nil && rp.cmd.ProcessState == nil {
		rp.cmd.Process.Signal(syscall.SIGTERM)
		done := make(chan struct{})
		go func() { rp.cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			rp.cmd.Process.Kill()
			<-done
		}
	}
}

func (rp *replica) ready() int {
	resp, err := http.Get(fmt.Sprintf("http://127.0.0.1:%d/readyz", rp.port))
	if err != nil {
		return 0
	}
	resp.Body.Close()
	return resp.StatusCode
}

// metric reads one sample of the replica's /metrics ("name{labels}").
func (rp *replica) metric(sample string) float64 {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", fmt.Sprintf("http://127.0.0.1:%d/metrics", rp.port), nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0
	}
	defer resp.Body.Close()
	var buf bytes.Buffer
	buf.ReadFrom(resp.Body)
	for _, l := range strings.Split(buf.String(), "\n") {
		if v, ok := strings.CutPrefix(l, sample+" "); ok {
			f, _ := strconv.ParseFloat(v, 64)
			return f
		}
	}
	return 0
}

func buildGridbot(t *testing.T, dir string) string {
	bin := filepath.Join(dir, "gridbot")
	cmd := exec.Command("go", "build", "-o", bin, "./cmd/gridbot")
	cmd.Dir = ".."
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

func run(t *testing.T, bin string, env []string, args ...string) {
	cmd := exec.Command(bin, args...)
	cmd.Env = env
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("gridbot %s: %v\n%s", strings.Join(args, " "), err, out)
	}
}
