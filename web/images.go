package web

import (
	"fmt"
	"io"
	"mime/multipart"

	"gridbot"
	"gridbot/photos"
)

// MaxSide is the longest side of a kept photo (package photos re-encodes
// every photo, from the web and from chat alike).
const MaxSide = photos.MaxSide

// readPhotos checks and re-encodes the uploaded photos (photos.Reencode):
// their type from their content, not their name.
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
		img, err := photos.Reencode(data)
		if err != nil {
			return nil, err
		}
		out = append(out, img)
	}
	return out, nil
}
