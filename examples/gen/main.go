// Command gen writes the example files of the fictional town 海风镇: a
// roster (CSV, XLSX and a GBK-encoded CSV), check-in points, October 2026
// platform base points and check-ins, and a roster with one bad row. The
// people are made up. Run from the repository root:
//
//	go run ./examples/gen
//
// The random source has a fixed seed, so the files only change when this
// program does.
package main

import (
	"bytes"
	"encoding/csv"
	"flag"
	"fmt"
	"log"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"
)

type grid struct {
	district, village, name string
	size                    int
}

// The town: 2 districts, 3 villages, 9 grids of 4–9 people, 60 in all.
var grids = []grid{
	{"东片管理区", "海风村", "海风村第一网格", 7},
	{"东片管理区", "海风村", "海风村第二网格", 6},
	{"东片管理区", "海风村", "海风村第三网格", 8},
	{"东片管理区", "海风村", "海风村第四网格", 5},
	{"东片管理区", "东岙村", "东岙村第一网格", 7},
	{"东片管理区", "东岙村", "东岙村第二网格", 6},
	{"东片管理区", "东岙村", "东岙村第三网格", 9},
	{"西片管理区", "沙头居", "沙头居第一网格", 4},
	{"西片管理区", "沙头居", "沙头居第二网格", 8},
}

// Names shared on purpose, so that name resolution has something to
// resolve: the grid (by index into grids) and position they go to.
var shared = []struct {
	name       string
	grid, slot int
}{
	{"张伟", 0, 2}, {"张伟", 7, 1}, // 海风村 and 沙头居
	{"王芳", 2, 3}, {"王芳", 5, 4}, // 海风村 and 东岙村
}

var (
	surnames = strings.Split("陈 林 王 张 李 郑 徐 叶 蔡 应 江 金 潘 黄 吴 杨 梁 赵 周 阮", " ")
	given    = strings.Split("建国 海军 明华 丽娟 志强 雪梅 东升 红英 晓峰 春玲 宇杰 秀兰 德平 文静 军辉 国平 素芬 美华 "+
		"卫东 建华 海燕 玲玲 佳琪 俊杰 永福 金花 彩霞 立新 海波 雅琴 伟民 桂芳 月娥 宏伟 家豪 思远 婷婷 振华 "+
		"亚军 丹丹 荣华 国庆 秋菊 浩然 一鸣 敏 静 勇 磊 娜 霞 斌 洁 萍 峰 超", " ")
)

type person struct {
	userID, name, role, grid, village, district, party, phone string
}

func main() {
	dir := flag.String("dir", "examples", "directory to write the files to")
	flag.Parse()
	r := rand.New(rand.NewPCG(2026, 10))

	people := roster(r)
	write := func(name string, data []byte) {
		path := filepath.Join(*dir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			log.Fatal(err)
		}
		if err := os.WriteFile(path, data, 0o644); err != nil {
			log.Fatal(err)
		}
	}

	rosterRows := [][]string{{"用户ID", "姓名", "角色", "网格", "村", "管理区", "党员", "手机"}}
	for _, p := range people {
		rosterRows = append(rosterRows, []string{p.userID, p.name, p.role, p.grid, p.village, p.district, p.party, p.phone})
	}
	rosterCSV := csvBytes(rosterRows)
	write("roster.csv", rosterCSV)
	gbk, err := simplifiedchinese.GBK.NewEncoder().Bytes(rosterCSV)
	if err != nil {
		log.Fatal(err)
	}
	write("roster-gbk.csv", gbk)
	write("roster.xlsx", xlsxBytes(rosterRows))

	// One bad row: a role the scheme does not know, on line 6.
	bad := make([][]string, len(rosterRows))
	for i, row := range rosterRows {
		bad[i] = append([]string(nil), row...)
	}
	bad[5][2] = "组长"
	write("bad/roster-bad-row.csv", csvBytes(bad))

	write("checkpoints.csv", csvBytes([][]string{
		{"村", "名称", "纬度", "经度", "半径米"},
		{"海风村", "海风村党群服务中心", "28.3812", "121.4705", "300"},
		{"海风村", "海风村文化礼堂", "28.3851", "121.4662", "200"},
		{"东岙村", "东岙村村委会", "28.3718", "121.4821", "400"},
		{"沙头居", "沙头居党群服务中心", "28.3920", "121.4583", "250"},
		{"沙头居", "沙头渔港码头", "28.3957", "121.4631", "500"},
	}))

	ranked := people[:len(people)-2] // the last two are office staff
	write("base-points-2026-10.csv", csvBytes(basePoints(r, ranked)))
	checkins, days := checkins(r, ranked)
	write("checkins-2026-10.csv", csvBytes(checkins))

	fmt.Printf("people %d, grids %d, check-ins %d, check-in days per person %v\n",
		len(people), len(grids), len(checkins)-1, days)
}

