package portal

import (
	"errors"
	"fmt"
	"net/http"
	"time"

	"dpgcerts/backend/store"
)

// Error codes. The server's codes are those of API.md; the client adds a few
// of its own for what happens before or instead of an answer. They are
// stable: the UI shows each through its translated text errors.<code>.
const (
	// Server codes (API.md, "Errors").
	CodeBadRequest             = "bad_request"
	CodePayloadTooLarge        = "payload_too_large"
	CodeUnauthenticated        = "unauthenticated"
	CodeNotRegistered          = "not_registered"
	CodeMigrationRequired      = "migration_required"
	CodeInvalidPKCS12          = "invalid_pkcs12"
	CodeWrongPassword          = "wrong_password"
	CodeNoPrivateKey           = "no_private_key"
	CodeCertificateExpired     = "certificate_expired"
	CodeCertificateNotYetValid = "certificate_not_yet_valid"
	CodeCVRMismatch            = "cvr_mismatch"
	CodeNotFound               = "not_found"
	CodePreconditionFailed     = "precondition_failed"
	CodeRateLimited            = "rate_limited"
	CodeInternal               = "internal"
	CodeUnavailable            = "unavailable"

	// Client codes: no usable answer, or refused before sending.
	CodeNetwork          = "network"           // no connection, dropped connection, timeout
	CodeInsecureURL      = "insecure_url"      // http:// to a host that isn't loopback
	CodeInvalidURL       = "invalid_url"       // not an http(s) address
	CodeNoToken          = "no_token"          // no access token in the environment or the keychain
	CodePasswordRequired = "password_required" // an install waits for its file's password
	CodeFileUnreadable   = "file_unreadable"   // the local file could not be read from disk
	// An install's password is in the keychain, which can't be reached for
	// now: the install stays pending and is tried again later.
	CodeKeychainLocked = "keychain_locked"
	CodeCancelled      = store.CodeCancelled // the user cancelled the operation
	CodeOperationEnded = "operation_ended"   // Cancel of an operation that has ended
)

// serverCodes maps every code the server may send to its HTTP status.
var serverCodes = map[string]int{
	CodeBadRequest:             http.StatusBadRequest,
	CodePayloadTooLarge:        http.StatusRequestEntityTooLarge,
	CodeUnauthenticated:        http.StatusUnauthorized,
	CodeNotRegistered:          http.StatusForbidden,
	CodeMigrationRequired:      http.StatusForbidden,
	CodeInvalidPKCS12:          http.StatusUnprocessableEntity,
	CodeWrongPassword:          http.StatusUnprocessableEntity,
	CodeNoPrivateKey:           http.StatusUnprocessableEntity,
	CodeCertificateExpired:     http.StatusUnprocessableEntity,
	CodeCertificateNotYetValid: http.StatusUnprocessableEntity,
	CodeCVRMismatch:            http.StatusUnprocessableEntity,
	CodeNotFound:               http.StatusNotFound,
	CodePreconditionFailed:     http.StatusPreconditionFailed,
	CodeRateLimited:            http.StatusTooManyRequests,
	CodeInternal:               http.StatusInternalServerError,
	CodeUnavailable:            http.StatusServiceUnavailable,
}

// StatusOf is the HTTP status that goes with a server code, 500 for any other.
func StatusOf(code string) int {
	if s, ok := serverCodes[code]; ok {
		return s
	}
	return http.StatusInternalServerError
}

// Error is a failed portal call. Code is one of the codes above, never
// anything else: an unknown code from the server becomes the known code of
// its HTTP status class, and the original goes into Message for the log.
// Message is English for logs; the UI translates Code instead. Neither ever
// holds a token or a password.
type Error struct {
	Code    string
	Message string
	// Status is the HTTP status, 0 when there was no answer.
	Status int
	// RetryAfter is the server's Retry-After, 0 when it gave none.
	RetryAfter time.Duration
	// Err is the underlying network error, if any.
	Err error
}

func (e *Error) Error() string {
	if e.Message == "" {
		return "portal: " + e.Code
	}
	return fmt.Sprintf("portal: %s: %s", e.Code, e.Message)
}

func (e *Error) Unwrap() error { return e.Err }

// Is makes errors.Is(err, portal.ErrNotRegistered) and the like match by code.
func (e *Error) Is(target error) bool {
	var t *Error
	if errors.As(target, &t) {
		return t.Code == e.Code
	}
	return false
}

// Sentinels to compare with errors.Is.
var (
	ErrUnauthenticated    = &Error{Code: CodeUnauthenticated}
	ErrNotRegistered      = &Error{Code: CodeNotRegistered}
	ErrMigrationRequired  = &Error{Code: CodeMigrationRequired}
	ErrPreconditionFailed = &Error{Code: CodePreconditionFailed}
	ErrNotFound           = &Error{Code: CodeNotFound}
	ErrNoToken            = &Error{Code: CodeNoToken}
	ErrInsecureURL        = &Error{Code: CodeInsecureURL}
)

// Class says what to do about an error.
type Class int

const (
	// Permanent ends the operation with this error.
	Permanent Class = iota
	// Transient is retried later with backoff.
	Transient
	// Account means the whole session is refused (401, 403): nothing can be
	// sent until the user signs in again or is registered; operations wait.
	Account
)

// Classify sorts an error. Anything that isn't a *Error is transient when it
// is a network problem and permanent otherwise.
func Classify(err error) Class {
	var e *Error
	if !errors.As(err, &e) {
		return Permanent
	}
	switch e.Code {
	case CodeInternal:
		// A server fault is worth another try; an answer the app can't use
		// (an unknown 4xx, a redirect, an unreadable success) would only come
		// back the same, so it ends the operation.
		if e.Status == 0 || e.Status >= 500 {
			return Transient
		}
		return Permanent
	case CodeNetwork, CodeRateLimited, CodeUnavailable:
		return Transient
	case CodeUnauthenticated, CodeNotRegistered, CodeMigrationRequired, CodeNoToken:
		return Account
	}
	return Permanent
}

// CodeOf is the stable code of err: its own for a *Error, internal otherwise.
func CodeOf(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return CodeInternal
}

// knownCode turns the server's code into one of ours. An unknown code is
// judged by its HTTP status, so a newer server can't confuse the app.
func knownCode(code string, status int) string {
	if _, ok := serverCodes[code]; ok {
		return code
	}
	switch {
	case status == http.StatusUnauthorized:
		return CodeUnauthenticated
	case status == http.StatusNotFound:
		return CodeNotFound
	case status == http.StatusPreconditionFailed:
		return CodePreconditionFailed
	case status == http.StatusRequestEntityTooLarge:
		return CodePayloadTooLarge
	case status == http.StatusTooManyRequests:
		return CodeRateLimited
	case status == http.StatusRequestTimeout, status == http.StatusBadGateway,
		status == http.StatusServiceUnavailable, status == http.StatusGatewayTimeout:
		return CodeUnavailable
	case status >= 500:
		return CodeInternal
	case status == http.StatusBadRequest:
		return CodeBadRequest
	}
	// Other 4xx (403 without a known code, 409, 422...) are defects or
	// refusals the app can't act on: show them as internal.
	return CodeInternal
}
