// Package server is gridbot's HTTP service: the callback URLs of the WeCom
// smart robot, the WeCom self-built app and the DingTalk enterprise robot,
// plus /healthz, /readyz and /metrics. A callback is checked, opened,
// run through the one pipeline (bot.Pipeline) until its command commits,
// answered, and then replied to in the background on the platform's reply
// channel, with retries.
package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/go-resty/resty/v2"

	"gridbot"
	"gridbot/bot"
	"gridbot/bot/journal"
	"gridbot/bot/metrics"
	"gridbot/bot/notify"
	"gridbot/config"
	"gridbot/handlers"
	"gridbot/storage/kv"
	"gridbot/web"
)

// Limits and timeouts; a Server copies them into fields tests may change.
const (
	// MaxBody is the largest callback body read; a larger one gets 413.
	// Real callbacks are a few KB.
	MaxBody = 1 << 20
	// HandleTimeout bounds a command, so that the callback is answered well
	// within the platforms' 5 seconds even when the store is slow.
	HandleTimeout = 4 * time.Second
	// ReplyTimeout bounds sending one callback's replies, retries included.
	ReplyTimeout = 30 * time.Second
	// ShutdownTimeout bounds the graceful shutdown: in-flight callbacks and
	// the replies still being sent.
	ShutdownTimeout = 25 * time.Second
	// KVTimeout bounds each dedupe and rate-limit call: when Redis hangs,
	// the callback goes on without them rather than miss its deadline.
	KVTimeout = bot.DefaultKVTimeout
)

// Deps are what a Server works with besides its configuration.
type Deps struct {
	Store gridbot.Store
	// KV is shared by the replicas (Redis); nil means in-process, for a
	// single replica.
	KV kv.KV
	// Handler runs the commands; nil means the built-in rules.
	Handler *handlers.Handler
	Logger  *slog.Logger  // nil: slog.Default()
	Clock   gridbot.Clock // nil: the system clock
	// HTTPClient sends replies and calls WeCom's API; nil means a pooled
	// client with a 10-second timeout.
	HTTPClient *http.Client
	Metrics    *metrics.Metrics // nil: a fresh registry
	// Notify tunes the notifier the server builds (its HTTP client, clock,
	// logger and channels are the server's); tests shorten its waits.
	Notify notify.Options
	// Journal, when set, keeps the callbacks the store cannot take, to
	// drain into it later (bot/journal); nil: they are answered with an
	// apology and left to the platform's retry.
	Journal *journal.Journal
}

// Server is gridbot serve. New builds it, Handler serves its routes (tests
// use it with httptest) and Run listens on the configured address.
type Server struct {
	cfg     *config.Serve
	store   gridbot.Store
	kv      kv.KV
	log     *slog.Logger
	clock   gridbot.Clock
	metrics *metrics.Metrics
	http    *resty.Client
	notify  *notify.Worker // the one road out: replies, notices, pushes
	pipe    *bot.Pipeline
	towns   []*town
	mux     *http.ServeMux
	replies sync.WaitGroup   // the replies being sent
	workers *workers         // send them
	probe   *journal.Probe   // does the store answer (cached a second)
	drainer *journal.Drainer // nil without a journal
	web     *web.Server      // the browser front

	// Knobs, set from the constants above; tests shorten them.
	MaxBody         int64
	HandleTimeout   time.Duration
	ReplyTimeout    time.Duration
	ShutdownTimeout time.Duration
	// Retries is how many times a failed reply is sent again, waiting
	// RetryWait, then 4×RetryWait, …
	Retries   int
	RetryWait time.Duration
}

