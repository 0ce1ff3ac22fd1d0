package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"dpgcerts/backend/certs"
)

// IntSetting is a whole-number setting. The default and the range live in
// code, so a missing, damaged or out-of-range value never reaches a caller.
type IntSetting struct {
	Key      string
	Default  int
	Min, Max int
}

// Clamp brings v into the setting's range.
func (s IntSetting) Clamp(v int) int { return min(max(v, s.Min), s.Max) }

// StringSetting is a text setting; when Allowed is set, any other value
// reads as Default.
type StringSetting struct {
	Key     string
	Default string
	Allowed []string
}

// Valid says whether v may be stored.
func (s StringSetting) Valid(v string) bool {
	return len(s.Allowed) == 0 || slices.Contains(s.Allowed, v)
}

// WarnDays is the warning window before expiry, in days.
var WarnDays = IntSetting{Key: "warn_days", Default: certs.DefaultWarnDays, Min: 1, Max: 365}

// Get returns the raw value of key; ok is false when it is not set.
func (s *Store) Get(ctx context.Context, key string) (value string, ok bool, err error) {
	err = s.db.QueryRowContext(ctx, `SELECT value FROM settings WHERE key = ?`, key).Scan(&value)
	if errors.Is(err, sql.ErrNoRows) {
		return "", false, nil
	}
	if err != nil {
		return "", false, fmt.Errorf("store: get setting %s: %w", key, err)
	}
	return value, true, nil
}

// Set stores the raw value of key. Keys that look like they would hold a
// secret are refused: secrets belong in the keychain (backend/secrets).
func (s *Store) Set(ctx context.Context, key, value string) error {
	if key == "" {
		return errors.New("store: empty setting key")
	}
	lk := strings.ToLower(key)
	for _, word := range []string{"password", "passphrase", "token", "secret", "private"} {
		if strings.Contains(lk, word) {
			return fmt.Errorf("store: setting %q looks like a secret; use the keychain", key)
		}
	}
	if _, err := s.db.ExecContext(ctx,
		`INSERT INTO settings (key, value) VALUES (?, ?)
		 ON CONFLICT (key) DO UPDATE SET value = excluded.value`, key, value); err != nil {
		return fmt.Errorf("store: set setting %s: %w", key, err)
	}
	return nil
}

// Int reads an integer setting: the default when unset or unparsable,
// clamped into range otherwise. On a database error it returns the default
// along with the error, so callers may carry on.
func (s *Store) Int(ctx context.Context, set IntSetting) (int, error) {
	raw, ok, err := s.Get(ctx, set.Key)
	if err != nil || !ok {
		return set.Default, err
	}
	v, err := strconv.Atoi(strings.TrimSpace(raw))
	if err != nil {
		return set.Default, nil
	}
	return set.Clamp(v), nil
}

// SetInt stores v clamped into range and returns the value stored.
func (s *Store) SetInt(ctx context.Context, set IntSetting, v int) (int, error) {
	v = set.Clamp(v)
	return v, s.Set(ctx, set.Key, strconv.Itoa(v))
}

// String reads a text setting: the default when unset or not allowed.
func (s *Store) String(ctx context.Context, set StringSetting) (string, error) {
	raw, ok, err := s.Get(ctx, set.Key)
	if err != nil || !ok || !set.Valid(raw) {
		return set.Default, err
	}
	return raw, nil
}

// SetString stores v if it is allowed.
func (s *Store) SetString(ctx context.Context, set StringSetting, v string) error {
	if !set.Valid(v) {
		return fmt.Errorf("store: %q is not a valid value for %s", v, set.Key)
	}
	return s.Set(ctx, set.Key, v)
}
