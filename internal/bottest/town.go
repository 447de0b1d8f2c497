// Package bottest builds a small town on a real store and sends it chat
// messages through the whole pipeline, for the tests of handlers, bot and
// cmd/gridbot.
package bottest

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"gridbot"
	"gridbot/bot"
	"gridbot/handlers"
	"gridbot/internal/testkit"
	"gridbot/scoring"
)

// The people of the test town 测试镇. Names are shared on purpose: 张伟 is in
// 滨海村一网格 and 东海村二网格, 王芳 in 滨海村二网格 and 东海村二网格, 林小燕
// in 滨海村一网格 and 滨海村二网格.
const (
	Office     = "U900" // 郑敏, 党建办
	Leader1    = "U101" // 陈强, leader of 滨海村一网格
	Member1    = "U102" // 王海, 滨海村一网格
	ZhangWei1  = "U103" // 张伟, 滨海村一网格
	Member1b   = "U104" // 林小燕, 滨海村一网格
	Leader2    = "U201" // 李明, leader of 滨海村二网格
	WangFang2  = "U202" // 王芳, 滨海村二网格
	Member2    = "U203" // 赵丽, 滨海村二网格
	LinXY2     = "U204" // 林小燕, 滨海村二网格
	Leader3    = "U301" // 周杰, leader of 东海村二网格
	ZhangWei3  = "U302" // 张伟, 东海村二网格
	WangFang3  = "U303" // 王芳, 东海村二网格
	Stranger   = "U999" // not on the roster
	Group1     = "G-BH-01"
	Group2     = "G-BH-02"
	Group3     = "G-DH-02"
	OfficeChat = "G-OFFICE"
)

// Checkpoint of 滨海村 (东海村 has none): 滨海村委会, 300 m.
const (
	CheckpointLat = 28.3812
	CheckpointLng = 121.4705
)

type person struct {
	id, name string
	role     gridbot.Role
	grid     string // "" for office
}

var people = []person{
	{Office, "郑敏", gridbot.RoleOffice, ""},
	{Leader1, "陈强", gridbot.RoleLeader, "滨海村一网格"},
	{Member1, "王海", gridbot.RoleMember, "滨海村一网格"},
	{ZhangWei1, "张伟", gridbot.RoleMember, "滨海村一网格"},
	{Member1b, "林小燕", gridbot.RoleMember, "滨海村一网格"},
	{Leader2, "李明", gridbot.RoleLeader, "滨海村二网格"},
	{WangFang2, "王芳", gridbot.RoleMember, "滨海村二网格"},
	{Member2, "赵丽", gridbot.RoleMember, "滨海村二网格"},
	{LinXY2, "林小燕", gridbot.RoleMember, "滨海村二网格"},
	{Leader3, "周杰", gridbot.RoleLeader, "东海村二网格"},
	{ZhangWei3, "张伟", gridbot.RoleMember, "东海村二网格"},
	{WangFang3, "王芳", gridbot.RoleMember, "东海村二网格"},
}

var gridVillage = map[string]string{"滨海村一网格": "滨海村", "滨海村二网格": "滨海村", "东海村二网格": "东海村"}

// Town is the test town on a store, with a pipeline to talk to it.
type Town struct {
	T     testing.TB
	Store gridbot.Store
	ID    int64
	P     *bot.Pipeline
	Rules *scoring.Rules
	seq   int
}

// New builds 测试镇 on st: two villages, three grids, eleven members and
// one office member; 滨海村 has a check-in point.
func New(t testing.TB, st gridbot.Store) *Town {
	t.Helper()
	return NewNamed(t, st, "测试镇")
}

