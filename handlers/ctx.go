package handlers

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"gridbot"
	"gridbot/results"
	"gridbot/scoring"
)

// Handler runs parsed commands against the store, with a town's rules.
type Handler struct {
	Registry *Registry
	Rules    *scoring.Rules
	// Board keeps the towns' live month results for 积分's places and 排行
	// (results.Board). New's settles every time (TTL 0); serve keeps them
	// for GRIDBOT_BOARD_TTL.
	Board *results.Board
	// PublicURL is the base of the web links 后台 sends (GRIDBOT_PUBLIC_URL);
	// DefaultPublicURL when unset.
	PublicURL string
}

// New returns a handler of every command with rules (the built-in rules when nil).
func New(rules *scoring.Rules) *Handler {
	if rules == nil {
		rules = scoring.DefaultRules()
	}
	return &Handler{Registry: NewRegistry(), Rules: rules, Board: &results.Board{}}
}

// Reply is what a command answers: text for the chat the message came
// from, and notices to others (派发's notice to the assignee). The pipeline
// queues both through the notifier in the command's transaction.
type Reply struct {
	Text     string
	Mentions []string // user ids to @ beside the text
	Also     []gridbot.Notice
	// Ref names the record the command made ("问题#12"), "" for none: the
	// duplicate guard remembers it (corrections.go).
	Ref string
}

// Ctx is what a command runs with: the one transaction, the sender, "now"
// (the message's time) and the parsed call.
type Ctx struct {
	context.Context
	Tx       gridbot.Tx
	TownID   int64
	Now      time.Time
	Msg      gridbot.Message
	Sender   gridbot.Person // zero (ID 0) for someone not on the roster
	Call     *Call
	Rules    *scoring.Rules
	Registry *Registry
	Board    *results.Board
	// PublicURL is the base of web links, without a trailing slash.
	PublicURL string

	grids []gridbot.Grid // loaded on first use
	// names: user id → name, of people looked up together (knowNames).
	names map[string]string
}

// Sender returns the active roster entry of the message's sender, or the zero
// Person when the sender is not on the town's roster.
func Sender(tx gridbot.Tx, townID int64, userID string) (gridbot.Person, error) {
	p, err := tx.PersonByUserID(townID, userID)
	if gridbot.ErrorCode(err) == gridbot.ENOTFOUND || (err == nil && !p.Active) {
		return gridbot.Person{UserID: userID}, nil
	}
	return p, err
}

// Authorize refuses a command the sender's role may not use, saying who may
// and what to do instead.
func Authorize(cmd *Command, sender gridbot.Person) error {
	role := sender.Role
	if sender.ID == 0 {
		role = ""
	}
	if cmd.Allows(role) {
		return nil
	}
	if role == "" {
		return gridbot.Errorf(gridbot.EFORBIDDEN, "你（%s）不在本镇的网格花名册中，不能使用「%s」。如果你是网格员，请联系党建办把你加入花名册；发送「帮助」查看命令。", sender.UserID, cmd.Name)
	}
	instead := cmd.Instead
	if instead == "" {
		switch {
		case slices.Equal(cmd.Roles, leaderOnly):
			instead = "请告诉本网格的网格长发送。"
		case slices.Equal(cmd.Roles, officeOnly):
			instead = "请联系党建办记录。"
		}
	}
	instead += "发送「帮助」查看你可以用的命令。"
	return gridbot.Errorf(gridbot.EFORBIDDEN, "「%s」只有%s可以使用，你是%s。%s", cmd.Name, cmd.WhoText(), role, instead)
}

// Run runs an authorized call inside tx, as at msg.At.
func (h *Handler) Run(ctx context.Context, tx gridbot.Tx, msg gridbot.Message, sender gridbot.Person, call *Call) (*Reply, error) {
	c := &Ctx{Context: ctx, Tx: tx, TownID: msg.TownID, Now: msg.At, Msg: msg, Sender: sender,
		Call: call, Rules: h.Rules, Registry: h.Registry, Board: h.Board, PublicURL: h.BaseURL()}
	if err := c.checkOpen(); err != nil {
		return nil, err
	}
	var r *Reply
	var err error
	if call.Cmd.Makes != "" {
		r, err = c.guarded()
	} else {
		r, err = call.Cmd.run(c)
	}
	imagesIgnored(msg, call.Cmd, r)
	return r, err
}

