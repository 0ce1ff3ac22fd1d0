package config

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"runtime"
	"strings"
	"time"

	"github.com/BurntSushi/toml"

	"dpgcerts/backend/errs"
	"dpgcerts/backend/remind"
	"dpgcerts/backend/secrets"
)

// File is a server's settings for `dpgcerts check --config FILE`, in TOML.
// Its keys are the window's settings' (portal_url, language, warn_days,
// and the Reminders dialog's under [reminders]); flags override them.
// Secrets are not written here but in files named here (mode 600), or in
// $CREDENTIALS_DIRECTORY.
type File struct {
	PortalURL    string   `toml:"portal_url"`
	DB           string   `toml:"db"`
	Language     string   `toml:"language"`
	WarnDays     int      `toml:"warn_days"`
	CriticalDays *int     `toml:"critical_days"`
	MaxAge       Duration `toml:"max_age"`
	// TokenFile holds the portal's access token.
	TokenFile string    `toml:"token_file"`
	Reminders *FileTeam `toml:"reminders"`
}

// FileTeam is [reminders]: remind.Settings and where their secrets are.
type FileTeam struct {
	LeadDays []int             `toml:"lead_days"`
	Digest   bool              `toml:"digest"`
	Contacts map[string]string `toml:"contacts"`
	Email    FileEmail         `toml:"email"`
	Webhook  FileWebhook       `toml:"webhook"`
}

// FileEmail is [reminders.email]: the password is in PasswordFile.
type FileEmail struct {
	remind.EmailSettings
	PasswordFile string `toml:"password_file"`
}

// FileWebhook is [reminders.webhook]: the address, or the file it is in.
type FileWebhook struct {
	remind.WebhookSettings
	URLFile string `toml:"url_file"`
}

// Team is the settings of [reminders] (the webhook's address read from
// its file, when named).
func (f FileTeam) Team() (remind.Settings, error) {
	s := remind.Settings{LeadDays: f.LeadDays, Digest: f.Digest, Contacts: f.Contacts}
	s.Email = f.Email.EmailSettings
	s.Webhook = f.Webhook.WebhookSettings
	if s.Webhook.URL == "" && s.Webhook.Format != "" {
		// The address is a secret: $CREDENTIALS_DIRECTORY/webhook-url or
		// the keychain holds it.
		s.Webhook.HasURL = true
	}
	if f.Webhook.URLFile != "" {
		u, err := secrets.ReadFile(f.Webhook.URLFile)
		if err != nil {
			return s, err
		}
		s.Webhook.URL = u
	}
	return s, s.Check()
}

// Duration is a time.Duration written as "48h".
type Duration struct{ time.Duration }

// UnmarshalText reads "48h", "90m".
func (d *Duration) UnmarshalText(b []byte) error {
	v, err := time.ParseDuration(string(b))
	if err != nil {
		return fmt.Errorf("%q is not a duration such as 48h", b)
	}
	d.Duration = v
	return nil
}

// LoadFile reads a config file. Unknown keys are an error (a typo must not
// pass as a setting). A file that holds a webhook address (a secret) is
// refused, on Unix, when others can read it.
func LoadFile(path string) (File, error) {
	var f File
	b, err := os.ReadFile(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return f, errs.Newf(errs.FileNotFound, "the config file %s does not exist", path)
		}
		return f, errs.Newf(errs.PermissionDenied, "the config file %s can't be read: %v", path, errors.Unwrap(err))
	}
	md, err := toml.NewDecoder(bytes.NewReader(b)).Decode(&f)
	if err != nil {
		return f, errs.Newf(errs.InvalidSetting, "the config file %s: %v", path, err)
	}
	if und := md.Undecoded(); len(und) > 0 {
		keys := make([]string, len(und))
		for i, k := range und {
			keys[i] = k.String()
		}
		return f, errs.Newf(errs.InvalidSetting, "the config file %s has unknown keys: %s", path, strings.Join(keys, ", "))
	}
	if f.Reminders != nil && f.Reminders.Webhook.URL != "" && runtime.GOOS != "windows" {
		if info, err := os.Stat(path); err == nil && info.Mode().Perm()&0o077 != 0 {
			return f, errs.Newf(errs.SecretFileOpen, "the config file %s holds the webhook's address (a secret) and others can read it: chmod 600 it, or use url_file", path)
		}
	}
	return f, nil
}
