package kv

import (
	"context"
	"fmt"
	"time"
)

// DefaultWechatTimeout bounds a WechatCache call made without a context.
const DefaultWechatTimeout = 2 * time.Second

// WechatCache lets github.com/silenceper/wechat/v2 keep its access tokens in a
// Cache, so that replicas share one token instead of each fetching its own
// (WeCom limits how often gettoken may be called).
// It satisfies that module's cache.Cache and cache.ContextCache without
// importing it (the test checks). The library stores strings and reads them
// back with val.(string), so Get returns a string, never []byte.
type WechatCache struct {
	C       Cache
	Timeout time.Duration // for the calls without a context; DefaultWechatTimeout when 0
}

// NewWechatCache returns the adapter over c.
func NewWechatCache(c Cache) *WechatCache {
	return &WechatCache{C: c, Timeout: DefaultWechatTimeout}
}

func (w *WechatCache) ctx() (context.Context, context.CancelFunc) {
	t := w.Timeout
	if t <= 0 {
		t = DefaultWechatTimeout
	}
	return context.WithTimeout(context.Background(), t)
}

// Get returns the string under key, or nil when there is none. The interface
// has no error: on a cache error it answers nil too, and the library fetches
// a fresh token, which is the safe side.
func (w *WechatCache) Get(key string) interface{} {
	ctx, cancel := w.ctx()
	defer cancel()
	return w.GetContext(ctx, key)
}

// GetContext is Get with a context.
func (w *WechatCache) GetContext(ctx context.Context, key string) interface{} {
	val, ok, err := w.C.Get(ctx, key)
	if err != nil || !ok {
		return nil // an untyped nil: the library compares with nil
	}
	return val
}

// Set stores val, which must be a string or []byte, for timeout.
func (w *WechatCache) Set(key string, val interface{}, timeout time.Duration) error {
	ctx, cancel := w.ctx()
	defer cancel()
	return w.SetContext(ctx, key, val, timeout)
}

// SetContext is Set with a context.
func (w *WechatCache) SetContext(ctx context.Context, key string, val interface{}, timeout time.Duration) error {
	var s string
	switch v := val.(type) {
	case string:
		s = v
	case []byte:
		s = string(v)
	default:
		// Redis would store its text and Get would hand back a string the
		// library did not put in; refuse rather than change its type.
		return fmt.Errorf("kv: wechat cache value for %q is %T, want string", key, val)
	}
	return w.C.Set(ctx, key, s, timeout)
}

// IsExist reports whether key holds a value; false on a cache error.
func (w *WechatCache) IsExist(key string) bool {
	ctx, cancel := w.ctx()
	defer cancel()
	return w.IsExistContext(ctx, key)
}

// IsExistContext is IsExist with a context.
func (w *WechatCache) IsExistContext(ctx context.Context, key string) bool {
	_, ok, err := w.C.Get(ctx, key)
	return err == nil && ok
}

// Delete removes key; the caller does it when WeCom says the token is invalid
// (errcode 40014 or 42001) before fetching a new one.
func (w *WechatCache) Delete(key string) error {
	ctx, cancel := w.ctx()
	defer cancel()
	return w.DeleteContext(ctx, key)
}

// DeleteContext is Delete with a context.
func (w *WechatCache) DeleteContext(ctx context.Context, key string) error {
	return w.C.Delete(ctx, key)
}
