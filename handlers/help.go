package handlers

import (
	"fmt"
	"strings"

	"gridbot"
)

// runHelp is 帮助: the command list, or one command's form, rules and example.
func runHelp(c *Ctx) (*Reply, error) {
	if len(c.Call.Words) == 0 {
		return text("%s", c.Registry.HelpText()), nil
	}
	word := strings.TrimPrefix(c.Call.Words[0], "「")
	word = strings.TrimSuffix(word, "」")
	cmd := c.Registry.Lookup(word)
	if cmd == nil {
		sugg := c.Registry.Suggest(word, 3)
		if len(sugg) == 0 {
			return nil, gridbot.Errorf(gridbot.EINVALID, "没有「%s」这个命令。发送「帮助」查看全部命令。", c.Call.Raw[0])
		}
		forms := make([]string, len(sugg))
		for i, s := range sugg {
			forms[i] = "帮助 " + s.Name
		}
		return nil, gridbot.Errorf(gridbot.EINVALID, "没有「%s」这个命令。你是不是想看：%s", c.Call.Raw[0], strings.Join(forms, "、"))
	}
	return text("%s", cmd.HelpText()), nil
}

// HelpText is the reply to 帮助: every command, its form and what it does.
func (r *Registry) HelpText() string {
	r.help.once.Do(func() {
		var b strings.Builder
		b.WriteString("网格助手命令（@我 后发送；「帮助 命令」看详细写法）：")
		for _, c := range r.cmds {
			fmt.Fprintf(&b, "\n· %s —— %s（%s）", c.Form, c.Summary, c.WhoText())
		}
		r.help.text = b.String()
	})
	return r.help.text
}

// HelpText is the reply to 帮助 <命令>.
func (c *Command) HelpText() string {
	var b strings.Builder
	fmt.Fprintf(&b, "「%s」%s\n格式：%s\n例如：%s\n谁可以用：%s", c.Name, c.Summary, c.Form, c.Example, c.WhoText())
	if len(c.Aliases) > 0 {
		fmt.Fprintf(&b, "\n也可以写：%s", strings.Join(c.Aliases, "、"))
	}
	if c.Help != "" {
		fmt.Fprintf(&b, "\n%s", c.Help)
	}
	return b.String()
}

// MarkdownTable renders the command table of the README from the registry.
func (r *Registry) MarkdownTable() string {
	var b strings.Builder
	b.WriteString("| 命令 | 别名 | 谁可以用 | 作用 | 例子 |\n| --- | --- | --- | --- | --- |\n")
	for _, c := range r.cmds {
		fmt.Fprintf(&b, "| `%s` | %s | %s | %s | `%s` |\n", mdCell(c.Form), mdCell(strings.Join(c.Aliases, "、")),
			mdCell(c.WhoText()), mdCell(c.Summary), mdCell(c.Example))
	}
	return b.String()
}

// mdCell escapes the pipe, which would end a table cell.
func mdCell(s string) string { return strings.ReplaceAll(s, "|", `\|`) }
