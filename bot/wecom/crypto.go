// Package wecom speaks WeCom's (企业微信) wire formats: the callback crypto
// (WXBizMsgCrypt), the smart robot's JSON callbacks and replies, the
// self-built app's XML callbacks and message/send bodies, and the group
// webhook robot's bodies. It holds no HTTP server and no pipeline: the
// service wires these pieces to its handlers.
package wecom

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/sha1"
	"crypto/subtle"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
)

// blockSize is WeCom's PKCS#7 block: 32 bytes, not AES's 16.
const blockSize = 32

// headerSize is the 16 random bytes and the 4-byte length before the message.
const headerSize = 20

// Signature returns WeCom's msg_signature: the lowercase hex SHA-1 of the
// four strings sorted and concatenated.
func Signature(token, timestamp, nonce, encrypt string) string {
	sum := sign(token, timestamp, nonce, encrypt)
	return string(sum[:])
}

// sign is Signature as hex bytes: the parts hashed from one buffer, which
// allocates once instead of for the sort, the hash and each part.
func sign(token, timestamp, nonce, encrypt string) [2 * sha1.Size]byte {
	parts := [4]string{token, timestamp, nonce, encrypt}
	slices.Sort(parts[:])
	b := make([]byte, 0, len(token)+len(timestamp)+len(nonce)+len(encrypt))
	for _, p := range parts {
		b = append(b, p...)
	}
	sum := sha1.Sum(b)
	var out [2 * sha1.Size]byte
	hex.Encode(out[:], sum[:])
	return out
}

// VerifySignature reports whether signature is the msg_signature of the
// other four, comparing in constant time so that a forger cannot learn the
// expected value byte by byte from response times.
func VerifySignature(token, timestamp, nonce, encrypt, signature string) bool {
	want := sign(token, timestamp, nonce, encrypt)
	return subtle.ConstantTimeCompare(want[:], []byte(signature)) == 1
}

// DecodeAESKey turns the 43-character EncodingAESKey into the 32-byte AES
// key. The last character usually carries non-zero padding bits, so the
// decoding is deliberately not base64-strict (WeCom's own libraries are not).
func DecodeAESKey(encodingAESKey string) ([]byte, error) {
	if len(encodingAESKey) != 43 {
		return nil, fmt.Errorf("wecom: EncodingAESKey must be 43 characters, got %d", len(encodingAESKey))
	}
	key, err := base64.StdEncoding.DecodeString(encodingAESKey + "=")
	if err != nil {
		return nil, fmt.Errorf("wecom: EncodingAESKey is not base64: %w", err)
	}
	if len(key) != 32 {
		return nil, fmt.Errorf("wecom: EncodingAESKey decodes to %d bytes, want 32", len(key))
	}
	return key, nil
}

// Decrypt opens a WeCom ciphertext: base64, AES-256-CBC with IV = key[:16],
// PKCS#7 padding to 32-byte blocks, and a plaintext of 16 random bytes, a
// 4-byte big-endian message length, the message and the receive id. Every
// length is checked before slicing; any failure wraps ErrDecrypt.
//
// It exists because github.com/silenceper/wechat/v2 v2.1.10's
// util.DecryptMsg/AESDecryptMsg refuses a plaintext whose receive id is
// empty ("msg length too large"), and the smart robot's receive id is always
// empty. The caller compares the receive id (corp id for a self-built app).
//
// The padding check is not constant-time: callers verify the signature first,
// so no forged ciphertext ever reaches it and there is no padding oracle.
func Decrypt(key []byte, encrypt string) (msg []byte, receiveID string, err error) {
	if len(key) != 32 {
		return nil, "", fmt.Errorf("%w: key is %d bytes, want 32", ErrDecrypt, len(key))
	}
	// Decoded into one buffer and decrypted in place: the message is
	// returned as a slice of it.
	pt := make([]byte, base64.StdEncoding.DecodedLen(len(encrypt)))
	n, err := base64.StdEncoding.Decode(pt, []byte(encrypt))
	if err != nil {
		return nil, "", fmt.Errorf("%w: bad base64", ErrDecrypt)
	}
	pt = pt[:n]
	if len(pt) == 0 || len(pt)%blockSize != 0 {
		return nil, "", fmt.Errorf("%w: ciphertext of %d bytes is not a positive multiple of %d", ErrDecrypt, len(pt), blockSize)
	}
	if pt, err = openCBC(key, pt, pt); err != nil {
		return nil, "", err
	}
	if len(pt) < headerSize {
		return nil, "", fmt.Errorf("%w: plaintext too short", ErrDecrypt)
	}
	size := binary.BigEndian.Uint32(pt[16:headerSize])
	if uint64(size) > uint64(len(pt)-headerSize) {
		return nil, "", fmt.Errorf("%w: message length %d beyond the plaintext", ErrDecrypt, size)
	}
	end := headerSize + int(size)
	return pt[headerSize:end:end], string(pt[end:]), nil
}

// openCBC decrypts src into dst (the same slice to decrypt in place) with
// AES-256-CBC, IV = key[:16], and removes the PKCS#7 padding of up to
// blockSize bytes: the scheme of the callbacks (Decrypt) and of the smart
// robot's pictures (DecryptMedia). The key is 32 bytes and src a positive
// multiple of aes.BlockSize (the callers check); failures wrap ErrDecrypt.
func openCBC(key, dst, src []byte) ([]byte, error) {
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrDecrypt, err)
	}
	cipher.NewCBCDecrypter(block, key[:aes.BlockSize]).CryptBlocks(dst, src)
	pad := int(dst[len(dst)-1])
	if pad < 1 || pad > blockSize || pad > len(dst) {
		return nil, fmt.Errorf("%w: bad padding", ErrDecrypt)
	}
	for _, b := range dst[len(dst)-pad:] {
		if int(b) != pad {
			return nil, fmt.Errorf("%w: bad padding", ErrDecrypt)
		}
	}
	return dst[:len(dst)-pad], nil
}

// Encrypt seals msg for WeCom (the inverse of Decrypt), reading the 16
// random bytes from random (crypto/rand.Reader in production). Passive
// replies use it; so do tests playing the platform.
func Encrypt(key []byte, msg []byte, receiveID string, random io.Reader) (string, error) {
	if len(key) != 32 {
		return "", fmt.Errorf("wecom: key is %d bytes, want 32", len(key))
	}
	if uint64(len(msg)) > math.MaxUint32 {
		return "", errors.New("wecom: message too long to encrypt")
	}
	n := headerSize + len(msg) + len(receiveID)
	pad := blockSize - n%blockSize
	pt := make([]byte, n+pad)
	if _, err := io.ReadFull(random, pt[:16]); err != nil {
		return "", fmt.Errorf("wecom: random bytes: %w", err)
	}
	binary.BigEndian.PutUint32(pt[16:headerSize], uint32(len(msg)))
	copy(pt[headerSize:], msg)
	copy(pt[headerSize+len(msg):], receiveID)
	for i := n; i < len(pt); i++ {
		pt[i] = byte(pad)
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return "", err
	}
	cipher.NewCBCEncrypter(block, key[:aes.BlockSize]).CryptBlocks(pt, pt)
	return base64.StdEncoding.EncodeToString(pt), nil
}
