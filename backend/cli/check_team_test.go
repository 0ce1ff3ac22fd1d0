package cli

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"io"
	"mime"
	"net/http"
	"net/http/httptest"
	"net/mail"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"dpgcerts/backend/channels/smtptest"
	"dpgcerts/backend/config"
	"dpgcerts/backend/i18n"
	"dpgcerts/backend/portal/portaltest"
	"dpgcerts/backend/portal/sandbox"
	"dpgcerts/backend/remind"
	"dpgcerts/backend/store"
	"dpgcerts/backend/store/storetest"
)

// hookReceiver is a local HTTPS webhook receiver; fail makes it answer 503.
type hookReceiver struct {
	srv    *httptest.Server
	mu     sync.Mutex
	posts  []string
	status int
}

func newHookReceiver(t *testing.T) *hookReceiver {
	h := &hookReceiver{status: http.StatusOK}
	h.srv = httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		h.mu.Lock()
		defer h.mu.Unlock()
		if h.status == http.StatusOK {
			h.posts = append(h.posts, string(b))
		}
		w.WriteHeader(h.status)
	}))
	t.Cleanup(h.srv.Close)
	return h
}

func (h *hookReceiver) got() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]string(nil), h.posts...)
}

type teamRun struct {
	t      *testing.T
	db     string
	smtp   *smtptest.Server
	hook   *hookReceiver
	pwFile string
	lang   string
	env    map[string]string
}

