package portal

import "dpgcerts/backend/secrets"

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