// Ahead says what Run will ask the store first for call from m
// (gridbot.Ahead): the month checkOpen asks about, and the duplicate
// guard's look-up. The pipeline hands it to the message's claim, which may
// read both in the same round trip.
func (h *Handler) Ahead(m gridbot.Message, call *Call) gridbot.Ahead {
	a := gridbot.Ahead{Makes: call.Cmd.Makes}
	if dated[call.Cmd.Name] {
		a.Month = gridbot.Month(m.At)
	}
	if call.Cmd.Makes != "" && m.SenderID != gridbot.Villager {
		a.DupUser, a.DupKey, a.DupSince = m.SenderID, dupKey(call), m.At.Add(-dupWindow)
	}
	// 积分 of oneself in a month under way reads the sender's facts
	// (results.Member) first.
	if call.Cmd.Name == "积分" && len(call.Words) == 0 && len(call.Mentions) == 0 {
		if from, to, err := scoring.MonthBounds(gridbot.Month(m.At)); err == nil && m.At.Before(to) {
			a.Member, a.MemberFrom, a.MemberTo = m.SenderID, from, results.ReadTo(from, to, m.At)
			a.Lookback = h.Rules.IssueLookback()
		}
	}
	// 问题 without a number lists the open issues of the sender's grid.
	if call.Cmd.Name == "问题" && len(call.Words) == 0 {
		a.OpenIssues = m.SenderID
	}
	return a
}

// usage is a refusal for malformed arguments: what was wrong, the form and an example.
func (c *Ctx) usage(format string, args ...any) error {
	cmd := c.Call.Cmd
	return gridbot.Errorf(gridbot.EINVALID, "%s\n格式：%s\n例如：%s", fmt.Sprintf(format, args...), cmd.Form, cmd.Example)
}

// Grids returns the town's grids, loaded once per command.
func (c *Ctx) Grids() ([]gridbot.Grid, error) {
	if c.grids == nil {
		gs, err := c.Tx.Grids(c.TownID)
		if err != nil {
			return nil, err
		}
		c.grids = gs
	}
	return c.grids, nil
}

// Grid returns the grid with id.
func (c *Ctx) Grid(id int64) (gridbot.Grid, error) {
	if id != 0 && id == c.Sender.GridID {
		return c.senderGrid()
	}
	gs, err := c.Grids()
	if err != nil {
		return gridbot.Grid{}, err
	}
	for _, g := range gs {
		if g.ID == id {
			return g, nil
		}
	}
	return gridbot.Grid{}, fmt.Errorf("grid %d of town %d not found", id, c.TownID)
}

// senderGrid returns the sender's grid; office staff and people without a
// grid are refused.
func (c *Ctx) senderGrid() (gridbot.Grid, error) {
	if c.Sender.GridID == 0 {
		return gridbot.Grid{}, gridbot.Errorf(gridbot.EFORBIDDEN, "你目前不属于任何网格，不能「%s」。请联系党建办核对花名册。", c.Call.Cmd.Name)
	}
	// The sender's lookup read their grid already: no need to read the town's.
	s := c.Sender
	return gridbot.Grid{ID: s.GridID, TownID: c.TownID, VillageID: s.VillageID, Name: s.Grid, Village: s.Village}, nil
}

// scope is where name resolution looks first: the sender's grid and village.
func (c *Ctx) scope() Scope {
	return Scope{GridID: c.Sender.GridID, Village: c.Sender.Village}
}

// gridScope is a scope centred on a grid other than the sender's (the
// grid of an issue).
func (c *Ctx) gridScope(gridID int64) (Scope, error) {
	g, err := c.Grid(gridID)
	if err != nil {
		return Scope{}, err
	}
	return Scope{GridID: g.ID, Village: g.Village}, nil
}

// record is the provenance of a fact recorded by this message.
func (c *Ctx) record() gridbot.Record {
	return gridbot.Record{RecordedBy: c.Msg.SenderID, RecordedAt: c.Now, Platform: c.Msg.Platform, MsgID: c.Msg.MsgID}
}

// isLeaderOf reports whether the sender leads grid gridID.
func (c *Ctx) isLeaderOf(gridID int64) bool {
	return c.Sender.Role == gridbot.RoleLeader && c.Sender.GridID == gridID
}

// text is a Reply with just text.
func text(format string, args ...any) *Reply {
	return &Reply{Text: fmt.Sprintf(format, args...)}
}

// names lists people's names: "王海、林小燕".
func names(ps []gridbot.Person) string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.Name
	}
	return strings.Join(out, "、")
}

// where says where a person is: their grid, or 党建办.
func where(p gridbot.Person) string {
	switch {
	case p.Grid != "":
		return p.Grid
	case p.Role == gridbot.RoleOffice:
		return string(gridbot.RoleOffice)
	}
	return "无网格"
}