// New builds the server of cfg on d.Store. It logs which platforms of
// which town are enabled, and fails when the town cannot be told (several
// towns in the store and GRIDBOT_TOWN unset).
func New(cfg *config.Serve, d Deps) (*Server, error) {
	if d.Store == nil {
		return nil, errors.New("server: no store")
	}
	s := &Server{cfg: cfg, store: d.Store, kv: d.KV, log: d.Logger, clock: d.Clock, metrics: d.Metrics,
		MaxBody: MaxBody, HandleTimeout: HandleTimeout, ReplyTimeout: ReplyTimeout, ShutdownTimeout: ShutdownTimeout,
		Retries: 2, RetryWait: 200 * time.Millisecond, workers: newWorkers(workerIdle)}
	if s.kv == nil {
		s.kv = kv.NewMemory(nil)
	}
	if s.log == nil {
		s.log = slog.Default()
	}
	if s.clock == nil {
		s.clock = gridbot.SystemClock{}
	}
	if s.metrics == nil {
		s.metrics = metrics.New()
	}
	hc := d.HTTPClient
	if hc == nil {
		tr := http.DefaultTransport.(*http.Transport).Clone()
		// Replies all go to one host (WeCom's response_url is on
		// qyapi.weixin.qq.com), a hundred or more at once at peak: keep that
		// many connections rather than close and handshake them again.
		tr.MaxIdleConns, tr.MaxIdleConnsPerHost = 256, 256
		hc = &http.Client{Timeout: 10 * time.Second, Transport: tr}
	}
	s.http = resty.NewWithClient(hc).SetLogger(quiet{})
	h := d.Handler
	if h == nil {
		h = handlers.New(nil)
	}
	o := d.Notify
	o.HTTP, o.Now, o.Logger, o.Channels = s.http, s.clock.Now, s.log, s.channels
	if o.WeComBase == "" {
		o.WeComBase = cfg.Default.WeCom.APIBase
	}
	if o.DingTalkBase == "" {
		o.DingTalkBase = cfg.Default.DingTalk.APIBase
	}
	s.notify = notify.New(d.Store, s.kv, o)
	s.pipe = bot.New(d.Store, h)
	s.pipe.BotNames = cfg.BotNames
	s.pipe.Clock = s.clock
	s.pipe.Logger = s.log
	s.pipe.Gate, s.pipe.UserRate, s.pipe.KVTimeout = s.kv, cfg.UserRate, KVTimeout
	s.pipe.Notifier = s.notify
	s.pipe.Images = s // pictures, by each town's own platform keys (images.go)
	s.setupJournal(d.Journal)
	s.web = web.New(web.Deps{Store: d.Store, Pipe: s.pipe, Limiter: s.kv, Clock: s.clock, Logger: s.log,
		Secure:  strings.HasPrefix(h.BaseURL(), "https://"),
		Deliver: func(jobs []gridbot.OutboundJob) { s.send("web", bot.Result{Jobs: jobs}) }})

	towns := cfg.Towns
	if cfg.Default.Enabled() || len(cfg.Towns) == 0 {
		towns = append([]config.Town{cfg.Default}, towns...)
	}
	for _, tc := range towns {
		t, err := s.newTown(tc)
		if err != nil {
			return nil, err
		}
		if tc.Enabled() {
			if err := s.resolveAtStart(t); err != nil {
				return nil, err
			}
		}
		s.towns = append(s.towns, t)
	}
	s.mux = s.routes()
	return s, nil
}

// Handler serves every route.
func (s *Server) Handler() http.Handler { return s.mux }

// Notifier returns the server's notifier; serve runs its worker (Run),
// which delivers what the callbacks' fast path did not finish.
func (s *Server) Notifier() *notify.Worker { return s.notify }

// Run listens on the configured address until ctx is done, then shuts down
// gracefully (see Serve).
func (s *Server) Run(ctx context.Context) error {
	ln, err := net.Listen("tcp", s.cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", s.cfg.Addr, err)
	}
	return s.Serve(ctx, ln)
}

// Serve serves on ln until ctx is done. Then it stops accepting
// connections, lets the callbacks in flight finish (their commands commit
// and they are answered), and waits for the replies still being sent, all
// within ShutdownTimeout.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	hs := &http.Server{
		Handler:           s.Handler(),
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       10 * time.Second,
		WriteTimeout:      15 * time.Second,
		IdleTimeout:       90 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
	}
	s.log.Info("gridbot serve listening", "addr", ln.Addr().String())
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	dctx, stopDrainer := context.WithCancel(context.WithoutCancel(ctx))
	drained := make(chan struct{})
	go func() { s.runDrainer(dctx); close(drained) }()
	defer func() { stopDrainer(); <-drained }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	s.log.Info("shutting down: finishing callbacks and replies in flight")
	sctx, cancel := context.WithTimeout(context.Background(), s.ShutdownTimeout)
	defer cancel()
	err := hs.Shutdown(sctx)
	<-errc // http.ErrServerClosed
	if werr := s.Wait(sctx); err == nil {
		err = werr
	}
	if err != nil {
		return fmt.Errorf("graceful shutdown: %w", err)
	}
	s.log.Info("shut down")
	return nil
}

// Wait waits until every reply started so far has been sent or given up,
// or ctx is done.
func (s *Server) Wait(ctx context.Context) error {
	done := make(chan struct{})
	go func() { s.replies.Wait(); s.notify.Flush(ctx); close(done) }()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return errors.New("replies still being sent when the shutdown timed out")
	}
}

// quiet silences resty's own logger: the server logs every failure itself,
// without URLs, which carry tokens.
type quiet struct{}

func (quiet) Errorf(string, ...any) {}
func (quiet) Warnf(string, ...any)  {}
func (quiet) Debugf(string, ...any) {}
