package server

import (
	"context"
	"errors"
	"io"
	"net/http"
	"time"

	"gridbot/bot/metrics"
)

// routes lists every route in one place.
func (s *Server) routes() *http.ServeMux {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", s.healthz)
	mux.HandleFunc("GET /readyz", s.readyz)
	mux.Handle("GET /metrics", s.metrics.Handler())
	s.web.Register(mux) // villager pages, posters, the office dashboard (package web)
	for _, t := range s.towns {
		if t.bot != nil {
			mux.HandleFunc("GET "+t.prefix+"/wecom/bot", s.urlCheck(metrics.WeComBot, t.bot, t.bot))
			mux.HandleFunc("POST "+t.prefix+"/wecom/bot", s.callback(t, metrics.WeComBot, t.bot))
		}
		if t.appA != nil {
			mux.HandleFunc("GET "+t.prefix+"/wecom/app", s.urlCheck(metrics.WeComApp, t.appA, t.appA))
			mux.HandleFunc("POST "+t.prefix+"/wecom/app", s.callback(t, metrics.WeComApp, t.appA))
		}
		if t.ding != nil {
			mux.HandleFunc("POST "+t.prefix+"/dingtalk/robot", s.callback(t, metrics.DingTalkRobot, t.ding))
		}
	}
	return mux
}

// healthz says the process is up; it touches nothing.
func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	io.WriteString(w, "ok\n")
}

// readyz says whether callbacks can be handled: the store answers its
// probe (a trivial read within 500 ms; the drainer and /metrics reuse the
// answer for a second). A load balancer takes a
// replica that fails it out of rotation; the journal still keeps what
// reaches it meanwhile. Redis down is "degraded", still ready: it only
// speeds things up. The outage is logged by the drainer, not per probe.
func (s *Server) readyz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	if err := s.probe.Check(ctx); err != nil {
		w.WriteHeader(http.StatusServiceUnavailable)
		io.WriteString(w, "store unavailable\n")
		return
	}
	if err := s.kv.Ping(ctx); err != nil {
		// Redis only speeds things up (the store's claim is the dedupe, the
		// outbox the replies): a replica without it still serves members.
		io.WriteString(w, "ok (redis unavailable: degraded)\n")
		return
	}
	io.WriteString(w, "ok\n")
}

// readBody reads a callback body of at most limit bytes. It answers 413
// itself for a larger one, without reading it all.
func (s *Server) readBody(w http.ResponseWriter, r *http.Request, endpoint string, limit int64) ([]byte, bool) {
	if r.ContentLength > limit {
		s.reject(w, r, endpoint, http.StatusRequestEntityTooLarge, errTooLarge)
		return nil, false
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, limit))
	var mbe *http.MaxBytesError
	switch {
	case errors.As(err, &mbe):
		s.reject(w, r, endpoint, http.StatusRequestEntityTooLarge, errTooLarge)
		return nil, false
	case err != nil:
		s.reject(w, r, endpoint, http.StatusBadRequest, errors.New("reading the body: "+err.Error()))
		return nil, false
	}
	return body, true
}

var errTooLarge = errors.New("body larger than the limit")

// reject answers a callback that failed its checks with status and logs
// why — never its body, which may be an attacker's or carry a member's
// message.
func (s *Server) reject(w http.ResponseWriter, r *http.Request, endpoint string, status int, err error) {
	outcome := metrics.Error
	switch status {
	case http.StatusBadRequest:
		outcome = metrics.Malformed
	case http.StatusUnauthorized:
		outcome = metrics.BadSign
	case http.StatusForbidden:
		outcome = metrics.Undecrypted
	case http.StatusRequestEntityTooLarge:
		outcome = metrics.TooLarge
	case http.StatusServiceUnavailable:
		outcome = metrics.Unavailable
	}
	s.metrics.Callbacks.WithLabelValues(endpoint, outcome).Inc()
	level := s.log.Warn
	if status >= 500 {
		level = s.log.Error
	}
	level("callback rejected", "endpoint", endpoint, "status", status, "err", err.Error(),
		"remote", r.RemoteAddr, "content_length", r.ContentLength)
	http.Error(w, http.StatusText(status), status)
}
