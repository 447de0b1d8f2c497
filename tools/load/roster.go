package main

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"os"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"
)

// sender is a member who sends callbacks: their user id and their grid's
// group chat.
type sender struct {
	UserID, Name, ChatID, Grid string
}

// readRoster reads a roster in the format of `gridbot import roster` (CSV,
// UTF-8 with or without a BOM, or GBK; columns 用户ID,姓名,角色,网格,村,管理区,
// 党员,手机 in any order) and returns the people whose role is one of roles,
// each with a chat id per grid: chatPrefix and the grid's number in order of
// first appearance (G-001, G-002, …).
func readRoster(path string, roles []string, chatPrefix string) ([]sender, int, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, 0, fmt.Errorf("roster: %v", err)
	}
	return parseRoster(raw, path, roles, chatPrefix)
}

func parseRoster(raw []byte, name string, roles []string, chatPrefix string) ([]sender, int, error) {
	raw = bytes.TrimPrefix(raw, []byte("\xef\xbb\xbf"))
	if !utf8.Valid(raw) {
		dec, err := simplifiedchinese.GBK.NewDecoder().Bytes(raw)
		if err != nil {
			return nil, 0, fmt.Errorf("roster %s: neither UTF-8 nor GBK", name)
		}
		raw = dec
	}
	r := csv.NewReader(bytes.NewReader(raw))
	r.FieldsPerRecord = -1
	header, err := r.Read()
	if err != nil {
		return nil, 0, fmt.Errorf("roster %s: no header row: %v", name, err)
	}
	col := map[string]int{}
	for i, h := range header {
		col[strings.TrimSpace(h)] = i
	}
	for _, want := range []string{"用户ID", "角色", "网格"} {
		if _, ok := col[want]; !ok {
			return nil, 0, fmt.Errorf("roster %s: no column %q (the header is %q; the format is that of `gridbot import roster`: 用户ID,姓名,角色,网格,村,管理区,党员,手机)",
				name, want, strings.Join(header, ","))
		}
	}
	keep := map[string]bool{}
	for _, r := range roles {
		keep[strings.TrimSpace(r)] = true
	}
	chats := map[string]string{}
	var out []sender
	line := 1
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		line++
		if err != nil {
			return nil, 0, fmt.Errorf("roster %s: line %d: %v", name, line, err)
		}
		get := func(c string) string {
			if i := col[c]; i < len(rec) {
				return strings.TrimSpace(rec[i])
			}
			return ""
		}
		id, role, grid := get("用户ID"), get("角色"), get("网格")
		if id == "" || !keep[role] {
			continue
		}
		if grid == "" {
			return nil, 0, fmt.Errorf("roster %s: line %d: %s (%s) has no 网格; a sender must belong to a grid (see -roles)", name, line, id, role)
		}
		chat, ok := chats[grid]
		if !ok {
			chat = fmt.Sprintf("%s%03d", chatPrefix, len(chats)+1)
			chats[grid] = chat
		}
		out = append(out, sender{UserID: id, Name: get("姓名"), ChatID: chat, Grid: grid})
	}
	if len(out) == 0 {
		return nil, 0, fmt.Errorf("roster %s: nobody with the role %s", name, strings.Join(roles, " or "))
	}
	return out, len(chats), nil
}
