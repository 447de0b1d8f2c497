package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"gridbot"
	"gridbot/config"
	"gridbot/scoring"
	"gridbot/storage"
)

// Env is what a subcommand works with: configuration, the store, the rules
// and the clock, opened lazily so that --help needs none of them.
type Env struct {
	Stdin          io.Reader
	Stdout, Stderr io.Writer
	Getenv         func(string) string
	Clock          gridbot.Clock

	cfg   *config.Config
	store gridbot.Store
	rules *scoring.Rules
}

func newEnv(stdin io.Reader, stdout, stderr io.Writer, getenv func(string) string) *Env {
	if getenv == nil {
		getenv = os.Getenv
	}
	return &Env{Stdin: stdin, Stdout: stdout, Stderr: stderr, Getenv: getenv, Clock: gridbot.SystemClock{}}
}

// Config loads the configuration once.
func (e *Env) Config() (*config.Config, error) {
	if e.cfg == nil {
		c, err := config.Load(e.Getenv)
		if err != nil {
			return nil, err
		}
		e.cfg = c
	}
	return e.cfg, nil
}

// Store opens the store once; migrations are applied on open.
func (e *Env) Store(ctx context.Context) (gridbot.Store, error) {
	if e.store != nil {
		return e.store, nil
	}
	c, err := e.Config()
	if err != nil {
		return nil, err
	}
	st, err := storage.Open(ctx, c.DatabaseURL)
	if err != nil {
		return nil, err
	}
	e.store = st
	return st, nil
}

// Rules loads the rules file named by GRIDBOT_RULES, or the built-in default.
func (e *Env) Rules() (*scoring.Rules, error) {
	if e.rules != nil {
		return e.rules, nil
	}
	c, err := e.Config()
	if err != nil {
		return nil, err
	}
	if c.RulesPath == "" {
		e.rules = scoring.DefaultRules()
		return e.rules, nil
	}
	data, err := os.ReadFile(c.RulesPath)
	if err != nil {
		return nil, fmt.Errorf("读取规则文件 %s: %w", c.RulesPath, err)
	}
	r, err := scoring.ParseRules(data)
	if err != nil {
		return nil, fmt.Errorf("规则文件 %s: %w", c.RulesPath, err)
	}
	e.rules = r
	return r, nil
}

// Town resolves the --town flag: the named town, or the only town when name is
// empty. With create, a missing town is created (the first roster import).
func (e *Env) Town(ctx context.Context, name string, create bool) (gridbot.Town, error) {
	st, err := e.Store(ctx)
	if err != nil {
		return gridbot.Town{}, err
	}
	var town gridbot.Town
	fn := func(tx gridbot.Tx) error {
		towns, err := tx.Towns()
		if err != nil {
			return err
		}
		if name == "" {
			switch {
			case len(towns) == 1:
				town = towns[0]
				return nil
			case len(towns) > 1:
				names := make([]string, len(towns))
				for i, t := range towns {
					names[i] = t.Name
				}
				return gridbot.Errorf(gridbot.EINVALID, "有多个镇（%s），请用 --town 指定。", strings.Join(names, "、"))
			case !create:
				return gridbot.Errorf(gridbot.ENOTFOUND, "还没有任何镇的数据。请先导入花名册: gridbot import roster --town 镇名 花名册.csv")
			}
			c, err := e.Config()
			if err != nil {
				return err
			}
			name = c.Town
		}
		town, err = tx.TownByName(name)
		if gridbot.ErrorCode(err) == gridbot.ENOTFOUND && create {
			town, err = tx.CreateTown(name)
		} else if gridbot.ErrorCode(err) == gridbot.ENOTFOUND {
			return gridbot.Errorf(gridbot.ENOTFOUND, "没有名为「%s」的镇。", name)
		}
		return err
	}
	if create {
		err = st.Update(ctx, fn)
	} else {
		err = st.View(ctx, fn)
	}
	return town, err
}

// open opens what a command on an existing town needs: the store, the
// rules and the town named by --town (the only town when empty).
func (e *Env) open(ctx context.Context, town string) (gridbot.Store, *scoring.Rules, gridbot.Town, error) {
	st, err := e.Store(ctx)
	if err != nil {
		return nil, nil, gridbot.Town{}, err
	}
	rules, err := e.Rules()
	if err != nil {
		return nil, nil, gridbot.Town{}, err
	}
	t, err := e.Town(ctx, town, false)
	return st, rules, t, err
}

// Close closes what was opened.
func (e *Env) Close() {
	if e.store != nil {
		e.store.Close()
	}
}

// newFlags returns a flag set that reports errors instead of exiting and
// prints nothing itself (Main prints the usage).
func newFlags(name string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	return fs
}

// parseFlags parses flags that may stand before or after positional
// arguments ("import roster FILE --town X" and "import roster --town X FILE").
func parseFlags(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, flagError(fs.Name(), err)
		}
		if fs.NArg() == 0 {
			return pos, nil
		}
		pos = append(pos, fs.Arg(0))
		args = fs.Args()[1:]
	}
}

// at reads an --at flag: the clock's now when empty.
func (e *Env) at(flag string) (time.Time, error) {
	if flag == "" {
		return e.Clock.Now(), nil
	}
	return parseTime(flag)
}

// parseTime reads --at: RFC 3339, or a day or a minute in Zone.
func parseTime(s string) (time.Time, error) {
	for _, layout := range []string{time.RFC3339, "2006-01-02T15:04", "2006-01-02 15:04", "2006-01-02"} {
		if t, err := time.ParseInLocation(layout, s, gridbot.Zone); err == nil {
			return t, nil
		}
	}
	return time.Time{}, usageError("时间格式应为 2026-10-31T18:00:00+08:00、2026-10-31 18:00 或 2026-10-31，而不是 %q", s)
}
