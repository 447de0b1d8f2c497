package scoring

import (
	"errors"
	"fmt"
	"reflect"
	"strings"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"

	"gridbot"
)

// ParseRules parses and validates a rules file. It is strict, because a typo
// in a rules file silently changes people's money: unknown keys, missing keys
// and values of the wrong type are refused, and so are values that make no
// sense (tiers out of order, weights that do not add up to 1 ...). The error
// is an *gridbot.Error (EINVALID) whose message names the key, e.g.
// "rules: monthly.attendance.full_points: 期望数字 / expected a number".
func ParseRules(data []byte) (*Rules, error) {
	file, err := parser.ParseBytes(data, 0)
	if err != nil {
		return nil, syntaxError(err)
	}
	if len(file.Docs) != 1 || file.Docs[0].Body == nil {
		return nil, rulesError("", "规则文件为空或含多个文档 / the rules file is empty or holds several documents")
	}
	// goccy/go-yaml is lenient with scalars (1.5 into an int, "1" into a
	// float) and knows nothing of missing keys, so the shape is checked on the
	// syntax tree first, with the key's path in every message.
	if err := checkNode(file.Docs[0].Body, reflect.TypeOf(Rules{}), ""); err != nil {
		return nil, err
	}
	var r Rules
	if err := yaml.UnmarshalWithOptions(data, &r, yaml.Strict()); err != nil {
		return nil, decodeError(err)
	}
	noNotices := !hasKey(file.Docs[0].Body, "notices")
	if noNotices {
		r.Notices = DefaultNotices()
	}
	if err := r.Validate(); err != nil {
		if msg := gridbot.ErrorMessage(err); noNotices && strings.HasPrefix(msg, "rules: notices.") {
			return nil, rulesError("notices", "规则文件没有 notices 部分，其默认值与本文件不合，请加上 notices 部分 / "+
				"the file has no notices section and the defaults do not fit it; add a notices section: "+
				strings.TrimPrefix(msg, "rules: "))
		}
		return nil, err
	}
	return &r, nil
}

// defaultedSections are the keys (paths) a rules file may leave out whole,
// getting the defaults: notices came after the first towns' files were
// written (DefaultNotices). A section that is there must be complete.
var defaultedSections = map[string]bool{"notices": true}

// hasKey reports whether the mapping n has key.
func hasKey(n ast.Node, key string) bool {
	switch m := n.(type) {
	case *ast.MappingNode:
		for _, mv := range m.Values {
			if mv.Key.GetToken().Value == key {
				return true
			}
		}
	case *ast.MappingValueNode:
		return m.Key.GetToken().Value == key
	}
	return false
}

// timeOfDayType is checked as "HH:MM" text, though it is held as minutes.
var timeOfDayType = reflect.TypeOf(TimeOfDay(0))

// rulesError returns the EINVALID error of a rules file at key path.
func rulesError(path, msg string) error {
	if path == "" {
		return gridbot.Errorf(gridbot.EINVALID, "rules: %s", msg)
	}
	return gridbot.Errorf(gridbot.EINVALID, "rules: %s: %s", path, msg)
}

// syntaxError reports a YAML syntax error with its line and column.
func syntaxError(err error) error {
	var ye yaml.Error
	if errors.As(err, &ye) && ye.GetToken() != nil {
		p := ye.GetToken().Position
		return gridbot.Errorf(gridbot.EINVALID, "rules: 第%d行第%d列 / line %d column %d: YAML 格式错误 / YAML syntax error: %s",
			p.Line, p.Column, p.Line, p.Column, ye.GetMessage())
	}
	return gridbot.Errorf(gridbot.EINVALID, "rules: YAML 格式错误 / YAML syntax error")
}

