package wecom

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/sha1"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"strings"
	"testing"

	"github.com/silenceper/wechat/v2/util"
)

// WeCom's published vector (document path/90968).
const (
	vecCorpID    = "wx5823bf96d3bd56c7"
	vecToken     = "QDG6eK"
	vecAESKey    = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C"
	vecSignature = "5c45ff5e21c57e6ad56bac8758b79b1d9ac89fd3"
	vecTimestamp = "1409659589"
	vecNonce     = "263014780"
	vecEchostr   = "P9nAzCzyDtyTWESHep1vC5X9xho/qYX3Zpb4yKa9SKld1DsH3Iyt3tP3zNdtp+4RPcs8TgAE7OaBO+FZXvnaqQ=="
	vecEcho      = "1616140317555161061"
)

func vecKey(t testing.TB) []byte {
	t.Helper()
	key, err := DecodeAESKey(vecAESKey)
	if err != nil {
		t.Fatal(err)
	}
	return key
}

// fixedRandom yields the same 16 "random" bytes every time.
func fixedRandom() *bytes.Reader { return bytes.NewReader([]byte("0123456789abcdef")) }

func TestSignature(t *testing.T) {
	if got := Signature(vecToken, vecTimestamp, vecNonce, vecEchostr); got != vecSignature {
		t.Fatalf("Signature = %s, want %s", got, vecSignature)
	}
	if got := util.Signature(vecToken, vecTimestamp, vecNonce, vecEchostr); got != vecSignature {
		t.Fatalf("util.Signature disagrees: %s", got)
	}
	// The order of the arguments does not matter: they are sorted.
	if Signature(vecEchostr, vecNonce, vecTimestamp, vecToken) != vecSignature {
		t.Fatal("Signature depends on argument order")
	}
	if !VerifySignature(vecToken, vecTimestamp, vecNonce, vecEchostr, vecSignature) {
		t.Fatal("VerifySignature refused the published signature")
	}
	for _, bad := range []string{"", vecSignature[:39], vecSignature + "0", "6" + vecSignature[1:], "5C45FF5E21C57E6AD56BAC8758B79B1D9AC89FD3"} {
		if VerifySignature(vecToken, vecTimestamp, vecNonce, vecEchostr, bad) {
			t.Errorf("VerifySignature accepted %q", bad)
		}
	}
	if VerifySignature("other", vecTimestamp, vecNonce, vecEchostr, vecSignature) {
		t.Error("VerifySignature accepted another token")
	}
}

func TestDecodeAESKey(t *testing.T) {
	key := vecKey(t)
	want, _ := base64.StdEncoding.DecodeString(vecAESKey + "=")
	if len(key) != 32 || !bytes.Equal(key, want) {
		t.Fatalf("key = %x", key)
	}
	for _, bad := range []string{"", vecAESKey[:42], vecAESKey + "A", vecAESKey[:42] + "*", "=" + vecAESKey[1:]} {
		if _, err := DecodeAESKey(bad); err == nil {
			t.Errorf("DecodeAESKey(%q) accepted", bad)
		}
	}
}

func TestDecryptVector(t *testing.T) {
	msg, rid, err := Decrypt(vecKey(t), vecEchostr)
	if err != nil {
		t.Fatal(err)
	}
	if string(msg) != vecEcho || rid != vecCorpID {
		t.Fatalf("Decrypt = %q, %q", msg, rid)
	}
	// silenceper/wechat agrees on the app's case (non-empty receive id).
	_, raw, err := util.DecryptMsg(vecCorpID, vecEchostr, vecAESKey)
	if err != nil || string(raw) != vecEcho {
		t.Fatalf("util.DecryptMsg = %q, %v", raw, err)
	}
}

