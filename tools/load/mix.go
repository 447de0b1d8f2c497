package main

import (
	"fmt"
	"strconv"
	"strings"
)

// command is one entry of the mix: the text after "@网格助手 " and its weight.
type command struct {
	Text   string // e.g. "上报", "积分", "帮助 派发"; "{n}" is replaced by a unique id
	Weight int
}

// reportWords are 上报 and its aliases: a 上报 needs a description, and the
// generator makes each one unique (gridbot stores every report as an issue).
var reportWords = map[string]bool{"上报": true, "报事": true, "反映": true, "report": true}

// parseMix reads "上报=40,积分=40,问题=20": comma-separated TEXT=WEIGHT with
// whole, non-negative weights, at least one of them positive. A text may
// hold spaces ("帮助 派发=5") and "{n}", replaced by a unique id per message.
func parseMix(s string) ([]command, error) {
	var mix []command
	seen := map[string]bool{}
	total := 0
	for _, part := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == '，' }) {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		i := strings.LastIndexAny(part, "=＝")
		if i < 0 {
			return nil, fmt.Errorf("-mix: %q has no weight; write it as 命令=权重, e.g. 上报=40", part)
		}
		text := strings.Join(strings.Fields(part[:i]), " ")
		w := strings.TrimSpace(strings.TrimLeft(part[i:], "=＝"))
		if text == "" {
			return nil, fmt.Errorf("-mix: %q has no command before the =", part)
		}
		n, err := strconv.Atoi(w)
		if err != nil || n < 0 {
			return nil, fmt.Errorf("-mix: the weight of %q must be a whole number ≥ 0, not %q", text, w)
		}
		if seen[text] {
			return nil, fmt.Errorf("-mix: %q is given twice", text)
		}
		seen[text] = true
		total += n
		mix = append(mix, command{Text: text, Weight: n})
	}
	if len(mix) == 0 {
		return nil, fmt.Errorf("-mix is empty; e.g. -mix '上报=40,积分=40,问题=20'")
	}
	if total == 0 {
		return nil, fmt.Errorf("-mix: every weight is 0")
	}
	return mix, nil
}

// cycle spreads the mix over one period of sum(weights)/gcd slots, each
// command as evenly as possible (smooth weighted round robin), so that any
// run of messages follows the mix closely and the proportions are exact
// over every whole period.
func cycle(mix []command) []int {
	g := 0
	for _, c := range mix {
		g = gcd(g, c.Weight)
	}
	total := 0
	for _, c := range mix {
		total += c.Weight / g
	}
	cur := make([]int, len(mix))
	out := make([]int, 0, total)
	for range total {
		best := -1
		for i, c := range mix {
			cur[i] += c.Weight / g
			if best < 0 || cur[i] > cur[best] {
				best = i
			}
		}
		cur[best] -= total
		out = append(out, best)
	}
	return out
}

func gcd(a, b int) int {
	for b != 0 {
		a, b = b, a%b
	}
	return a
}

// text is the message content of command c for the message with unique id
// id, without the @bot prefix. A 上报 without "{n}" gets a description
// ending in the id, so that no two reports are the same text.
func (c command) text(id string) string {
	t := c.Text
	if !strings.Contains(t, "{n}") {
		if f := strings.Fields(t); len(f) > 0 && reportWords[f[0]] {
			if len(f) == 1 {
				t += " 负载测试问题 {n}"
			} else {
				t += " {n}"
			}
		}
	}
	return strings.ReplaceAll(t, "{n}", id)
}

// mixString is the mix as percentages, for the report.
func mixString(mix []command) string {
	total := 0
	for _, c := range mix {
		total += c.Weight
	}
	var b strings.Builder
	for i, c := range mix {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%s %.0f%%", c.Text, 100*float64(c.Weight)/float64(total))
	}
	return b.String()
}
