package dingtalk

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
)

// TextBody is a text message for a session webhook or a custom robot:
//
//	{"msgtype":"text","text":{"content":"…"},"at":{"atUserIds":["staff1"]}}
//
// at is left out when nobody is @-ed. DingTalk shows the @ only where the
// content also says "@staff1".
func TextBody(content string, atUserIDs []string) []byte {
	type text struct {
		Content string `json:"content"`
	}
	type at struct {
		AtUserIDs []string `json:"atUserIds"`
	}
	v := struct {
		MsgType string `json:"msgtype"`
		Text    text   `json:"text"`
		At      *at    `json:"at,omitempty"`
	}{MsgType: "text", Text: text{content}}
	if len(atUserIDs) > 0 {
		v.At = &at{atUserIDs}
	}
	return marshal(v)
}

// MarkdownBody is a markdown message; title is what notifications show:
//
//	{"msgtype":"markdown","markdown":{"title":"…","text":"…"}}
func MarkdownBody(title, text string) []byte {
	type md struct {
		Title string `json:"title"`
		Text  string `json:"text"`
	}
	return marshal(struct {
		MsgType  string `json:"msgtype"`
		Markdown md     `json:"markdown"`
	}{"markdown", md{title, text}})
}

// CodeRateLimited is the custom robot's errcode for more than 20 messages a
// minute.
const CodeRateLimited = 130101

// APIError is a failed send: a non-zero errcode, or (Code 0) a status other
// than 200 or an answer that is not DingTalk's JSON. Every one is worth
// retrying: the message must not be lost.
type APIError struct {
	HTTPStatus int
	Code       int
	Msg        string
}

func (e *APIError) Error() string {
	if e.Code == 0 {
		return fmt.Sprintf("dingtalk: HTTP %d %s", e.HTTPStatus, e.Msg)
	}
	return fmt.Sprintf("dingtalk: errcode %d: %s", e.Code, e.Msg)
}

// RateLimited reports errcode 130101 (or HTTP 429): wait a minute.
func (e *APIError) RateLimited() bool {
	return e.Code == CodeRateLimited || e.HTTPStatus == http.StatusTooManyRequests
}

// CheckResponse reads the answer {"errcode":0,"errmsg":"ok"} of a session
// webhook or custom robot: nil on success, an *APIError otherwise.
func CheckResponse(status int, body []byte) error {
	if status != http.StatusOK {
		return &APIError{HTTPStatus: status}
	}
	var r struct {
		ErrCode *int   `json:"errcode"`
		ErrMsg  string `json:"errmsg"`
	}
	if err := json.Unmarshal(body, &r); err != nil || r.ErrCode == nil {
		return &APIError{HTTPStatus: status, Msg: "answer is not DingTalk's JSON"}
	}
	if *r.ErrCode != 0 {
		return &APIError{HTTPStatus: status, Code: *r.ErrCode, Msg: r.ErrMsg}
	}
	return nil
}

// marshal is json.Marshal without HTML escaping, so Markdown's "<" and "&"
// stay readable; it cannot fail for the string-only structs here.
func marshal(v any) []byte {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		panic(err)
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
}
