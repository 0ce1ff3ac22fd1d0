package portal_test

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"

	"dpgcerts/backend/errs"
	"dpgcerts/backend/portal"
	"dpgcerts/backend/portal/portaltest"
	"dpgcerts/backend/portal/sandbox"
)

const testPassword = "Sæt-Hemmelig!42"

// clock is a settable clock for the sandbox.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Set(t time.Time) { c.mu.Lock(); c.t = t; c.mu.Unlock() }

func newClient(t *testing.T, url, token string) *portal.Client {
	t.Helper()
	c, err := portal.NewClient(url, token)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func pw(s string) *string { return &s }

func wantCode(t *testing.T, err error, code string) {
	t.Helper()
	var pe *errs.Error
	if !errors.As(err, &pe) {
		t.Fatalf("error %v, want a *errs.Error with code %s", err, code)
	}
	if pe.Code != code {
		t.Fatalf("code %s (%v), want %s", pe.Code, err, code)
	}
}

func countEvents(t *testing.T, srv *sandbox.Server, action string) int {
	t.Helper()
	var n int
	if err := srv.DB().QueryRow(`SELECT COUNT(*) FROM events WHERE action = ?`, action).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func countCertificates(t *testing.T, srv *sandbox.Server) int {
	t.Helper()
	var n int
	if err := srv.DB().QueryRow(`SELECT COUNT(*) FROM certificates`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestNormalizeURL(t *testing.T) {
	for _, tc := range []struct{ in, want, code string }{
		{"https://portal.timengodpg.com", "https://portal.timengodpg.com", ""},
		{"https://portal.timengodpg.com/", "https://portal.timengodpg.com", ""},
		{"https://Portal.TimengoDPG.com/api/v1/", "https://portal.timengodpg.com", ""},
		{"http://127.0.0.1:8787", "http://127.0.0.1:8787", ""},
		{"http://localhost:8787", "http://localhost:8787", ""},
		{"http://[::1]:8787", "http://[::1]:8787", ""},
		{"http://portal.timengodpg.com", "", errs.InsecureURL},
		{"http://10.0.0.1:8787", "", errs.InsecureURL},
		{"ftp://portal.timengodpg.com", "", errs.InvalidURL},
		{"portal.timengodpg.com", "", errs.InvalidURL},
		{"https://user:pw@portal.timengodpg.com", "", errs.InvalidURL},
	} {
		t.Run(tc.in, func(t *testing.T) {
			got, err := portal.NormalizeURL(tc.in)
			if tc.code != "" {
				wantCode(t, err, tc.code)
				return
			}
			if err != nil || got != tc.want {
				t.Fatalf("got %q, %v; want %q", got, err, tc.want)
			}
		})
	}
}

func TestTokenFor(t *testing.T) {
	env := map[string]string{portal.EnvToken: " tok "}
	tok, err := portal.TokenFor("https://p", func(k string) string { return env[k] }, false)
	if err != nil || tok != "tok" {
		t.Fatalf("got %q, %v", tok, err)
	}
	_, err = portal.TokenFor("https://p", func(string) string { return "" }, false)
	if !errors.Is(err, portal.ErrNoToken) {
		t.Fatalf("got %v, want no_token", err)
	}
}

func TestClientAuthentication(t *testing.T) {
	url, _ := portaltest.Sandbox(t, sandbox.Options{})
	ctx := context.Background()
	for _, tc := range []struct{ token, code string }{
		{sandbox.TokenAdmin, ""},
		{sandbox.TokenUnregistered, errs.NotRegistered},
		{sandbox.TokenOldPortal, errs.MigrationRequired},
		{"no-such-token", errs.Unauthenticated},
	} {
		t.Run(tc.token, func(t *testing.T) {
			c := newClient(t, url, tc.token)
			me, err := c.Me(ctx)
			if tc.code == "" {
				if err != nil {
					t.Fatal(err)
				}
				if me.Organization.CVR != sandbox.OrgCVR || me.Organization.Name != sandbox.OrgName || me.User.Email == "" {
					t.Fatalf("me = %+v", me)
				}
				return
			}
			wantCode(t, err, tc.code)
			// Every resource refuses the same way.
			_, err = c.Certificates(ctx)
			wantCode(t, err, tc.code)
			_, _, err = c.Install(ctx, uuid.NewString(), portal.InstallRequest{Filename: "x.p12", PKCS12: []byte("x"), Password: pw("")})
			wantCode(t, err, tc.code)
			if portal.Classify(err) != portal.Account {
				t.Fatalf("%s is not an account error", tc.code)
			}
		})
	}
	_, err := portal.NewClient(url, "")
	wantCode(t, err, errs.NoToken)
}

func TestClientInstall(t *testing.T) {
	clk := &clock{t: time.Now()}
	url, srv := portaltest.Sandbox(t, sandbox.Options{Now: clk.Now, MaxBody: 1 << 20})
	c := newClient(t, url, sandbox.TokenAdmin)
	ctx := context.Background()
	pki := portaltest.NewPKI(t)
	good := pki.Issue(t, portaltest.Leaf{Email: "postkasse@testkommune-nord.dk"})
	goodP12 := pki.P12(t, good, testPassword)

	key := uuid.NewString()
	first, created, err := c.Install(ctx, key, portal.InstallRequest{Filename: "good.p12", PKCS12: goodP12, Password: pw(testPassword)})
	if err != nil || !created {
		t.Fatalf("install: %v, created %v", err, created)
	}
	if first.ID == "" || first.CVR != sandbox.OrgCVR || first.Email != "postkasse@testkommune-nord.dk" ||
		first.InstalledBy == "" || len(first.SHA256) != 64 || len(first.SHA1) != 40 || first.Usages == nil {
		t.Fatalf("record = %+v", first)
	}
	if first.SHA256 != strings.ToLower(first.SHA256) {
		t.Fatalf("sha256 not lower-case: %s", first.SHA256)
	}
	// The record carries the public certificate, and only that.
	if !bytes.Equal(first.Certificate, good.Cert.Raw) {
		t.Fatalf("record's certificate is %d bytes, not the uploaded certificate", len(first.Certificate))
	}
	if list, err := c.Certificates(ctx); err != nil || len(list) != 1 || !bytes.Equal(list[0].Certificate, good.Cert.Raw) {
		t.Fatalf("GET /certificates: %v, %+v", err, list)
	}

	t.Run("replay", func(t *testing.T) {
		again, created, err := c.Install(ctx, key, portal.InstallRequest{Filename: "good.p12", PKCS12: goodP12, Password: pw(testPassword)})
		if err != nil || !created || again.ID != first.ID || !again.InstalledAt.Equal(first.InstalledAt) {
			t.Fatalf("replay: %+v, created %v, %v", again, created, err)
		}
	})
	t.Run("already installed", func(t *testing.T) {
		again, created, err := c.Install(ctx, uuid.NewString(), portal.InstallRequest{Filename: "copy.p12", PKCS12: goodP12, Password: pw(testPassword)})
		if err != nil || created || again.ID != first.ID {
			t.Fatalf("already installed: %+v, created %v, %v", again, created, err)
		}
	})
	t.Run("same key, other request", func(t *testing.T) {
		other := pki.P12(t, pki.Issue(t, portaltest.Leaf{}), testPassword)
		_, _, err := c.Install(ctx, key, portal.InstallRequest{Filename: "other.p12", PKCS12: other, Password: pw(testPassword)})
		wantCode(t, err, errs.BadRequest)
	})
	if n := countEvents(t, srv, portal.ActionCertificateInstalled); n != 1 {
		t.Fatalf("%d install events, want 1", n)
	}

	// Every refusal of an upload, with its code.
	other := pki.Issue(t, portaltest.Leaf{})
	expired := pki.Issue(t, portaltest.Leaf{NotBefore: time.Now().AddDate(-3, 0, 0), NotAfter: time.Now().AddDate(0, 0, -1)})
	future := pki.Issue(t, portaltest.Leaf{NotBefore: time.Now().AddDate(0, 0, 2), NotAfter: time.Now().AddDate(3, 0, 0)})
	foreign := pki.Issue(t, portaltest.Leaf{CVR: "12345678"})
	pemFile := []byte("-----BEGIN CERTIFICATE-----\n" + "MIIB" + "\n-----END CERTIFICATE-----\n")
	for _, tc := range []struct {
		name     string
		data     []byte
		password string
		code     string
	}{
		{"garbage", []byte("this is not a certificate"), testPassword, errs.InvalidPKCS12},
		{"pem", pemFile, testPassword, errs.InvalidPKCS12},
		{"wrong password", pki.P12(t, other, testPassword), "wrong", errs.WrongPassword},
		{"empty password for a protected file", pki.P12(t, other, testPassword), "", errs.WrongPassword},
		{"no key", pki.P12NoKey(t, other, testPassword), testPassword, errs.NoPrivateKey},
		{"key of another certificate", pki.P12WithKey(t, other, portaltest.NewKey(t), testPassword), testPassword, errs.NoPrivateKey},
		{"other organisation", pki.P12(t, foreign, testPassword), testPassword, errs.CVRMismatch},
		{"expired", pki.P12(t, expired, testPassword), testPassword, errs.CertificateExpired},
		{"not yet valid", pki.P12(t, future, testPassword), testPassword, errs.CertificateNotYetValid},
		{"too large", bytes.Repeat([]byte{0x30}, 1<<20), testPassword, errs.PayloadTooLarge},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := countEvents(t, srv, portal.ActionCertificateInstallFail)
			k := uuid.NewString()
			_, _, err := c.Install(ctx, k, portal.InstallRequest{Filename: tc.name + ".p12", PKCS12: tc.data, Password: pw(tc.password)})
			wantCode(t, err, tc.code)
			if portal.Classify(err) != portal.Permanent {
				t.Fatalf("%s is not permanent", tc.code)
			}
			if tc.code == errs.PayloadTooLarge {
				return
			}
			if n := countEvents(t, srv, portal.ActionCertificateInstallFail); n != before+1 {
				t.Fatalf("%d install_failed events, want %d", n, before+1)
			}
			// The same key answers the same, without another event.
			_, _, err = c.Install(ctx, k, portal.InstallRequest{Filename: tc.name + ".p12", PKCS12: tc.data, Password: pw(tc.password)})
			wantCode(t, err, tc.code)
			if n := countEvents(t, srv, portal.ActionCertificateInstallFail); n != before+1 {
				t.Fatalf("a replay added an event")
			}
		})
	}
	if n := countCertificates(t, srv); n != 1 {
		t.Fatalf("%d certificates, want 1", n)
	}
	list, err := c.Certificates(ctx)
	if err != nil || len(list) != 1 || list[0].ID != first.ID {
		t.Fatalf("certificates: %+v, %v", list, err)
	}
}

func TestClientConcurrentDuplicates(t *testing.T) {
	url, srv := portaltest.Sandbox(t, sandbox.Options{ChaosLatency: 20 * time.Millisecond})
	c := newClient(t, url, sandbox.TokenAdmin)
	pki := portaltest.NewPKI(t)
	data := pki.P12(t, pki.Issue(t, portaltest.Leaf{}), testPassword)
	key := uuid.NewString()
	const n = 12
	ids := make([]string, n)
	createdN := atomic.Int32{}
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			// Half with the same key, half with their own (same file).
			k := key
			if i%2 == 1 {
				k = uuid.NewString()
			}
			cert, created, err := c.Install(context.Background(), k, portal.InstallRequest{Filename: "a.p12", PKCS12: data, Password: pw(testPassword)})
			if err != nil {
				t.Error(err)
				return
			}
			if created {
				createdN.Add(1)
			}
			ids[i] = cert.ID
		})
	}
	wg.Wait()
	for _, id := range ids {
		if id != ids[0] {
			t.Fatalf("different records: %v", ids)
		}
	}
	// Only the key that won answers 201 (its replays included); the others 200.
	if createdN.Load() != n/2 && createdN.Load() != 1 {
		t.Fatalf("%d answers were 201", createdN.Load())
	}
	if got := countCertificates(t, srv); got != 1 {
		t.Fatalf("%d certificates, want 1", got)
	}
	if got := countEvents(t, srv, portal.ActionCertificateInstalled); got != 1 {
		t.Fatalf("%d install events, want 1", got)
	}
}

