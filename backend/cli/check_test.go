package cli

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"dpgcerts/backend/certs"
	"dpgcerts/backend/config"
	"dpgcerts/backend/notify"
	"dpgcerts/backend/portal"
	"dpgcerts/backend/portal/portaltest"
	"dpgcerts/backend/portal/sandbox"
	"dpgcerts/backend/store"
	"dpgcerts/backend/store/storetest"
)

// checkPortal is where the copy in the check tests came from; nothing
// listens there, and no token is given, so check never syncs.
const checkPortal = "http://127.0.0.1:1"

// fillCheck makes a cache as a sync would: an Exchange Online integration
// whose certificate expires days after statusNow, with no renewal, and a
// Digital Post one that is fine. lang is the language chosen in the window.
func fillCheck(t *testing.T, db string, days int, lang string) {
	t.Helper()
	st := storetest.Open(t, db)
	ctx := context.Background()
	exo := goldenCert("a1", "postkasse@testkommune-nord.dk", "U-EXO", days)
	dp := goldenCert("c3", "Digital Post NgDP", "U-DP", 400)
	at := statusNow.Add(-time.Hour)
	if err := st.ReplacePortalCertificates(ctx, checkPortal, []portal.Certificate{
		goldenRecord("id-exo", exo, [3]string{"int-exchange-online", "exchange_online", "testkommunenord.onmicrosoft.com"}),
		goldenRecord("id-dp", dp, [3]string{"int-digital-post", "digital_post", "Digital Post (NgDP)"}),
	}, at); err != nil {
		t.Fatal(err)
	}
	if err := st.ReplacePortalIntegrations(ctx, checkPortal, []portal.Integration{
		goldenIntegration("int-exchange-online", "exchange_online", "testkommunenord.onmicrosoft.com", "id-exo"),
		goldenIntegration("int-digital-post", "digital_post", "Digital Post (NgDP)", "id-dp"),
	}, at); err != nil {
		t.Fatal(err)
	}
	if lang != "" {
		if err := st.SetString(ctx, store.Language, lang); err != nil {
			t.Fatal(err)
		}
	}
}

// fakeNotifier records what it was asked to show.
type fakeNotifier struct {
	sent        []notify.Message
	unavailable bool
}

func (f *fakeNotifier) Notify(_ context.Context, m notify.Message) error {
	f.sent = append(f.sent, m)
	return nil
}

func (f *fakeNotifier) system() (notify.Notifier, error) {
	if f.unavailable {
		return nil, notify.ErrUnavailable
	}
	return f, nil
}

func runCheckWith(t *testing.T, n *fakeNotifier, now time.Time, args ...string) (int, string, string) {
	t.Helper()
	env := map[string]string{config.EnvNow: now.Format(time.RFC3339), config.EnvKeychain: "off", "LANG": "C"}
	var stdout, stderr bytes.Buffer
	code := check(args, &stdout, &stderr, checkDeps{getenv: func(k string) string { return env[k] }, notifier: n.system})
	return code, stdout.String(), stderr.String()
}

func TestCheckNotify(t *testing.T) {
	for _, tt := range []struct {
		lang, title, line string
	}{
		{"en", "1 thing to do in DPG", "Exchange Online (testkommunenord.onmicrosoft.com): the certificate expires in 5 days."},
		{"da", "1 opgave i DPG", "Exchange Online (testkommunenord.onmicrosoft.com): certifikatet udløber om 5 dage."},
	} {
		t.Run(tt.lang, func(t *testing.T) {
			db := filepath.Join(t.TempDir(), "app.db")
			fillCheck(t, db, 5, tt.lang)
			n := &fakeNotifier{}
			code, out, errOut := runCheckWith(t, n, statusNow, "--notify", "--db", db)
			if code != ExitFailOn || out != "" || errOut != "" {
				t.Fatalf("exit %d, stdout %q, stderr %q", code, out, errOut)
			}
			if len(n.sent) != 1 || n.sent[0].Title != tt.title || !strings.HasPrefix(n.sent[0].Body, tt.line) {
				t.Fatalf("sent %+v", n.sent)
			}
			// The same day: nothing new to tell; the exit status still says it.
			if code, _, _ := runCheckWith(t, n, statusNow.Add(3*time.Hour), "--notify", "--db", db); code != ExitFailOn || len(n.sent) != 1 {
				t.Fatalf("second run: exit %d, sent %d", code, len(n.sent))
			}
			// The next day, again, with a day less.
			runCheckWith(t, n, statusNow.Add(24*time.Hour), "--notify", "--db", db)
			if len(n.sent) != 2 || !strings.Contains(n.sent[1].Body, " 4 ") {
				t.Fatalf("next day: %+v", n.sent)
			}
		})
	}
}

func TestCheckNothingToDo(t *testing.T) {
	db := filepath.Join(t.TempDir(), "app.db")
	fillCheck(t, db, 200, "")
	n := &fakeNotifier{}
	code, out, errOut := runCheckWith(t, n, statusNow, "--notify", "--db", db)
	if code != ExitOK || out != "" || errOut != "" || len(n.sent) != 0 {
		t.Fatalf("exit %d, stdout %q, stderr %q, sent %v", code, out, errOut, n.sent)
	}
}

