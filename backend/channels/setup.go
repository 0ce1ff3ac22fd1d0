package channels

import (
	"context"
	"crypto/tls"
	"net"
	"net/http"
	"time"

	"dpgcerts/backend/errs"
	"dpgcerts/backend/i18n"
	"dpgcerts/backend/remind"
	"dpgcerts/backend/schedule"
	"dpgcerts/backend/secrets"
	"dpgcerts/backend/store"
)

// Options are the doors of the channels to the world, which tests replace.
type Options struct {
	TLS   *tls.Config
	Dial  func(ctx context.Context, network, addr string) (net.Conn, error)
	HTTP  *http.Client
	Sleep func(ctx context.Context, d time.Duration) error
	Now   func() time.Time
	Loc   *time.Location
}

// NewEmail is the team's mail channel of s, with the user's password.
func NewEmail(s remind.Settings, password string, o Options) (Email, error) {
	server, err := ParseSMTP(s.Email.SMTP)
	if err != nil {
		return Email{}, err
	}
	e := Email{Server: server, Password: password, From: s.Email.From, To: s.Email.To, TLS: o.TLS, Dial: o.Dial,
		Now: o.Now, Loc: o.Loc, AlarmDays: s.Leads()}
	return e, e.Validate()
}

// NewWebhook is the webhook channel of s at url.
func NewWebhook(s remind.Settings, url string, o Options) (Webhook, error) {
	format := s.Webhook.Format
	if format == "" {
		format = "teams"
	}
	w := Webhook{URL: url, Format: format, Client: o.HTTP, Sleep: o.Sleep, Loc: o.Loc}
	return w, w.Validate()
}

// Setup is the Reminders dialog's team channels: the settings in the
// cache, the mail password and the webhook's address in the keychain,
// and the last run of the scheduled check.
type Setup struct {
	St       *store.Store
	Keychain bool
	Now      func() time.Time
	Options  Options
}

// View is what the dialog shows.
type View struct {
	Settings remind.Settings `json:"settings"`
	// HasPassword: a password for the mail server's user is kept.
	HasPassword bool `json:"hasPassword"`
	// Keychain: secrets can be kept on this computer.
	Keychain bool `json:"keychain"`
	// LastRun is the scheduled check's last run (nil: it never ran);
	// Stale says it is more than two days old, or failed, or that the
	// check never ran though it has been on for more than two days
	// (OnSince, when it was registered).
	LastRun *remind.LastRun `json:"lastRun"`
	Stale   bool            `json:"stale"`
	OnSince *time.Time      `json:"onSince,omitempty"`
}

// Input is the dialog's form. An empty Password or WebhookURL keeps the
// one kept; ClearWebhook removes the webhook.
type Input struct {
	Settings     remind.Settings `json:"settings"`
	Password     string          `json:"password"`
	WebhookURL   string          `json:"webhookUrl"`
	ClearWebhook bool            `json:"clearWebhook"`
}

// StaleAfter is how old the last run may be before the window warns.
const StaleAfter = 48 * time.Hour

// Load is the view of the saved settings.
func (s Setup) Load(ctx context.Context) (View, error) {
	set, err := remind.LoadSettings(ctx, s.St)
	if err != nil {
		return View{}, err
	}
	if set.Email.To == nil {
		set.Email.To = []string{} // a list, also when empty, for the window
	}
	v := View{Settings: set, Keychain: s.Keychain}
	if server, err := ParseSMTP(set.Email.SMTP); err == nil && server.User != "" && s.Keychain {
		pw, _ := secrets.ChannelSecret(secrets.SMTPSecret(server.User, server.Host))
		v.HasPassword = pw != ""
	}
	if last, ok, err := remind.LoadLastRun(ctx, s.St); err == nil && ok {
		v.LastRun = &last
		v.Stale = !last.OK || s.Now().Sub(last.At) > StaleAfter
	} else if since, ok := schedule.OnSince(ctx, s.St); ok {
		v.OnSince = &since
		v.Stale = s.Now().Sub(since) > StaleAfter
	}
	return v, nil
}

