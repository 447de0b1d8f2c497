package console

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"

	"gridbot"
)

// PlatformConsole is the platform name of interactive console messages.
const PlatformConsole = "console"

// ChatHelp explains the console's own slash commands.
const ChatHelp = `输入消息后回车，就像在群里 @网格助手 发送一样。控制命令：
  /as 用户ID        换一个发送人
  /chat 群ID        换一个群（dm:用户ID 为单聊）
  /loc 纬度,经度 [消息]  带位置发送（不写消息即为打卡）
  /quit             退出`

// Session is an interactive chat on the pipeline: each line typed is a
// message from As in Chat, at the clock's now.
type Session struct {
	Handler Handler
	TownID  int64
	As      string // the sender's user id
	Chat    string // the chat id; DM(As) when empty
	Clock   gridbot.Clock
	seq     int
}

// Run reads lines from in until EOF or /quit and writes the bot's replies to out.
func (s *Session) Run(ctx context.Context, in io.Reader, out io.Writer) error {
	fmt.Fprintln(out, ChatHelp)
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 64*1024), maxLine)
	s.prompt(out)
	for sc.Scan() {
		if err := ctx.Err(); err != nil {
			return err
		}
		line := strings.TrimSpace(sc.Text())
		if line == "/quit" || line == "/exit" {
			return nil
		}
		if line != "" {
			s.line(ctx, line, out)
		}
		s.prompt(out)
	}
	return sc.Err()
}

func (s *Session) prompt(out io.Writer) {
	fmt.Fprintf(out, "%s@%s> ", s.As, s.chat())
}

func (s *Session) chat() string {
	if s.Chat == "" {
		return gridbot.DM(s.As)
	}
	return s.Chat
}

// line handles one typed line: a slash command or a message.
func (s *Session) line(ctx context.Context, line string, out io.Writer) {
	var loc *gridbot.Location
	switch cmd, arg, _ := strings.Cut(line, " "); cmd {
	case "/as":
		if arg = strings.TrimSpace(arg); arg == "" {
			fmt.Fprintln(out, "用法：/as 用户ID")
		} else {
			s.As = arg
		}
		return
	case "/chat":
		s.Chat = strings.TrimSpace(arg)
		return
	case "/loc":
		coords, rest, _ := strings.Cut(strings.TrimSpace(arg), " ")
		l, ok := parseLatLng(coords)
		if !ok {
			fmt.Fprintln(out, "用法：/loc 28.3812,121.4705 [消息]")
			return
		}
		loc, line = l, strings.TrimSpace(rest)
	case "/help":
		fmt.Fprintln(out, ChatHelp)
		return
	}
	s.seq++
	now := s.Clock.Now()
	m := gridbot.Message{Platform: PlatformConsole, TownID: s.TownID, ChatID: s.chat(), ChatKind: gridbot.ChatGroup,
		SenderID: s.As, Text: line, Location: loc, At: now,
		MsgID: fmt.Sprintf("c-%d-%d", now.UnixNano(), s.seq)}
	if _, ok := gridbot.IsDM(m.ChatID); ok {
		m.ChatKind = gridbot.ChatSingle
	}
	for _, o := range s.Handler.Handle(ctx, m) {
		if o.To == m.ChatID {
			fmt.Fprintf(out, "网格助手：%s\n", o.Text)
		} else {
			fmt.Fprintf(out, "网格助手 → %s：%s\n", o.To, o.Text)
		}
	}
}

// parseLatLng reads "28.3812,121.4705".
func parseLatLng(s string) (*gridbot.Location, bool) {
	a, b, ok := strings.Cut(strings.ReplaceAll(s, "，", ","), ",")
	if !ok {
		return nil, false
	}
	lat, err1 := strconv.ParseFloat(strings.TrimSpace(a), 64)
	lng, err2 := strconv.ParseFloat(strings.TrimSpace(b), 64)
	if err1 != nil || err2 != nil || lat < -90 || lat > 90 || lng < -180 || lng > 180 {
		return nil, false
	}
	return &gridbot.Location{Lat: lat, Lng: lng}, true
}
