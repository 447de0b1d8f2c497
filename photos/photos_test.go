package photos

import (
	"bytes"
	"errors"
	"image"
	"image/color/palette"
	"image/gif"
	"image/jpeg"
	"image/png"
	"strings"
	"testing"
)

func TestReencode(t *testing.T) {
	var b bytes.Buffer
	png.Encode(&b, image.NewNRGBA(image.Rect(0, 0, 2000, 100)))
	img, err := Reencode(b.Bytes())
	if err != nil || img.Mime != "image/jpeg" || img.Width != MaxSide || img.Height != 80 || !bytes.HasPrefix(img.Data, []byte{0xff, 0xd8}) {
		t.Fatalf("Reencode(PNG) = %dx%d %s, %v", img.Width, img.Height, img.Mime, err)
	}
	b.Reset()
	if err := gif.Encode(&b, image.NewPaletted(image.Rect(0, 0, 10, 20), palette.Plan9), nil); err != nil {
		t.Fatal(err)
	}
	if img, err := Reencode(b.Bytes()); err != nil || img.Width != 10 || img.Height != 20 {
		t.Fatalf("Reencode(GIF) = %+v, %v", img, err)
	}
	for _, bad := range [][]byte{nil, []byte("hello"), []byte("\x89PNG\r\n\x1a\ncut short"), []byte("<svg xmlns='http://www.w3.org/2000/svg'/>")} {
		if _, err := Reencode(bad); !errors.Is(err, ErrNotImage) {
			t.Errorf("Reencode(%q) = %v, want ErrNotImage", bad, err)
		}
	}
	if !strings.Contains(ErrNotImage.Error(), "JPG、PNG 或 GIF") {
		t.Error("the refusal is not the members' words")
	}
}

// opaque hides an image's concrete type: scale then reads it through At.
type opaque struct{ image.Image }

// TestScaleYCbCr: a JPEG's pixels read from their planes average to what
// reading them through At gives.
func TestScaleYCbCr(t *testing.T) {
	src := image.NewRGBA(image.Rect(0, 0, 300, 200))
	for i := range src.Pix {
		src.Pix[i] = byte(i * 7 % 251)
		if i%4 == 3 {
			src.Pix[i] = 0xff
		}
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, src, &jpeg.Options{Quality: 90}); err != nil {
		t.Fatal(err)
	}
	dec, err := jpeg.Decode(&b)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := dec.(*image.YCbCr); !ok {
		t.Fatalf("decoded a %T", dec)
	}
	fast, slow := scale(dec, 120).(*image.RGBA), scale(opaque{dec}, 120).(*image.RGBA)
	if fast.Rect != slow.Rect || fast.Rect.Dx() != 120 || fast.Rect.Dy() != 80 {
		t.Fatalf("sizes %v and %v", fast.Rect, slow.Rect)
	}
	for i := range fast.Pix {
		if d := int(fast.Pix[i]) - int(slow.Pix[i]); d < -2 || d > 2 {
			t.Fatalf("byte %d: %d by the planes, %d through At", i, fast.Pix[i], slow.Pix[i])
		}
	}
}
