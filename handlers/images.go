package handlers

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"gridbot"
	"gridbot/photos"
	"gridbot/present"
)

// Pictures in chat (issue 13). A picture sent in the same message as 上报 or
// 活动 (WeCom's mixed message, DingTalk's richText) is kept with the record
// that command makes; a picture sent alone by the same member in the same
// chat within attachWindow after their 上报 or 活动 is kept with that record
// (附图, which the pipeline runs for a message that is only pictures). The
// pipeline has fetched and re-encoded them before the transaction
// (Message.Fetched); here they are only stored, at most
// gridbot.MaxRecordImages a record.

// attachWindow is how long after a 上报 or 活动 a picture sent alone attaches to it.
const attachWindow = 10 * time.Minute

// imageOutcome counts what became of a message's pictures.
type imageOutcome struct {
	kept   int // stored with the record
	total  int // the record's pictures now
	failed int // not fetched: the download failed
	bad    int // not a JPEG, PNG or GIF, or too large
	over   int // beyond the record's allowance
}

// keepImages stores the message's fetched pictures with the record (kind,
// no), up to gridbot.MaxRecordImages pictures in all.
func (c *Ctx) keepImages(kind string, no int64) (imageOutcome, error) {
	var o imageOutcome
	if len(c.Msg.Images) == 0 {
		return o, nil
	}
	have, err := c.Tx.Images(c.TownID, kind, no)
	if err != nil {
		return o, err
	}
	room := gridbot.MaxRecordImages - len(have)
	for i := range c.Msg.Images {
		f := gridbot.FetchedImage{Err: errors.New("not fetched")}
		if i < len(c.Msg.Fetched) {
			f = c.Msg.Fetched[i]
		}
		switch {
		case f.Err == nil && room > 0:
			img := f.Image
			img.TownID, img.Kind, img.No, img.At = c.TownID, kind, no, c.Now
			err := c.Tx.AddImage(&img)
			var e *gridbot.Error
			if errors.As(err, &e) && e.Reason == gridbot.ReasonImagesFull {
				// Another replica's picture took the last place meanwhile.
				o.over++
				room = 0
				continue
			} else if err != nil {
				return o, err
			}
			o.kept++
			room--
		case f.Err == nil || errors.Is(f.Err, photos.ErrSkipped):
			o.over++
		case errors.Is(f.Err, photos.ErrNotImage) || errors.Is(f.Err, photos.ErrTooManyPixels) || errors.Is(f.Err, photos.ErrTooLarge):
			o.bad++
		default:
			o.failed++
		}
	}
	o.total = gridbot.MaxRecordImages - room
	return o, nil
}

// words says what became of the pictures of record ref, in sentences.
func (o imageOutcome) words(ref string) string {
	var b strings.Builder
	switch {
	case o.kept == 1:
		fmt.Fprintf(&b, "已将图片附到 %s（共 %d 张）。", ref, o.total)
	case o.kept > 1:
		fmt.Fprintf(&b, "已将 %d 张图片附到 %s（共 %d 张）。", o.kept, ref, o.total)
	}
	if o.failed > 0 {
		fmt.Fprintf(&b, "%s没能保存（下载失败），请在 %d 分钟内在这里重新发送图片，会附到 %s。",
			count(o.failed, "图片"), int(attachWindow/time.Minute), ref)
	}
	if o.bad > 0 {
		fmt.Fprintf(&b, "%s不是 JPG、PNG 或 GIF 图片（或太大），没有保存。", count(o.bad, "图片"))
	}
	if o.over > 0 {
		fmt.Fprintf(&b, "每条记录最多附 %d 张图片，另外 %d 张没有保存。", gridbot.MaxRecordImages, o.over)
	}
	return b.String()
}

// count writes "图片" for one and "3 张图片" for more.
func count(n int, what string) string {
	if n == 1 {
		return what
	}
	return fmt.Sprintf("%d 张%s", n, what)
}

