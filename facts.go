package gridbot

import "time"

// Record says where a fact came from: who recorded it, when, and the platform
// message it came from. (TownID, MsgID) is unique: the same message can never
// be stored twice. MsgID is empty for facts from imports.
type Record struct {
	RecordedBy string    // user id of the person who recorded it
	RecordedAt time.Time // when it was recorded (the clock's now)
	Platform   string    // "wecom", "dingtalk", "console", "replay", "import"
	MsgID      string
}

// Check-in sources.
const (
	SourceChat   = "chat"
	SourceImport = "import"
	SourceWeCom  = "wecom_checkin" // WeCom's own check-in app
)

// Checkin is one person's check-in (打卡) on one day; at most one a day.
type Checkin struct {
	ID       int64
	TownID   int64
	UserID   string
	Day      string    // "2006-01-02" in Zone
	At       time.Time // the instant of the check-in
	Source   string
	Lat, Lng float64 // 0 when no location was given
	Record
}

// CheckinMonth is a person's check-in days of one month in one number: what
// scoring needs of a month's check-ins, which PeriodFacts reads instead of
// the check-ins themselves (a town's 3M check-ins a month become 100k of
// these).
type CheckinMonth struct {
	UserID string
	Month  string // "2006-01"
	Days   uint32 // bit d-1 is set when the person checked in on day d
	// Late marks the days of check-ins recorded at or after the end of the
	// period read (imported later), which come apart from the others. As at
	// an instant inside the month, Late days do not count and the others
	// all do, so facts for such an as-at must be read up to just after it:
	// PeriodFacts(from, at+1ms), as results does.
	Late bool
}

// The five collective-activity categories (R-ACT-CAT).
var ActivityCategories = []string{"宣传政策法规", "服务中心工作", "收集社情民意", "开展红色代跑", "调处纠纷矛盾"}

// Activity is a collective activity (集体活动 / 工作记录) of a grid, recorded by
// its leader, who takes part implicitly.
type Activity struct {
	ID           int64
	TownID       int64
	GridID       int64
	Category     string
	Content      string
	Leader       string    // user id of the leader who recorded it
	Participants []string  // user ids, the leader included
	At           time.Time // when it happened (recording time)
	No           int64     // counts up from 1 per town (活动#7)
	Record
}

// Issue is a villager's issue (问题) and its lifecycle: reported, dispatched,
// closed, rated. No counts up from 1 per town in the order accepted.
type Issue struct {
	ID           int64
	TownID       int64
	No           int64
	GridID       int64 // the reporter's grid at report time
	Description  string
	ReportedBy   string
	ReportedAt   time.Time
	Assignee     string // empty until dispatched
	DispatchedBy string
	DispatchedAt time.Time // zero until dispatched
	ClosedBy     string
	ClosedAt     time.Time // zero until closed
	Result       string
	Rating       string // "", 满意, 基本满意, 不满意
	RatedBy      string
	RatedAt      time.Time
	Record       // of the report
	Withdrawal   // zero unless withdrawn (撤回) before it was dispatched
}

// Dispatched reports whether the issue has been dispatched.
func (i Issue) Dispatched() bool { return !i.DispatchedAt.IsZero() }

// Closed reports whether the issue has been closed.
func (i Issue) Closed() bool { return !i.ClosedAt.IsZero() }

// Ratings, best first.
var Ratings = []string{"满意", "基本满意", "不满意"}

// Deliberation is a grid's deliberation meeting (网格议事), recorded by its
// leader and confirmed by the office when the ledger is complete. It counts
// (R-DELIB) in the month it was held. No counts up from 1 per town.
type Deliberation struct {
	ID           int64
	TownID       int64
	No           int64
	GridID       int64
	Minutes      string
	Leader       string
	Participants []string // the leader included
	At           time.Time
	ConfirmedBy  string
	ConfirmedAt  time.Time // zero until confirmed
	Record
}

// Publicity levels (宣传报道级别).
const (
	LevelTown     = "镇级"
	LevelCounty   = "县级" // 温岭市级
	LevelCity     = "市级" // 台州市级
	LevelProvince = "省级" // 省级及以上
)

// Publicity is a publicity report involving members. No counts per town.
type Publicity struct {
	ID            int64
	TownID        int64
	No            int64
	Level         string
	Comprehensive bool // 综合性报道
	Title         string
	Involved      []string // user ids
	At            time.Time
	Record
}

// Photo is a batch of photos used by a publicity platform.
type Photo struct {
	ID       int64
	TownID   int64
	No       int64
	Count    int
	Involved []string // user ids
	At       time.Time
	Record
}

// Story is a red-grid story (红网格小故事) published at town level or above.
type Story struct {
	ID        int64
	TownID    int64
	No        int64
	VillageID int64
	Village   string
	Title     string
	At        time.Time
	Record
}

// Adjustment is an office adjustment (酌情加扣分, R-ADJ): signed points with a reason.
type Adjustment struct {
	ID       int64
	TownID   int64
	UserID   string
	Points   float64
	Reason   string
	Category string // 基础工作, 应知应到, 组织纪律, 更正 (a correction of a published month), ...
	At       time.Time
	No       int64 // counts up from 1 per town (调整#5)
	Record
}

// BasePoint is a person's platform base points (岭格治理平台积分) for a month.
type BasePoint struct {
	UserID string
	Month  string // "2006-01"
	Points float64
}

// Facts is everything the scoring engine needs about one town for a period
// [From, To): the roster with its history and the facts of the period.
// Issues include those reported up to the look-back before From that
// PeriodFacts was given, so that overdue marks passing inside the period are
// seen. PeriodFacts gives the period's
// check-ins as CheckinDays and leaves Checkins empty; scoring counts both,
// so tests and tools may give either.
type Facts struct {
	Town          Town
	From, To      time.Time
	Villages      []Village
	Grids         []Grid
	People        []Person
	Memberships   []Membership
	Checkins      []Checkin
	CheckinDays   []CheckinMonth
	Activities    []Activity
	Issues        []Issue
	Deliberations []Deliberation
	Publicity     []Publicity
	Photos        []Photo
	Stories       []Story
	Adjustments   []Adjustment
	BasePoints    []BasePoint
	// What MemberFacts reads beside the facts, in the same round trip, for
	// 积分 (scoring reads neither; PeriodFacts leaves both empty): the
	// member's exclusions from the rankings of the period's months, and
	// their base points of the month before the period (last month's, shown
	// as a hint while the period's are not imported).
	Exclusions      []Exclusion
	PriorBasePoints []BasePoint
}
