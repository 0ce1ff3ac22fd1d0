// Package secrets keeps the few secrets dpgcerts remembers in the operating
// system's keychain (Windows Credential Manager, macOS Keychain, Secret
// Service on Linux): the certificate passwords the user chose to remember and
// the Customer Portal token. Nothing here ever goes to the SQLite store, a log
// or an error message.
package secrets

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sync"
	"unicode/utf8"

	"github.com/zalando/go-keyring"
)

// Service is the keychain service name all entries are filed under.
const Service = "dpgcerts"

// The keychain account ("user") names of our entries.
const (
	passwordsAccount = "passwords"
	tokenPrefix      = "token:"
)

// Limits of the remembered-password list. All passwords live in ONE keychain
// item, so that reading them costs one keychain call (and at most one unlock
// prompt) instead of one per password. Keychains cap the size of an item:
// Windows Credential Manager at 2,560 bytes, macOS at about 3,000 bytes for
// service, account and (base64-encoded) secret together. MaxPasswordsBytes
// keeps the JSON list well below both; MaxPasswords keeps a scan from trying
// an endless list (every candidate costs a key derivation per locked file).
const (
	MaxPasswords      = 50
	MaxPasswordsBytes = 2000
)

var (
	// ErrUnavailable means there is no usable keychain: no Secret Service on
	// this Linux desktop, a locked or refused keychain, or an unsupported
	// platform. Callers degrade: nothing is remembered, nothing is fatal.
	ErrUnavailable = errors.New("no keychain available")
	// ErrTooLong means a single password (or token) is too long to keep in
	// the keychain.
	ErrTooLong = errors.New("secret too long for the keychain")
	// ErrNotUTF8 means a password is not valid UTF-8. PKCS#12 passwords are
	// Unicode text, and the JSON list could not keep such bytes intact.
	ErrNotUTF8 = errors.New("password is not valid UTF-8")
	// ErrCorrupt means our keychain item holds something we cannot decode.
	// The content is not quoted, because it is secret.
	ErrCorrupt = errors.New("keychain item for dpgcerts is damaged")
)

// Available says whether the keychain answers: reading our item finds it or
// finds nothing. The window offers "Remember in keychain" only then.
func Available() bool {
	_, err := keyringGet(Service, passwordsAccount)
	return err == nil || errors.Is(err, keyring.ErrNotFound)
}

// mu serialises read-modify-write of the password list within this process.
var mu sync.Mutex

// RememberPassword adds pw to the remembered passwords, first in the list
// (the most recently remembered is tried first). When the list is full, the
// oldest passwords are dropped. Remembering a known password moves it to the
// front.
func RememberPassword(pw string) error {
	if !utf8.ValidString(pw) {
		return ErrNotUTF8
	}
	if len(mustJSON([]string{pw})) > MaxPasswordsBytes {
		return ErrTooLong
	}
	mu.Lock()
	defer mu.Unlock()
	list, err := load()
	if err != nil {
		return err
	}
	list = slices.DeleteFunc(list, func(s string) bool { return s == pw })
	list = append([]string{pw}, list...)
	// Drop the oldest until the list fits both limits.
	for len(list) > MaxPasswords || len(mustJSON(list)) > MaxPasswordsBytes {
		list = list[:len(list)-1]
	}
	return save(list)
}

// Passwords returns the remembered passwords, most recently remembered
// first. No entry yet is an empty list, not an error.
func Passwords() ([]string, error) {
	mu.Lock()
	defer mu.Unlock()
	return load()
}

// ForgetPassword removes pw from the remembered passwords. Forgetting an
// unknown password is not an error.
func ForgetPassword(pw string) error {
	mu.Lock()
	defer mu.Unlock()
	list, err := load()
	if err != nil {
		return err
	}
	n := len(list)
	list = slices.DeleteFunc(list, func(s string) bool { return s == pw })
	if len(list) == n {
		return nil
	}
	return save(list)
}

