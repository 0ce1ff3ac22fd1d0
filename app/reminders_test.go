package app

import (
	"context"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"dpgcerts/backend/config"
	"dpgcerts/backend/errs"
	"dpgcerts/backend/portal"
	"dpgcerts/backend/remind"
	"dpgcerts/backend/store"
)

// fakeNotes records the window's notifications.
type fakeNotes struct {
	mu   sync.Mutex
	sent []map[string]any
}

func (f *fakeNotes) init(context.Context, func(map[string]any)) error { return nil }

func (f *fakeNotes) cleanup(context.Context) {}

func (f *fakeNotes) send(_ context.Context, id, title, body string, data map[string]any) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.sent = append(f.sent, map[string]any{"id": id, "title": title, "body": body, "data": data})
	return nil
}

// portalCopy puts c in the offline copy of portal as the active
// certificate of an Exchange Online integration.
func portalCopy(t *testing.T, st *store.Store, portalURL string, c *x509.Certificate) string {
	t.Helper()
	ctx := context.Background()
	s256, s1 := sha256.Sum256(c.Raw), sha1.Sum(c.Raw)
	sha := hex.EncodeToString(s256[:])
	rec := portal.Certificate{ID: "id-exo", SHA256: sha, SHA1: hex.EncodeToString(s1[:]),
		Subject: c.Subject.String(), CommonName: c.Subject.CommonName,
		NotBefore: c.NotBefore, NotAfter: c.NotAfter, InstalledAt: testNow.AddDate(-1, 0, 0), InstalledBy: "admin@aeroe.dk",
		Certificate: c.Raw, Usages: []portal.Usage{{IntegrationID: "int-exo", Kind: "exchange_online", Name: "aeroe.onmicrosoft.com"}}}
	at := testNow.Add(-time.Hour)
	if err := st.ReplacePortalCertificates(ctx, portalURL, []portal.Certificate{rec}, at); err != nil {
		t.Fatal(err)
	}
	active, activated, by := "id-exo", testNow.AddDate(-1, 0, 0), "admin@aeroe.dk"
	integ := portal.Integration{ID: "int-exo", Kind: "exchange_online", Name: "aeroe.onmicrosoft.com",
		Version: "v1", ActiveCertificateID: &active, ActivatedAt: &activated, ActivatedBy: &by}
	if err := st.ReplacePortalIntegrations(ctx, portalURL, []portal.Integration{integ}, at); err != nil {
		t.Fatal(err)
	}
	return sha
}

func TestRemindersCheck(t *testing.T) {
	db := filepath.Join(t.TempDir(), "app.db")
	st, err := store.Open(db)
	if err != nil {
		t.Fatal(err)
	}
	c := makeCert(t, "postkasse@aeroe.dk", 5)
	sha := portalCopy(t, st, "http://127.0.0.1:1", c)
	st.Close()

	s := newTestServices(t, Options{DBPath: db, Lang: "da", LangFlag: true, Getenv: env(map[string]string{
		config.EnvNow: testNow.Format(time.RFC3339), config.EnvKeychain: "off"})})
	notes := &fakeNotes{}
	r := s.Reminders
	r.note = notes
	var opened []remind.Target
	s.core.emit = func(_ context.Context, name string, data any) {
		if name == EventRemindOpen {
			opened = append(opened, data.(remind.Target))
		}
	}
	s.Startup(context.Background())

	r.watch.Check(context.Background())
	r.watch.Check(context.Background()) // the same day: nothing new
	if len(notes.sent) != 1 {
		t.Fatalf("sent %d, want 1: %v", len(notes.sent), notes.sent)
	}
	n := notes.sent[0]
	if n["title"] != "1 opgave i DPG" || !strings.Contains(n["body"].(string), "Exchange Online (aeroe.onmicrosoft.com): certifikatet udløber om 5 dage.") {
		t.Fatalf("notification %v", n)
	}
	data := n["data"].(map[string]any)
	if data["integrationId"] != "int-exo" || data["sha256"] != sha {
		t.Fatalf("data %v", data)
	}
	// A click opens the integration in the window.
	r.open(data)
	if len(opened) != 1 || opened[0].IntegrationID != "int-exo" || opened[0].SHA256 != sha {
		t.Fatalf("opened %v", opened)
	}
}

func TestReminderSetting(t *testing.T) {
	s := newTestServices(t, Options{})
	if got := s.Reminders.Setting(); !got.On || got.At != "09:00" {
		t.Fatalf("default %+v", got)
	}
	if _, err := s.Reminders.SetSetting(true, "25:00"); errs.Code(err) != errs.InvalidTime {
		t.Fatalf("bad time: %v", err)
	}
	got, err := s.Reminders.SetSetting(false, "7:15")
	if err != nil || got.On || got.At != "07:15" {
		t.Fatalf("off: %+v %v", got, err)
	}
	if got := s.Reminders.Setting(); got.On || got.At != "07:15" {
		t.Fatalf("kept %+v", got)
	}
}
