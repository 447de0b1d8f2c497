// Package journal keeps the callbacks a replica answered while the store
// could not take them: an append-only file on the replica's local disk, one
// record per message, fsync'd before the callback is answered, and drained
// into the store, in order, when the store is back.
//
// The file is a sequence of lines. "J <crc32> <json>" is a message (the
// whole gridbot.Message: its time, which is the command's clock when it is
// drained, and its reply destination); "D <crc32> <key>" says the message of
// that key is in the store now. A line cut short by a crash (no newline, or
// a checksum that does not match) ends the file: its message was never
// acknowledged, since the fsync had not returned. When nothing is pending
// the file is truncated; at start it is rewritten with the pending records
// only.
package journal

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"os"
	"path/filepath"
	"strconv"
	"sync"

	"gridbot"
)

// FileName is the journal's file in its directory.
const FileName = "journal.log"

// ErrClosed is Keep's answer after Close.
var ErrClosed = errors.New("journal: closed")

// Entry is one journaled message.
type Entry struct {
	Key string
	Msg gridbot.Message
	// Attempts counts drains that failed while the store answered (a
	// command's own error, not an outage).
	Attempts int

	durable chan struct{} // closed once written and fsync'd (or failed)
	err     error
}

// Journal is one replica's journal. Keep and the drainer may be called from
// many goroutines.
type Journal struct {
	dir  string
	f    *os.File
	lock func() error // releases the directory's lock

	mu      sync.Mutex
	byKey   map[string]*Entry // journaled and not yet drained, or being written
	pending []*Entry          // durable, in order, not yet drained
	queue   []*Entry          // to write
	dones   []string          // drained keys to record
	wake    chan struct{}
	closed  bool
	stopped chan struct{}
}

// Key names a message in the journal: town, platform and message id.
func Key(m gridbot.Message) string {
	return strconv.FormatInt(m.TownID, 10) + ":" + m.Platform + ":" + m.MsgID
}

// Open opens (creating it) the journal in dir, takes the directory's lock
// (a second process on the same directory is refused), and loads the
// records still pending, which Pending then returns in order.
func Open(dir string) (*Journal, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("journal: %w", err)
	}
	unlock, err := lockDir(dir)
	if err != nil {
		return nil, err
	}
	j := &Journal{dir: dir, lock: unlock, byKey: map[string]*Entry{}, wake: make(chan struct{}, 1),
		stopped: make(chan struct{})}
	path := filepath.Join(dir, FileName)
	pending, err := load(path)
	if err != nil {
		unlock()
		return nil, err
	}
	// Rewrite the file with the pending records only, then append to it.
	var buf bytes.Buffer
	for _, e := range pending {
		if err := writeRecord(&buf, e); err != nil {
			unlock()
			return nil, err
		}
		close(e.durable)
		j.byKey[e.Key] = e
	}
	j.pending = pending
	tmp := path + ".tmp"
	if err := writeFileSync(tmp, buf.Bytes()); err != nil {
		unlock()
		return nil, err
	}
	if err := os.Rename(tmp, path); err != nil {
		unlock()
		return nil, fmt.Errorf("journal: %w", err)
	}
	syncDir(dir)
	if j.f, err = os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0o600); err != nil {
		unlock()
		return nil, fmt.Errorf("journal: %w", err)
	}
	go j.writer()
	return j, nil
}

// Dir is the journal's directory.
func (j *Journal) Dir() string { return j.dir }

// Keep journals m and returns once it is on disk (fsync'd), so that the
// callback may be answered. A message already journaled and not drained
// yet (a platform retry) is not written again: Keep waits for its first
// copy to be durable. fresh says whether this call wrote it.
func (j *Journal) Keep(ctx context.Context, m gridbot.Message) (fresh bool, err error) {
	key := Key(m)
	j.mu.Lock()
	if j.closed {
		j.mu.Unlock()
		return false, ErrClosed
	}
	e, ok := j.byKey[key]
	if !ok {
		e = &Entry{Key: key, Msg: m, durable: make(chan struct{})}
		j.byKey[key] = e
		j.queue = append(j.queue, e)
		select {
		case j.wake <- struct{}{}:
		default:
		}
	}
	j.mu.Unlock()
	select {
	case <-e.durable:
		return !ok, e.err
	case <-ctx.Done():
		return false, ctx.Err()
	}
}

// Pending returns the durable records not drained yet, oldest first.
func (j *Journal) Pending() []*Entry {
	j.mu.Lock()
	defer j.mu.Unlock()
	return append([]*Entry(nil), j.pending...)
}

// Holds reports whether m is journaled and not drained yet (or being
// written): a copy of it that arrives now is a platform's retry of a
// message answered already, which the drain will run.
func (j *Journal) Holds(m gridbot.Message) bool {
	j.mu.Lock()
	defer j.mu.Unlock()
	_, ok := j.byKey[Key(m)]
	return ok
}

