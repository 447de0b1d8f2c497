package storage_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"gridbot"
	"gridbot/storage"
)

func TestOpenSQLite(t *testing.T) {
	for _, url := range []string{"sqlite::memory:", "sqlite:" + filepath.Join(t.TempDir(), "x.db")} {
		s, err := storage.Open(context.Background(), url)
		if err != nil {
			t.Fatalf("Open(%q): %v", url, err)
		}
		if s.Engine() != "sqlite" {
			t.Errorf("Open(%q).Engine() = %q", url, s.Engine())
		}
		err = s.Update(context.Background(), func(tx gridbot.Tx) error { _, err := tx.CreateTown("滨海镇"); return err })
		if err != nil {
			t.Errorf("Open(%q): %v", url, err)
		}
		s.Close()
	}
}

func TestOpenErrors(t *testing.T) {
	for _, url := range []string{
		"mysql://root:secret@localhost/gridbot",
		"gridbot.db",
		"sqlite:",
		"sqlite:" + filepath.Join(t.TempDir(), "no", "such", "dir", "x.db"),
		"postgres://postgres:secret@127.0.0.1:1/none?connect_timeout=2",
	} {
		s, err := storage.Open(context.Background(), url)
		if err == nil || s != nil {
			t.Errorf("Open(%q) = %v, %v; want nil and an error", url, s, err)
			continue
		}
		if strings.Contains(err.Error(), "secret") {
			t.Errorf("Open(%q) error shows the password: %v", url, err)
		}
	}
	_, err := storage.Open(context.Background(), "mysql://x")
	if err == nil || !strings.Contains(err.Error(), "sqlite:PATH") || !strings.Contains(err.Error(), "postgres://") {
		t.Errorf("the error for an unknown URL does not name the accepted forms: %v", err)
	}
}
