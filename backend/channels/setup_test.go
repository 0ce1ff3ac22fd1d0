package channels

import (
	"context"
	"crypto/tls"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/zalando/go-keyring"

	"dpgcerts/backend/channels/smtptest"
	"dpgcerts/backend/remind"
	"dpgcerts/backend/schedule"
	"dpgcerts/backend/store/storetest"
)

func newSetup(t *testing.T, s *smtptest.Server) Setup {
	keyring.MockInit()
	st := storetest.Open(t, filepath.Join(t.TempDir(), "app.db"))
	return Setup{St: st, Keychain: true, Now: func() time.Time { return testNow },
		Options: Options{TLS: &tls.Config{RootCAs: s.Roots}, Now: func() time.Time { return testNow }, Loc: time.UTC}}
}

// TestSetup: the dialog saves the settings in the cache and the password
// and webhook address in the keychain (never in the cache), and "Send a
// test message" reaches the server, or says why not, translated.
func TestSetup(t *testing.T) {
	s := smtptest.Start(t, smtptest.Options{User: "dpg", Password: "pw-æøå"})
	set := newSetup(t, s)
	ctx := context.Background()
	// Nothing saved: an empty list of addresses, not null, for the window.
	if v, err := set.Load(ctx); err != nil || v.Settings.Email.To == nil || v.LastRun != nil {
		t.Fatalf("%+v %v", v, err)
	}
	in := Input{Settings: remind.Settings{Email: remind.EmailSettings{SMTP: "smtp://dpg@127.0.0.1:" + itoa(s.Port), From: "dpg@kommune.dk",
		To: []string{"team@kommune.dk"}, Lang: "da"}, Webhook: remind.WebhookSettings{Format: "slack"}, LeadDays: []int{30, 7}},
		Password: "pw-æøå", WebhookURL: "https://hooks.kommune.test/x?sig=SECRET"}
	v, err := set.Save(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	if !v.HasPassword || !v.Settings.Webhook.HasURL || v.Settings.Webhook.URL != "" || v.LastRun != nil {
		t.Fatalf("%+v", v)
	}
	raw, _, _ := set.St.Get(ctx, remind.SettingsKey)
	if strings.Contains(raw, "pw-") || strings.Contains(raw, "SECRET") {
		t.Fatalf("a secret in the cache: %s", raw)
	}
	// The test message, with the kept password.
	in.Password, in.WebhookURL = "", ""
	res := set.Test(ctx, "email", in, "en")
	if !res.OK || res.Text != "Delivered to 127.0.0.1." || len(s.Messages()) != 1 {
		t.Fatalf("%+v, %d", res, len(s.Messages()))
	}
	// Refused: the server's answer, translated.
	s.Refuse(true)
	res = set.Test(ctx, "email", in, "da")
	if res.OK || res.Error.Code != "mail_refused" || !strings.HasPrefix(res.Text, "Ikke sendt: Mailserveren afviste beskeden.") ||
		!strings.Contains(res.Text, "Relay access denied") || strings.Contains(res.Text, "næste kørsel") {
		t.Fatalf("%+v", res)
	}
	// Down: said as a test's result, not as a reminder sent again on the next run.
	s.Stop()
	res = set.Test(ctx, "email", in, "en")
	if res.OK || res.Error.Code != "mail_failed" || !strings.HasPrefix(res.Text, "Not sent: The mail server could not be reached, or broke off. (") ||
		strings.Contains(res.Text, "next run") {
		t.Fatalf("down: %+v", res)
	}
	// The last run, as check notes it: more than two days old is stale.
	remind.SaveLastRun(ctx, set.St, remind.LastRun{At: testNow.Add(-49 * time.Hour), OK: true})
	if v, _ := set.Load(ctx); v.LastRun == nil || !v.Stale {
		t.Fatalf("%+v", v)
	}
	remind.SaveLastRun(ctx, set.St, remind.LastRun{At: testNow.Add(-time.Hour), OK: true})
	if v, _ := set.Load(ctx); v.Stale {
		t.Fatalf("fresh: %+v", v)
	}
	remind.SaveLastRun(ctx, set.St, remind.LastRun{At: testNow.Add(-time.Hour), OK: false})
	if v, _ := set.Load(ctx); !v.Stale {
		t.Fatalf("failed: %+v", v)
	}
	// Removing the webhook.
	in.ClearWebhook = true
	if v, err := set.Save(ctx, in); err != nil || v.Settings.WebhookOn() {
		t.Fatalf("%+v %v", v, err)
	}
	// Bad settings are refused.
	in.Settings.Email.To = []string{"not an address"}
	if _, err := set.Save(ctx, in); err == nil {
		t.Fatal("a bad address was saved")
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

// TestSetupNeverRan: a daily check that was registered more than two days
// ago and never ran is stale too: the window says since when it should
// have run. One that ran once is judged by its run.
func TestSetupNeverRan(t *testing.T) {
	set := newSetup(t, smtptest.Start(t, smtptest.Options{}))
	ctx := context.Background()
	home := t.TempDir()
	registeredAt := testNow.Add(-49 * time.Hour)
	r := schedule.Reminder{Store: set.St, DB: filepath.Join(home, "app.db"), Now: func() time.Time { return registeredAt },
		System: func() (schedule.Scheduler, error) {
			return schedule.Scheduler{GOOS: "linux", Home: home, Run: func(context.Context, string, ...string) error { return nil }}, nil
		}}
	if v, err := set.Load(ctx); err != nil || v.Stale || v.OnSince != nil {
		t.Fatalf("not registered: %+v %v", v, err)
	}
	if err := r.Ensure(ctx); err != nil {
		t.Fatal(err)
	}
	if v, _ := set.Load(ctx); !v.Stale || v.LastRun != nil || v.OnSince == nil || !v.OnSince.Equal(registeredAt) {
		t.Fatalf("never ran in two days: %+v", v)
	}
	set.Now = func() time.Time { return registeredAt.Add(47 * time.Hour) }
	if v, _ := set.Load(ctx); v.Stale {
		t.Fatalf("not two days yet: %+v", v)
	}
	set.Now = func() time.Time { return testNow }
	remind.SaveLastRun(ctx, set.St, remind.LastRun{At: testNow.Add(-time.Hour), OK: true})
	if v, _ := set.Load(ctx); v.Stale || v.OnSince != nil {
		t.Fatalf("ran: %+v", v)
	}
}