// The smart robot's receive id is empty: util.EncryptMsg produces such
// ciphertexts, util.DecryptMsg cannot open them, Decrypt can.
func TestDecryptEmptyReceiveID(t *testing.T) {
	plain := []byte(`{"msgid":"m1","msgtype":"text","text":{"content":"@RobotA 打卡"}}`)
	enc, err := util.EncryptMsg([]byte("0123456789abcdef"), plain, "", vecAESKey)
	if err != nil {
		t.Fatal(err)
	}
	msg, rid, err := Decrypt(vecKey(t), string(enc))
	if err != nil || !bytes.Equal(msg, plain) || rid != "" {
		t.Fatalf("Decrypt = %q, %q, %v", msg, rid, err)
	}
	if _, _, err := util.DecryptMsg("", string(enc), vecAESKey); err == nil {
		t.Fatal("util.DecryptMsg now opens an empty receive id: the comment on Decrypt is out of date")
	}
}

func TestEncryptMatchesUtil(t *testing.T) {
	key := vecKey(t)
	for _, rid := range []string{"", vecCorpID} {
		for _, plain := range []string{"", "x", "12345678901", "一二三四五六七八九十", string(bytes.Repeat([]byte("a"), 300))} {
			got, err := Encrypt(key, []byte(plain), rid, fixedRandom())
			if err != nil {
				t.Fatal(err)
			}
			want, err := util.EncryptMsg([]byte("0123456789abcdef"), []byte(plain), rid, vecAESKey)
			if err != nil {
				t.Fatal(err)
			}
			if got != string(want) {
				t.Fatalf("Encrypt(%q, %q) differs from util.EncryptMsg", plain, rid)
			}
			msg, gotRID, err := Decrypt(key, got)
			if err != nil || string(msg) != plain || gotRID != rid {
				t.Fatalf("round trip of %q, %q = %q, %q, %v", plain, rid, msg, gotRID, err)
			}
		}
	}
	if _, err := Encrypt(key[:16], nil, "", fixedRandom()); err == nil {
		t.Error("Encrypt accepted a 16-byte key")
	}
	if _, err := Encrypt(key, nil, "", bytes.NewReader(nil)); err == nil {
		t.Error("Encrypt accepted a random source with no bytes")
	}
}

// sealRaw CBC-encrypts pt (a multiple of 32 bytes) as WeCom would, without
// checking its layout, to build malformed ciphertexts.
func sealRaw(t *testing.T, key, pt []byte) string {
	t.Helper()
	block, err := aes.NewCipher(key)
	if err != nil {
		t.Fatal(err)
	}
	out := make([]byte, len(pt))
	cipher.NewCBCEncrypter(block, key[:16]).CryptBlocks(out, pt)
	return base64.StdEncoding.EncodeToString(out)
}

// layout builds random + length + msg + receive id, padded with pad bytes of
// value padVal (the caller chooses them wrong on purpose).
func layout(length uint32, body string, pad int, padVal byte) []byte {
	b := append([]byte("0123456789abcdef"), 0, 0, 0, 0)
	binary.BigEndian.PutUint32(b[16:], length)
	b = append(b, body...)
	return append(b, bytes.Repeat([]byte{padVal}, pad)...)
}

func TestDecryptMalformed(t *testing.T) {
	key := vecKey(t)
	good := layout(5, "hello"+vecCorpID, 32-(20+5+18)%32, byte(32-(20+5+18)%32))
	if _, _, err := Decrypt(key, sealRaw(t, key, good)); err != nil {
		t.Fatalf("control case failed: %v", err)
	}
	cases := []struct{ name, enc, want string }{
		{"empty", "", "not a positive multiple"},
		{"bad base64", "not base64!", "bad base64"},
		{"short", base64.StdEncoding.EncodeToString(make([]byte, 16)), "not a positive multiple"},
		{"not a multiple", base64.StdEncoding.EncodeToString(make([]byte, 48)), "not a positive multiple"},
		{"pad value 0", sealRaw(t, key, layout(5, "hello"+"abcdef", 1, 0)), "bad padding"},
		{"pad value 33", sealRaw(t, key, append(layout(5, "hello", 7, 7)[:32], bytes.Repeat([]byte{33}, 32)...)), "bad padding"},
		{"pad bytes differ", sealRaw(t, key, append(layout(5, "hello", 0, 0), 1, 2, 3, 4, 5, 6, 7)), "bad padding"},
		{"all padding", sealRaw(t, key, bytes.Repeat([]byte{32}, 32)), "too short"},
		{"under 20 bytes", sealRaw(t, key, append([]byte("0123456789ab"), bytes.Repeat([]byte{20}, 20)...)), "too short"},
		{"length too large", sealRaw(t, key, layout(100, "hello", 7, 7)), "beyond"},
		{"length 0xffffffff", sealRaw(t, key, layout(0xffffffff, "hello", 7, 7)), "beyond"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			msg, rid, err := Decrypt(key, c.enc)
			if !errors.Is(err, ErrDecrypt) || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("Decrypt = %q, %q, %v; want ErrDecrypt with %q", msg, rid, err, c.want)
			}
		})
	}
	if _, _, err := Decrypt(key[:31], vecEchostr); !errors.Is(err, ErrDecrypt) {
		t.Errorf("31-byte key: %v", err)
	}
	// A key that is not the sender's yields garbage that fails a check.
	other := bytes.Repeat([]byte{7}, 32)
	if _, _, err := Decrypt(other, vecEchostr); !errors.Is(err, ErrDecrypt) {
		t.Errorf("wrong key: %v", err)
	}
}