func TestClientActivate(t *testing.T) {
	clk := &clock{t: time.Now()}
	url, srv := portaltest.Sandbox(t, sandbox.Options{Now: clk.Now})
	c := newClient(t, url, sandbox.TokenAdmin)
	ctx := context.Background()
	pki := portaltest.NewPKI(t)
	install := func(l portaltest.Leaf) portal.Certificate {
		t.Helper()
		cert, _, err := c.Install(ctx, uuid.NewString(), portal.InstallRequest{Filename: "x.p12", PKCS12: pki.P12(t, pki.Issue(t, l), testPassword), Password: pw(testPassword)})
		if err != nil {
			t.Fatal(err)
		}
		return cert
	}
	oldCert := install(portaltest.Leaf{})
	newCert := install(portaltest.Leaf{})
	shortCert := install(portaltest.Leaf{NotAfter: time.Now().Add(48 * time.Hour)})

	ins, err := c.Integrations(ctx)
	if err != nil || len(ins) != 4 {
		t.Fatalf("integrations: %+v, %v", ins, err)
	}
	kinds := map[string]bool{}
	for _, in := range ins {
		kinds[in.Kind] = true
		if in.ActiveCertificateID != nil || in.Version == "" {
			t.Fatalf("seeded integration %+v", in)
		}
	}
	for _, k := range portal.Kinds {
		if !kinds[k] {
			t.Fatalf("no %s integration", k)
		}
	}
	exo := ins[0]

	key := uuid.NewString()
	got, err := c.Activate(ctx, key, exo.ID, oldCert.ID, exo.Version)
	if err != nil {
		t.Fatal(err)
	}
	if got.ActiveID() != oldCert.ID || got.PreviousCertificateID != nil || got.Version == exo.Version || got.ActivatedBy == nil {
		t.Fatalf("activated: %+v", got)
	}
	// A replay answers the same and changes nothing.
	again, err := c.Activate(ctx, key, exo.ID, oldCert.ID, exo.Version)
	if err != nil || again.Version != got.Version {
		t.Fatalf("replay: %+v, %v", again, err)
	}
	// The old version no longer matches.
	_, err = c.Activate(ctx, uuid.NewString(), exo.ID, newCert.ID, exo.Version)
	wantCode(t, err, errs.PreconditionFailed)
	// The current one does; previousCertificateId names the old certificate.
	next, err := c.Activate(ctx, uuid.NewString(), exo.ID, newCert.ID, got.Version)
	if err != nil || next.PreviousCertificateID == nil || *next.PreviousCertificateID != oldCert.ID {
		t.Fatalf("renewal: %+v, %v", next, err)
	}
	// The usage shows on the certificate.
	list, err := c.Certificates(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, cert := range list {
		want := 0
		if cert.ID == newCert.ID {
			want = 1
		}
		if len(cert.Usages) != want || (want == 1 && cert.Usages[0].Kind != portal.KindExchangeOnline) {
			t.Fatalf("usages of %s: %+v", cert.ID, cert.Usages)
		}
	}

	_, err = c.Activate(ctx, uuid.NewString(), "no-such-integration", newCert.ID, "1")
	wantCode(t, err, errs.NotFound)
	_, err = c.Activate(ctx, uuid.NewString(), ins[1].ID, "no-such-certificate", ins[1].Version)
	wantCode(t, err, errs.NotFound)

	// Three days on, the short certificate has expired; a year back, none was valid yet.
	clk.Set(time.Now().Add(72 * time.Hour))
	_, err = c.Activate(ctx, uuid.NewString(), ins[1].ID, shortCert.ID, ins[1].Version)
	wantCode(t, err, errs.CertificateExpired)
	clk.Set(time.Now().AddDate(-2, 0, 0))
	_, err = c.Activate(ctx, uuid.NewString(), ins[1].ID, shortCert.ID, ins[1].Version)
	wantCode(t, err, errs.CertificateNotYetValid)

	if n := countEvents(t, srv, portal.ActionIntegrationActivated); n != 2 {
		t.Fatalf("%d activation events, want 2", n)
	}
	if n := countEvents(t, srv, portal.ActionIntegrationActivateErr); n != 4 {
		t.Fatalf("%d activation_failed events, want 4 (412, unknown certificate, expired, not yet valid)", n)
	}
}

func TestClientEventsPages(t *testing.T) {
	url, _ := portaltest.Sandbox(t, sandbox.Options{})
	c := newClient(t, url, sandbox.TokenAdmin)
	ctx := context.Background()
	pki := portaltest.NewPKI(t)
	for range 5 {
		if _, _, err := c.Install(ctx, uuid.NewString(), portal.InstallRequest{Filename: "x.p12",
			PKCS12: pki.P12(t, pki.Issue(t, portaltest.Leaf{}), testPassword), Password: pw(testPassword)}); err != nil {
			t.Fatal(err)
		}
	}
	var all []portal.Event
	cursor := ""
	for range 10 {
		page, err := c.Events(ctx, cursor, 2)
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, page.Events...)
		cursor = page.Next
		if !page.HasMore {
			break
		}
	}
	if len(all) != 5 {
		t.Fatalf("%d events, want 5", len(all))
	}
	for i, e := range all {
		if e.Action != portal.ActionCertificateInstalled || e.CertificateID == "" || e.Actor == "" || e.At.IsZero() {
			t.Fatalf("event %d: %+v", i, e)
		}
		if i > 0 && !all[i-1].At.Before(e.At) && all[i-1].At != e.At {
			t.Fatalf("events not oldest first")
		}
	}
	// Polling at the end returns nothing new and keeps the cursor.
	page, err := c.Events(ctx, cursor, 0)
	if err != nil || len(page.Events) != 0 || page.Next != cursor || page.HasMore {
		t.Fatalf("at the end: %+v, %v", page, err)
	}
	_, err = c.Events(ctx, "not-a-cursor", 0)
	wantCode(t, err, errs.BadRequest)
	_, err = c.Events(ctx, "", 100000)
	wantCode(t, err, errs.BadRequest)
}

