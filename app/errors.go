package app

import (
	"encoding/json"
	"errors"
	"log"

	"dpgcerts/backend/errs"
)

// internalMessage is what the window shows for anything unexpected; the
// details go to the log.
const internalMessage = "Something unexpected went wrong. The details are in the log."

// FormatError is Wails' ErrorFormatter: it turns a Go error into the JSON
// text of an errs.Error {code, message}. A string, not the struct: Wails'
// JavaScript runtime rejects with new Error(value), which would turn an
// object into "[object Object]"; frontend/src/api/call.ts parses the text
// back.
func FormatError(err error) any {
	data, mErr := json.Marshal(toError(err))
	if mErr != nil {
		return `{"code":"internal","message":"` + internalMessage + `"}`
	}
	return string(data)
}

// toError is err as the window shows it. An error without a code, and a
// bad_request (a defect of the client, API.md), become internal.
func toError(err error) errs.Error {
	var e *errs.Error
	if errors.As(err, &e) && e.Code != errs.Internal && e.Code != errs.BadRequest {
		return errs.Error{Code: e.Code, Message: e.Message}
	}
	log.Printf("dpgcerts: internal error: %v", err)
	return errs.Error{Code: errs.Internal, Message: internalMessage}
}