func FuzzDecrypt(f *testing.F) {
	key := vecKey(f)
	f.Add(vecEchostr)
	f.Add("")
	f.Add("AAAA")
	f.Add(base64.StdEncoding.EncodeToString(make([]byte, 32)))
	f.Add(base64.StdEncoding.EncodeToString(make([]byte, 64)))
	enc, _ := Encrypt(key, []byte("hello"), "", fixedRandom())
	f.Add(enc)
	f.Fuzz(func(t *testing.T, s string) {
		msg, rid, err := Decrypt(key, s)
		if err != nil {
			if !errors.Is(err, ErrDecrypt) {
				t.Fatalf("error does not wrap ErrDecrypt: %v", err)
			}
			return
		}
		// Whatever opens must seal and open again to the same parts.
		again, err := Encrypt(key, msg, rid, fixedRandom())
		if err != nil {
			t.Fatal(err)
		}
		msg2, rid2, err := Decrypt(key, again)
		if err != nil || !bytes.Equal(msg, msg2) || rid != rid2 {
			t.Fatalf("re-encryption round trip failed: %v", err)
		}
	})
}

// FuzzDecryptLayout feeds Decrypt well-encrypted but arbitrary plaintexts,
// so that the fuzzer reaches the padding and length checks behind the AES.
func FuzzDecryptLayout(f *testing.F) {
	key := vecKey(f)
	f.Add([]byte{})
	f.Add(layout(5, "hello", 0, 0))
	f.Add(layout(0xffffffff, "", 0, 0))
	f.Add(append([]byte("0123456789abcdef"), 0, 0, 0, 2, 'h', 'i'))
	f.Fuzz(func(t *testing.T, pt []byte) {
		if k := blockSize - len(pt)%blockSize; k != blockSize || len(pt) == 0 {
			pt = append(pt, bytes.Repeat([]byte{byte(k)}, k)...)
		}
		block, _ := aes.NewCipher(key)
		ct := make([]byte, len(pt))
		cipher.NewCBCEncrypter(block, key[:16]).CryptBlocks(ct, pt)
		msg, rid, err := Decrypt(key, base64.StdEncoding.EncodeToString(ct))
		if err != nil {
			if !errors.Is(err, ErrDecrypt) {
				t.Fatalf("error does not wrap ErrDecrypt: %v", err)
			}
			return
		}
		if 20+len(msg)+len(rid) > len(pt) || !bytes.Equal(msg, pt[20:20+len(msg)]) {
			t.Fatalf("Decrypt returned %q, %q from %x", msg, rid, pt)
		}
	})
}

// sha1Sorted computes a signature the long way, for tests that must not
// trust Signature.
func sha1Sorted(a, b, c, d string) string {
	parts := []string{a, b, c, d}
	for i := range parts {
		for j := i + 1; j < len(parts); j++ {
			if parts[j] < parts[i] {
				parts[i], parts[j] = parts[j], parts[i]
			}
		}
	}
	sum := sha1.Sum([]byte(parts[0] + parts[1] + parts[2] + parts[3]))
	return hex.EncodeToString(sum[:])
}
