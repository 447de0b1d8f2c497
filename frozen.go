package gridbot

import "time"

// KindMonth is the kind under which published months are stored (Published).
const KindMonth = "month"

// CheckOpen refuses recording anything dated in a published (frozen) month:
// the first of months that is published is refused with ReasonFrozen, which
// names it and says to use 调整 in the current month instead. Every place
// that records a fact or imports rows with a date asks it first, in the
// transaction that records them (handlers, importer), so that a month never
// changes once published.
func CheckOpen(tx Published, townID int64, months ...string) error {
	seen := map[string]bool{}
	for _, m := range months {
		if seen[m] {
			continue
		}
		seen[m] = true
		_, err := tx.Published(townID, KindMonth, m)
		switch ErrorCode(err) {
		case "":
			return Refuse(ReasonFrozen, m)
		case ENOTFOUND:
		default:
			return err
		}
	}
	return nil
}

// CheckOpenAt is CheckOpen for the month of an instant.
func CheckOpenAt(tx Published, townID int64, at time.Time) error {
	return CheckOpen(tx, townID, Month(at))
}
