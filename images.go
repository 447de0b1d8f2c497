package gridbot

import "time"

// MaxRecordImages is how many images one record (an issue or an activity)
// keeps, whether they came from the villager's form or from chat.
const MaxRecordImages = 3

// Image is an image kept with a record — an issue (问题#No) or an activity
// (活动#No) — re-encoded (no EXIF) and capped in size (package photos).
type Image struct {
	ID     int64
	TownID int64
	Kind   string // KindIssue or KindActivity: the kind of record it belongs to
	No     int64  // the record's number
	Mime   string // image/jpeg
	Width  int
	Height int
	Data   []byte // empty when listed (Web.Images)
	At     time.Time
}

// ImageRef is an image a chat message carries (a picture alone, or beside
// the text), as its platform names it: a download URL, a media id, a
// download code. Only the adapter that made it can fetch it, so it is
// opaque to everything else; it is plain data, so a journaled message keeps
// it and its drain fetches it again.
type ImageRef struct {
	Source string // the adapter that can fetch it ("wecom-robot", "wecom-app", "dingtalk")
	Ref    string // what that adapter needs to fetch it
}

// FetchedImage is one of a message's Images as the pipeline fetched it,
// before the command's transaction: re-encoded (Image's Mime, Width,
// Height, Data; the record is the command's to set), or Err saying why it
// could not be kept.
type FetchedImage struct {
	Image Image
	Err   error
}
