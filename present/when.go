package present

import (
	"fmt"
	"time"

	"gridbot"
)

// When writes an instant as people read it, in the town's zone:
// "10月4日 08:12".
func When(t time.Time) string {
	t = t.In(gridbot.Zone)
	return fmt.Sprintf("%d月%d日 %s", t.Month(), t.Day(), t.Format("15:04"))
}

// Date writes the day of an instant: "10月25日".
func Date(t time.Time) string {
	t = t.In(gridbot.Zone)
	return fmt.Sprintf("%d月%d日", t.Month(), t.Day())
}

// Span writes a length of time to the minute, its two largest units only:
// "3天12小时", "2小时5分钟", "45分钟". A negative span is written as its
// length (the words around it say whether it is past or to come).
func Span(d time.Duration) string {
	if d < 0 {
		d = -d
	}
	d = d.Round(time.Minute)
	days, hours, mins := int(d/(24*time.Hour)), int(d%(24*time.Hour)/time.Hour), int(d%time.Hour/time.Minute)
	switch {
	case days > 0 && hours > 0:
		return fmt.Sprintf("%d天%d小时", days, hours)
	case days > 0:
		return fmt.Sprintf("%d天", days)
	case hours > 0 && mins > 0:
		return fmt.Sprintf("%d小时%d分钟", hours, mins)
	case hours > 0:
		return fmt.Sprintf("%d小时", hours)
	}
	return fmt.Sprintf("%d分钟", mins)
}
