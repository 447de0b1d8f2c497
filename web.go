package gridbot

import "time"

// PlatformWeb is the Platform of a message that came from the web: a
// villager's report through a grid's QR code (package web).
const PlatformWeb = "web"

// Villager is the reporter and rater of record for what villagers send
// through the web (Issue.ReportedBy, Issue.RatedBy): they are not on the
// roster and have no user id.
const Villager = "村民"

// GridLink is a grid's villager page: /v/<Token>. A grid has at most one
// link that works; rotating it (gridbot qr --rotate) revokes the old one.
type GridLink struct {
	TownID int64
	GridID int64
	Token  string
	At     time.Time // made
}

// Tracking is a villager's private link to an issue they reported (/t/<Token>),
// with what only the grid and the office see (Phone, the location) and the
// villager's own rating.
type Tracking struct {
	TownID   int64
	IssueNo  int64
	Token    string
	Phone    string // may be empty
	Lat, Lng *float64
	At       time.Time // reported
	// The villager's rating, once: Rating "" until then.
	Rating  string
	Comment string
	RatedAt time.Time
	// Replaced is the rating entered in chat that the villager's took the place of.
	Replaced string
}

// WebSession is an office member's login on the web, by a one-time link
// (Login) and then a session cookie (Session). Both are kept by their
// SHA-256 only.
type WebSession struct {
	TownID  int64
	UserID  string
	CSRF    string // the session's form token
	Expires time.Time
}

// Web is the part of a transaction the web front (package web) keeps:
// grids' villager links, villagers' tracking links, records' photos (from
// the web and from chat), and the office's login links and sessions.
// Everything lives in the store, so any replica serves any link.
type Web interface {
	// GridLinks returns the town's working villager links, by grid id.
	GridLinks(townID int64) (map[int64]GridLink, error)
	// GridByToken returns the working link of token; ENOTFOUND otherwise.
	GridByToken(token string) (GridLink, error)
	// SetGridLink makes l the grid's only working link.
	SetGridLink(l GridLink) error
	// AddTracking stores a villager's tracking link; TrackingByToken and
	// TrackingByIssue return ENOTFOUND for none.
	AddTracking(t Tracking) error
	TrackingByToken(token string) (Tracking, error)
	TrackingByIssue(townID, no int64) (Tracking, error)
	// RateTracking records the villager's rating; ECONFLICT when rated before.
	RateTracking(t Tracking) error
	// AddImage fills in ID; EINVALID for a kind other than KindIssue and
	// KindActivity. Images lists a record's, oldest first, without their data.
	AddImage(p *Image) error
	Images(townID int64, kind string, no int64) ([]Image, error)
	// Image returns one photo with its data; ENOTFOUND otherwise.
	Image(townID, id int64) (Image, error)
	// RecordImages lists the photos of many records of one kind at once
	// (the office's page of activities), without their data and time (At is
	// zero): by record number, each record's oldest first; records without
	// any are absent.
	RecordImages(townID int64, kind string, nos []int64) (map[int64][]Image, error)
	// Activities returns the town's collective activities of [from, to) that
	// were not withdrawn, with their participants, newest first, at most
	// limit of them; gridID 0 means every grid.
	Activities(townID, gridID int64, from, to time.Time, limit int) ([]Activity, error)
	// AddLogin keeps a one-time login link's hash until expires.
	AddLogin(hash string, s WebSession) error
	// UseLogin spends a login link as at now: ENOTFOUND when it is unknown,
	// used or expired.
	UseLogin(hash string, now time.Time) (WebSession, error)
	// AddSession keeps a session's hash; SessionByHash returns ENOTFOUND
	// for an unknown or expired one; EndSession forgets it.
	AddSession(hash string, s WebSession) error
	SessionByHash(hash string, now time.Time) (WebSession, error)
	EndSession(hash string) error
	// RecentNotices returns the town's latest limit outbox jobs other than
	// replies (notices, announcements), newest first, without credentials.
	RecentNotices(townID int64, limit int) ([]OutboundJob, error)
}
