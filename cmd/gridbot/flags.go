package main

import (
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"regexp"
	"strings"
)

// Go's flag package words its errors in English; the office reads Chinese.
var flagErrors = []struct {
	re *regexp.Regexp
	zh func(m []string, cmd string) string
}{
	{regexp.MustCompile(`^flag provided but not defined: (-+\S*)$`), func(m []string, cmd string) string {
		return fmt.Sprintf("未知选项 %s。用 gridbot %s -h 查看用法。", m[1], cmd)
	}},
	{regexp.MustCompile(`^flag needs an argument: (-+\S*)$`), func(m []string, cmd string) string {
		return fmt.Sprintf("选项 %s 后面要跟一个值。用 gridbot %s -h 查看用法。", m[1], cmd)
	}},
	{regexp.MustCompile(`^invalid boolean value "(.*)" for (-+\S*): .*$`), func(m []string, cmd string) string {
		return fmt.Sprintf("选项 %s 的值「%s」无效：应为 true 或 false，或不写值。", m[2], m[1])
	}},
	{regexp.MustCompile(`^invalid value "(.*)" for flag (-+\S*): .*$`), func(m []string, cmd string) string {
		return fmt.Sprintf("选项 %s 的值「%s」无效。用 gridbot %s -h 查看用法。", m[2], m[1], cmd)
	}},
	{regexp.MustCompile(`^bad flag syntax: (.*)$`), func(m []string, cmd string) string {
		return fmt.Sprintf("选项写法有误：%s。选项写成 --名称 或 --名称 值。", m[1])
	}},
}

// flagError turns an error of fs.Parse into a usage error in Chinese; -h
// stays flag.ErrHelp (Main prints the usage).
func flagError(cmd string, err error) error {
	if errors.Is(err, flag.ErrHelp) {
		return err
	}
	msg := err.Error()
	for _, fe := range flagErrors {
		if m := fe.re.FindStringSubmatch(msg); m != nil {
			return usageError("%s", fe.zh(m, cmd))
		}
	}
	return usageError("选项有误：%s。用 gridbot %s -h 查看用法。", strings.TrimPrefix(msg, "flag: "), cmd)
}

// chineseError words the file system's errors (English from the operating
// system) in Chinese; other errors are returned as they are.
func chineseError(err error) string {
	var pe *fs.PathError
	if !errors.As(err, &pe) {
		return err.Error()
	}
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return fmt.Sprintf("找不到文件或目录 %s，请检查路径。", pe.Path)
	case errors.Is(err, fs.ErrPermission):
		return fmt.Sprintf("没有权限访问 %s。", pe.Path)
	case errors.Is(err, fs.ErrExist):
		return fmt.Sprintf("%s 已存在。", pe.Path)
	}
	return fmt.Sprintf("无法访问 %s（%v）。", pe.Path, pe.Err)
}
