package gridbot

import "time"

// Role is a person's role in the scheme.
type Role string

// The three roles of the roster. Members and leaders are ranked together;
// office staff are never ranked.
const (
	RoleMember Role = "网格员"
	RoleLeader Role = "网格长"
	RoleOffice Role = "党建办"
)

// Valid reports whether r is one of the three roles.
func (r Role) Valid() bool { return r == RoleMember || r == RoleLeader || r == RoleOffice }

// Ranked reports whether people of role r take part in rankings.
func (r Role) Ranked() bool { return r == RoleMember || r == RoleLeader }

// Town is a tenant: every record belongs to exactly one town.
type Town struct {
	ID   int64
	Name string
}

// District is a management district (管理区) of a town.
type District struct {
	ID     int64
	TownID int64
	Name   string
}

// Village is a village or community (村/居) of a district.
type Village struct {
	ID         int64
	TownID     int64
	DistrictID int64
	Name       string
	District   string // name, for display
}

// Grid is a grid (网格): a team of 4–9 people with one leader. Grid names are
// unique within a town.
type Grid struct {
	ID        int64
	TownID    int64
	VillageID int64
	Name      string
	Village   string // name, for display
	District  string // name, for display
}

// Person is someone on the roster, as they are now. Their grid and role over
// time are in Membership.
type Person struct {
	ID     int64
	TownID int64
	UserID string // the platform user id (WeCom userid, DingTalk staff id)
	Name   string
	Role   Role
	Party  bool   // party member (党员)
	Phone  string // may be empty
	GridID int64  // current grid; 0 for office staff and people who left
	Grid   string // current grid name, for display
	// VillageID and Village are the current grid's village and its name.
	VillageID int64
	Village   string
	Active    bool // false once the person left the roster
}

// Membership is one stretch of a person's history: from From (inclusive) to To
// (exclusive) they had Role in GridID. A zero From means "since always", a
// zero To "until now". An event counts for the grid its person was in at the
// time of the event.
type Membership struct {
	PersonID int64
	UserID   string
	GridID   int64 // 0 for office staff
	Role     Role
	From     time.Time
	To       time.Time
}

// Covers reports whether the membership holds at t.
func (m Membership) Covers(t time.Time) bool {
	return (m.From.IsZero() || !t.Before(m.From)) && (m.To.IsZero() || t.Before(m.To))
}

// Overlaps reports whether the membership holds at some instant of [from, to).
func (m Membership) Overlaps(from, to time.Time) bool {
	return (m.From.IsZero() || m.From.Before(to)) && (m.To.IsZero() || m.To.After(from))
}

// Checkpoint is a place a village's members check in at.
type Checkpoint struct {
	ID        int64
	TownID    int64
	VillageID int64
	Village   string
	Name      string
	Lat, Lng  float64
	RadiusM   float64
}
