// Package photos keeps pictures fit to store: whatever arrives — a
// villager's upload (package web) or a picture sent in chat (bot) — is
// checked by its content, decoded and encoded again as a JPEG of at most
// MaxSide pixels a side. Re-encoding drops everything but the pixels (EXIF
// with the phone's GPS position, comments, anything appended) and caps the
// size a record's photos take in the store.
package photos

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"net/http"

	_ "image/gif" // decoded, then kept as JPEG
	_ "image/png"

	"gridbot"
)

const (
	// MaxSide is the longest side kept; a larger photo is scaled down.
	MaxSide = 1600
	// MaxBytes is the largest picture read from a platform (a phone's
	// original is 3–8 MB); a larger one is refused unread.
	MaxBytes = 20 << 20
	// maxPixels refuses a decompression bomb before it is decoded.
	maxPixels = 50_000_000
	// jpegQuality of the kept photos: a 1600-pixel photo is 150–400 KB.
	jpegQuality = 80
)

// Errors whose text may be shown to a member (Chinese).
var (
	// ErrNotImage: the bytes are not a JPEG, PNG or GIF picture.
	ErrNotImage = errors.New("照片只能是 JPG、PNG 或 GIF 图片，请换一张再提交。")
	// ErrTooManyPixels: the picture is too large to decode safely.
	ErrTooManyPixels = errors.New("照片的像素太多了，请换一张小一点的照片。")
	// ErrTooLarge: a picture of more than MaxBytes (the downloads' limit).
	ErrTooLarge = fmt.Errorf("照片超过 %d MB，请换一张小一点的照片。", MaxBytes>>20)
	// ErrSkipped marks a picture not fetched at all: the message carried
	// more than a record keeps (gridbot.MaxRecordImages).
	ErrSkipped = errors.New("more pictures than a record keeps")
)

// Reencode checks that data is a JPEG, PNG or GIF image by its content (not
// by any name or declared type) and returns it as a JPEG of at most MaxSide
// pixels a side, without metadata. The Image's record and time are the
// caller's to set.
func Reencode(data []byte) (gridbot.Image, error) {
	switch http.DetectContentType(data) {
	case "image/jpeg", "image/png", "image/gif":
	default:
		return gridbot.Image{}, ErrNotImage
	}
	cfg, _, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil || cfg.Width <= 0 || cfg.Height <= 0 {
		return gridbot.Image{}, ErrNotImage
	}
	if cfg.Width*cfg.Height > maxPixels {
		return gridbot.Image{}, ErrTooManyPixels
	}
	src, _, err := image.Decode(bytes.NewReader(data))
	if err != nil {
		return gridbot.Image{}, ErrNotImage
	}
	dst := scale(src, MaxSide)
	var b bytes.Buffer
	if err := jpeg.Encode(&b, dst, &jpeg.Options{Quality: jpegQuality}); err != nil {
		return gridbot.Image{}, err
	}
	r := dst.Bounds()
	return gridbot.Image{Mime: "image/jpeg", Width: r.Dx(), Height: r.Dy(), Data: b.Bytes()}, nil
}

// scale returns src on a white background, shrunk by box averaging so that
// its longer side is at most side.
func scale(src image.Image, side int) image.Image {
	sb := src.Bounds()
	w, h := sb.Dx(), sb.Dy()
	nw, nh := w, h
	if w > side || h > side {
		if w >= h {
			nw, nh = side, max(1, h*side/w)
		} else {
			nw, nh = max(1, w*side/h), side
		}
	}
	dst := image.NewRGBA(image.Rect(0, 0, nw, nh))
	if yc, ok := src.(*image.YCbCr); ok {
		scaleYCbCr(dst, yc)
		return dst
	}
	for y := 0; y < nh; y++ {
		y0, y1 := sb.Min.Y+y*h/nh, sb.Min.Y+max((y+1)*h/nh, y*h/nh+1)
		for x := 0; x < nw; x++ {
			x0, x1 := sb.Min.X+x*w/nw, sb.Min.X+max((x+1)*w/nw, x*w/nw+1)
			var r, g, b, n uint64
			for sy := y0; sy < y1; sy++ {
				for sx := x0; sx < x1; sx++ {
					cr, cg, cb, ca := src.At(sx, sy).RGBA()
					// over white: transparent pixels become white, not black
					r += uint64(cr + (0xffff - ca))
					g += uint64(cg + (0xffff - ca))
					b += uint64(cb + (0xffff - ca))
					n++
				}
			}
			dst.SetRGBA(x, y, color.RGBA{uint8(r / n >> 8), uint8(g / n >> 8), uint8(b / n >> 8), 0xff})
		}
	}
	return dst
}

// scaleYCbCr is scale's box averaging for a JPEG's pixels, read from their
// planes directly: a phone's 12-megapixel photo is read several times
// faster than through At, which matters for chat, where the picture is
// fetched and re-encoded within the callback's seconds.
func scaleYCbCr(dst *image.RGBA, src *image.YCbCr) {
	sb := src.Bounds()
	w, h := sb.Dx(), sb.Dy()
	nw, nh := dst.Rect.Dx(), dst.Rect.Dy()
	for y := 0; y < nh; y++ {
		y0, y1 := sb.Min.Y+y*h/nh, sb.Min.Y+max((y+1)*h/nh, y*h/nh+1)
		for x := 0; x < nw; x++ {
			x0, x1 := sb.Min.X+x*w/nw, sb.Min.X+max((x+1)*w/nw, x*w/nw+1)
			var r, g, b, n uint64
			for sy := y0; sy < y1; sy++ {
				for sx := x0; sx < x1; sx++ {
					cr, cg, cb := color.YCbCrToRGB(src.Y[src.YOffset(sx, sy)], src.Cb[src.COffset(sx, sy)], src.Cr[src.COffset(sx, sy)])
					r += uint64(cr)
					g += uint64(cg)
					b += uint64(cb)
					n++
				}
			}
			dst.SetRGBA(x, y, color.RGBA{uint8(r / n), uint8(g / n), uint8(b / n), 0xff})
		}
	}
}
