package bot

import (
	"context"
	"errors"
	"sync"
	"time"

	"gridbot"
	"gridbot/handlers"
	"gridbot/photos"
)

// ImageFetcher downloads the pictures messages carry, by their platform's
// reference (bot/server's is one: each town's adapters fetch their own
// platform's pictures, with its keys and tokens). It returns the file as
// the platform stores it, at most photos.MaxBytes.
type ImageFetcher interface {
	FetchImage(ctx context.Context, townID int64, ref gridbot.ImageRef) ([]byte, error)
}

// DefaultImageTimeout bounds fetching a message's pictures: the command
// must still commit, and the callback be answered, well within the
// platforms' five seconds.
const DefaultImageTimeout = 2500 * time.Millisecond

// AttachCommand is the command a message of pictures only runs (附图): they
// go to the sender's latest 上报 or 活动 of the chat.
const AttachCommand = "附图"

// errNoFetcher is a picture of a message on a channel that cannot fetch
// pictures (the console, a replay, a platform without its download keys).
var errNoFetcher = errors.New("no way to fetch this picture")

// fetchImages fetches and re-encodes the pictures of a message whose
// command keeps them (上报, 活动, 附图) into m.Fetched, before and outside
// the command's transaction: the pictures at once, under one deadline, at
// most gridbot.MaxRecordImages of them (the rest are photos.ErrSkipped).
// A picture that cannot be fetched or is no picture gets its error: the
// command still runs and says so.
func (p *Pipeline) fetchImages(ctx context.Context, m gridbot.Message, call *handlers.Call) gridbot.Message {
	if len(m.Images) == 0 || call == nil || !call.Cmd.Images {
		return m
	}
	timeout := p.ImageTimeout
	if timeout <= 0 {
		timeout = DefaultImageTimeout
	}
	fctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	m.Fetched = make([]gridbot.FetchedImage, len(m.Images))
	var wg sync.WaitGroup
	for i, ref := range m.Images {
		switch {
		case i >= gridbot.MaxRecordImages:
			m.Fetched[i].Err = photos.ErrSkipped
		case p.Images == nil:
			m.Fetched[i].Err = errNoFetcher
		default:
			wg.Go(func() {
				data, err := p.Images.FetchImage(fctx, m.TownID, ref)
				if err == nil {
					m.Fetched[i].Image, err = photos.Reencode(data)
				}
				m.Fetched[i].Err = err
			})
		}
	}
	wg.Wait()
	for i, f := range m.Fetched {
		if f.Err != nil && !errors.Is(f.Err, photos.ErrSkipped) {
			// Never the reference itself: a URL or a code is a credential while it lasts.
			p.logger().Warn("picture not kept", "town", m.TownID, "platform", m.Platform, "msgid", m.MsgID,
				"source", m.Images[i].Source, "err", f.Err)
		}
	}
	return m
}
