// Package backup writes a store to a backup file and restores one into an
// empty store.
//
// A backup is one SQLite database file whatever the engine it came from: the
// schema of this binary's migrations, every table's rows, the high-water mark
// of each table's ids (sqlite_sequence) and a table gridbot_backup that says
// it is a gridbot backup, of which schema version, from which engine and
// when. So a backup of either engine restores into either engine, and an
// office can move from SQLite to PostgreSQL with backup and restore.
//
// Backing up SQLite is VACUUM INTO: online and consistent while the service
// writes. Backing up PostgreSQL copies every table in one REPEATABLE READ,
// read-only transaction: one snapshot, no writer blocked.
//
// Restore refuses a store that holds anything, copies every table in the
// order of their foreign keys in one transaction and moves the id sequences
// past the restored ids, so the rows written after a restore get new ids.
package backup

import (
	"database/sql"
	"fmt"
	"strings"
	"time"

	"gridbot"
	"gridbot/storage/sqldb"
)

// Format is what a backup's gridbot_backup table says under "format".
const Format = "gridbot-backup 1"

// metaTable holds a backup's facts about itself, key and value.
const metaTable = "gridbot_backup"

// Table is one table of a backup and its count of rows.
type Table struct {
	Name string
	Rows int64
}

// Report says what a backup holds or what a restore wrote.
type Report struct {
	SchemaVersion int       // the schema version of the data
	Source        string    // the engine backed up: sqlite or postgres
	CreatedAt     time.Time // when the backup was written
	Tables        []Table   // in the order of their foreign keys
}

// Rows is the total count of rows.
func (r *Report) Rows() int64 {
	var n int64
	for _, t := range r.Tables {
		n += t.Rows
	}
	return n
}

// sqlStore is what a store of storage/sqlite or storage/postgres is besides a
// gridbot.Store (*sqldb.DB, and *postgres.DB through it).
type sqlStore interface {
	SQL() *sql.DB
	Dialect() sqldb.Dialect
}

func sqlOf(st gridbot.Store) (sqlStore, error) {
	s, ok := st.(sqlStore)
	if !ok {
		return nil, fmt.Errorf("backup: a %T is not an SQL store", st)
	}
	return s, nil
}

func quote(name string) string { return `"` + strings.ReplaceAll(name, `"`, `""`) + `"` }

// Label is the Chinese name of a table, for the reports; the table's own
// name when it has none.
func Label(table string) string {
	if l, ok := labels[table]; ok {
		return l
	}
	return table
}

var labels = map[string]string{
	"towns": "镇", "districts": "管理区", "villages": "村", "grids": "网格", "people": "人员",
	"memberships": "网格任职", "checkpoints": "打卡点", "messages": "已处理消息", "counters": "编号",
	"checkins": "打卡", "checkin_months": "打卡月汇总", "activities": "活动", "activity_participants": "活动参加人",
	"issues": "问题", "deliberations": "议事", "deliberation_participants": "议事参加人", "publicity": "宣传报道",
	"publicity_involved": "报道涉及人", "photos": "照片", "photo_involved": "照片涉及人", "stories": "故事",
	"adjustments": "调整", "base_points": "平台基础积分", "published": "已发布结果", "webhooks": "群机器人",
	"outbox": "待发/已发消息", "schedule": "提醒计划", "schedule_marks": "日历提醒进度", "notice_prefs": "提醒开关",
}
