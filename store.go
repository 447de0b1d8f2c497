package gridbot

import (
	"context"
	"time"
)

// Store is the facts store. Every command runs in exactly one transaction:
// Update commits when fn returns nil and rolls back otherwise, so nothing is
// ever half-recorded. storage/sqlite and storage/postgres implement it and
// pass the same contract suite (storage/storagetest).
type Store interface {
	// Update runs fn in a read-write transaction.
	Update(ctx context.Context, fn func(Tx) error) error
	// View runs fn in a read-only transaction.
	View(ctx context.Context, fn func(Tx) error) error
	// Engine names the engine: "sqlite" or "postgres".
	Engine() string
	Close() error
}

// Tx is one transaction on the store: the union of the role interfaces
// below, so Store.Update and Store.View hand every command all of them. Code
// that uses one concern takes that interface instead (a handler names what
// it uses), and a test double implements only it.
//
// Throughout, methods that look something up return an *Error with code
// ENOTFOUND when it does not exist; methods that would store something twice
// return ECONFLICT; bad values are refused with EINVALID (the checks are the
// domain types' own: Person.Validate, Checkin.Validate, ...). Refusals carry
// a Reason and its data (refusals.go); the store words nothing itself.
type Tx interface {
	Towns
	Roster
	RosterWriter
	Claims
	Checkins
	Records
	Deliberations
	Issues
	Periods
	Published
	Review      // exclusions from a month's ranking, unpublishing, the town's first record (review.go)
	Corrections // 撤回 and the duplicate guard (corrections.go)
	Audit       // who withdrew, reassigned, excluded, published or unpublished what, and why (audit.go)
	Outbox      // group robots and the outbox of durable pushes (outbox.go)
	Schedule    // the scheduler's notices (schedule.go)
	Web         // villager links, tracking links, photos, office logins (web.go)
}

// Towns are the tenants. TownByName returns ENOTFOUND (ReasonTownUnknown);
// CreateTown EINVALID for an empty name and ECONFLICT when it is taken.
type Towns interface {
	Towns() ([]Town, error)
	TownByName(name string) (Town, error)
	CreateTown(name string) (Town, error)
}

// Roster reads a town's roster as it is now and its history. Names are unique
// per town at each level (a grid name is unique within the town, a village
// name within the town). Lists are in the order things were stored.
type Roster interface {
	Villages(townID int64) ([]Village, error)
	Grids(townID int64) ([]Grid, error)
	// People returns everyone of the town, active or not, as they are now.
	People(townID int64) ([]Person, error)
	// PersonByUserID returns ENOTFOUND (ReasonPersonUnknown) for a user id
	// the town's roster does not have (active or not).
	PersonByUserID(townID int64, userID string) (Person, error)
	// PeopleByName returns the active people with that display name.
	PeopleByName(townID int64, name string) ([]Person, error)
	// PeopleByUserIDs returns those of the user ids the town's roster has
	// (active or not), in no particular order; unknown ids are left out.
	PeopleByUserIDs(townID int64, userIDs []string) ([]Person, error)
	Memberships(townID int64) ([]Membership, error)
	Checkpoints(townID int64) ([]Checkpoint, error)
}

// RosterWriter changes a town's roster: what importing the roster and the
// check-in points does.
type RosterWriter interface {
	// Ensure* return the town's district, village or grid called name,
	// creating it if need be; EINVALID for an empty name, ENOTFOUND when the
	// district or village it belongs to is not the town's.
	EnsureDistrict(townID int64, name string) (District, error)
	EnsureVillage(townID, districtID int64, name string) (Village, error)
	EnsureGrid(townID, villageID int64, name string) (Grid, error)
	// SavePerson creates or updates a person's name, role, party membership,
	// phone and active flag by (TownID, UserID), and returns it with its ID.
	// Grid and history are set with SetMembership. EINVALID when
	// Person.Validate refuses p.
	SavePerson(p Person) (Person, error)
	// SetMembership makes the person's current membership (gridID, role) from
	// at on: if it differs from the open one, that one is closed at at and a
	// new one opened. gridID 0 with role "" closes it (the person left).
	// It reports whether anything changed. EINVALID for an invalid role or a
	// missing or earlier effective time; ENOTFOUND when the person or the
	// grid is not the town's.
	SetMembership(townID, personID, gridID int64, role Role, at time.Time) (bool, error)
	// ReplaceCheckpoints replaces all check-in points of the town. ENOTFOUND
	// when a point's village is not the town's, ECONFLICT when a point is
	// given twice.
	ReplaceCheckpoints(townID int64, cps []Checkpoint) error
}

// Claims keep chat commands from being handled twice.
type Claims interface {
	// ClaimMessage records that the platform message msgID of the town is being
	// handled. It returns ECONFLICT when the message was handled before: a
	// retry or a second replica's copy of the same callback. EINVALID when
	// msgID is empty.
	ClaimMessage(townID int64, platform, msgID string, at time.Time) error
	// MessageClaimed reports whether the town's message msgID was claimed by
	// a committed transaction: a copy the early duplicate filter caught is
	// dropped only then (a first copy whose replica died before committing
	// is not, so that the copy is handled instead of lost).
	MessageClaimed(townID int64, msgID string) (bool, error)
}