// decodeError reports what the tree check could not foresee (an overflow).
func decodeError(err error) error {
	var ye yaml.Error
	if errors.As(err, &ye) && ye.GetToken() != nil {
		p := ye.GetToken().Position
		return gridbot.Errorf(gridbot.EINVALID, "rules: 第%d行 / line %d: 值无效 / invalid value: %s",
			p.Line, p.Line, ye.GetMessage())
	}
	return gridbot.Errorf(gridbot.EINVALID, "rules: 值无效 / invalid value")
}

// checkNode checks that node n has the shape of Go type t.
func checkNode(n ast.Node, t reflect.Type, path string) error {
	if a, ok := n.(*ast.AnchorNode); ok {
		n = a.Value
	}
	switch n.(type) {
	case nil, *ast.NullNode:
		return rulesError(path, "缺少值 / missing a value")
	case *ast.AliasNode, *ast.TagNode, *ast.MergeKeyNode:
		return rulesError(path, "不支持别名和标签 / aliases and tags are not supported")
	}
	if t == timeOfDayType {
		if s, ok := n.(*ast.StringNode); ok {
			if _, err := parseTimeOfDay(s.Value); err == nil {
				return nil
			}
		}
		return rulesError(path, msgTimeOfDay)
	}
	switch t.Kind() {
	case reflect.Struct:
		return checkStruct(n, t, path)
	case reflect.Slice:
		seq, ok := n.(*ast.SequenceNode)
		if !ok {
			return rulesError(path, "期望列表 / expected a list")
		}
		for i, v := range seq.Values {
			if err := checkNode(v, t.Elem(), fmt.Sprintf("%s[%d]", path, i)); err != nil {
				return err
			}
		}
		return nil
	case reflect.Float64:
		switch n.(type) {
		case *ast.IntegerNode, *ast.FloatNode:
			return nil
		}
		return rulesError(path, "期望数字 / expected a number")
	case reflect.Int:
		if _, ok := n.(*ast.IntegerNode); ok {
			return nil
		}
		return rulesError(path, "期望整数 / expected a whole number")
	case reflect.Bool:
		if _, ok := n.(*ast.BoolNode); ok {
			return nil
		}
		return rulesError(path, "期望 true 或 false / expected true or false")
	case reflect.String:
		if _, ok := n.(*ast.StringNode); ok {
			return nil
		}
		return rulesError(path, `期望文字（数字请加引号，如 "300"）/ expected text (quote numbers, e.g. "300")`)
	}
	return rulesError(path, "不支持的类型 / unsupported type")
}

// checkStruct checks a mapping against the yaml tags of struct type t: no
// unknown key, no missing key but those tagged omitempty (a tier's label).
func checkStruct(n ast.Node, t reflect.Type, path string) error {
	var values []*ast.MappingValueNode
	switch m := n.(type) {
	case *ast.MappingNode:
		values = m.Values
	case *ast.MappingValueNode:
		values = []*ast.MappingValueNode{m}
	default:
		return rulesError(path, "期望键值表 / expected a mapping")
	}
	fields := map[string]reflect.Type{}
	optional := map[string]bool{}
	var names []string
	for i := 0; i < t.NumField(); i++ {
		tag, opts, _ := strings.Cut(t.Field(i).Tag.Get("yaml"), ",")
		fields[tag] = t.Field(i).Type
		optional[tag] = opts == "omitempty" || defaultedSections[joinPath(path, tag)]
		names = append(names, tag)
	}
	seen := map[string]bool{}
	for _, mv := range values {
		key := mv.Key.GetToken().Value
		p := joinPath(path, key)
		ft, ok := fields[key]
		if !ok {
			return rulesError(p, "未知的键，可用的键 / unknown key; expected one of: "+strings.Join(names, ", "))
		}
		seen[key] = true
		if err := checkNode(mv.Value, ft, p); err != nil {
			return err
		}
	}
	for _, name := range names {
		if !seen[name] && !optional[name] {
			return rulesError(joinPath(path, name), "缺少此项 / missing key")
		}
	}
	return nil
}

func joinPath(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}