// Len is how many records are pending or being written.
func (j *Journal) Len() int {
	j.mu.Lock()
	defer j.mu.Unlock()
	return len(j.byKey)
}

// Done removes e: its message is in the store (or given up). The record of
// it is written lazily: should the process die first, e is drained again,
// which the store's claim of the message id turns into a no-op.
func (j *Journal) Done(e *Entry) {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.byKey[e.Key] == e {
		delete(j.byKey, e.Key)
	}
	for i, p := range j.pending {
		if p == e {
			j.pending = append(j.pending[:i:i], j.pending[i+1:]...)
			break
		}
	}
	j.dones = append(j.dones, e.Key)
	select {
	case j.wake <- struct{}{}:
	default:
	}
}

// Close stops the writer after what is queued is written, and releases the
// directory. Pending records stay in the file for the next start.
func (j *Journal) Close() error {
	j.mu.Lock()
	if j.closed {
		j.mu.Unlock()
		return nil
	}
	j.closed = true
	j.mu.Unlock()
	select {
	case j.wake <- struct{}{}:
	default:
	}
	<-j.stopped
	err := j.f.Close()
	j.lock()
	return err
}

// writer writes what Keep and Done queued, a batch at a time with one
// fsync (a group commit), and truncates the file when nothing is pending.
func (j *Journal) writer() {
	defer close(j.stopped)
	for {
		<-j.wake
		j.mu.Lock()
		batch, dones, closed := j.queue, j.dones, j.closed
		j.queue, j.dones = nil, nil
		j.mu.Unlock()
		if len(batch) > 0 || len(dones) > 0 {
			j.write(batch, dones)
		}
		if closed {
			j.mu.Lock()
			rest := j.queue
			j.queue = nil
			j.mu.Unlock()
			for _, e := range rest {
				e.err = ErrClosed
				close(e.durable)
			}
			return
		}
	}
}

func (j *Journal) write(batch []*Entry, dones []string) {
	var buf bytes.Buffer
	var err error
	for _, e := range batch {
		if err = writeRecord(&buf, e); err != nil {
			break
		}
	}
	for _, k := range dones {
		fmt.Fprintf(&buf, "D %08x %s\n", crc32.ChecksumIEEE([]byte(k)), k)
	}
	if err == nil {
		_, err = j.f.Write(buf.Bytes())
	}
	if err == nil && len(batch) > 0 {
		err = j.f.Sync()
	}
	j.mu.Lock()
	for _, e := range batch {
		if err != nil {
			e.err = fmt.Errorf("journal: %w", err)
			if j.byKey[e.Key] == e {
				delete(j.byKey, e.Key)
			}
		} else {
			j.pending = append(j.pending, e)
		}
		close(e.durable)
	}
	empty := len(j.byKey) == 0 && len(j.queue) == 0
	if empty {
		// Nothing pending: start the file afresh.
		if terr := j.f.Truncate(0); terr == nil {
			j.f.Sync()
		}
	}
	j.mu.Unlock()
}

func writeRecord(buf *bytes.Buffer, e *Entry) error {
	b, err := json.Marshal(e.Msg)
	if err != nil {
		return fmt.Errorf("journal: %w", err)
	}
	fmt.Fprintf(buf, "J %08x %s\n", crc32.ChecksumIEEE(b), b)
	return nil
}

// load reads path's records and returns the pending ones in order. A
// damaged or cut line ends the file.
func load(path string) ([]*Entry, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	} else if err != nil {
		return nil, fmt.Errorf("journal: %w", err)
	}
	var order []*Entry
	byKey := map[string]*Entry{}
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 64<<10), 8<<20)
	for sc.Scan() {
		line := sc.Bytes()
		if len(line) < 12 || line[1] != ' ' || line[10] != ' ' {
			break
		}
		sum, err := strconv.ParseUint(string(line[2:10]), 16, 32)
		body := line[11:]
		if err != nil || uint32(sum) != crc32.ChecksumIEEE(body) {
			break
		}
		switch line[0] {
		case 'J':
			var m gridbot.Message
			if json.Unmarshal(body, &m) != nil {
				break
			}
			k := Key(m)
			if _, dup := byKey[k]; dup {
				continue
			}
			e := &Entry{Key: k, Msg: m, durable: make(chan struct{})}
			byKey[k] = e
			order = append(order, e)
		case 'D':
			delete(byKey, string(body))
		}
	}
	var pending []*Entry
	for _, e := range order {
		if byKey[e.Key] == e {
			pending = append(pending, e)
		}
	}
	return pending, nil
}

func writeFileSync(path string, b []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return fmt.Errorf("journal: %w", err)
	}
	if _, err = f.Write(b); err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("journal: %w", err)
	}
	return nil
}

func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
}
