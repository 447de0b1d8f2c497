package web

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"io"
	"mime/multipart"
	"net/http"

	_ "image/gif" // decoded, then kept as JPEG
	_ "image/png"

	"gridbot"
)

// Photos are re-encoded before they are kept: decoding and encoding again
// drops everything but the pixels (EXIF with the phone's location, comments,
// anything appended), and caps their size.
const (
	// MaxSide is the longest side kept; a larger photo is scaled down.
	MaxSide = 1600
	// maxPixels refuses a decompression bomb before it is decoded.
	maxPixels = 50_000_000
	// jpegQuality of the kept photos: a 1600-pixel photo is 150–400 KB.
	jpegQuality = 80
)

var errPhoto = errors.New("照片只能是 JPG、PNG 或 GIF 图片，请换一张再提交。")

// readPhotos checks and re-encodes the uploaded photos: their type from
// their content, not their name.
func readPhotos(files []*multipart.FileHeader) ([]gridbot.Image, error) {
	var out []gridbot.Image
	for _, fh := range files {
		if fh.Size == 0 && fh.Filename == "" {
			continue // the empty file input of a form sent without a photo
		}
		if len(out) == MaxPhotos {
			return nil, fmt.Errorf("最多上传 %d 张照片。", MaxPhotos)
		}
		f, err := fh.Open()
		if err != nil {
			return nil, err
		}
		data, err := io.ReadAll(io.LimitReader(f, MaxReport+1))
		f.Close()
		if err != nil {
			return nil, err
		}
		img, err := Reencode(data)
		if err != nil {
			return nil, err
		}
		out = append(out, img)
	}
	return out, nil
}

// Reencode checks that data is a JPEG, PNG or GIF image by its content and
// returns it as a JPEG of at most MaxSide pixels a side, without metadata.
func Reencode(data []byte) (gridbot.Image, error) {
	switch http.DetectContentType(data) {
	case "image/jpeg", "image/png", "image/gif":
	default:
		return gridbot.Image{}, errPhoto
	}
	cfg, _, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil || cfg.Width <= 0 || cfg.Height <= 0 {
		return gridbot.Image{}, errPhoto
	}
	if cfg.Width*cfg.Height > maxPixels {
		return gridbot.Image{}, errors.New("照片的像素太多了，请换一张小一点的照片。")
	}
	src, _, err := image.Decode(bytes.NewReader(data))
	if err != nil {
		return gridbot.Image{}, errPhoto
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