// NewNamed builds the test town under another name, so that one store can
// hold many (towns are isolated from each other).
func NewNamed(t testing.TB, st gridbot.Store, name string) *Town {
	t.Helper()
	ctx := context.Background()
	var townID int64
	err := st.Update(ctx, func(tx gridbot.Tx) error {
		town, err := tx.CreateTown(name)
		if err != nil {
			return err
		}
		townID = town.ID
		d, err := tx.EnsureDistrict(town.ID, "东片管理区")
		if err != nil {
			return err
		}
		villages, grids := map[string]int64{}, map[string]int64{}
		for _, g := range []string{"滨海村一网格", "滨海村二网格", "东海村二网格"} {
			vn := gridVillage[g]
			if villages[vn] == 0 {
				v, err := tx.EnsureVillage(town.ID, d.ID, vn)
				if err != nil {
					return err
				}
				villages[vn] = v.ID
			}
			gr, err := tx.EnsureGrid(town.ID, villages[vn], g)
			if err != nil {
				return err
			}
			grids[g] = gr.ID
		}
		for _, p := range people {
			saved, err := tx.SavePerson(gridbot.Person{TownID: town.ID, UserID: p.id, Name: p.name, Role: p.role, Active: true})
			if err != nil {
				return err
			}
			if _, err := tx.SetMembership(town.ID, saved.ID, grids[p.grid], p.role, time.Time{}); err != nil {
				return err
			}
		}
		return tx.ReplaceCheckpoints(town.ID, []gridbot.Checkpoint{{TownID: town.ID, VillageID: villages["滨海村"],
			Village: "滨海村", Name: "滨海村委会", Lat: CheckpointLat, Lng: CheckpointLng, RadiusM: 300}})
	})
	if err != nil {
		t.Fatalf("build the test town: %v", err)
	}
	return NewOn(t, st, townID)
}

// NewOn returns a Town for a town already on st, with a pipeline on the
// default rules that logs nothing.
func NewOn(t testing.TB, st gridbot.Store, townID int64) *Town {
	rules := scoring.DefaultRules()
	p := bot.New(st, handlers.New(rules))
	p.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	return &Town{T: t, Store: st, ID: townID, P: p, Rules: rules}
}

// ChatOf is the group chat of a sender in the test town.
func ChatOf(userID string) string {
	switch {
	case strings.HasPrefix(userID, "U1"):
		return Group1
	case strings.HasPrefix(userID, "U2"):
		return Group2
	case strings.HasPrefix(userID, "U3"):
		return Group3
	}
	return OfficeChat
}

// Msg is a message from userID at at ("2026-10-03 08:12") in the sender's
// group, with a fresh message id.
func (tw *Town) Msg(at, userID, text string) gridbot.Message {
	tw.seq++
	return gridbot.Message{Platform: "test", TownID: tw.ID, ChatID: ChatOf(userID), ChatKind: gridbot.ChatGroup,
		SenderID: userID, Text: text, MsgID: fmt.Sprintf("m-%d", tw.seq), At: testkit.At(at)}
}

// Send sends text from userID at at through the pipeline.
func (tw *Town) Send(at, userID, text string) bot.Result {
	return tw.P.Process(context.Background(), tw.Msg(at, userID, text))
}

// SendAt sends a message with a location.
func (tw *Town) SendAt(at, userID, text string, lat, lng float64) bot.Result {
	m := tw.Msg(at, userID, text)
	m.Location = &gridbot.Location{Lat: lat, Lng: lng}
	return tw.P.Process(context.Background(), m)
}

// Must sends text and fails the test unless the command ran; it returns the reply.
func (tw *Town) Must(at, userID, text string) string {
	tw.T.Helper()
	r := tw.Send(at, userID, text)
	if r.Code != bot.OK || len(r.Out) == 0 {
		tw.T.Fatalf("%s %s %q: code %q, reply %q", at, userID, text, r.Code, Reply(r))
	}
	return r.Out[0].Text
}

// Refused sends text and fails the test unless it was refused with code;
// it returns the refusal.
func (tw *Town) Refused(at, userID, text, code string) string {
	tw.T.Helper()
	r := tw.Send(at, userID, text)
	if r.Code != code {
		tw.T.Fatalf("%s %s %q: code %q, want %q; reply %q", at, userID, text, r.Code, code, Reply(r))
	}
	return Reply(r)
}

// Reply is the text of a result's first outbound message.
func Reply(r bot.Result) string {
	if len(r.Out) == 0 {
		return ""
	}
	return r.Out[0].Text
}

// View runs fn in a read-only transaction and fails the test on error.
func (tw *Town) View(fn func(tx gridbot.Tx) error) {
	tw.T.Helper()
	if err := tw.Store.View(context.Background(), fn); err != nil {
		tw.T.Fatalf("view: %v", err)
	}
}
