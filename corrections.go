package gridbot

import (
	"strconv"
	"time"
)

// The numbered records: each kind counts up from 1 per town, and every reply
// that records one names it by its word and number ("问题#12"). A record can
// be withdrawn (撤回): it stays stored with who, when and why, and no longer
// counts. Check-ins are not numbered records: a town has millions, one per
// person a day, and a wrong one is corrected by 调整.
const (
	KindIssue        = "issue"        // 问题
	KindDeliberation = "deliberation" // 议事
	KindActivity     = "activity"     // 活动
	KindPublicity    = "publicity"    // 报道
	KindPhoto        = "photo"        // 照片
	KindStory        = "story"        // 故事
	KindAdjustment   = "adjustment"   // 调整
)

// RecordKinds are the kinds of numbered records with their words, in the
// order commands.md lists them.
var RecordKinds = []struct{ Kind, Name string }{
	{KindIssue, "问题"}, {KindDeliberation, "议事"}, {KindActivity, "活动"}, {KindPublicity, "报道"},
	{KindPhoto, "照片"}, {KindStory, "故事"}, {KindAdjustment, "调整"},
}

// RecordKindName is the word of a record kind ("问题"); kind itself when unknown.
func RecordKindName(kind string) string {
	for _, k := range RecordKinds {
		if k.Kind == kind {
			return k.Name
		}
	}
	return kind
}

// RecordRef names a record as replies do: "问题#12".
func RecordRef(kind string, no int64) string {
	return RecordKindName(kind) + "#" + strconv.FormatInt(no, 10)
}

// Withdrawal says who withdrew a record, when and why; zero while it counts.
type Withdrawal struct {
	WithdrawnBy    string
	WithdrawnAt    time.Time
	WithdrawReason string
}

// Withdrawn reports whether the record has been withdrawn.
func (w Withdrawal) Withdrawn() bool { return !w.WithdrawnAt.IsZero() }

// RecordInfo is what 撤回 needs of a numbered record of any kind.
type RecordInfo struct {
	Kind       string
	No         int64
	TownID     int64
	GridID     int64     // an issue's, an activity's or a deliberation's grid; 0 otherwise
	VillageID  int64     // a story's village; 0 otherwise
	UserID     string    // an adjustment's member; "" otherwise
	At         time.Time // when it happened, which decides the month it counts in
	Summary    string    // its description, content, minutes, title or reason
	Dispatched bool      // an issue that has been dispatched
	Record
	Withdrawal
}

// Ref names the record: "活动#7".
func (r RecordInfo) Ref() string { return RecordRef(r.Kind, r.No) }

// Corrections are the store's part of 撤回 and of the duplicate guard.
type Corrections interface {
	// RecordByNo returns the town's record of kind numbered no, withdrawn
	// or not. ENOTFOUND (ReasonRecordUnknown) when there is none, EINVALID
	// for a kind not in RecordKinds.
	RecordByNo(townID int64, kind string, no int64) (RecordInfo, error)
	// Withdraw marks the record withdrawn with w: it stays stored and
	// readable by number, and PeriodFacts, MemberFacts and OpenIssues
	// leave it out. ENOTFOUND as RecordByNo, ECONFLICT (ReasonWithdrawn)
	// when it was withdrawn before, EINVALID without WithdrawnBy or
	// WithdrawnAt.
	Withdraw(townID int64, kind string, no int64, w Withdrawal) error

	// NoteRecorded remembers that userID's message text (normalized),
	// sent in chatID, recorded ref at at, and forgets their notes older
	// than since.
	NoteRecorded(townID int64, userID, chatID, text, ref string, at, since time.Time) error
	// RecordedIn returns the refs userID recorded in chatID at or after
	// since, newest first (what a picture sent after a 上报 attaches to).
	RecordedIn(townID int64, userID, chatID string, since time.Time) ([]Recorded, error)
	// LastRecorded returns the ref and time of userID's latest record made
	// by the same text at or after since; ENOTFOUND when there is none.
	LastRecorded(townID int64, userID, text string, since time.Time) (ref string, at time.Time, err error)
	// SetPending keeps text as userID's one message waiting for 确认,
	// replacing any other.
	SetPending(townID int64, userID, text string, at time.Time) error
	// TakePending returns and removes userID's pending message if it was
	// kept at or after since; ENOTFOUND when there is none (an older one is
	// removed too).
	TakePending(townID int64, userID string, since time.Time) (text string, at time.Time, err error)
}

// Recorded is a record a member made in chat, as the duplicate guard noted it.
type Recorded struct {
	Ref string    // "问题#12"
	At  time.Time // when it was recorded
}
