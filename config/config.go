// Package config reads gridbot's configuration from the environment. Each key
// has a typed default and a validator; secrets are redacted in String. The
// Config value is passed in to whatever needs it: there is no global.
package config

import (
	"fmt"
	"net/url"
	"os"
	"sort"
	"strings"
)

// DefaultDatabaseURL is the embedded store next to the binary.
const DefaultDatabaseURL = "sqlite:gridbot.db"

// Config is gridbot's configuration.
type Config struct {
	DatabaseURL string // GRIDBOT_DATABASE_URL
	RedisURL    string // GRIDBOT_REDIS_URL; empty: in-process equivalents
	RulesPath   string // GRIDBOT_RULES; empty: the built-in 2020 Binhai rules
	Town        string // GRIDBOT_TOWN: the town the first import creates when --town is not given
	Addr        string // GRIDBOT_ADDR
	// PublicURL (GRIDBOT_PUBLIC_URL) is the base written into web links and
	// QR codes, without a trailing slash; default http:// + GRIDBOT_ADDR
	// (localhost when the address has no host).
	PublicURL string
}

// Getenv is how Load reads a variable; os.Getenv in production, a map in tests.
type Getenv func(string) string

// Load reads and validates the configuration.
func Load(getenv Getenv) (*Config, error) {
	if getenv == nil {
		getenv = os.Getenv
	}
	c := &Config{
		DatabaseURL: orDefault(getenv("GRIDBOT_DATABASE_URL"), DefaultDatabaseURL),
		RedisURL:    strings.TrimSpace(getenv("GRIDBOT_REDIS_URL")),
		RulesPath:   strings.TrimSpace(getenv("GRIDBOT_RULES")),
		Town:        orDefault(getenv("GRIDBOT_TOWN"), "滨海镇"),
		Addr:        orDefault(getenv("GRIDBOT_ADDR"), ":8080"),
	}
	if !strings.HasPrefix(c.DatabaseURL, "sqlite:") && !strings.HasPrefix(c.DatabaseURL, "postgres://") &&
		!strings.HasPrefix(c.DatabaseURL, "postgresql://") {
		return nil, fmt.Errorf("GRIDBOT_DATABASE_URL 应为 sqlite:路径 或 postgres://…（现为 %q）", redactURL(c.DatabaseURL))
	}
	c.PublicURL = strings.TrimRight(strings.TrimSpace(getenv("GRIDBOT_PUBLIC_URL")), "/")
	if c.PublicURL == "" {
		host := c.Addr
		if strings.HasPrefix(host, ":") {
			host = "localhost" + host
		}
		c.PublicURL = "http://" + host
	} else if u, err := url.Parse(c.PublicURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("GRIDBOT_PUBLIC_URL 应为网页的公网地址，如 https://grid.example.cn（现为 %q）", c.PublicURL)
	}
	if c.RedisURL != "" && !strings.HasPrefix(c.RedisURL, "redis://") && !strings.HasPrefix(c.RedisURL, "rediss://") {
		return nil, fmt.Errorf("GRIDBOT_REDIS_URL 应为 redis://… 或留空（现为 %q）", redactURL(c.RedisURL))
	}
	return c, nil
}

// String lists the configuration with passwords redacted, for the start-up log.
func (c *Config) String() string {
	kv := map[string]string{
		"GRIDBOT_DATABASE_URL": redactURL(c.DatabaseURL),
		"GRIDBOT_REDIS_URL":    redactURL(c.RedisURL),
		"GRIDBOT_RULES":        c.RulesPath,
		"GRIDBOT_TOWN":         c.Town,
		"GRIDBOT_ADDR":         c.Addr,
		"GRIDBOT_PUBLIC_URL":   c.PublicURL,
	}
	keys := make([]string, 0, len(kv))
	for k := range kv {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for _, k := range keys {
		fmt.Fprintf(&b, "%s=%s\n", k, kv[k])
	}
	return b.String()
}

func orDefault(v, def string) string {
	if v = strings.TrimSpace(v); v == "" {
		return def
	}
	return v
}

// redactURL hides the password of a URL like scheme://user:pass@host.
func redactURL(u string) string {
	at := strings.LastIndex(u, "@")
	scheme := strings.Index(u, "://")
	if at < 0 || scheme < 0 || at < scheme {
		return u
	}
	userinfo := u[scheme+3 : at]
	if i := strings.Index(userinfo, ":"); i >= 0 {
		return u[:scheme+3] + userinfo[:i] + ":***" + u[at:]
	}
	return u
}
