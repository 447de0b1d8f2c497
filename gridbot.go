// Package gridbot holds the domain of the party-building grid points scheme
// (党建网格积分考核): towns, their roster, the facts members record, and the
// interfaces between the packages that store, score and chat about them.
//
// It imports only the standard library. Every dependency lives in a package of
// its own (storage/sqlite, storage/postgres, scoring, handlers, bot/...), and
// cmd/gridbot wires them together.
package gridbot

import (
	"time"
)

// Zone is the scheme's time zone. China has kept UTC+8 without daylight saving
// since 1991, so a fixed zone is exact and needs no tz database on the host.
var Zone = time.FixedZone("Asia/Shanghai", 8*60*60)

// DayLayout is how a calendar day is written in the store and in files.
const DayLayout = "2006-01-02"

// MonthLayout is how a month is written ("2026-10").
const MonthLayout = "2006-01"

// Day returns the calendar day of t in Zone, as "2006-01-02".
func Day(t time.Time) string { return t.In(Zone).Format(DayLayout) }

// Month returns the month of t in Zone, as "2006-01".
func Month(t time.Time) string { return t.In(Zone).Format(MonthLayout) }

// Clock tells the time. Everything that needs "now" takes a Clock, so replay,
// tests and reminders share one notion of now.
type Clock interface {
	Now() time.Time
}

// SystemClock is the wall clock.
type SystemClock struct{}

// Now returns the current time.
func (SystemClock) Now() time.Time { return time.Now() }