func newTeamRun(t *testing.T, lang string, days int) *teamRun {
	db := filepath.Join(t.TempDir(), "app.db")
	fillCheck(t, db, days, "")
	pw := filepath.Join(t.TempDir(), "smtp-password")
	if err := os.WriteFile(pw, []byte("s3cret-æøå\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return &teamRun{t: t, db: db, pwFile: pw, lang: lang, hook: newHookReceiver(t),
		smtp: smtptest.Start(t, smtptest.Options{User: "dpg@kommune.dk", Password: "s3cret-æøå"}),
		env:  map[string]string{config.EnvKeychain: "off", "LANG": "C"}}
}

func (r *teamRun) args() []string {
	return []string{"--db", r.db, "--smtp", "smtp://dpg%40kommune.dk@127.0.0.1:" + strconv.Itoa(r.smtp.Port),
		"--smtp-password-file", r.pwFile, "--mail-to", "it-drift@kommune.dk,dpg-team@kommune.dk", "--mail-from", "dpgcerts@kommune.dk",
		"--mail-lang", r.lang, "--lang", r.lang, "--webhook", r.hook.srv.URL + "/hook", "--webhook-format", "teams"}
}

func (r *teamRun) run(at time.Time, extra ...string) (int, string, string) {
	r.t.Helper()
	r.env[config.EnvNow] = at.Format(time.RFC3339)
	var stdout, stderr bytes.Buffer
	deps := checkDeps{getenv: func(k string) string { return r.env[k] }, notifier: (&fakeNotifier{}).system,
		team: teamDeps{tls: &tls.Config{RootCAs: r.smtp.Roots}, http: r.hook.srv.Client(), loc: time.UTC,
			sleep: func(context.Context, time.Duration) error { return nil }}}
	code := check(append(r.args(), extra...), &stdout, &stderr, deps)
	if strings.Contains(stdout.String()+stderr.String(), "s3cret") {
		r.t.Fatalf("the password is in the output")
	}
	return code, stdout.String(), stderr.String()
}

func subjects(t *testing.T, s *smtptest.Server) []string {
	var out []string
	for _, m := range s.Messages() {
		msg, err := mail.ReadMessage(bytes.NewReader(m.Data))
		if err != nil {
			t.Fatal(err)
		}
		sub, _ := new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
		out = append(out, sub)
	}
	return out
}

// TestCheckTeam: check tells the team by e-mail (a real SMTP server with
// STARTTLS and AUTH) and webhook (a local HTTPS receiver) once per lead
// time: not again the same day, not between steps, the next step when it
// comes; in the recipient list's language.
func TestCheckTeam(t *testing.T) {
	for _, tt := range []struct{ lang, first, third string }{
		{"en", "[DPG] Exchange Online (testkommunenord.onmicrosoft.com) stops in 5 days (6 Dec 2026)", "stops in 3 days"},
		{"da", "[DPG] Exchange Online (testkommunenord.onmicrosoft.com) stopper om 5 dage (6. dec. 2026)", "stopper om 3 dage"},
	} {
		t.Run(tt.lang, func(t *testing.T) {
			r := newTeamRun(t, tt.lang, 5)
			code, out, errOut := r.run(statusNow)
			if code != ExitFailOn || errOut != "" {
				t.Fatalf("exit %d, stderr %q", code, errOut)
			}
			if got := subjects(t, r.smtp); len(got) != 1 || got[0] != tt.first {
				t.Fatalf("subjects %q, want %q", got, tt.first)
			}
			if !strings.Contains(out, "127.0.0.1: "+tt.first) || len(r.hook.got()) != 1 || !strings.Contains(r.hook.got()[0], "AdaptiveCard") {
				t.Fatalf("stdout %q, webhook %v", out, r.hook.got())
			}
			msg := r.smtp.Messages()[0]
			if !msg.TLS || msg.User != "dpg@kommune.dk" || len(msg.To) != 2 || !strings.Contains(string(msg.Data), "dpg-stops.ics") {
				t.Fatalf("message %+v", msg)
			}
			// The same day, and the next (4 days left, still the 7-day step): nothing.
			for _, at := range []time.Time{statusNow.Add(3 * time.Hour), statusNow.Add(24 * time.Hour)} {
				if code, out, _ := r.run(at); code != ExitFailOn || strings.Contains(out, "127.0.0.1") {
					t.Fatalf("%v: exit %d, stdout %q", at, code, out)
				}
			}
			if len(r.smtp.Messages()) != 1 || len(r.hook.got()) != 1 {
				t.Fatalf("sent again: %d mails, %d posts", len(r.smtp.Messages()), len(r.hook.got()))
			}
			// 3 days left: the 3-day step.
			r.run(statusNow.Add(48 * time.Hour))
			if got := subjects(t, r.smtp); len(got) != 2 || !strings.Contains(got[1], tt.third) || len(r.hook.got()) != 2 {
				t.Fatalf("3 days: %q, %d posts", got, len(r.hook.got()))
			}
		})
	}
}

// TestCheckTeamFailures: a mail server that refuses or is down, and a
// webhook that keeps failing, lose nothing: check exits 6 with the error
// translated, the other channel still sends, and the next run sends what
// failed (and only that).
func TestCheckTeamFailures(t *testing.T) {
	r := newTeamRun(t, "da", 5)
	r.smtp.Refuse(true)
	code, _, errOut := r.run(statusNow)
	if code != ExitChannel || !strings.Contains(errOut, "Mailserveren afviste beskeden") || !strings.Contains(errOut, "Relay access denied") {
		t.Fatalf("refused: exit %d, stderr %q", code, errOut)
	}
	if len(r.smtp.Messages()) != 0 || len(r.hook.got()) != 1 {
		t.Fatalf("%d mails, %d posts", len(r.smtp.Messages()), len(r.hook.got()))
	}
	// The next run, the same day: the mail goes, the webhook is not told twice.
	r.smtp.Refuse(false)
	if code, _, errOut := r.run(statusNow.Add(time.Hour)); code != ExitFailOn || errOut != "" {
		t.Fatalf("retry: exit %d, %q", code, errOut)
	}
	if len(r.smtp.Messages()) != 1 || len(r.hook.got()) != 1 {
		t.Fatalf("retry: %d mails, %d posts", len(r.smtp.Messages()), len(r.hook.got()))
	}

	// Down, and the webhook failing: both are tried again the run after.
	r.smtp.Stop()
	r.hook.mu.Lock()
	r.hook.status = http.StatusServiceUnavailable
	r.hook.mu.Unlock()
	at := statusNow.Add(48 * time.Hour) // the 3-day step
	code, _, errOut = r.run(at)
	if code != ExitChannel || !strings.Contains(errOut, "Mailserveren kunne ikke nås") || !strings.Contains(errOut, "Webhooken kunne ikke nås") {
		t.Fatalf("down: exit %d, %q", code, errOut)
	}
	r.smtp = smtptest.Start(t, smtptest.Options{User: "dpg@kommune.dk", Password: "s3cret-æøå"})
	r.hook.mu.Lock()
	r.hook.status = http.StatusOK
	r.hook.mu.Unlock()
	if code, _, errOut := r.run(at.Add(time.Hour)); code != ExitFailOn || errOut != "" {
		t.Fatalf("back up: exit %d, %q", code, errOut)
	}
	if got := subjects(t, r.smtp); len(got) != 1 || !strings.Contains(got[0], "stopper om 3 dage") || len(r.hook.got()) != 2 {
		t.Fatalf("back up: %q, %d posts", got, len(r.hook.got()))
	}
}

// TestCheckTeamMissedSteps: a PC that was off from 40 days to 2 days
// before the stop sends only the most urgent step (3), once.
func TestCheckTeamMissedSteps(t *testing.T) {
	r := newTeamRun(t, "en", 40)
	r.run(statusNow.Add(-12 * 24 * time.Hour)) // 52 days: the 90-day step
	r.run(statusNow.Add(37*24*time.Hour + time.Hour))
	got := subjects(t, r.smtp)
	if len(got) != 2 || !strings.Contains(got[0], "in 52 days") || !strings.Contains(got[1], "in 3 days") {
		t.Fatalf("%q", got)
	}
	st := storetest.Open(t, r.db)
	sent, _ := st.SentSteps(context.Background(), "email", []string{"team:int-exchange-online:" + goldenCert("a1", "", "", 0).SHA256})
	if steps := sent["team:int-exchange-online:"+goldenCert("a1", "", "", 0).SHA256]; len(steps) != 2 {
		t.Fatalf("ledger %v", sent)
	}
}

// TestCheckTeamSecrets: a password file others can read is refused (exit
// 6, nothing sent); without channel flags, the saved settings are used.
func TestCheckTeamSecrets(t *testing.T) {
	r := newTeamRun(t, "en", 5)
	os.Chmod(r.pwFile, 0o644)
	code, _, errOut := r.run(statusNow)
	if code != ExitChannel || !strings.Contains(errOut, "can be read by other users") || len(r.smtp.Messages()) != 0 {
		t.Fatalf("exit %d, %q", code, errOut)
	}
	os.Chmod(r.pwFile, 0o600)

	// Saved settings (as the window saves them), the password from
	// $CREDENTIALS_DIRECTORY.
	st, err := store.Open(r.db)
	if err != nil {
		t.Fatal(err)
	}
	err = remind.SaveSettings(context.Background(), st, remind.Settings{Email: remind.EmailSettings{
		SMTP: "smtp://dpg%40kommune.dk@127.0.0.1:" + strconv.Itoa(r.smtp.Port), From: "dpgcerts@kommune.dk",
		To: []string{"it-drift@kommune.dk"}, Lang: "da"}, Contacts: map[string]string{"exchange_online": "exo-ansvarlig@kommune.dk"}})
	st.Close()
	if err != nil {
		t.Fatal(err)
	}
	r.env["CREDENTIALS_DIRECTORY"] = filepath.Dir(r.pwFile)
	r.env[config.EnvNow] = statusNow.Format(time.RFC3339)
	var stdout, stderr bytes.Buffer
	code = check([]string{"--db", r.db, "--format", "json"}, &stdout, &stderr, checkDeps{getenv: func(k string) string { return r.env[k] },
		notifier: (&fakeNotifier{}).system, team: teamDeps{tls: &tls.Config{RootCAs: r.smtp.Roots}, loc: time.UTC}})
	if code != ExitFailOn {
		t.Fatalf("saved: exit %d, %s", code, stderr.String())
	}
	var j checkJSON
	json.Unmarshal(stdout.Bytes(), &j)
	msgs := r.smtp.Messages()
	// The team's mail and the contact's own; a contact in the team gets no second one.
	if len(msgs) != 2 || len(j.Deliveries) != 2 {
		t.Fatalf("%d mails, deliveries %+v", len(msgs), j.Deliveries)
	}
	if !sameAddress("IT <It-Drift@kommune.dk>", "it-drift@kommune.dk") || sameAddress("a@x.dk", "b@x.dk") {
		t.Error("sameAddress")
	}

	// --digest (not a channel) keeps the saved channels: the team's mail
	// gets the weekly digest, nothing else is due again.
	stdout.Reset()
	stderr.Reset()
	code = check([]string{"--db", r.db, "--format", "json", "--digest"}, &stdout, &stderr, checkDeps{getenv: func(k string) string { return r.env[k] },
		notifier: (&fakeNotifier{}).system, team: teamDeps{tls: &tls.Config{RootCAs: r.smtp.Roots}, loc: time.UTC}})
	if got := subjects(t, r.smtp); code != ExitFailOn || len(got) != 3 || got[2] != "[DPG] "+i18n.T("da", "teamMail.subject.digest") {
		t.Fatalf("--digest with the saved channels: exit %d, %q, %s", code, got, stderr.String())
	}
	to := msgs[0].To[0] + " " + msgs[1].To[0]
	if !strings.Contains(to, "it-drift@kommune.dk") || !strings.Contains(to, "exo-ansvarlig@kommune.dk") {
		t.Fatalf("recipients %s", to)
	}
}

// TestCheckTeamDigest: with --digest, a weekly message with every
// integration's state goes out once a week, besides the reminders.
func TestCheckTeamDigest(t *testing.T) {
	r := newTeamRun(t, "en", 200)
	r.run(statusNow, "--digest") // Tuesday 1 Dec 2026
	r.run(statusNow.Add(48*time.Hour), "--digest")
	r.run(statusNow.Add(6*24*time.Hour), "--digest") // Monday 7 Dec: a new ISO week
	got := subjects(t, r.smtp)
	if len(got) != 2 || got[0] != "[DPG] Weekly status of the DPG solution" || len(r.hook.got()) != 2 {
		t.Fatalf("%q, %d posts", got, len(r.hook.got()))
	}
	body := string(r.smtp.Messages()[0].Data)
	if !strings.Contains(body, "- Digital Post (NgDP): OK, stops") {
		t.Errorf("digest:\n%s", body)
	}
}

// TestCheckConfig: a server's settings in a TOML file with the window's
// keys, secrets in files named there; flags override it; a typo is an
// error; the run is noted for the window.
func TestCheckConfig(t *testing.T) {
	r := newTeamRun(t, "da", 5)
	dir := t.TempDir()
	cfg := filepath.Join(dir, "dpgcerts.toml")
	write := func(extra string) {
		os.WriteFile(cfg, []byte(`db = "`+r.db+`"
language = "da"
warn_days = 30
critical_days = 3
max_age = "72h"

[reminders]
lead_days = [30, 7, 0]

[reminders.email]
smtp = "smtp://dpg%40kommune.dk@127.0.0.1:`+strconv.Itoa(r.smtp.Port)+`"
from = "dpgcerts@kommune.dk"
to = ["it-drift@kommune.dk"]
lang = "da"
password_file = "`+r.pwFile+`"

[reminders.contacts]
"Digital Post (NgDP)" = "dp-ansvarlig@kommune.dk"
`+extra), 0o600)
	}
	write("")
	r.env[config.EnvNow] = statusNow.Format(time.RFC3339)
	deps := checkDeps{getenv: func(k string) string { return r.env[k] }, notifier: (&fakeNotifier{}).system,
		team: teamDeps{tls: &tls.Config{RootCAs: r.smtp.Roots}, loc: time.UTC}}
	var stdout, stderr bytes.Buffer
	code := check([]string{"--config", cfg, "--format", "nagios", "--timeout", "0"}, &stdout, &stderr, deps)
	// critical_days 3 from the file: 5 days left is a warning.
	if code != 1 || !strings.HasPrefix(stdout.String(), "DPG WARNING - ") {
		t.Fatalf("exit %d, %q, %q", code, stdout.String(), stderr.String())
	}
	if got := subjects(t, r.smtp); len(got) != 1 || !strings.Contains(got[0], "stopper om 5 dage") {
		t.Fatalf("%q", got)
	}
	// A flag overrides the file.
	stdout.Reset()
	if code := check([]string{"--config", cfg, "--format", "nagios", "--critical-days", "7", "--timeout", "0"}, &stdout, &stderr, deps); code != 2 {
		t.Fatalf("--critical-days over the file: exit %d %q", code, stdout.String())
	}
	// The run is noted, for the window.
	st, _ := store.Open(r.db)
	last, ok, err := remind.LoadLastRun(context.Background(), st)
	st.Close()
	if !ok || err != nil || !last.OK || !last.At.Equal(statusNow) || last.Exit != 2 || last.Sent != 0 {
		t.Fatalf("last run %+v %v %v", last, ok, err)
	}
	// A typo, and a webhook address in a file others can read.
	write("\n[reminders.webhok]\nurl = \"x\"\n")
	stderr.Reset()
	if code := check([]string{"--config", cfg}, &stdout, &stderr, deps); code != ExitUsage || !strings.Contains(stderr.String(), "unknown keys: reminders.webhok") {
		t.Fatalf("typo: exit %d, %q", code, stderr.String())
	}
	write("\n[reminders.webhook]\nurl = \"https://hooks.kommune.test/x?sig=abc\"\n")
	os.Chmod(cfg, 0o644)
	stderr.Reset()
	if code := check([]string{"--config", cfg}, &stdout, &stderr, deps); code != ExitUsage || !strings.Contains(stderr.String(), "secret_file_open") ||
		strings.Contains(stderr.String(), "sig=abc") {
		t.Fatalf("open webhook: exit %d, %q", code, stderr.String())
	}
}

// TestCheckTokenFile: the portal's token from --token-file (or
// $CREDENTIALS_DIRECTORY/token), never from the command line; a token
// file others can read is refused.
func TestCheckTokenFile(t *testing.T) {
	url, _ := portaltest.Sandbox(t, sandbox.Options{})
	dir := t.TempDir()
	token := filepath.Join(dir, "token")
	os.WriteFile(token, []byte(sandbox.TokenAdmin+"\n"), 0o600)
	db := filepath.Join(t.TempDir(), "app.db")
	run := func(env map[string]string, args ...string) (int, checkJSON, string) {
		env[config.EnvKeychain] = "off"
		var stdout, stderr bytes.Buffer
		code := check(append([]string{"--db", db, "--portal", url, "--format", "json", "--timeout", "0"}, args...), &stdout, &stderr,
			checkDeps{getenv: func(k string) string { return env[k] }, notifier: (&fakeNotifier{}).system})
		var j checkJSON
		json.Unmarshal(stdout.Bytes(), &j)
		return code, j, stderr.String()
	}
	if code, j, errOut := run(map[string]string{}, "--token-file", token); code != ExitOK || j.SyncedAt == nil || len(j.Integrations) == 0 {
		t.Fatalf("--token-file: exit %d, %+v, %s", code, j, errOut)
	}
	db = filepath.Join(t.TempDir(), "app.db")
	os.Rename(token, filepath.Join(dir, "token"))
	if code, j, errOut := run(map[string]string{"CREDENTIALS_DIRECTORY": dir}); code != ExitOK || j.SyncedAt == nil {
		t.Fatalf("$CREDENTIALS_DIRECTORY: exit %d, %+v, %s", code, j, errOut)
	}
	os.Chmod(token, 0o640)
	if code, _, errOut := run(map[string]string{}, "--token-file", token); code != ExitUsage || !strings.Contains(errOut, "secret_file_open") ||
		strings.Contains(errOut, sandbox.TokenAdmin) {
		t.Fatalf("open token file: exit %d, %s", code, errOut)
	}
}
