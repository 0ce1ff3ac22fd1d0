package app

import (
	"encoding/json"
	"log"

	"dpgcerts/backend/errs"
)

// FormatError is Wails' ErrorFormatter: it turns a Go error into the JSON
// text of an errs.Error {code, message}. A string, not the struct: Wails'
// JavaScript runtime rejects with new Error(value), which would turn an
// object into "[object Object]"; frontend/src/api/call.ts parses the text
// back.
func FormatError(err error) any {
	data, mErr := json.Marshal(toError(err))
	if mErr != nil {
		return `{"code":"internal","message":"` + errs.InternalMessage + `"}`
	}
	return string(data)
}

// toError is err as the window shows it. An error without a code, and a
// bad_request (a defect of the client, API.md), become internal.
func toError(err error) errs.Error {
	shown := errs.Shown(err)
	if shown.Code == errs.Internal || shown.Code == errs.BadRequest {
		log.Printf("dpgcerts: internal error: %v", err)
		return errs.Error{Code: errs.Internal, Message: errs.InternalMessage}
	}
	return shown
}
