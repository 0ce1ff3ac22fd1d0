package remind

import (
	"slices"
	"strings"
	"testing"
	"time"

	"dpgcerts/backend/errs"
	"dpgcerts/backend/i18n"
	"dpgcerts/backend/overview"
)

func TestLeadStep(t *testing.T) {
	for _, tt := range []struct {
		days    int
		stopped bool
		step    string
		ok      bool
	}{
		{120, false, "", false}, {90, false, "90", true}, {31, false, "90", true}, {30, false, "30", true},
		{8, false, "14", true}, {5, false, "7", true}, {2, false, "3", true}, {1, false, "1", true},
		{0, false, "0", true}, {-1, false, "stopped:2026-12-06", true}, {40, true, "stopped:2026-12-06", true},
	} {
		step, ok := LeadStep(tt.days, tt.stopped, DefaultLeadDays, "2026-12-06")
		if step != tt.step || ok != tt.ok {
			t.Errorf("%d days (stopped %v): %q %v, want %q %v", tt.days, tt.stopped, step, ok, tt.step, tt.ok)
		}
	}
}

func TestParseLeadDays(t *testing.T) {
	got, err := ParseLeadDays(" 7, 30,0,30 ,90")
	if err != nil || !slices.Equal(got, []int{90, 30, 7, 0}) {
		t.Errorf("%v %v", got, err)
	}
	for _, bad := range []string{"", "x", "-1", "400", "7,,x"} {
		if _, err := ParseLeadDays(bad); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
}

// TestComposeTeam: the most urgent first in the subject, with the count
// of the rest; each item says what stops and what to do, in both languages.
func TestComposeTeam(t *testing.T) {
	at := time.Date(2026, 12, 8, 14, 30, 0, 0, time.UTC)
	items := []Item{
		{IntegrationID: "a", Kind: "exchange_online", Name: "contoso.onmicrosoft.com", State: overview.StateExpired, Certificate: "exo",
			SHA1: "ab", NotAfter: at.AddDate(0, 0, -3), DaysLeft: -3, NextStep: overview.StepRegisterEntra, Successor: "exo-2027"},
		{IntegrationID: "b", Kind: "digital_post", Name: "NgDP", State: overview.StateExpiring, Certificate: "dp", SHA1: "cd",
			NotAfter: at, DaysLeft: 2, NextStep: overview.StepRenew},
	}
	en := ComposeTeam("en", items, time.UTC)
	if en.Subject != "[DPG] Exchange Online (contoso.onmicrosoft.com) has stopped (5 Dec 2026), and 1 more" {
		t.Errorf("subject %q", en.Subject)
	}
	for _, want := range []string{"Stopped: 5 Dec 2026 at 14:30, 3 days ago", "register the renewal exo-2027 in Entra ID", "app registration in Entra ID",
		"Stops: 8 Dec 2026 at 14:30, in 2 days", "sending and fetching Digital Post", "SHA-1 thumbprint CD"} {
		if !strings.Contains(en.Text, want) || !strings.Contains(en.HTML, want) {
			t.Errorf("en lacks %q:\n%s", want, en.Text)
		}
	}
	da := ComposeTeam("da", items[1:], time.UTC)
	if da.Subject != "[DPG] Digital Post (NgDP) stopper om 2 dage (8. dec. 2026)" || !strings.Contains(da.Text, "Stopper: 8. dec. 2026 kl. 14:30, om 2 dage") {
		t.Errorf("da: %q\n%s", da.Subject, da.Text)
	}
}

// TestEveryStepIsWorded: each next step the overview can give has its
// words in the desktop reminder and in the team's message, in both
// languages, so a new step can't reach the team as a raw key.
func TestEveryStepIsWorded(t *testing.T) {
	steps := []overview.Step{overview.StepActivate, overview.StepInstallAndActivate, overview.StepRegisterEntra,
		overview.StepRenew, overview.StepWait, overview.StepFix}
	for _, lang := range []string{"en", "da"} {
		for _, s := range steps {
			for _, key := range []string{"remind.step." + string(s), "teamMail.next." + string(s)} {
				if got := i18n.T(lang, key); got == key || got == "" {
					t.Errorf("%s: no text for %s", lang, key)
				}
			}
		}
	}
}

// TestIntegrationName: by kind and name, without saying the kind twice.
func TestIntegrationName(t *testing.T) {
	for _, tt := range []struct{ lang, kind, name, want string }{
		{"en", "secure_mail", "sikkerpost@kommune.dk", "Secure mail (sikkerpost@kommune.dk)"},
		{"en", "digital_post", "Digital Post (NgDP)", "Digital Post (NgDP)"},
		{"en", "digital_post", "NgDP", "Digital Post (NgDP)"},
		{"en", "mit_dk", "mit.dk", "mit.dk"},
		{"en", "exchange_online", "", "Exchange Online"},
		{"en", "other_kind", "x", "other_kind (x)"},
	} {
		if got := IntegrationName(tt.lang, tt.kind, tt.name); got != tt.want {
			t.Errorf("%s %q: %q, want %q", tt.kind, tt.name, got, tt.want)
		}
	}
}

// TestSettingsContactsNeedEmail: a contact is told by the team's mail
// channel; without one, settings with contacts are refused.
func TestSettingsContactsNeedEmail(t *testing.T) {
	mailOn := EmailSettings{SMTP: "smtp://smtp.kommune.dk:587", From: "dpg@kommune.dk", To: []string{"it@kommune.dk"}}
	if err := (Settings{Email: mailOn, Contacts: map[string]string{"secure_mail": "bs@kommune.dk"}}).Check(); err != nil {
		t.Fatal(err)
	}
	if err := (Settings{Contacts: map[string]string{"secure_mail": ""}}).Check(); err != nil {
		t.Fatalf("an empty contact: %v", err)
	}
	err := (Settings{Email: EmailSettings{SMTP: mailOn.SMTP, From: mailOn.From}, Contacts: map[string]string{"secure_mail": "bs@kommune.dk"}}).Check()
	if errs.Code(err) != errs.InvalidSetting || !strings.Contains(err.Error(), "contacts are told by e-mail") {
		t.Fatalf("contacts without the team's mail: %v", err)
	}
}
