// Command gridbot runs a town's party-building grid points scheme in WeCom and
// DingTalk groups. This package only wires the other packages together: each
// subcommand lives in a file of its own and registers itself in init.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sort"
	"strings"
	"syscall"

	"gridbot"
)

// subcommand is one verb of the binary ("import", "settle", "serve", ...).
type subcommand struct {
	Name    string
	Summary string // one line, Chinese first
	Usage   string // the full usage text printed by --help
	Run     func(ctx context.Context, e *Env, args []string) error
}

var subcommands = map[string]*subcommand{}

func register(c *subcommand) {
	if _, dup := subcommands[c.Name]; dup {
		panic("gridbot: subcommand registered twice: " + c.Name)
	}
	subcommands[c.Name] = c
}

// errUsage marks an error whose message is a usage text; exit code 2.
var errUsage = errors.New("usage")

// usageError wraps a message as a usage error.
func usageError(format string, args ...any) error {
	return fmt.Errorf("%w: %s", errUsage, fmt.Sprintf(format, args...))
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := Main(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr, os.Getenv)
	stop()
	os.Exit(code)
}

// Main runs the binary with args and returns the exit code. Tests call it to
// boot the whole program without a subprocess.
func Main(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, getenv func(string) string) int {
	e := newEnv(stdin, stdout, stderr, getenv)
	defer e.Close()
	return run(ctx, e, args)
}

// run runs one invocation in e; tests give e a fixed clock.
func run(ctx context.Context, e *Env, args []string) int {
	stdout, stderr := e.Stdout, e.Stderr
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		printHelp(stdout)
		return 0
	}
	c, ok := subcommands[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "未知命令 %q。运行 gridbot --help 查看全部命令。\n", args[0])
		return 2
	}
	if len(args) > 1 && (args[1] == "-h" || args[1] == "--help") {
		fmt.Fprintln(stdout, c.Usage)
		return 0
	}
	err := c.Run(ctx, e, args[1:])
	switch {
	case err == nil:
		return 0
	case errors.Is(err, errUsage) || errors.Is(err, flag.ErrHelp):
		fmt.Fprintf(stderr, "%s\n\n%s\n", strings.TrimPrefix(err.Error(), "usage: "), c.Usage)
		return 2
	default:
		var ge *gridbot.Error
		if errors.As(err, &ge) {
			fmt.Fprintln(stderr, ge.Message)
		} else {
			fmt.Fprintln(stderr, "错误:", chineseError(err))
		}
		return 1
	}
}

func printHelp(w io.Writer) {
	fmt.Fprint(w, `gridbot — 党建网格积分考核机器人 (party-building grid points bot)

用法 / usage: gridbot <命令> [参数]   每个命令的详细说明: gridbot <命令> --help

命令 / commands:
`)
	names := make([]string, 0, len(subcommands))
	for n := range subcommands {
		names = append(names, n)
	}
	sort.Strings(names)
	width := 0 // the longest name, so that every summary starts in one column
	for _, n := range names {
		width = max(width, len(n))
	}
	for _, n := range names {
		fmt.Fprintf(w, "  %-*s %s\n", width, n, subcommands[n].Summary)
	}
	fmt.Fprint(w, `
环境变量 / environment:
  GRIDBOT_DATABASE_URL  sqlite:路径 (默认 sqlite:gridbot.db) 或 postgres://…
  GRIDBOT_REDIS_URL     redis://… ; 不设置则使用进程内替代
  GRIDBOT_RULES         规则文件 (YAML); 不设置则使用内置 2020 年滨海镇方案
  GRIDBOT_TOWN          首次导入且未给 --town 时创建的镇名 (默认 滨海镇)
  企业微信、钉钉相关变量见 gridbot serve --help 与 gridbot sync --help
`)
}
