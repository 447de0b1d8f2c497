// Package console adapts the terminal to the chat pipeline: replaying a
// transcript of messages (gridbot replay, gridbot demo) and chatting
// interactively (gridbot chat). Both feed bot.Pipeline like any platform.
package console

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"gridbot"
)

// Handler is the pipeline as the console sees it.
type Handler interface {
	Handle(ctx context.Context, m gridbot.Message) []gridbot.Outbound
}

// PlatformReplay is the platform name of replayed messages; their ids are
// claimed under it, so replaying a file twice records nothing twice.
const PlatformReplay = "replay"

// Line is one message of a transcript (commands.md, "Replaying a chat
// transcript").
type Line struct {
	At       time.Time `json:"at"`
	From     string    `json:"from"`
	Chat     string    `json:"chat"`
	Text     string    `json:"text"`
	Location *Location `json:"location,omitempty"`
	ID       string    `json:"id,omitempty"`
}

// Location is a line's optional location.
type Location struct {
	Lat   float64 `json:"lat"`
	Lng   float64 `json:"lng"`
	Label string  `json:"label,omitempty"`
}

// OutLine is one reply as replay prints it.
type OutLine struct {
	At   string `json:"at"`
	To   string `json:"to"`
	Text string `json:"text"`
}

// maxLine bounds one transcript line.
const maxLine = 1 << 20

// ReadTranscript reads and checks a whole transcript before anything is
// replayed, so that a bad line stops the replay before it starts. Blank
// lines are skipped; errors name the line.
func ReadTranscript(r io.Reader) ([]Line, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), maxLine)
	var lines []Line
	for n := 1; sc.Scan(); n++ {
		raw := bytes.TrimSpace(sc.Bytes())
		if len(raw) == 0 {
			continue
		}
		var l Line
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&l); err != nil {
			return nil, gridbot.Errorf(gridbot.EINVALID, "第 %d 行不是正确的消息：%v。每行应是一个 JSON 对象，例如 {\"at\": \"2026-10-03T08:12:00+08:00\", \"from\": \"U001\", \"chat\": \"G-BH-01\", \"text\": \"打卡\"}", n, err)
		}
		switch {
		case l.At.IsZero():
			return nil, gridbot.Errorf(gridbot.EINVALID, "第 %d 行缺少 \"at\"（消息时间，如 2026-10-03T08:12:00+08:00）。", n)
		case strings.TrimSpace(l.From) == "":
			return nil, gridbot.Errorf(gridbot.EINVALID, "第 %d 行缺少 \"from\"（发送人的用户ID）。", n)
		case strings.TrimSpace(l.Text) == "" && l.Location == nil:
			return nil, gridbot.Errorf(gridbot.EINVALID, "第 %d 行缺少 \"text\"。", n)
		}
		lines = append(lines, l)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("读取对话记录: %w", err)
	}
	return lines, nil
}

// DeriveID is the message id of a line without one: a hash of its time,
// sender and text, so that the same line always gets the same id.
func DeriveID(at time.Time, from, text string) string {
	h := sha256.Sum256([]byte(at.UTC().Format(time.RFC3339Nano) + "\x00" + from + "\x00" + text))
	return "r-" + hex.EncodeToString(h[:12])
}

// Message turns a line into the pipeline's message for town.
func (l Line) Message(townID int64) gridbot.Message {
	m := gridbot.Message{Platform: PlatformReplay, TownID: townID, ChatID: l.Chat, ChatKind: gridbot.ChatGroup,
		SenderID: l.From, Text: l.Text, MsgID: l.ID, At: l.At}
	if m.ChatID == "" {
		m.ChatID = gridbot.DM(l.From)
	}
	if _, ok := gridbot.IsDM(m.ChatID); ok {
		m.ChatKind = gridbot.ChatSingle
	}
	if m.MsgID == "" {
		m.MsgID = DeriveID(l.At, l.From, l.Text)
	}
	if l.Location != nil {
		m.Location = &gridbot.Location{Lat: l.Location.Lat, Lng: l.Location.Lng, Label: l.Location.Label}
	}
	return m
}

// Replay feeds lines to h in order, each as at its own time, and writes
// every reply as one JSON line {"at", "to", "text"}. It returns how many
// replies it wrote.
func Replay(ctx context.Context, h Handler, townID int64, lines []Line, w io.Writer) (int, error) {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	n := 0
	for _, l := range lines {
		if err := ctx.Err(); err != nil {
			return n, err
		}
		for _, o := range h.Handle(ctx, l.Message(townID)) {
			if err := enc.Encode(Out(o)); err != nil {
				return n, err
			}
			n++
		}
	}
	return n, nil
}

// Out is the printed form of an outbound message, its time in gridbot.Zone.
func Out(o gridbot.Outbound) OutLine {
	return OutLine{At: o.At.In(gridbot.Zone).Format(time.RFC3339), To: o.To, Text: o.Text}
}