func TestClientTransientErrors(t *testing.T) {
	url, srv := portaltest.Sandbox(t, sandbox.Options{Chaos429: 1})
	c := newClient(t, url, sandbox.TokenAdmin)
	_, err := c.Me(context.Background())
	wantCode(t, err, errs.RateLimited)
	if portal.RetryAfterOf(err) != time.Second || portal.Classify(err) != portal.Transient {
		t.Fatalf("429: %+v", err)
	}
	srv.SetChaos(sandbox.Chaos{Fail5xx: 1})
	_, err = c.Me(context.Background())
	wantCode(t, err, errs.Unavailable)
	srv.SetChaos(sandbox.Chaos{Drop: 1})
	_, err = c.Me(context.Background())
	wantCode(t, err, errs.Network)
	if portal.Classify(err) != portal.Transient {
		t.Fatal("a dropped connection is not transient")
	}
}

// A server that answers what the sandbox never would.
func TestClientOddAnswers(t *testing.T) {
	var status atomic.Int32
	var body atomic.Value
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer tok" {
			t.Errorf("Authorization = %q", r.Header.Get("Authorization"))
		}
		if !strings.HasPrefix(r.URL.Path, "/api/v1/") {
			t.Errorf("path %s", r.URL.Path)
		}
		if int(status.Load()) == http.StatusFound {
			http.Redirect(w, r, "https://elsewhere.example/", http.StatusFound)
			return
		}
		w.Header().Set("Retry-After", "Wed, 21 Oct 2099 07:28:00 GMT")
		w.WriteHeader(int(status.Load()))
		w.Write([]byte(body.Load().(string)))
	}))
	defer ts.Close()
	c := newClient(t, ts.URL, "tok")
	for _, tc := range []struct {
		status int
		body   string
		code   string
		class  portal.Class
	}{
		{418, `{"error":{"code":"teapot","message":"short and stout"}}`, errs.Internal, portal.Permanent},
		{409, `{"error":{"code":"conflict","message":"?"}}`, errs.Internal, portal.Permanent},
		{403, `<html>blocked by a proxy</html>`, errs.Internal, portal.Permanent},
		{401, `not json`, errs.Unauthenticated, portal.Account},
		{502, `<html>bad gateway</html>`, errs.Unavailable, portal.Transient},
		{500, ``, errs.Internal, portal.Transient},
		{429, `{"error":{"code":"rate_limited","message":"slow down"}}`, errs.RateLimited, portal.Transient},
		{200, `{"user": 5}`, errs.Internal, portal.Permanent},
		{http.StatusFound, ``, errs.Internal, portal.Permanent},
	} {
		status.Store(int32(tc.status))
		body.Store(tc.body)
		_, err := c.Me(context.Background())
		wantCode(t, err, tc.code)
		if got := portal.Classify(err); got != tc.class {
			t.Errorf("HTTP %d: class %v, want %v", tc.status, got, tc.class)
		}
		if tc.status == 429 {
			if ra := portal.RetryAfterOf(err); ra < time.Hour {
				t.Fatalf("Retry-After as a date: %v", ra)
			}
		}
	}
}

func TestBackoff(t *testing.T) {
	b := portal.Backoff{Base: 100 * time.Millisecond, Max: time.Second}
	for attempt := 1; attempt < 12; attempt++ {
		d := b.Delay(attempt, 0)
		ceil := min(100*time.Millisecond<<(attempt-1), time.Second)
		if d < ceil/2 || d > ceil {
			t.Fatalf("attempt %d: %v, want in [%v, %v]", attempt, d, ceil/2, ceil)
		}
	}
	if d := b.Delay(1, 5*time.Second); d != 5*time.Second {
		t.Fatalf("Retry-After not honoured: %v", d)
	}
}
