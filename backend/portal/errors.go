package portal

import (
	"errors"
	"fmt"
	"net/http"
	"time"

	"dpgcerts/backend/errs"
)

// serverCodes maps every code the server may send to its HTTP status.
var serverCodes = map[string]int{
	errs.BadRequest:             http.StatusBadRequest,
	errs.PayloadTooLarge:        http.StatusRequestEntityTooLarge,
	errs.Unauthenticated:        http.StatusUnauthorized,
	errs.NotRegistered:          http.StatusForbidden,
	errs.MigrationRequired:      http.StatusForbidden,
	errs.InvalidPKCS12:          http.StatusUnprocessableEntity,
	errs.WrongPassword:          http.StatusUnprocessableEntity,
	errs.NoPrivateKey:           http.StatusUnprocessableEntity,
	errs.CertificateExpired:     http.StatusUnprocessableEntity,
	errs.CertificateNotYetValid: http.StatusUnprocessableEntity,
	errs.CVRMismatch:            http.StatusUnprocessableEntity,
	errs.NotFound:               http.StatusNotFound,
	errs.PreconditionFailed:     http.StatusPreconditionFailed,
	errs.RateLimited:            http.StatusTooManyRequests,
	errs.Internal:               http.StatusInternalServerError,
	errs.Unavailable:            http.StatusServiceUnavailable,
}

// StatusOf is the HTTP status that goes with a server code, 500 for any other.
func StatusOf(code string) int {
	if s, ok := serverCodes[code]; ok {
		return s
	}
	return http.StatusInternalServerError
}

// answer is what an error answer said besides its code: its HTTP status and
// its Retry-After. It is the cause (Err) of the portal's *errs.Error.
type answer struct {
	status     int
	retryAfter time.Duration
}

func (a *answer) Error() string { return fmt.Sprintf("HTTP %d", a.status) }

// statusOf is the HTTP status of a portal error, 0 when there was no answer.
func statusOf(err error) int {
	var a *answer
	if errors.As(err, &a) {
		return a.status
	}
	return 0
}

// RetryAfterOf is the server's Retry-After, 0 when it gave none.
func RetryAfterOf(err error) time.Duration {
	var a *answer
	if errors.As(err, &a) {
		return a.retryAfter
	}
	return 0
}

// Sentinels to compare with errors.Is.
var (
	ErrUnauthenticated    = &errs.Error{Code: errs.Unauthenticated}
	ErrNotRegistered      = &errs.Error{Code: errs.NotRegistered}
	ErrMigrationRequired  = &errs.Error{Code: errs.MigrationRequired}
	ErrPreconditionFailed = &errs.Error{Code: errs.PreconditionFailed}
	ErrNotFound           = &errs.Error{Code: errs.NotFound}
	ErrNoToken            = &errs.Error{Code: errs.NoToken}
	ErrInsecureURL        = &errs.Error{Code: errs.InsecureURL}
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

// Classify sorts an error. Anything that isn't a *errs.Error is transient when it
// is a network problem and permanent otherwise.
func Classify(err error) Class {
	var e *errs.Error
	if !errors.As(err, &e) {
		return Permanent
	}
	switch e.Code {
	case errs.Internal:
		// A server fault is worth another try; an answer the app can't use
		// (an unknown 4xx, a redirect, an unreadable success) would only come
		// back the same, so it ends the operation.
		if s := statusOf(err); s == 0 || s >= 500 {
			return Transient
		}
		return Permanent
	case errs.Network, errs.RateLimited, errs.Unavailable:
		return Transient
	case errs.Unauthenticated, errs.NotRegistered, errs.MigrationRequired, errs.NoToken:
		return Account
	}
	return Permanent
}

// knownCode turns the server's code into one of ours. An unknown code is
// judged by its HTTP status, so a newer server can't confuse the app.
func knownCode(code string, status int) string {
	if _, ok := serverCodes[code]; ok {
		return code
	}
	switch {
	case status == http.StatusUnauthorized:
		return errs.Unauthenticated
	case status == http.StatusNotFound:
		return errs.NotFound
	case status == http.StatusPreconditionFailed:
		return errs.PreconditionFailed
	case status == http.StatusRequestEntityTooLarge:
		return errs.PayloadTooLarge
	case status == http.StatusTooManyRequests:
		return errs.RateLimited
	case status == http.StatusRequestTimeout, status == http.StatusBadGateway,
		status == http.StatusServiceUnavailable, status == http.StatusGatewayTimeout:
		return errs.Unavailable
	case status >= 500:
		return errs.Internal
	case status == http.StatusBadRequest:
		return errs.BadRequest
	}
	// Other 4xx (403 without a known code, 409, 422...) are defects or
	// refusals the app can't act on: show them as internal.
	return errs.Internal
}