// withImages keeps the pictures of the message that made record r.Ref and
// says so in the reply.
func (c *Ctx) withImages(r *Reply) (*Reply, error) {
	if len(c.Msg.Images) == 0 || !c.Call.Cmd.Images {
		return r, nil
	}
	kind, no, _, ok := recordRef([]string{r.Ref})
	if !ok {
		return r, nil
	}
	o, err := c.keepImages(kind, no)
	if err != nil {
		return nil, err
	}
	r.Text += "\n" + o.words(r.Ref)
	return r, nil
}

// imagesIgnored adds to the reply of a command that keeps no pictures that
// its message's pictures were not kept.
func imagesIgnored(m gridbot.Message, cmd *Command, r *Reply) {
	if len(m.Images) > 0 && !cmd.Images && r != nil {
		r.Text += "\n（图片只能附在「上报」或「活动」上，这条消息里的图片没有保存。）"
	}
}

// attachTarget is the record a picture sent alone attaches to: the sender's
// latest 上报 or 活动 in this chat within attachWindow.
func (c *Ctx) attachTarget() (kind string, no int64, at time.Time, ok bool, err error) {
	recs, err := c.Tx.RecordedIn(c.TownID, c.Sender.UserID, c.Msg.ChatID, c.Now.Add(-attachWindow))
	if err != nil {
		return "", 0, at, false, err
	}
	for _, r := range recs {
		if kind, no, _, ok := recordRef([]string{r.Ref}); ok && (kind == gridbot.KindIssue || kind == gridbot.KindActivity) {
			return kind, no, r.At, true, nil
		}
	}
	return "", 0, at, false, nil
}

// runAttach is 附图, what a message of pictures only runs: they are kept
// with the sender's latest 上报 or 活动 of this chat, sent within
// attachWindow. Without pictures (the word typed) it says where pictures
// would go.
func runAttach(c *Ctx) (*Reply, error) {
	mins := int(attachWindow / time.Minute)
	kind, no, at, ok, err := c.attachTarget()
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, gridbot.Errorf(gridbot.ENOTFOUND, "图片没有保存：图片要附在你 %d 分钟内在这里发的「上报」或「活动」上，现在没有这样的记录。"+
			"请先发「上报 问题描述」（或「活动 类别 内容 @成员」）再发图片，或在同一条消息里附图（@我 上报 … 并附上图片）。", mins)
	}
	ref := gridbot.RecordRef(kind, no)
	rec, err := c.Tx.RecordByNo(c.TownID, kind, no)
	if err != nil {
		return nil, err
	}
	if rec.Withdrawn() {
		return nil, gridbot.Errorf(gridbot.ECONFLICT, "%s 已撤回，图片没有保存。", ref)
	}
	have, err := c.Tx.Images(c.TownID, kind, no)
	if err != nil {
		return nil, err
	}
	if len(c.Msg.Images) == 0 {
		return text("在 %s 前，在这里直接发图片，会附到 %s（已有 %d 张，最多 %d 张）。", present.When(at.Add(attachWindow)), ref, len(have), gridbot.MaxRecordImages), nil
	}
	if len(have) >= gridbot.MaxRecordImages {
		return nil, gridbot.Errorf(gridbot.ECONFLICT, "%s 已有 %d 张图片，每条记录最多 %d 张，这次的图片没有保存。", ref, len(have), gridbot.MaxRecordImages)
	}
	o, err := c.keepImages(kind, no)
	if err != nil {
		return nil, err
	}
	if o.kept == 0 {
		// Nothing stored: a refusal, claimed with its answer like any other.
		return nil, gridbot.Errorf(gridbot.EINVALID, "%s", o.words(ref))
	}
	return text("%s", o.words(ref)), nil
}

// imageCount adds to a record's history how many pictures it has, if any
// (the office sees them on the dashboard's issue view).
func (c *Ctx) imageCount(b *strings.Builder, kind string, no int64) error {
	ims, err := c.Tx.Images(c.TownID, kind, no)
	if len(ims) > 0 {
		fmt.Fprintf(b, "，附图片 %d 张", len(ims))
	}
	return err
}
