package config

import (
	"os"
	"path/filepath"
	"slices"
	"testing"

	"dpgcerts/backend/errs"
)

func TestLoadFile(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "dpgcerts.toml")
	os.WriteFile(p, []byte(`portal_url = "https://portal.example"
warn_days = 20
critical_days = 0
max_age = "72h"
[reminders]
lead_days = [30, 7]
[reminders.email]
smtp = "smtps://dpg@mail.kommune.dk"
from = "dpg@kommune.dk"
to = ["team@kommune.dk"]
password_file = "/etc/dpgcerts/smtp-password"
[reminders.webhook]
format = "slack"
[reminders.contacts]
exchange_online = "m365@kommune.dk"
`), 0o644)
	f, err := LoadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	if f.PortalURL != "https://portal.example" || f.WarnDays != 20 || f.CriticalDays == nil || *f.CriticalDays != 0 || f.MaxAge.Hours() != 72 {
		t.Fatalf("%+v", f)
	}
	s, err := f.Reminders.Team()
	if err != nil || !slices.Equal(s.LeadDays, []int{30, 7}) || s.Email.SMTP != "smtps://dpg@mail.kommune.dk" ||
		f.Reminders.Email.PasswordFile != "/etc/dpgcerts/smtp-password" || s.Contacts["exchange_online"] != "m365@kommune.dk" {
		t.Fatalf("%+v %v", s, err)
	}
	// The webhook's address comes from the credentials or the keychain.
	if !s.WebhookOn() || s.Webhook.URL != "" {
		t.Fatalf("webhook %+v", s.Webhook)
	}
	os.WriteFile(p, []byte("warn_dayz = 3\n"), 0o600)
	if _, err := LoadFile(p); errs.Code(err) != errs.InvalidSetting {
		t.Fatalf("typo: %v", err)
	}
	if _, err := LoadFile(filepath.Join(dir, "none.toml")); errs.Code(err) != errs.FileNotFound {
		t.Fatalf("missing: %v", err)
	}
}
