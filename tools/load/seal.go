package main

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"net/url"
	"strconv"
	"time"

	"github.com/silenceper/wechat/v2/util"
)

// The generator seals callbacks with silenceper/wechat's WXBizMsgCrypt
// (util.AESEncryptMsg, util.Signature), not with gridbot's own crypto: it
// plays WeCom, and a mistake shared by both sides would otherwise go
// unnoticed. The smart robot's receive id is the empty string.

// decodeAESKey turns the 43-character EncodingAESKey into the AES key, the
// way WeCom's libraries do (the last character's padding bits ignored).
func decodeAESKey(s string) ([]byte, error) {
	if len(s) != 43 {
		return nil, fmt.Errorf("the EncodingAESKey must be 43 characters, this one has %d", len(s))
	}
	key, err := base64.StdEncoding.DecodeString(s + "=")
	if err != nil || len(key) != 32 {
		return nil, fmt.Errorf("the EncodingAESKey is not the base64 of 32 bytes")
	}
	return key, nil
}

// robotMessage is a smart robot text message as WeCom sends it (document
// path/100719), before encryption.
type robotMessage struct {
	MsgID       string    `json:"msgid"`
	AIBotID     string    `json:"aibotid"`
	ChatID      string    `json:"chatid"`
	ChatType    string    `json:"chattype"`
	From        robotFrom `json:"from"`
	ResponseURL string    `json:"response_url"`
	MsgType     string    `json:"msgtype"`
	Text        robotText `json:"text"`
}

type robotFrom struct {
	UserID string `json:"userid"`
}

type robotText struct {
	Content string `json:"content"`
}

// seal encrypts and signs m as a callback at time at: the query
// (msg_signature, timestamp, nonce) and the JSON body {"encrypt": …}.
func seal(token string, key []byte, m robotMessage, at time.Time) (url.Values, []byte, error) {
	plain, err := json.Marshal(m)
	if err != nil {
		return nil, nil, err
	}
	var rnd [16 + 4]byte
	if _, err := rand.Read(rnd[:]); err != nil {
		return nil, nil, err
	}
	enc := base64.StdEncoding.EncodeToString(util.AESEncryptMsg(rnd[:16], plain, "", key))
	ts := strconv.FormatInt(at.Unix(), 10)
	nonce := strconv.FormatUint(uint64(binary.BigEndian.Uint32(rnd[16:])), 10)
	q := url.Values{"msg_signature": {util.Signature(token, ts, nonce, enc)}, "timestamp": {ts}, "nonce": {nonce}}
	body, err := json.Marshal(map[string]string{"encrypt": enc})
	return q, body, err
}