// ForgetAll removes every remembered password. The portal token stays.
func ForgetAll() error {
	mu.Lock()
	defer mu.Unlock()
	return del(passwordsAccount)
}

// Token returns the portal token stored for portalURL, or "" if there is none.
func Token(portalURL string) (string, error) {
	v, _, err := get(tokenPrefix + portalURL)
	return v, err
}

// SetToken stores the portal token for portalURL, replacing any earlier one.
func SetToken(portalURL, token string) error {
	return classify(keyringSet(Service, tokenPrefix+portalURL, token))
}

// DeleteToken removes the portal token for portalURL. A missing token is not
// an error.
func DeleteToken(portalURL string) error {
	return del(tokenPrefix + portalURL)
}

func load() ([]string, error) {
	v, found, err := get(passwordsAccount)
	if err != nil {
		return nil, err
	}
	if !found {
		return []string{}, nil
	}
	var list []string
	// The decoder's error would quote the secret text: never pass it on.
	if json.Unmarshal([]byte(v), &list) != nil {
		return nil, ErrCorrupt
	}
	if list == nil {
		list = []string{}
	}
	return list, nil
}

func save(list []string) error {
	if len(list) == 0 {
		return del(passwordsAccount)
	}
	return classify(keyringSet(Service, passwordsAccount, string(mustJSON(list))))
}

// get reads an account's secret; found is false when there is none.
func get(account string) (v string, found bool, err error) {
	v, err = keyringGet(Service, account)
	if errors.Is(err, keyring.ErrNotFound) {
		return "", false, nil
	}
	if err != nil {
		return "", false, classify(err)
	}
	return v, true, nil
}

func del(account string) error {
	err := keyringDelete(Service, account)
	if errors.Is(err, keyring.ErrNotFound) {
		return nil
	}
	return classify(err)
}

// classify maps keyring errors to ours. Anything but "too big" means the
// keychain cannot be used right now. The keyring's own errors (D-Bus,
// Win32, exit statuses) never contain the secret, so they are kept for the log.
func classify(err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, keyring.ErrSetDataTooBig):
		return ErrTooLong
	default:
		return fmt.Errorf("%w: %w", ErrUnavailable, err)
	}
}

// mustJSON encodes a list of strings, which cannot fail.
func mustJSON(list []string) []byte {
	b, err := json.Marshal(list)
	if err != nil {
		panic(err) // unreachable for []string
	}
	return b
}

// calls makes the keychain calls of this process one at a time: the OS
// keychains take them in any order, but go-keyring's test keychain (MockInit)
// is a plain map, and the outbox's workers ask concurrently.
var calls sync.Mutex

func keyringGet(service, user string) (string, error) {
	calls.Lock()
	defer calls.Unlock()
	return keyring.Get(service, user)
}

func keyringSet(service, user, secret string) error {
	calls.Lock()
	defer calls.Unlock()
	return keyring.Set(service, user, secret)
}

func keyringDelete(service, user string) error {
	calls.Lock()
	defer calls.Unlock()
	return keyring.Delete(service, user)
}

// channelPrefix files the team reminders' secrets: the mail server's
// password and the webhook's address (Teams and Slack put a key in it).
const channelPrefix = "reminders:"

// Reminder channel secrets' names.
const (
	SecretWebhookURL = "webhook"
)

// SMTPSecret is the name of the password of user at an SMTP server.
func SMTPSecret(user, host string) string { return "smtp:" + user + "@" + host }

// ChannelSecret returns the reminder channel's secret name, or "" if
// there is none.
func ChannelSecret(name string) (string, error) {
	v, _, err := get(channelPrefix + name)
	return v, err
}

// SetChannelSecret keeps the reminder channel's secret name; "" removes it.
func SetChannelSecret(name, value string) error {
	if value == "" {
		return del(channelPrefix + name)
	}
	return classify(keyringSet(Service, channelPrefix+name, value))
}
