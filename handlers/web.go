package handlers

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"strings"
	"time"

	"gridbot"
)

// The web front's entries into the handlers: a villager's report through a
// grid's QR code runs the very 上报 a member sends in chat, and 后台 gives an
// office member a one-time login link to the dashboard.

// LoginTTL is how long a 后台 login link works (once).
const LoginTTL = 10 * time.Minute

// DefaultPublicURL is the base of links when Handler.PublicURL is unset.
const DefaultPublicURL = "http://localhost:8080"

// NewToken returns an unguessable token: 32 random bytes, URL-safe.
func NewToken() string {
	b := make([]byte, 32)
	rand.Read(b) // never fails (crypto/rand)
	return base64.RawURLEncoding.EncodeToString(b)
}

// HashToken is how a login or session token is kept in the store: its
// SHA-256, so a copy of the database opens no session.
func HashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// BaseURL is the base of the links the handler writes: PublicURL without
// its trailing slash, DefaultPublicURL when unset.
func (h *Handler) BaseURL() string {
	if h.PublicURL == "" {
		return DefaultPublicURL
	}
	return strings.TrimRight(h.PublicURL, "/")
}

// runOffice is 后台: a one-time link to the office dashboard, sent one-to-one.
func runOffice(c *Ctx) (*Reply, error) {
	token := NewToken()
	s := gridbot.WebSession{TownID: c.TownID, UserID: c.Sender.UserID, Expires: c.Now.Add(LoginTTL)}
	if err := c.Tx.AddLogin(HashToken(token), s); err != nil {
		return nil, err
	}
	link := fmt.Sprintf("党建办后台登录链接（%d 分钟内有效，只能用一次，请勿转发）：\n%s/office/login/%s",
		int(LoginTTL/time.Minute), c.PublicURL, token)
	if c.Msg.ChatKind == gridbot.ChatSingle {
		return text("%s", link), nil
	}
	r := text("后台登录链接已私信发给你（%d 分钟内有效，只能用一次）。", int(LoginTTL/time.Minute))
	r.Also = []gridbot.Notice{{TownID: c.TownID, Key: "login:" + HashToken(token)[:16], At: c.Now,
		To: gridbot.ToPerson(c.Sender.UserID), Text: link}}
	return r, nil
}

// VillagerReport runs 上报 for a villager who reported text through grid
// g's villager page, inside tx, as at m.At: the same command as a member's,
// with the villager (gridbot.Villager) as the reporter in grid g. It
// returns the reply 上报 gives and the issue recorded.
func (h *Handler) VillagerReport(ctx context.Context, tx gridbot.Tx, m gridbot.Message, g gridbot.Grid, text string) (*Reply, gridbot.Issue, error) {
	call, err := h.Registry.Parse(h.Registry.MustGet("上报").Name + " " + text)
	if err != nil {
		return nil, gridbot.Issue{}, err
	}
	sender := gridbot.Person{TownID: m.TownID, UserID: gridbot.Villager, Name: gridbot.Villager,
		GridID: g.ID, Grid: g.Name, VillageID: g.VillageID, Village: g.Village, Active: true}
	ct := &captureIssue{Tx: tx}
	r, err := h.Run(ctx, ct, m, sender, call)
	if err != nil {
		return nil, gridbot.Issue{}, err
	}
	return r, ct.issue, nil
}

// captureIssue keeps the issue a command adds.
type captureIssue struct {
	gridbot.Tx
	issue gridbot.Issue
}

func (c *captureIssue) AddIssue(i *gridbot.Issue) error {
	err := c.Tx.AddIssue(i)
	c.issue = *i
	return err
}
