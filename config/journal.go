package config

import (
	"fmt"
	"path/filepath"
	"strings"
	"time"
)

// Defaults of the journal and the outbox leases of gridbot serve.
const (
	// DefaultJournalDir is the journal's directory when the store is not a
	// SQLite file (whose directory the journal shares otherwise).
	DefaultJournalDir = "journal"
	// DefaultReplyLease is how long a reply queued by a callback stays the
	// queuing replica's to send (notify.DefaultFastLease).
	DefaultReplyLease = time.Minute
	// DefaultOutboxLease is how long a worker's claim on a batch of due jobs
	// lasts (notify.DefaultLease).
	DefaultOutboxLease = 5 * time.Minute
)

// Durability is where serve keeps what the store cannot take at the moment,
// and how long the outbox's claims last.
type Durability struct {
	// JournalDir (GRIDBOT_JOURNAL_DIR) holds the replica's journal: callbacks
	// answered while the store was unreachable, kept on local disk until
	// they are drained into the store. Each replica needs its own directory
	// on its own local disk (a lock refuses a second process).
	JournalDir string
	// ReplyLease (GRIDBOT_REPLY_LEASE) is how long a just-queued reply is
	// the replica's own to send; when it dies, another sends it after that.
	ReplyLease time.Duration
	// OutboxLease (GRIDBOT_OUTBOX_LEASE) is how long the worker's claim on a
	// batch of due jobs lasts.
	OutboxLease time.Duration
}

// loadDurability reads GRIDBOT_JOURNAL_DIR, GRIDBOT_REPLY_LEASE and
// GRIDBOT_OUTBOX_LEASE. The journal's default is a "journal" directory
// beside the SQLite file, or in the working directory.
func loadDurability(getenv Getenv) (Durability, error) {
	d := Durability{JournalDir: strings.TrimSpace(getenv("GRIDBOT_JOURNAL_DIR")),
		ReplyLease: DefaultReplyLease, OutboxLease: DefaultOutboxLease}
	if d.JournalDir == "" {
		d.JournalDir = DefaultJournalDir
		if path, ok := strings.CutPrefix(orDefault(getenv("GRIDBOT_DATABASE_URL"), DefaultDatabaseURL), "sqlite:"); ok {
			path, _, _ = strings.Cut(path, "?")
			d.JournalDir = filepath.Join(filepath.Dir(path), DefaultJournalDir)
		}
	}
	if strings.ContainsRune(d.JournalDir, 0) {
		return d, fmt.Errorf("GRIDBOT_JOURNAL_DIR 应为本机磁盘上的目录，现为 %q", d.JournalDir)
	}
	for _, v := range []struct {
		name string
		to   *time.Duration
	}{{"GRIDBOT_REPLY_LEASE", &d.ReplyLease}, {"GRIDBOT_OUTBOX_LEASE", &d.OutboxLease}} {
		s := strings.TrimSpace(getenv(v.name))
		if s == "" {
			continue
		}
		t, err := time.ParseDuration(s)
		if err != nil || t < time.Second || t > time.Hour {
			return d, fmt.Errorf("%s 应为 1s 到 1h 之间的时长（如 1m），现为 %q", v.name, s)
		}
		*v.to = t
	}
	return d, nil
}

func (d Durability) String() string {
	return fmt.Sprintf("GRIDBOT_JOURNAL_DIR=%s\nGRIDBOT_REPLY_LEASE=%s\nGRIDBOT_OUTBOX_LEASE=%s\n", d.JournalDir, d.ReplyLease, d.OutboxLease)
}