// Ahead is what a command will ask the store before anything else, known
// from its message before it runs: whether the month it records into is
// published (CheckOpen, when Month is set) and its duplicate guard's
// LastRecorded (when DupKey is set). A store that sends statements in
// batches (PostgreSQL) may read both with the message's claim, in one round
// trip, and answer the command's own calls from what it read, until the
// transaction writes what they read. Makes is the kind of numbered record
// the command records, if any: such a store may then take the record's id
// in the same round trip and send its numbered INSERT with COMMIT. Member,
// when set, is whose MemberFacts the command reads first (积分 of oneself),
// with the arguments it will pass. OpenIssues, when set, is whose current
// grid's OpenIssues the command reads first (问题 of a member or leader).
type Ahead struct {
	Month    string
	DupUser  string
	DupKey   string
	DupSince time.Time
	Makes    string

	Member               string
	MemberFrom, MemberTo time.Time
	Lookback             time.Duration

	OpenIssues string
}

// Checkins are the daily check-ins (打卡).
type Checkins interface {
	// AddCheckin fills in ID (and Day from At, or At from Day). EINVALID when
	// Checkin.Validate refuses c; ECONFLICT when the person has checked in
	// that day (ReasonCheckedIn) or the message was recorded before.
	AddCheckin(c *Checkin) error
	// AddCheckins stores many check-ins at once, skipping any person-day that
	// already has one; it returns how many were added.
	AddCheckins(townID int64, cs []Checkin) (int, error)
	// CheckinOn returns ENOTFOUND when the person has no check-in that day.
	CheckinOn(townID int64, userID, day string) (Checkin, error)
}

// Records are the facts members and the office record besides check-ins,
// issues and deliberations. Add* fill in ID (and No where the fact is
// numbered) and return ECONFLICT when the message was recorded before.
type Records interface {
	// SetBasePoints replaces the base points of the given users for month;
	// EINVALID when month is not "2006-01" (ValidMonth).
	SetBasePoints(townID int64, month string, bps []BasePoint) error
	AddActivity(a *Activity) error
	AddPublicity(p *Publicity) error
	AddPhoto(p *Photo) error
	// AddStory returns ENOTFOUND when the story's village is not the town's.
	AddStory(s *Story) error
	AddAdjustment(a *Adjustment) error
}

// Issues are villagers' issues and their lifecycle.
type Issues interface {
	// AddIssue fills in ID and No; ECONFLICT when the message was recorded
	// before, EINVALID for a rating that is not one of Ratings.
	AddIssue(i *Issue) error
	// IssueByNo returns ENOTFOUND (ReasonIssueUnknown) for a number the
	// town does not have.
	IssueByNo(townID, no int64) (Issue, error)
	// UpdateIssue saves the lifecycle fields (dispatch, close, rating) of i;
	// ENOTFOUND as IssueByNo, EINVALID for a rating not in Ratings.
	UpdateIssue(i Issue) error
	// OpenIssues returns the issues of a grid not yet closed, oldest first;
	// gridID 0 means every grid of the town.
	OpenIssues(townID, gridID int64) ([]Issue, error)
}

// Deliberations are grids' deliberation meetings and their confirmation.
type Deliberations interface {
	// AddDeliberation fills in ID and No; ECONFLICT when the message was
	// recorded before.
	AddDeliberation(d *Deliberation) error
	// DeliberationByNo returns ENOTFOUND for a number the town does not have.
	DeliberationByNo(townID, no int64) (Deliberation, error)
	// ConfirmDeliberation returns ENOTFOUND as DeliberationByNo, and
	// ECONFLICT when it was confirmed before.
	ConfirmDeliberation(townID, no int64, by string, at time.Time) error
}

// Periods read what scoring needs of a period.
type Periods interface {
	// PeriodFacts loads, with a fixed number of set-based queries whatever the
	// town's size, the roster and the facts that scoring needs for [from, to).
	// Its issues include those reported up to lookback before from, so that
	// the deadlines passing inside the period are seen: settling gives the
	// rules' scoring.Rules.IssueLookback (the longest deadline and a day).
	PeriodFacts(townID int64, from, to time.Time, lookback time.Duration) (*Facts, error)
	// MemberFacts loads what scoring needs for one member's result in
	// [from, to) and no more: their roster history, the town's grids, their
	// own facts and those of the grids they belonged to in the period. The
	// member's result from it is the one PeriodFacts would give them, at a
	// small fraction of the cost (积分); the other results are not complete.
	// Its issues carry what scoring reads and no more: no description,
	// result or withdrawal, nor who dispatched or rated them, nor their
	// record but its time. lookback is PeriodFacts'.
	MemberFacts(townID int64, userID string, from, to time.Time, lookback time.Duration) (*Facts, error)
	// CountCheckins counts the town's check-ins in [from, to); a yardstick for benchmarks.
	CountCheckins(townID int64, from, to time.Time) (int, error)
}

// Published results are frozen: stored once, never recomputed.
type Published interface {
	// SavePublished returns ECONFLICT (ReasonPublished) when the period was
	// already published.
	SavePublished(townID int64, kind, period string, data []byte, at time.Time) error
	// Published returns ENOTFOUND (ReasonNotPublished) when the period has
	// not been published.
	Published(townID int64, kind, period string) ([]byte, error)
}
