// Command load plays WeCom against a running `gridbot serve`: it sends
// signed, encrypted smart robot callbacks from a roster's members, with a
// configurable mix of commands, each with its own response_url on a local
// sink that checks every reply arrives exactly once, and reports the
// throughput and the latency. Operators use it to size a deployment.
//
//	go run ./tools/load -roster roster.csv -conns 200 -duration 20s          # saturate: the most callbacks/s
//	go run ./tools/load -roster roster.csv -rate 1000 -duration 20s          # offer 1,000/s: latency p50/p99
//	go run ./tools/load town -people 580 -dir /tmp/town                      # a town's files to import first
//
// The token and the EncodingAESKey are the server's own
// (GRIDBOT_WECOM_BOT_TOKEN and GRIDBOT_WECOM_BOT_AES_KEY, read from the
// environment when the flags are not given). Run `gridbot serve` with
// GRIDBOT_USER_RATE=0, or most commands get the friendly "too many
// messages" refusal (10 a minute per member by default).
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"
)

const usage = `gridbot 负载生成器 / load generator for gridbot's WeCom smart robot endpoint

用法 / usage:
  go run ./tools/load -roster FILE (-conns N | -rate R) [flags]
  go run ./tools/load town [-people 580] [-month YYYY-MM] -dir DIR     (writes a town to import; see -h there)

Closed loop (-conns N): N callbacks always in flight; measures the most callbacks/s the server sustains.
Open loop (-rate R): R callbacks/s offered on a fixed schedule, at most -conns connections (default 512);
latency counts from each callback's intended send time, so a slow server cannot hide its queue.

flags:
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	var err error
	if len(os.Args) > 1 && os.Args[1] == "town" {
		err = runTown(os.Args[2:], os.Stdout, os.Stderr)
	} else {
		err = runLoad(ctx, os.Args[1:], os.Stdout, os.Stderr, os.Getenv)
	}
	if err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "load:", err)
		}
		os.Exit(2)
	}
}

// runLoad parses the flags, runs the load and prints the report. The run
// fails (non-zero exit) when nothing was answered, so a script notices a
// wrong key or URL.
func runLoad(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) error {
	fs := flag.NewFlagSet("load", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, usage); fs.PrintDefaults() }
	u := fs.String("url", "http://127.0.0.1:8080/wecom/bot", "the smart robot callback URL of `gridbot serve`")
	token := fs.String("token", "", "the smart robot's Token (default: $GRIDBOT_WECOM_BOT_TOKEN)")
	aesKey := fs.String("aes-key", "", "the smart robot's 43-character EncodingAESKey (default: $GRIDBOT_WECOM_BOT_AES_KEY)")
	roster := fs.String("roster", "", "roster CSV in the format of `gridbot import roster` (用户ID,姓名,角色,网格,…): the senders")
	roles := fs.String("roles", "网格员,网格长", "roles (角色) of the roster that send; each sends in their grid's group chat")
	chatPrefix := fs.String("chat-prefix", "G-", "group chat ids are this prefix and the grid's number in roster order (G-001, …)")
	mixFlag := fs.String("mix", "上报=40,积分=40,问题=20", "command mix, TEXT=WEIGHT,…; 上报 texts are made unique; {n} in a text is replaced by the message's unique id")
	conns := fs.Int("conns", 0, "closed loop: callbacks in flight (connections); with -rate: the most connections (default 512)")
	rate := fs.Float64("rate", 0, "open loop: callbacks offered per second")
	duration := fs.Duration("duration", 20*time.Second, "how long to measure")
	warmup := fs.Duration("warmup", 3*time.Second, "load before measuring (sent, checked for replies, not in the figures)")
	sinkAddr := fs.String("sink", "127.0.0.1:0", "listen address of the local response_url sink")
	sinkURL := fs.String("sink-url", "", "base URL of the sink as the server reaches it (default: http:// + the sink's address)")
	botName := fs.String("bot-name", "网格助手", "the bot's display name: every message starts with @name (GRIDBOT_BOT_NAMES)")
	aibot := fs.String("aibotid", "AIBOTLOADGEN", "the aibotid field of the callbacks")
	timeout := fs.Duration("timeout", 10*time.Second, "per-callback HTTP timeout")
	replyWait := fs.Duration("reply-wait", 10*time.Second, "after the last callback, how long to wait for replies still missing")
	jsonOut := fs.Bool("json", false, "print the report as JSON (for scripts)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected argument %q (flags go before, and all of them start with -; see -h)", fs.Arg(0))
	}
	o := options{URL: *u, BotName: *botName, AIBotID: *aibot, Conns: *conns, Rate: *rate, Duration: *duration, Warmup: *warmup,
		Timeout: *timeout, ReplyWait: *replyWait, Sink: *sinkAddr, SinkURL: *sinkURL, Now: time.Now}
	o.Token = firstSet(*token, getenv("GRIDBOT_WECOM_BOT_TOKEN"))
	keyText := firstSet(*aesKey, getenv("GRIDBOT_WECOM_BOT_AES_KEY"))
	switch {
	case o.Token == "":
		return errors.New("no token: give -token or set GRIDBOT_WECOM_BOT_TOKEN (the server's smart robot Token)")
	case keyText == "":
		return errors.New("no EncodingAESKey: give -aes-key or set GRIDBOT_WECOM_BOT_AES_KEY (the server's smart robot key)")
	case *roster == "":
		return errors.New("no roster: give -roster FILE, the roster CSV imported into the server (e.g. examples/roster.csv)")
	case *rate < 0:
		return errors.New("-rate must be positive")
	case *rate == 0 && *conns <= 0:
		return errors.New("say how to load: -conns N (closed loop, saturate) or -rate R (open loop, fixed offered rate)")
	case *conns < 0:
		return errors.New("-conns must be positive")
	case *duration <= 0:
		return errors.New("-duration must be positive")
	case *warmup < 0:
		return errors.New("-warmup cannot be negative")
	case !strings.HasPrefix(o.URL, "http://") && !strings.HasPrefix(o.URL, "https://"):
		return fmt.Errorf("-url %q must start with http:// or https://", o.URL)
	}
	if o.Rate > 0 && o.Conns == 0 {
		o.Conns = 512
	}
	var err error
	if o.Key, err = decodeAESKey(strings.TrimSpace(keyText)); err != nil {
		return fmt.Errorf("-aes-key: %v", err)
	}
	if o.Mix, err = parseMix(*mixFlag); err != nil {
		return err
	}
	if o.Senders, o.Grids, err = readRoster(*roster, strings.Split(*roles, ","), *chatPrefix); err != nil {
		return err
	}
	if o.Rate == 0 && o.Conns > 3*len(o.Senders) {
		fmt.Fprintf(stderr, "load: note: %d connections for %d senders puts more than 3 messages of one member in flight, which WeCom never does\n", o.Conns, len(o.Senders))
	}
	r, err := run(ctx, o)
	if err != nil {
		return err
	}
	if *jsonOut {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		if err := enc.Encode(r); err != nil {
			return err
		}
	} else {
		r.print(stdout)
	}
	if r.Answered == 0 {
		return fmt.Errorf("no callback was answered with HTTP 200 (%s): is gridbot serve running at %s with this token and key?", strings.TrimPrefix(errList(r.Errors), ": "), o.URL)
	}
	return nil
}

func firstSet(vs ...string) string {
	for _, v := range vs {
		if strings.TrimSpace(v) != "" {
			return strings.TrimSpace(v)
		}
	}
	return ""
}
