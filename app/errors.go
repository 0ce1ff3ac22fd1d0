package app

import (
	"encoding/json"
	"errors"
	"log"

	"dpgcerts/backend/certs"
	"dpgcerts/backend/portal"
)

// CodeInternal is the code of anything unexpected.
const CodeInternal = "internal"

// Error is what a bound method's failure looks like to the frontend: a
// rejected promise holding {code, message}. The frontend shows the
// translation errors.<code>.
type Error struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

// coded is an error from backend/ that carries a stable code.
type coded interface {
	error
	ErrorCode() string
}

// FormatError is Wails' ErrorFormatter: it turns a Go error into the JSON
// text of an Error. A string, not the struct: Wails' JavaScript runtime
// rejects with new Error(value), which would turn an object into
// "[object Object]"; frontend/src/api/call.ts parses the text back.
// An error without a code becomes "internal"; its details go to the log,
// not to the screen.
func FormatError(err error) any {
	data, mErr := json.Marshal(toError(err))
	if mErr != nil {
		return `{"code":"internal","message":"Something unexpected went wrong."}`
	}
	return string(data)
}

// toError gives err its stable code.
func toError(err error) Error {
	var ce *certs.Error
	if errors.As(err, &ce) {
		return Error{Code: ce.Code, Message: ce.Message}
	}
	var pe *portal.Error
	if errors.As(err, &pe) {
		if pe.Code == portal.CodeBadRequest {
			// A defect of the client: logged, shown as internal (API.md).
			log.Printf("dpgcerts: portal: %v", err)
			return Error{Code: CodeInternal, Message: "Something unexpected went wrong. The details are in the log."}
		}
		return Error{Code: pe.Code, Message: pe.Error()}
	}
	var c coded
	if errors.As(err, &c) && c.ErrorCode() != "" {
		return Error{Code: c.ErrorCode(), Message: c.Error()}
	}
	log.Printf("dpgcerts: internal error: %v", err)
	return Error{Code: CodeInternal, Message: "Something unexpected went wrong. The details are in the log."}
}

// Codes of the window's own errors; each has a text errors.<code>.
const (
	CodeWrongPassword       = "wrong_password"
	CodeNotInOverview       = "not_in_overview"
	CodeNoCertificate       = "no_certificate"
	CodeGuideMissing        = "guide_missing"
	CodeWriteFailed         = "write_failed"
	CodeUnsupportedLanguage = "unsupported_language"
)

// codedError is an error of the window with a stable code.
type codedError struct{ code, msg string }

func (e *codedError) Error() string     { return e.msg }
func (e *codedError) ErrorCode() string { return e.code }

func newError(code, msg string) error { return &codedError{code: code, msg: msg} }
