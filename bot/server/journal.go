package server

import (
	"context"

	"gridbot"
	"gridbot/bot"
	"gridbot/bot/journal"
	"gridbot/bot/metrics"
)

// journalEndpoint labels the replies of drained messages in the metrics.
const journalEndpoint = "journal"

// setupJournal wires the replica's journal: the pipeline keeps what the
// store cannot take in it, and the drainer runs it into the store when the
// store answers again.
func (s *Server) setupJournal(j *journal.Journal) {
	s.probe = journal.NewProbe(s.store)
	if j == nil {
		return
	}
	s.pipe.Journal = j
	jm := s.metrics.NewJournal(func() float64 { return float64(j.Len()) }, func() float64 {
		if s.probe.Err(context.Background()) != nil {
			return 0
		}
		return 1
	})
	s.drainer = &journal.Drainer{J: j, Probe: s.probe, Logger: s.log, Run: s.drainOne,
		Count: func(e string) { jm.Messages.WithLabelValues(e).Inc() }}
}

// drainOne runs one journaled message into the store and sends its reply
// (through the outbox, keyed by the message: never twice).
func (s *Server) drainOne(ctx context.Context, m gridbot.Message, final bool) journal.Outcome {
	ctx, cancel := context.WithTimeout(ctx, s.HandleTimeout)
	defer cancel()
	res := s.pipe.Drain(ctx, m, final)
	if len(res.Jobs) > 0 || len(res.Direct) > 0 {
		s.send(journalEndpoint, res)
	}
	switch res.Code {
	case bot.Duplicate:
		return journal.Duplicate
	case gridbot.EINTERNAL:
		return journal.Failed
	}
	s.log.Info("callback drained from the journal", "town", m.TownID, "msgid", m.MsgID, "sender", m.SenderID,
		"command", res.Command, "code", res.Code)
	return journal.Stored
}

// journaled counts a callback the journal took (or refused) and says its
// outcome label.
func (s *Server) journaled(res bot.Result) string {
	if s.drainer == nil {
		return metrics.Error
	}
	switch {
	case res.Code == bot.Unavailable:
		s.drainer.Event(journal.EventRefused, res.Err)
		return metrics.Unavailable
	case res.Retried:
		s.drainer.Event(journal.EventRetried, res.Err)
	default:
		s.drainer.Event(journal.EventJournaled, res.Err)
	}
	return metrics.Journaled
}

// runDrainer drains the journal until ctx is done.
func (s *Server) runDrainer(ctx context.Context) {
	if s.drainer != nil {
		s.drainer.Loop(ctx)
	}
}
