package config

import (
	"strings"
	"testing"
)

func env(m map[string]string) Getenv { return func(k string) string { return m[k] } }

func TestDefaults(t *testing.T) {
	c, err := Load(env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if c.DatabaseURL != "sqlite:gridbot.db" || c.Addr != ":8080" || c.RedisURL != "" || c.RulesPath != "" {
		t.Fatalf("defaults: %+v", c)
	}
}

func TestRejectsUnknownDatabaseScheme(t *testing.T) {
	_, err := Load(env(map[string]string{"GRIDBOT_DATABASE_URL": "mysql://root:pw@x/db"}))
	if err == nil || !strings.Contains(err.Error(), "GRIDBOT_DATABASE_URL") || strings.Contains(err.Error(), "pw") {
		t.Fatalf("want a refusal naming the variable without the password, got %v", err)
	}
}

func TestStringRedactsPasswords(t *testing.T) {
	c, err := Load(env(map[string]string{
		"GRIDBOT_DATABASE_URL": "postgres://gb:secret@db:5432/gridbot",
		"GRIDBOT_REDIS_URL":    "redis://:hunter2@cache:6379/0",
	}))
	if err != nil {
		t.Fatal(err)
	}
	s := c.String()
	if strings.Contains(s, "secret") || strings.Contains(s, "hunter2") || !strings.Contains(s, "postgres://gb:***@db:5432/gridbot") {
		t.Fatalf("not redacted: %s", s)
	}
}
