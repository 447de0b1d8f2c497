package storagetest

import (
	"testing"

	"gridbot"
	"gridbot/internal/testkit"
	"gridbot/storage/postgres"
)

// The store openers and the services' URLs live in gridbot/internal/testkit;
// these names stay for the tests that still call them here.

// OpenSQLite is testkit.OpenSQLite.
func OpenSQLite(t testing.TB) gridbot.Store { return testkit.OpenSQLite(t) }

// OpenPostgres is testkit.OpenPostgres.
func OpenPostgres(t testing.TB) *postgres.DB { return testkit.OpenPostgres(t) }

// PostgresSchemaURL is testkit.PostgresSchemaURL.
func PostgresSchemaURL(t testing.TB) string { return testkit.PostgresSchemaURL(t) }

// RedisURL is testkit.RedisURL.
func RedisURL(t testing.TB) string { return testkit.RedisURL(t) }
