package wecom

import (
	"bytes"
	"context"
	"crypto/aes"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
)

// ErrTooLarge is a picture larger than the limit asked for: not read on.
var ErrTooLarge = errors.New("wecom: picture too large")

// DecryptMedia opens a smart robot picture as its URL serves it. WeCom
// encrypts the file with the robot's EncodingAESKey: AES-256-CBC, IV =
// key[:16], PKCS#7 padding to 32-byte blocks (the callbacks' scheme, without
// their random prefix, length and receive id: the plaintext is the file
// itself). Document path/100719 (智能机器人 → 接收消息 → 结构体说明 → 图片:
// 「图片的下载url，该url五分钟内有效，且文件已加密，加密方式参见回调和回复的
// 加解密方案」) and path/101033; the WeCom aibot SDKs decrypt it the same way.
func DecryptMedia(key, data []byte) ([]byte, error) {
	if len(key) != 32 {
		return nil, fmt.Errorf("%w: key is %d bytes, want 32", ErrDecrypt, len(key))
	}
	if len(data) == 0 || len(data)%aes.BlockSize != 0 {
		return nil, fmt.Errorf("%w: %d bytes is not a positive multiple of %d", ErrDecrypt, len(data), aes.BlockSize)
	}
	return openCBC(key, make([]byte, len(data)), data)
}

// FetchRobotImage downloads a smart robot picture from its URL (a plain GET,
// within the five minutes it is valid) and decrypts it with the robot's
// key. A file over limit bytes is ErrTooLarge; an answer other than 200 an
// *APIError. Errors never contain the URL.
func FetchRobotImage(ctx context.Context, hc *http.Client, key []byte, rawurl string, limit int64) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, rawurl, nil)
	if err != nil {
		return nil, StripURL(err)
	}
	resp, err := hc.Do(req)
	if err != nil {
		return nil, StripURL(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, &APIError{HTTPStatus: resp.StatusCode, Msg: "picture download refused"}
	}
	// The ciphertext is the file and at most a block of padding.
	data, err := readLimited(resp.Body, limit+blockSize)
	if err != nil {
		return nil, err
	}
	return DecryptMedia(key, data)
}

// Media downloads a file members sent the app — a picture's MediaId — by
// GET /cgi-bin/media/get?access_token=…&media_id=… (document path/90254,
// 素材管理 → 获取临时素材: the file itself with its Content-Type, or WeCom's
// JSON error, e.g. {"errcode":40007,"errmsg":"invalid media_id"}). On an
// invalid or expired token it fetches a new one and asks once more. A file
// over limit bytes is ErrTooLarge.
func (a *App) Media(ctx context.Context, mediaID string, limit int64) ([]byte, error) {
	for attempt := 0; ; attempt++ {
		tok, err := a.Token(ctx)
		if err != nil {
			return nil, err
		}
		data, err := a.media(ctx, tok, mediaID, limit)
		var ae *APIError
		if attempt > 0 || !errors.As(err, &ae) || !ae.TokenExpired() {
			return data, err
		}
		a.invalidate(ctx, tok)
	}
}

func (a *App) media(ctx context.Context, tok, mediaID string, limit int64) ([]byte, error) {
	q := url.Values{"access_token": {tok}, "media_id": {mediaID}}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, a.BaseURL+"/cgi-bin/media/get?"+q.Encode(), nil)
	if err != nil {
		return nil, StripURL(err)
	}
	resp, err := a.HTTP.GetClient().Do(req)
	if err != nil {
		return nil, StripURL(err)
	}
	defer resp.Body.Close()
	data, err := readLimited(resp.Body, limit)
	if err != nil {
		return nil, err
	}
	mt, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type"))
	if resp.StatusCode != http.StatusOK || mt == "application/json" || mt == "text/plain" || bytes.HasPrefix(data, []byte(`{"errcode"`)) {
		if err := CheckResponse(resp.StatusCode, data); err != nil {
			return nil, err
		}
		return nil, &APIError{HTTPStatus: resp.StatusCode, Msg: "media/get answered JSON without a file"}
	}
	return data, nil
}

// readLimited reads r whole, refusing more than limit bytes.
func readLimited(r io.Reader, limit int64) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, &TransportError{Op: "Get", Err: err}
	}
	if int64(len(data)) > limit {
		return nil, ErrTooLarge
	}
	return data, nil
}
