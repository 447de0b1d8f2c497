package gridbot

import (
	"errors"
	"fmt"
)

// Error codes. The edges (chat replies, HTTP, the command line) map a code to
// a reply; anything without a code is an internal error and its text is never
// shown to a user, because it may contain SQL or file paths.
const (
	EINVALID   = "invalid"   // the input is wrong; Message says what to type instead
	ENOTFOUND  = "not_found" // the thing named does not exist
	ECONFLICT  = "conflict"  // already exists or already done (duplicate message id, second check-in)
	EFORBIDDEN = "forbidden" // the sender's role may not do this
	EINTERNAL  = "internal"
)

// Error is an error with a code and a message safe to show to a member.
type Error struct {
	Code    string
	Message string
	// Reason, when set, says as data which refusal this is, and Args the
	// values it is about, in the order Reason's words use them. The store
	// refuses with a Reason only (Refuse); the words are the domain's
	// (refusals.go), and an edge may word a reason its own way.
	Reason Reason
	Args   []any
}

func (e *Error) Error() string { return fmt.Sprintf("gridbot %s: %s", e.Code, e.Message) }

// Errorf returns an *Error with code and a formatted user-facing message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of err, EINTERNAL for an error without one, "" for nil.
func ErrorCode(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the user-facing message of err; an internal error gets a
// generic Chinese message.
func ErrorMessage(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) {
		return e.Message
	}
	return "系统内部错误，请稍后再试或联系党建办。"
}
