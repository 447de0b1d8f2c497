package main

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"time"
)

// zone is the scheme's time zone (UTC+8, no daylight saving).
var zone = time.FixedZone("Asia/Shanghai", 8*60*60)

const townUsage = `用法 / usage:
  go run ./tools/load town [-people 580] [-month YYYY-MM] [-seed N] -dir DIR

Writes a generated town to import before a load run, in the formats of gridbot's own imports:
  DIR/roster.csv                 gridbot import roster --town NAME DIR/roster.csv
  DIR/checkins-YYYY-MM.csv       gridbot import checkins DIR/checkins-YYYY-MM.csv   (a month of check-ins, ~92% of days)
  DIR/history-YYYY-MM.jsonl      gridbot replay --town NAME DIR/history-YYYY-MM.jsonl
                                 (that month's chat: every member reports two issues, which their leader dispatches
                                  to them and they close the next day; each leader records a weekly activity)
-people counts everyone: 5 党建办 and grids of up to 8 (the first of each its 网格长), 4 grids to a village.
-month defaults to the month before the current one (UTC+8), so that a load run "now" follows it.

flags:
`

// townPerson is one row of the generated roster.
type townPerson struct {
	id, name, role, grid, village, district, party string
	chat                                           string
}

func runTown(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("load town", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, townUsage); fs.PrintDefaults() }
	people := fs.Int("people", 580, "everyone on the roster, 党建办 included")
	month := fs.String("month", time.Now().In(zone).AddDate(0, 0, -time.Now().In(zone).Day()).Format("2006-01"), "the month of history (YYYY-MM)")
	dir := fs.String("dir", "", "directory to write the files to (created)")
	seed := fs.Uint64("seed", 2026, "random seed (the same seed writes the same files)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *dir == "" {
		return fmt.Errorf("town: give -dir DIR")
	}
	if *people < 10 {
		return fmt.Errorf("town: -people must be at least 10")
	}
	start, err := time.ParseInLocation("2006-01", *month, zone)
	if err != nil {
		return fmt.Errorf("town: -month %q is not YYYY-MM", *month)
	}
	if err := os.MkdirAll(*dir, 0o755); err != nil {
		return err
	}
	r := rand.New(rand.NewPCG(*seed, 580))
	ps := genTown(*people)
	if err := writeCSV(filepath.Join(*dir, "roster.csv"), rosterRows(ps)); err != nil {
		return err
	}
	days := start.AddDate(0, 1, -1).Day()
	checkins := [][]string{{"用户ID", "日期", "时间"}}
	for _, p := range ps {
		if p.grid == "" {
			continue
		}
		for d := range days {
			if r.IntN(100) < 92 {
				day := start.AddDate(0, 0, d)
				checkins = append(checkins, []string{p.id, day.Format("2006-01-02"), fmt.Sprintf("%02d:%02d", 6+r.IntN(3), r.IntN(60))})
			}
		}
	}
	cf := filepath.Join(*dir, "checkins-"+*month+".csv")
	if err := writeCSV(cf, checkins); err != nil {
		return err
	}
	lines := history(ps, start, days)
	hf := filepath.Join(*dir, "history-"+*month+".jsonl")
	if err := writeJSONL(hf, lines); err != nil {
		return err
	}
	grids := 0
	for _, p := range ps {
		if p.role == "网格长" {
			grids++
		}
	}
	fmt.Fprintf(stdout, "town: %d people (%d grids), %d check-ins and %d chat messages of %s in %s\n",
		len(ps), grids, len(checkins)-1, len(lines), *month, *dir)
	return nil
}

var (
	surnames = []rune("陈林王张李郑徐叶蔡应江金潘黄吴杨梁赵周阮朱胡何高罗")
	given    = []string{"建国", "海军", "明华", "丽娟", "志强", "雪梅", "东升", "红英", "晓峰", "春玲", "宇杰", "秀兰", "德平", "文静",
		"军辉", "国平", "素芬", "美华", "卫东", "建华", "海燕", "玲玲", "佳琪", "俊杰", "永福", "金花", "彩霞", "立新", "海波", "雅琴",
		"伟民", "桂芳", "月娥", "宏伟", "家豪", "思远", "婷婷", "振华", "亚军", "丹丹"}
)

