// Package metrics holds the Prometheus metrics of gridbot serve. Each
// server has a registry of its own rather than the global one, so tests
// can run several servers in one process.
package metrics

import (
	"net/http"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Endpoint labels: which callback URL a metric is about.
const (
	WeComBot      = "wecom_bot"
	WeComApp      = "wecom_app"
	DingTalkRobot = "dingtalk_robot"
)

// Callback outcomes (the outcome label of gridbot_callbacks_total).
const (
	OK          = "ok"           // the command ran
	Refused     = "refused"      // answered with a refusal (wrong role, bad input, already done)
	Duplicate   = "duplicate"    // a retry or another replica's copy; dropped
	Limited     = "rate_limited" // over GRIDBOT_USER_RATE
	Ignored     = "ignored"      // an event, image or other message without a command
	URLCheck    = "url_check"    // the console's URL verification
	Malformed   = "malformed"    // 400
	BadSign     = "bad_signature"
	Undecrypted = "undecryptable"
	TooLarge    = "too_large" // 413
	Unavailable = "unavailable"
	Error       = "error" // an internal error
)

// Reply outcomes (the outcome label of gridbot_replies_total).
const (
	Sent    = "sent"
	Failed  = "failed"  // gave up after the retries
	Expired = "expired" // the reply channel had expired, or was not the platform's (DingTalk sessionWebhook)
	Dropped = "dropped" // no channel to send it on
)

// Metrics are the service's counters and histograms.
type Metrics struct {
	Registry *prometheus.Registry
	// Callbacks counts callbacks by endpoint and outcome.
	Callbacks *prometheus.CounterVec
	// Commands is the time from an opened callback to the committed command
	// (dedupe, rate limit, the store transaction), by endpoint and command.
	Commands *prometheus.HistogramVec
	// Replies counts outgoing replies by endpoint and outcome.
	Replies *prometheus.CounterVec
	// Retries counts reply attempts after the first, by endpoint.
	Retries *prometheus.CounterVec
	// TokenFetches counts WeCom gettoken calls (a cache miss or a refresh).
	TokenFetches prometheus.Counter
}

// New returns the metrics on a fresh registry that also holds the Go
// runtime and process collectors.
func New() *Metrics {
	m := &Metrics{
		Registry: prometheus.NewRegistry(),
		Callbacks: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "gridbot_callbacks_total", Help: "Platform callbacks by endpoint and outcome.",
		}, []string{"endpoint", "outcome"}),
		Commands: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "gridbot_command_duration_seconds", Help: "Time to handle an opened callback's command, reply not included.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5},
		}, []string{"endpoint", "command"}),
		Replies: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "gridbot_replies_total", Help: "Outgoing replies by endpoint and outcome.",
		}, []string{"endpoint", "outcome"}),
		Retries: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "gridbot_reply_retries_total", Help: "Reply attempts after the first.",
		}, []string{"endpoint"}),
		TokenFetches: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "gridbot_wecom_token_fetches_total", Help: "WeCom access_token fetches.",
		}),
	}
	m.Registry.MustRegister(m.Callbacks, m.Commands, m.Replies, m.Retries, m.TokenFetches,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// Handler serves the metrics in the Prometheus text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.Registry, promhttp.HandlerOpts{Registry: m.Registry})
}
