package secrets

import (
	"errors"
	"unicode/utf8"
)

// operationPrefix names the keychain entries that hold the password of a
// pending portal install, one per operation, keyed by the operation's
// idempotency key. The entry lives only as long as the install is pending.
const operationPrefix = "operation:"

// MaxOperationPasswordBytes keeps an operation password well inside every
// keychain's item limit (see MaxPasswordsBytes).
const MaxOperationPasswordBytes = 1024

// SetOperationPassword keeps the password of the pending operation key.
// ErrUnavailable means there is no keychain: the operation then waits for
// the password to be given again after a restart.
func SetOperationPassword(key, password string) error {
	if key == "" {
		return errors.New("secrets: empty operation key")
	}
	if !utf8.ValidString(password) {
		return ErrNotUTF8
	}
	if len(password) > MaxOperationPasswordBytes {
		return ErrTooLong
	}
	return classify(keyringSet(Service, operationPrefix+key, password))
}

// OperationPassword returns the password kept for the operation key; ok is
// false when there is none.
func OperationPassword(key string) (password string, ok bool, err error) {
	return get(operationPrefix + key)
}

// DeleteOperationPassword removes the entry of the operation key. A missing
// entry is not an error.
func DeleteOperationPassword(key string) error {
	return del(operationPrefix + key)
}