// genTown is the roster: 5 office staff, then grids of up to 8 people
// (leader first), 4 grids to a village, 5 villages to a district. Names
// are unique (the history names people as @姓名#用户ID anyway).
func genTown(n int) []townPerson {
	name := func(i int) string {
		s := string(surnames[i%len(surnames)]) + given[(i/len(surnames))%len(given)]
		if k := i / (len(surnames) * len(given)); k > 0 {
			s += fmt.Sprint(k + 1)
		}
		return s
	}
	var ps []townPerson
	for i := range 5 {
		ps = append(ps, townPerson{id: fmt.Sprintf("T9%03d", i+1), name: name(i), role: "党建办", party: "是"})
	}
	rest := n - 5
	grids := (rest + 7) / 8
	k := 5
	for g := range grids {
		size := rest / grids
		if g < rest%grids {
			size++
		}
		v := g / 4
		village := fmt.Sprintf("负载%02d村", v+1)
		district := fmt.Sprintf("第%d管理区", v/5+1)
		grid := fmt.Sprintf("%s第%d网格", village, g%4+1)
		for i := range size {
			role := "网格员"
			if i == 0 {
				role = "网格长"
			}
			party := "否"
			if i%2 == 0 {
				party = "是"
			}
			ps = append(ps, townPerson{id: fmt.Sprintf("T%04d", k-4), name: name(k), role: role, grid: grid, village: village,
				district: district, party: party, chat: fmt.Sprintf("G-%03d", g+1)})
			k++
		}
	}
	return ps
}

func rosterRows(ps []townPerson) [][]string {
	rows := [][]string{{"用户ID", "姓名", "角色", "网格", "村", "管理区", "党员", "手机"}}
	for i, p := range ps {
		rows = append(rows, []string{p.id, p.name, p.role, p.grid, p.village, p.district, p.party, fmt.Sprintf("1390000%04d", i)})
	}
	return rows
}

// line is one message of a `gridbot replay` transcript.
type line struct {
	At   string `json:"at"`
	From string `json:"from"`
	Chat string `json:"chat"`
	Text string `json:"text"`
}

// history is a month of chat: each member reports two issues (days 4 and
// 14 of the month), the leader dispatches each to its reporter two hours
// later and the reporter closes it the next day; each leader records a
// weekly activity with two members. Issues are numbered in the order of
// their reports, as gridbot numbers them in a fresh town.
func history(ps []townPerson, start time.Time, days int) []line {
	type ev struct {
		at   time.Time
		l    line
		kind int // 0 report, 1 other
	}
	var evs []ev
	leaders := map[string]townPerson{}
	byGrid := map[string][]townPerson{}
	var grids []string
	for _, p := range ps {
		if p.grid == "" {
			continue
		}
		if p.role == "网格长" {
			leaders[p.grid] = p
			grids = append(grids, p.grid)
		}
		byGrid[p.grid] = append(byGrid[p.grid], p)
	}
	msg := func(at time.Time, p townPerson, text string) line {
		return line{At: at.Format(time.RFC3339), From: p.id, Chat: p.chat, Text: "@网格助手 " + text}
	}
	type report struct {
		at time.Time
		p  townPerson
	}
	var reports []report
	for i, p := range ps {
		if p.role != "网格员" {
			continue
		}
		for k := range 2 {
			at := start.AddDate(0, 0, 3+10*k).Add(9*time.Hour + time.Duration(i%240)*time.Minute)
			reports = append(reports, report{at, p})
		}
	}
	sort.SliceStable(reports, func(i, j int) bool { return reports[i].at.Before(reports[j].at) })
	for no, rp := range reports {
		p, n := rp.p, no+1
		evs = append(evs,
			ev{rp.at, msg(rp.at, p, fmt.Sprintf("上报 往月问题%d：%s路段路灯不亮", n, p.village)), 0},
			ev{rp.at.Add(2 * time.Hour), msg(rp.at.Add(2*time.Hour), leaders[p.grid], fmt.Sprintf("派发 #%d @%s#%s", n, p.name, p.id)), 1},
			ev{rp.at.Add(26 * time.Hour), msg(rp.at.Add(26*time.Hour), p, fmt.Sprintf("办结 #%d 已联系电力所更换灯泡", n)), 1})
	}
	for _, grid := range grids {
		l, members := leaders[grid], byGrid[grid]
		for w := range 4 {
			at := start.AddDate(0, 0, 2+7*w).Add(15 * time.Hour)
			text := "活动 宣传 入户宣传垃圾分类"
			for _, m := range members[1:min(3, len(members))] {
				text += fmt.Sprintf(" @%s#%s", m.name, m.id)
			}
			if at.Day() <= days && at.Month() == start.Month() {
				evs = append(evs, ev{at, msg(at, l, text), 1})
			}
		}
	}
	sort.SliceStable(evs, func(i, j int) bool {
		if !evs[i].at.Equal(evs[j].at) {
			return evs[i].at.Before(evs[j].at)
		}
		return evs[i].kind < evs[j].kind
	})
	out := make([]line, len(evs))
	for i, e := range evs {
		out[i] = e.l
	}
	return out
}

func writeCSV(path string, rows [][]string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := csv.NewWriter(f)
	w.WriteAll(rows)
	if err := w.Error(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func writeJSONL(path string, lines []line) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	for _, l := range lines {
		if err := enc.Encode(l); err != nil {
			f.Close()
			return err
		}
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
