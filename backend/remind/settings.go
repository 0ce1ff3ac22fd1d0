package remind

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"net/mail"
	"slices"
	"strings"
	"time"

	"dpgcerts/backend/errs"
	"dpgcerts/backend/i18n"
)

// Settings are the team's reminder channels. The window keeps them in the
// cache (SettingsKey); a server reads the same keys from its config file
// (--config, TOML). Secrets are not here: the mail server's password and
// the webhook's address live in the keychain or in secret files.
type Settings struct {
	Email   EmailSettings   `json:"email" toml:"email"`
	Webhook WebhookSettings `json:"webhook" toml:"webhook"`
	// LeadDays: the days before an integration stops that the team is
	// told (DefaultLeadDays when empty).
	LeadDays []int `json:"leadDays" toml:"lead_days"`
	// Digest: a weekly message with every integration's state.
	Digest bool `json:"digest" toml:"digest"`
	// Contacts: an integration's id, kind or name -> an address told
	// about that integration besides the team.
	Contacts map[string]string `json:"contacts" toml:"contacts"`
}

// EmailSettings are the mail channel's.
type EmailSettings struct {
	// SMTP: smtp://[user@]host[:587] (STARTTLS) or smtps://[user@]host[:465].
	SMTP string   `json:"smtp" toml:"smtp"`
	From string   `json:"from" toml:"from"`
	To   []string `json:"to" toml:"to"`
	// Lang of the messages, da or en ("" is the app's language).
	Lang string `json:"lang" toml:"lang"`
}

// WebhookSettings are the webhook's. Its address is a secret (Teams and
// Slack put a key in it): the window keeps it in the keychain, and
// HasURL says that it did.
type WebhookSettings struct {
	URL    string `json:"url,omitempty" toml:"url"`
	Format string `json:"format" toml:"format"`
	HasURL bool   `json:"hasUrl,omitempty" toml:"-"`
}

// EmailOn says whether the mail channel is set up.
func (s Settings) EmailOn() bool { return s.Email.SMTP != "" && len(s.Email.To) > 0 }

// WebhookOn says whether the webhook is set up (its address may be in the keychain).
func (s Settings) WebhookOn() bool { return s.Webhook.URL != "" || s.Webhook.HasURL }

// Leads are the lead times in effect.
func (s Settings) Leads() []int {
	if len(s.LeadDays) == 0 {
		return DefaultLeadDays
	}
	return s.LeadDays
}

// Check validates the settings that don't need a connection: addresses,
// the language, lead times, the webhook's format.
func (s Settings) Check() error {
	bad := func(format string, a ...any) error { return errs.Newf(errs.InvalidSetting, format, a...) }
	if s.Email.From != "" {
		if _, err := mail.ParseAddress(s.Email.From); err != nil {
			return bad("the sender %q is not an e-mail address", s.Email.From)
		}
	}
	for _, to := range s.Email.To {
		if _, err := mail.ParseAddress(to); err != nil {
			return bad("%q is not an e-mail address", to)
		}
	}
	for k, to := range s.Contacts {
		if _, err := mail.ParseAddress(to); to != "" && err != nil {
			return bad("the contact of %s, %q, is not an e-mail address", k, to)
		}
	}
	if s.Email.Lang != "" && i18n.Normalize(s.Email.Lang) == "" {
		return bad("the language must be da or en, not %q", s.Email.Lang)
	}
	if s.EmailOn() && s.Email.From == "" {
		return bad("the mail needs a sender (from)")
	}
	if !s.EmailOn() && slices.ContainsFunc(slices.Collect(maps.Values(s.Contacts)), func(v string) bool { return strings.TrimSpace(v) != "" }) {
		// They are told by the team's mail channel: without it, by no one.
		return bad("contacts are told by e-mail: the mail needs a server and the team's addresses too")
	}
	for _, d := range s.LeadDays {
		if d < 0 || d > 365 {
			return bad("a lead time must be from 0 to 365 days, not %d", d)
		}
	}
	if s.Webhook.Format != "" && !slices.Contains([]string{"teams", "slack", "json"}, s.Webhook.Format) {
		return bad("the webhook format must be teams, slack or json, not %q", s.Webhook.Format)
	}
	return nil
}

// SplitAddresses reads "a@x, b@y; c@z" as a list.
func SplitAddresses(s string) []string {
	var out []string
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ';' || r == '\n' }) {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}

// SettingsKey is where the window keeps Settings in the cache, as JSON.
const SettingsKey = "team_reminders"

// RawStore reads and writes a raw setting (backend/store.Store).
type RawStore interface {
	Get(ctx context.Context, key string) (string, bool, error)
	Set(ctx context.Context, key, value string) error
}

// LoadSettings reads the saved settings; none saved is the zero value.
func LoadSettings(ctx context.Context, st RawStore) (Settings, error) {
	var s Settings
	raw, ok, err := st.Get(ctx, SettingsKey)
	if err != nil || !ok {
		return s, err
	}
	if err := json.Unmarshal([]byte(raw), &s); err != nil {
		return Settings{}, fmt.Errorf("the saved reminder settings are damaged: %w", err)
	}
	return s, nil
}

// SaveSettings keeps s, without the webhook's address (a secret).
func SaveSettings(ctx context.Context, st RawStore, s Settings) error {
	if err := s.Check(); err != nil {
		return err
	}
	s.Webhook.HasURL = s.WebhookOn()
	s.Webhook.URL = ""
	b, err := json.Marshal(s)
	if err != nil {
		return err
	}
	return st.Set(ctx, SettingsKey, string(b))
}

// LastRunKey is where `dpgcerts check` notes its last run in the cache,
// for the window to show ("The daily check has not run since ...").
const LastRunKey = "check_last_run"

// LastRun is what the last `dpgcerts check` did.
type LastRun struct {
	At time.Time `json:"at"`
	// Exit is its exit status; OK says it read the state and every
	// channel that had something to send sent it.
	Exit int  `json:"exit"`
	OK   bool `json:"ok"`
	// Sent counts the messages the channels sent.
	Sent   int            `json:"sent"`
	Errors []LastRunError `json:"errors,omitempty"`
}

// LastRunError is one failure of the run: the channel ("" for the check
// itself), its code (errors.<code>) and the English detail.
type LastRunError struct {
	Channel string `json:"channel,omitempty"`
	Code    string `json:"code"`
	Message string `json:"message,omitempty"`
}

// SaveLastRun notes r.
func SaveLastRun(ctx context.Context, st RawStore, r LastRun) error {
	b, err := json.Marshal(r)
	if err != nil {
		return err
	}
	return st.Set(ctx, LastRunKey, string(b))
}

// LoadLastRun reads the last run; ok is false when check never ran.
func LoadLastRun(ctx context.Context, st RawStore) (r LastRun, ok bool, err error) {
	raw, ok, err := st.Get(ctx, LastRunKey)
	if err != nil || !ok {
		return r, false, err
	}
	if err := json.Unmarshal([]byte(raw), &r); err != nil {
		return LastRun{}, false, nil
	}
	return r, true, nil
}