// roster makes up the 60 grid members and 2 office staff.
func roster(r *rand.Rand) []person {
	used := map[string]bool{}
	for _, s := range shared {
		used[s.name] = true
	}
	name := func() string {
		for {
			n := surnames[r.IntN(len(surnames))] + given[r.IntN(len(given))]
			if !used[n] {
				used[n] = true
				return n
			}
		}
	}
	phone := func() string {
		if r.IntN(20) == 0 {
			return "" // some members have not given one
		}
		return fmt.Sprintf("1%c%09d", "3589"[r.IntN(4)], r.IntN(1e9))
	}
	party := func() string {
		if r.IntN(10) < 7 {
			return "是"
		}
		return "否"
	}

	var people []person
	for gi, g := range grids {
		for slot := 0; slot < g.size; slot++ {
			p := person{userID: fmt.Sprintf("U%03d", len(people)+1), name: name(), role: "网格员",
				grid: g.name, village: g.village, district: g.district, party: party(), phone: phone()}
			for _, s := range shared {
				if s.grid == gi && s.slot == slot {
					p.name = s.name
				}
			}
			if slot == 0 {
				p.role, p.party = "网格长", "是"
			}
			people = append(people, p)
		}
	}
	for _, n := range []string{"林晓燕", "郑志远"} {
		people = append(people, person{userID: fmt.Sprintf("U%03d", len(people)+1), name: n,
			role: "党建办", party: "是", phone: phone()})
	}
	return people
}

// basePoints gives every ranked member 20–60 platform points, some with a half.
func basePoints(r *rand.Rand, people []person) [][]string {
	rows := [][]string{{"用户ID", "姓名", "积分"}}
	for _, p := range people {
		pts := float64(20 + r.IntN(41))
		if r.IntN(4) == 0 && pts < 60 {
			pts += 0.5
		}
		rows = append(rows, []string{p.userID, p.name, fmt.Sprint(pts)})
	}
	return rows
}

// checkins gives each member a month of morning check-ins: a few every day,
// most 20 or more days, some 11–19 and a few 10 or fewer.
func checkins(r *rand.Rand, people []person) ([][]string, []int) {
	first := time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)
	const days = 31
	rows := [][]string{{"用户ID", "日期", "时间"}}
	var counts []int
	for i, p := range people {
		var n int
		switch k := i % 12; {
		case k == 0:
			n = days // full attendance
		case k == 5:
			n = 11 + r.IntN(9)
		case k == 9 && i > 12:
			n = 3 + r.IntN(8)
		default:
			n = 20 + r.IntN(days-20)
		}
		counts = append(counts, n)
		picked := r.Perm(days)[:n]
		sort.Ints(picked)
		for _, d := range picked {
			at := first.AddDate(0, 0, d).Add(6*time.Hour + 30*time.Minute + time.Duration(r.IntN(180))*time.Minute)
			rows = append(rows, []string{p.userID, at.Format("2006-01-02"), at.Format("15:04")})
		}
	}
	return rows, counts
}

func csvBytes(rows [][]string) []byte {
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	w.UseCRLF = true // as Excel writes it
	if err := w.WriteAll(rows); err != nil {
		log.Fatal(err)
	}
	return b.Bytes()
}

// xlsxBytes writes rows as text cells of the first sheet, so phone numbers
// keep their digits.
func xlsxBytes(rows [][]string) []byte {
	f := excelize.NewFile()
	defer f.Close()
	const sheet = "名单"
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		log.Fatal(err)
	}
	for i, row := range rows {
		for j, v := range row {
			cell, _ := excelize.CoordinatesToCellName(j+1, i+1)
			if err := f.SetCellStr(sheet, cell, v); err != nil {
				log.Fatal(err)
			}
		}
	}
	_ = f.SetColWidth(sheet, "A", "H", 14)
	_ = f.SetDocProps(&excelize.DocProperties{Creator: "gridbot examples", Title: "海风镇网格名单",
		Created: "2026-09-30T00:00:00Z", Modified: "2026-09-30T00:00:00Z"})
	b, err := f.WriteToBuffer()
	if err != nil {
		log.Fatal(err)
	}
	return b.Bytes()
}
