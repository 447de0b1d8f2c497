// Package storage opens the facts store named by a database URL.
package storage

import (
	"context"
	"strings"

	"gridbot"
	"gridbot/storage/postgres"
	"gridbot/storage/sqlite"
)

// DefaultURL is the store used when GRIDBOT_DATABASE_URL is unset: an SQLite
// file in the working directory.
const DefaultURL = "sqlite:gridbot.db"

// Open opens the store named by url: "sqlite:PATH" (PATH may be ":memory:")
// for the embedded store, "postgres://..." or "postgresql://..." for
// PostgreSQL. The schema is migrated on open.
func Open(ctx context.Context, url string) (gridbot.Store, error) {
	// Each case checks err itself: returning a nil *DB as a gridbot.Store
	// would make a non-nil interface.
	switch {
	case strings.HasPrefix(url, "sqlite:"):
		db, err := sqlite.Open(strings.TrimPrefix(url, "sqlite:"))
		if err != nil {
			return nil, err
		}
		return db, nil
	case strings.HasPrefix(url, "postgres://"), strings.HasPrefix(url, "postgresql://"):
		db, err := postgres.Open(ctx, url)
		if err != nil {
			return nil, err
		}
		return db, nil
	}
	// The URL itself is not repeated: it may hold a password.
	return nil, gridbot.Errorf(gridbot.EINVALID, "数据库地址 GRIDBOT_DATABASE_URL 应为 sqlite:PATH（PATH 为数据库文件路径，如 %s）或 postgres://用户@主机:端口/库名。", DefaultURL)
}
