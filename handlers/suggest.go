package handlers

import (
	"fmt"
	"sort"
	"strings"
	"unicode/utf8"

	"gridbot"
)

// editDistance is the Levenshtein distance between a and b, in runes.
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}

// Suggest returns up to n commands whose name or an alias is closest to
// typed (edit distance over canonical forms and aliases), closest first. A
// command the typed word starts with ("上报路灯坏了") comes first of all.
func (r *Registry) Suggest(typed string, n int) []*Command {
	typed = key(typed)
	best := map[*Command]int{}
	for word, cmd := range r.byWord {
		d := editDistance(typed, word)
		if strings.HasPrefix(typed, word) && utf8.RuneCountInString(word) >= 2 {
			d = -1 // the command, glued to its arguments
		}
		limit := max(1, utf8.RuneCountInString(word)/2)
		if d > limit {
			continue
		}
		if old, ok := best[cmd]; !ok || d < old {
			best[cmd] = d
		}
	}
	out := make([]*Command, 0, len(best))
	for c := range best {
		out = append(out, c)
	}
	order := map[*Command]int{}
	for i, c := range r.cmds {
		order[c] = i
	}
	sort.Slice(out, func(i, j int) bool {
		if best[out[i]] != best[out[j]] {
			return best[out[i]] < best[out[j]]
		}
		return order[out[i]] < order[out[j]]
	})
	if len(out) > n {
		out = out[:n]
	}
	return out
}

// unknown refuses a word that is no command, suggesting the closest ones.
func (r *Registry) unknown(typed, rest string) error {
	sugg := r.Suggest(typed, 3)
	if len(sugg) == 0 {
		return gridbot.Errorf(gridbot.EINVALID, "没有「%s」这个命令。发送「帮助」查看全部命令。", typed)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "没有「%s」这个命令。你是不是想用：", typed)
	for _, c := range sugg {
		example := c.Example
		if strings.HasPrefix(key(typed), key(c.Name)) && len(typed) > len(c.Name) {
			// The command glued to its text: show it with the space it needs.
			example = c.Name + " " + strings.TrimSpace(strings.Join([]string{typed[len(c.Name):], rest}, " "))
		}
		fmt.Fprintf(&b, "\n· %s（例如：%s）", c.Form, strings.TrimSpace(example))
	}
	b.WriteString("\n命令和内容之间要有空格。发送「帮助」查看全部命令。")
	return gridbot.Errorf(gridbot.EINVALID, "%s", b.String())
}