// Without a notification service (a server), check prints what it would
// have said, every time: a printed line may reach nobody.
func TestCheckWithoutService(t *testing.T) {
	db := filepath.Join(t.TempDir(), "app.db")
	fillCheck(t, db, 5, "en")
	n := &fakeNotifier{unavailable: true}
	for range 2 {
		code, out, errOut := runCheckWith(t, n, statusNow, "--notify", "--db", db)
		if code != ExitFailOn || errOut != "" || !strings.Contains(out, "the certificate expires in 5 days") {
			t.Fatalf("exit %d, stdout %q, stderr %q", code, out, errOut)
		}
	}
	// Expired: exit 1 too, and it says so.
	db2 := filepath.Join(t.TempDir(), "app.db")
	fillCheck(t, db2, -2, "en")
	code, out, _ := runCheckWith(t, n, statusNow, "--db", db2)
	if code != ExitFailOn || !strings.Contains(out, "has expired, and the integration has stopped") {
		t.Fatalf("expired: exit %d, %q", code, out)
	}
}

func TestCheckUsage(t *testing.T) {
	n := &fakeNotifier{}
	for _, args := range [][]string{{"--lang", "sv"}, {"--warn-days", "-1"}, {"extra"}} {
		if code, _, _ := runCheckWith(t, n, statusNow, args...); code != ExitUsage {
			t.Errorf("%v: exit %d", args, code)
		}
	}
}

// TestCheckSyncsFirst: signed in to the sandbox (the portal the window
// signed in to last, and a token), check syncs before it looks: the
// Exchange Online certificate another client activated, 10 days from
// expiry, is what it reminds of. Without a token it doesn't sync.
func TestCheckSyncsFirst(t *testing.T) {
	url, _ := portaltest.Sandbox(t, sandbox.Options{})
	ctx := context.Background()
	pki := portaltest.NewPKI(t)
	old := pki.Issue(t, portaltest.Leaf{UUID: uuid.NewString(), NotAfter: time.Now().AddDate(0, 0, 10)})
	activateElsewhere(t, url, pki.P12(t, old, cliPassword))

	db := filepath.Join(t.TempDir(), "app.db")
	st, err := store.Open(db)
	if err != nil {
		t.Fatal(err)
	}
	st.SetString(ctx, store.PortalURL, url)
	st.SetString(ctx, store.Language, "en")
	st.Close()
	run := func(env map[string]string) (int, *fakeNotifier, string) {
		env[config.EnvKeychain] = "off"
		n := &fakeNotifier{}
		var stdout, stderr bytes.Buffer
		code := check([]string{"--notify", "--db", db, "--timeout", "0"}, &stdout, &stderr,
			checkDeps{getenv: func(k string) string { return env[k] }, notifier: n.system})
		return code, n, stderr.String()
	}
	// No token: no sync, an empty cache, nothing to say.
	if code, n, errOut := run(map[string]string{}); code != ExitOK || len(n.sent) != 0 {
		t.Fatalf("without a token: exit %d, sent %v, %s", code, n.sent, errOut)
	}
	code, n, errOut := run(map[string]string{portal.EnvToken: sandbox.TokenAdmin})
	if code != ExitFailOn || len(n.sent) != 1 {
		t.Fatalf("signed in: exit %d, sent %v, %s", code, n.sent, errOut)
	}
	if !strings.Contains(n.sent[0].Body, "Exchange Online") || !strings.Contains(n.sent[0].Body, "expires in 9 days") {
		t.Fatalf("body %q", n.sent[0].Body)
	}
}

// TestCheckRevoked: the integration whose certificate the CA revoked (the
// stored answer) has stopped, as if expired: it comes first, once, and the
// integration that expires in 5 days after it.
func TestCheckRevoked(t *testing.T) {
	db := filepath.Join(t.TempDir(), "app.db")
	fillCheck(t, db, 5, "en")
	st, err := store.Open(db)
	if err != nil {
		t.Fatal(err)
	}
	dp := goldenCert("c3", "Digital Post NgDP", "U-DP", 400)
	if err := st.PutRevocation(context.Background(), dp.SHA256, certs.Revocation{Status: certs.RevocationRevoked,
		CheckedAt: statusNow.Add(-time.Hour), Source: "ocsp"}); err != nil {
		t.Fatal(err)
	}
	st.Close()
	n := &fakeNotifier{}
	if code, _, errOut := runCheckWith(t, n, statusNow, "--notify", "--db", db); code != ExitFailOn || len(n.sent) != 1 {
		t.Fatalf("exit %d, sent %v, %s", code, n.sent, errOut)
	}
	lines := strings.Split(n.sent[0].Body, "\n")
	if n.sent[0].Title != "2 things to do in DPG" || len(lines) != 2 ||
		!strings.HasPrefix(lines[0], "Digital Post") || !strings.Contains(lines[0], "the certificate is revoked, and the integration has stopped") ||
		!strings.Contains(lines[1], "expires in 5 days") {
		t.Fatalf("%+v", n.sent[0])
	}
}
