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

// Tx is one transaction on the store. Methods that look something up return
// an *Error with code ENOTFOUND when it does not exist; methods that would
// store something twice return ECONFLICT.
type Tx interface {
	// Towns.
	Towns() ([]Town, error)
	TownByName(name string) (Town, error)
	CreateTown(name string) (Town, error)

	// Roster. Names are unique per town at each level (a grid name is unique
	// within the town, a village name within the town).
	EnsureDistrict(townID int64, name string) (District, error)
	EnsureVillage(townID, districtID int64, name string) (Village, error)
	EnsureGrid(townID, villageID int64, name string) (Grid, error)
	Villages(townID int64) ([]Village, error)
	Grids(townID int64) ([]Grid, error)
	// People returns everyone of the town, active or not, as they are now.
	People(townID int64) ([]Person, error)
	PersonByUserID(townID int64, userID string) (Person, error)
	// PeopleByName returns the active people with that display name.
	PeopleByName(townID int64, name string) ([]Person, error)
	// SavePerson creates or updates a person's name, role, party membership,
	// phone and active flag by (TownID, UserID), and returns it with its ID.
	// Grid and history are set with SetMembership.
	SavePerson(p Person) (Person, error)
	// SetMembership makes the person's current membership (gridID, role) from
	// at on: if it differs from the open one, that one is closed at at and a
	// new one opened. gridID 0 with role "" closes it (the person left).
	// It reports whether anything changed.
	SetMembership(townID, personID, gridID int64, role Role, at time.Time) (bool, error)
	Memberships(townID int64) ([]Membership, error)
	// ReplaceCheckpoints replaces all check-in points of the town.
	ReplaceCheckpoints(townID int64, cps []Checkpoint) error
	Checkpoints(townID int64) ([]Checkpoint, error)

	// ClaimMessage records that the platform message msgID of the town is being
	// handled. It returns ECONFLICT when the message was handled before: a
	// retry or a second replica's copy of the same callback.
	ClaimMessage(townID int64, platform, msgID string, at time.Time) error

	// Facts. Add* fill in ID (and No where the fact is numbered).
	// AddCheckin returns ECONFLICT when the person has checked in that day.
	AddCheckin(c *Checkin) error
	// AddCheckins stores many check-ins at once, skipping any person-day that
	// already has one; it returns how many were added.
	AddCheckins(townID int64, cs []Checkin) (int, error)
	CheckinOn(townID int64, userID, day string) (Checkin, error)
	// SetBasePoints replaces the base points of the given users for month.
	SetBasePoints(townID int64, month string, bps []BasePoint) error
	AddActivity(a *Activity) error
	AddIssue(i *Issue) error
	IssueByNo(townID, no int64) (Issue, error)
	// UpdateIssue saves the lifecycle fields (dispatch, close, rating) of i.
	UpdateIssue(i Issue) error
	// OpenIssues returns the issues of a grid not yet closed, oldest first;
	// gridID 0 means every grid of the town.
	OpenIssues(townID, gridID int64) ([]Issue, error)
	AddDeliberation(d *Deliberation) error
	DeliberationByNo(townID, no int64) (Deliberation, error)
	ConfirmDeliberation(townID, no int64, by string, at time.Time) error
	AddPublicity(p *Publicity) error
	AddPhoto(p *Photo) error
	AddStory(s *Story) error
	AddAdjustment(a *Adjustment) error

	// PeriodFacts loads, with a fixed number of set-based queries whatever the
	// town's size, the roster and the facts that scoring needs for [from, to).
	PeriodFacts(townID int64, from, to time.Time) (*Facts, error)
	// MemberFacts loads what scoring needs for one member's result in
	// [from, to) and no more: their roster history, the town's grids, their
	// own facts and those of the grids they belonged to in the period. The
	// member's result from it is the one PeriodFacts would give them, at a
	// small fraction of the cost (积分); the other results are not complete.
	MemberFacts(townID int64, userID string, from, to time.Time) (*Facts, error)
	// CountCheckins counts the town's check-ins in [from, to); a yardstick for benchmarks.
	CountCheckins(townID int64, from, to time.Time) (int, error)

	// Published results are frozen: stored once, never recomputed.
	// SavePublished returns ECONFLICT when the period was already published.
	SavePublished(townID int64, kind, period string, data []byte, at time.Time) error
	// Published returns ENOTFOUND when the period has not been published.
	Published(townID int64, kind, period string) ([]byte, error)

	// Group robots and the outbox of durable pushes (outbox.go).
	Outbox
}
