package server

import (
	"context"
	"errors"
	"fmt"

	"gridbot"
	"gridbot/bot/dingtalk"
	"gridbot/bot/wecom"
	"gridbot/photos"
)

// FetchImage downloads a picture a member sent to the town with id townID,
// through the adapter that made its reference, with that town's keys
// (bot.ImageFetcher): the smart robot's encrypted URL, the self-built app's
// media/get, DingTalk's messageFiles/download. Each platform package keeps
// its wire format; at most photos.MaxBytes are read.
func (s *Server) FetchImage(ctx context.Context, townID int64, ref gridbot.ImageRef) ([]byte, error) {
	t := s.townOf(townID)
	if t == nil {
		return nil, fmt.Errorf("server: a picture for town %d, which no endpoint serves", townID)
	}
	var data []byte
	err := fmt.Errorf("server: town %d cannot fetch pictures from %q", townID, ref.Source)
	switch {
	case ref.Source == wecom.ImageSourceRobot && t.bot != nil:
		data, err = wecom.FetchRobotImage(ctx, s.http.GetClient(), t.bot.CB.Key, ref.Ref, photos.MaxBytes)
	case ref.Source == wecom.ImageSourceApp && t.app != nil:
		data, err = t.app.Media(ctx, ref.Ref, photos.MaxBytes)
	case ref.Source == dingtalk.ImageSource && t.files != nil:
		robot, code := dingtalk.SplitImageRef(ref.Ref)
		data, err = t.files.Download(ctx, robot, code, photos.MaxBytes)
	}
	if errors.Is(err, wecom.ErrTooLarge) || errors.Is(err, dingtalk.ErrTooLarge) {
		err = photos.ErrTooLarge
	}
	return data, err
}

// townOf returns the town with id townID, nil when none has it (yet).
func (s *Server) townOf(townID int64) *town {
	for _, t := range s.towns {
		if t.id.Load() == townID {
			return t
		}
	}
	return nil
}
