package main

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"runtime/debug"
	"strings"
	"time"

	"gridbot/bot/journal"
	"gridbot/bot/notify"
	"gridbot/bot/server"
	"gridbot/config"
	"gridbot/handlers"
	"gridbot/notices"
	"gridbot/results"
	"gridbot/storage/kv"
)

func init() {
	register(&subcommand{
		Name:    "serve",
		Summary: "运行企业微信、钉钉回调服务 (HTTP: /wecom/bot, /wecom/app, /dingtalk/robot, /healthz, /readyz, /metrics)",
		Usage: `用法 / usage:
  gridbot serve

在 GRIDBOT_ADDR（默认 :8080）上接收回调:
  /wecom/bot       企业微信智能机器人    GRIDBOT_WECOM_BOT_TOKEN、GRIDBOT_WECOM_BOT_AES_KEY
  /wecom/app       企业微信自建应用      GRIDBOT_WECOM_CORP_ID、GRIDBOT_WECOM_APP_AGENT_ID、GRIDBOT_WECOM_APP_SECRET、
                                         GRIDBOT_WECOM_APP_TOKEN、GRIDBOT_WECOM_APP_AES_KEY
  /dingtalk/robot  钉钉企业内部机器人    GRIDBOT_DINGTALK_APP_SECRET
                   （一对一工作通知另需 GRIDBOT_DINGTALK_APP_KEY、GRIDBOT_DINGTALK_AGENT_ID）
  /healthz  进程存活   /readyz  数据库与 Redis 可用   /metrics  Prometheus 指标
未配置的平台不启用（启动日志会说明）。密钥也可用 变量名_FILE 指向文件。
GRIDBOT_TOWN 指定回调属于哪个镇（库中只有一个镇时可不设）；多个镇用 GRIDBOT_CONFIG_FILE (YAML) 为每个镇
配置各自的路径与密钥。GRIDBOT_BOT_NAMES 机器人名字（逗号分隔，默认 网格助手）；GRIDBOT_USER_RATE 每人
每分钟命令数上限（默认 10，0 为不限）；GRIDBOT_RANKING_TTL 全镇排行的复用时长（默认 30s，0 为每次
重新结算；「积分」的明细始终实时，名次按不超过该时长前的排行）。多副本运行时请使用 PostgreSQL 与 Redis（GRIDBOT_REDIS_URL）。
垃圾回收目标默认 GOGC=400（设置 GOGC 环境变量则按其值）。
GRIDBOT_PPROF_ADDR（默认不开）在另一个地址（如 127.0.0.1:6060）上提供 Go 的 /debug/pprof/，供性能分析；只应监听本机。
收到 SIGTERM 后不再接收新连接，处理完进行中的回调并发完回复后退出。`,
		Run: runServe,
	})
}

func runServe(ctx context.Context, e *Env, args []string) error {
	pos, err := parseFlags(newFlags("serve"), args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usageError("多余的参数 %q", strings.Join(pos, " "))
	}
	cfg, err := e.Config()
	if err != nil {
		return err
	}
	scfg, err := config.LoadServe(e.Getenv)
	if err != nil {
		return err
	}
	log := slog.New(slog.NewJSONHandler(e.Stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	var lines []string
	for _, l := range strings.Split(cfg.String(), "\n") {
		// serve prints its own GRIDBOT_ADDR and GRIDBOT_TOWN (which has no default here).
		if l != "" && !strings.HasPrefix(l, "GRIDBOT_TOWN=") && !strings.HasPrefix(l, "GRIDBOT_ADDR=") {
			lines = append(lines, l)
		}
	}
	lines = append(lines, strings.Split(strings.TrimSpace(scfg.String()), "\n")...)
	log.Info("configuration", "config", lines)
	if scfg.GCPercent > 0 {
		debug.SetGCPercent(scfg.GCPercent)
	}
	if addr := strings.TrimSpace(e.Getenv("GRIDBOT_PPROF_ADDR")); addr != "" {
		stop, err := servePprof(addr, log)
		if err != nil {
			return err
		}
		defer stop()
	}
	st, err := e.Store(ctx)
	if err != nil {
		return err
	}
	rules, err := e.Rules()
	if err != nil {
		return err
	}
	k, err := kv.Open(cfg.RedisURL)
	if err != nil {
		return err
	}
	defer k.Close()
	if cfg.RedisURL == "" {
		log.Warn("GRIDBOT_REDIS_URL is unset: dedupe, rate limits and the WeCom token live in this process; run one replica only")
	}
	h := handlers.New(rules)
	h.Board = results.NewBoard(scfg.RankingTTL)
	h.PublicURL = cfg.PublicURL // web links: 后台's login links, QR codes
	// The journal keeps what the store cannot take while it is unreachable;
	// each replica has its own, on local disk.
	j, err := journal.Open(scfg.JournalDir)
	if err != nil {
		return err
	}
	defer j.Close()
	if n := j.Len(); n > 0 {
		log.Info("journal opened with messages to drain", "dir", scfg.JournalDir, "pending", n)
	}
	srv, err := server.New(scfg, server.Deps{Store: st, KV: k, Handler: h, Logger: log, Clock: e.Clock, Journal: j,
		Notify: notify.Options{FastLease: scfg.ReplyLease, Lease: scfg.OutboxLease}})
	if err != nil {
		return err
	}
	// The notifier's worker delivers what commands queued in their own
	// transactions and the callbacks did not send at once: announcements,
	// notices, replies whose replica died or whose platform was down. Each
	// replica runs one.
	w := srv.Notifier()
	wctx, stopWorker := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- w.Run(wctx) }()
	// The scheduler (spec/notices.md): each replica runs one; the store's
	// unique keys and locks send each notice once.
	sched := &notices.Runner{Store: st, Rules: rules, Notifier: w, Robots: true, Now: e.Clock.Now, Logger: log}
	schedDone := make(chan error, 1)
	go func() { schedDone <- sched.Run(wctx) }()
	err = srv.Run(ctx)
	stopWorker()
	if werr := <-done; werr != nil && err == nil {
		err = werr
	}
	if serr := <-schedDone; serr != nil && err == nil {
		err = serr
	}
	return err
}

// servePprof serves Go's profiles on addr, apart from the callbacks (off
// unless GRIDBOT_PPROF_ADDR is set: profiles show the process's internals,
// so keep addr on 127.0.0.1). stop closes the listener.
func servePprof(addr string, log *slog.Logger) (stop func(), err error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, errors.New("GRIDBOT_PPROF_ADDR: " + err.Error())
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	hs := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	go hs.Serve(ln)
	log.Warn("pprof listening (GRIDBOT_PPROF_ADDR); keep it off the network", "addr", ln.Addr().String())
	return func() { hs.Close() }, nil
}
