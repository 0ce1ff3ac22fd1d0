package portal

import (
	"math/rand/v2"
	"time"

	"github.com/google/uuid"

	"dpgcerts/backend/secrets"
)

// Keychain keeps the password of a pending install while it waits, under an
// entry for that operation. SystemKeychain is the OS keychain; NoKeychain
// is for machines without one (DPGCERTS_KEYCHAIN=off, headless servers):
// passwords then live in the process's memory only.
type Keychain interface {
	SetOperationPassword(key, password string) error
	OperationPassword(key string) (password string, ok bool, err error)
	DeleteOperationPassword(key string) error
}

type systemKeychain struct{}

func (systemKeychain) SetOperationPassword(key, pw string) error {
	return secrets.SetOperationPassword(key, pw)
}
func (systemKeychain) OperationPassword(key string) (string, bool, error) {
	return secrets.OperationPassword(key)
}
func (systemKeychain) DeleteOperationPassword(key string) error {
	return secrets.DeleteOperationPassword(key)
}

type noKeychain struct{}

func (noKeychain) SetOperationPassword(string, string) error { return secrets.ErrUnavailable }
func (noKeychain) OperationPassword(string) (string, bool, error) {
	return "", false, secrets.ErrUnavailable
}
func (noKeychain) DeleteOperationPassword(string) error { return secrets.ErrUnavailable }

// SystemKeychain is the OS keychain (backend/secrets).
func SystemKeychain() Keychain { return systemKeychain{} }

// NoKeychain keeps nothing.
func NoKeychain() Keychain { return noKeychain{} }

// Backoff is capped exponential backoff with jitter.
type Backoff struct {
	// Base is the first delay, Max the cap.
	Base, Max time.Duration
}

// DefaultBackoff is the app's: 1 s, 2 s, 4 s... up to 5 minutes.
var DefaultBackoff = Backoff{Base: time.Second, Max: 5 * time.Minute}

// maxRetryAfter bounds how long a server may ask us to wait.
const maxRetryAfter = time.Hour

// Delay is the wait before attempt number attempts+1, after attempts
// failures: Base·2^(attempts-1) capped at Max, of which a random half is
// taken off ("equal jitter"), so clients that failed together don't come
// back together. A server's Retry-After is a lower bound.
func (b Backoff) Delay(attempts int, retryAfter time.Duration) time.Duration {
	if b.Base <= 0 {
		b = DefaultBackoff
	}
	if b.Max < b.Base {
		b.Max = b.Base
	}
	d := b.Base
	for i := 1; i < attempts && d < b.Max; i++ {
		d *= 2
	}
	d = min(d, b.Max)
	d = d/2 + time.Duration(rand.Int64N(int64(d/2)+1))
	if retryAfter > d {
		d = min(retryAfter, maxRetryAfter)
	}
	return d
}

func newKey() string { return uuid.NewString() }
