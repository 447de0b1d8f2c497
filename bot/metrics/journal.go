package metrics

import "github.com/prometheus/client_golang/prometheus"

// Journaled is the callback outcome of a message kept in the journal
// because the store could not take it.
const Journaled = "journaled"

// Journal is what the journal counts: gridbot_journal_messages_total by
// event (journaled, retried, drained, duplicate, refused, failed), the
// records pending and whether the store answers.
type Journal struct {
	Messages *prometheus.CounterVec
}

// NewJournal registers the journal's metrics on m: pending and storeUp are
// read at each scrape.
func (m *Metrics) NewJournal(pending func() float64, storeUp func() float64) *Journal {
	j := &Journal{Messages: prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "gridbot_journal_messages_total",
		Help: "Messages through the journal by event: journaled (answered while the store was unreachable), retried (a platform's retry of a journaled message), drained (now in the store), duplicate (the store had it), refused (the journal failed too: answered 503), failed (given up).",
	}, []string{"event"})}
	for _, e := range []string{"journaled", "retried", "drained", "duplicate", "refused", "failed"} {
		j.Messages.WithLabelValues(e)
	}
	m.Registry.MustRegister(j.Messages,
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "gridbot_journal_pending",
			Help: "Messages in this replica's journal not yet drained into the store."}, pending),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "gridbot_store_up",
			Help: "1 when the store answered its last probe (cached one second), else 0."}, storeUp))
	return j
}