// Save keeps in's settings, and its secrets in the keychain.
func (s Setup) Save(ctx context.Context, in Input) (View, error) {
	set := in.Settings
	if err := set.Check(); err != nil {
		return View{}, err
	}
	if set.Email.SMTP != "" {
		server, err := ParseSMTP(set.Email.SMTP)
		if err != nil {
			return View{}, err
		}
		if in.Password != "" {
			if server.User == "" {
				return View{}, errs.New(errs.InvalidSetting, "a password needs a user in the server's address (smtp://user@host)")
			}
			if err := s.keep(secrets.SMTPSecret(server.User, server.Host), in.Password); err != nil {
				return View{}, err
			}
		}
	}
	switch {
	case in.ClearWebhook:
		if s.Keychain {
			_ = secrets.SetChannelSecret(secrets.SecretWebhookURL, "")
		}
		set.Webhook = remind.WebhookSettings{Format: set.Webhook.Format}
	case in.WebhookURL != "":
		if err := CheckWebhookURL(in.WebhookURL); err != nil {
			return View{}, err
		}
		if err := s.keep(secrets.SecretWebhookURL, in.WebhookURL); err != nil {
			return View{}, err
		}
		set.Webhook.HasURL = true
	}
	set.Webhook.URL = ""
	if err := remind.SaveSettings(ctx, s.St, set); err != nil {
		return View{}, err
	}
	return s.Load(ctx)
}

func (s Setup) keep(name, secret string) error {
	if !s.Keychain {
		return errs.New(errs.KeychainUnavailable, "no keychain to keep the secret in")
	}
	if err := secrets.SetChannelSecret(name, secret); err != nil {
		return errs.New(errs.KeychainUnavailable, "the keychain did not keep the secret")
	}
	return nil
}

// TestResult is what "Send a test message" did, in words for people.
type TestResult struct {
	OK bool `json:"ok"`
	// Where it went: the mail server's or the webhook's host.
	Where string `json:"where"`
	// Text says the outcome in the language asked for; Error is the
	// failure (its code, and the server's answer in Message).
	Text  string      `json:"text"`
	Error *errs.Error `json:"error,omitempty"`
}

// Test sends a test message through channel ("email" or "webhook") with
// the form's settings (the kept secrets when none are typed).
func (s Setup) Test(ctx context.Context, channel string, in Input, lang string) TestResult {
	var ch remind.Channel
	var err error
	switch channel {
	case "email":
		password := in.Password
		if server, perr := ParseSMTP(in.Settings.Email.SMTP); perr == nil && password == "" && server.User != "" && s.Keychain {
			password, _ = secrets.ChannelSecret(secrets.SMTPSecret(server.User, server.Host))
		}
		ch, err = NewEmail(in.Settings, password, s.Options)
	case "webhook":
		url := in.WebhookURL
		if url == "" && s.Keychain {
			url, _ = secrets.ChannelSecret(secrets.SecretWebhookURL)
		}
		ch, err = NewWebhook(in.Settings, url, s.Options)
	default:
		err = errs.Newf(errs.InvalidSetting, "no channel %q", channel)
	}
	msgLang := lang
	if l := i18n.Normalize(in.Settings.Email.Lang); l != "" {
		msgLang = l
	}
	if err == nil {
		err = ch.Send(ctx, remind.ComposeTest(msgLang))
	}
	if err != nil {
		shown := errs.Shown(err)
		where := ""
		if ch != nil {
			where = ch.Where()
		}
		// A test is no reminder: not "sent again on the next run".
		msg := i18n.T(lang, "errors."+shown.Code)
		if k := "reminders.test.errors." + shown.Code; i18n.T(lang, k) != k {
			msg = i18n.T(lang, k)
		}
		return TestResult{Where: where, Error: &shown,
			Text: i18n.Format(lang, "reminders.test.failed", map[string]any{"error": msg, "detail": shown.Message})}
	}
	return TestResult{OK: true, Where: ch.Where(), Text: i18n.Format(lang, "reminders.test.delivered", map[string]any{"where": ch.Where()})}
}
