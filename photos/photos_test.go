package photos

import (
	"bytes"
	"errors"
	"image"
	"image/color/palette"
	"image/gif"
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
