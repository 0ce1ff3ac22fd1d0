package cli

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha1"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/zalando/go-keyring"

	"dpgcerts/backend/config"
	"dpgcerts/backend/errs"
	"dpgcerts/backend/portal"
	"dpgcerts/backend/portal/portaltest"
	"dpgcerts/backend/portal/sandbox"
	"dpgcerts/backend/secrets"
	"dpgcerts/backend/store"
	"dpgcerts/internal/pkitest"
	"dpgcerts/internal/syncbuf"
)

const cliPassword = "Kode-æøå!2026"

func run(t *testing.T, env map[string]string, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	getenv := func(k string) string { return env[k] }
	cmd, ok := commands[args[0]]
	if !ok {
		t.Fatalf("no command %s", args[0])
	}
	code := cmd(args[1:], &stdout, &stderr, getenv)
	return code, stdout.String(), stderr.String()
}

func TestPortalCommandsUsage(t *testing.T) {
	env := map[string]string{portal.EnvToken: sandbox.TokenAdmin, config.EnvKeychain: "off"}
	for _, args := range [][]string{
		{"install", "x.p12"},
		{"install", "--portal", "http://example.com", "x.p12"},
		{"install", "--portal", "http://127.0.0.1:1"},
		{"sync", "--portal", "http://127.0.0.1:1", "extra"},
		{"activate", "--portal", "http://127.0.0.1:1", "--integration", "exchange_online"},
		{"activate", "--portal", "http://127.0.0.1:1", "--integration", "exchange_online", "--certificate", "xyz"},
		{"activate", "--portal", "http://127.0.0.1:1", "--integration", "exchange_online", "--certificate", strings.Repeat("a", 64),
			"--entra-thumbprint", strings.Repeat("b", 40), "--skip-entra-check"},
		{"export-cer", "--db", filepath.Join(t.TempDir(), "app.db"), "--portal", "http://example.com", "--certificate", strings.Repeat("a", 64)},
	} {
		if code, _, _ := run(t, env, args...); code != ExitUsage {
			t.Errorf("%v: exit %d, want %d", args, code, ExitUsage)
		}
	}
	// No token anywhere.
	if code, _, errOut := run(t, map[string]string{config.EnvKeychain: "off"}, "sync", "--portal", "http://127.0.0.1:1"); code != ExitUsage || !strings.Contains(errOut, "no_token") {
		t.Errorf("without a token: exit %d, %s", code, errOut)
	}
	if code := runSandbox([]string{"--addr", "0.0.0.0:0"}, &bytes.Buffer{}, &bytes.Buffer{}); code != ExitUsage {
		t.Errorf("sandbox on every interface without --allow-remote: exit %d", code)
	}
}

// TestPortalFullFlowLeaksNothing installs five files (one of another
// organisation), activates the Exchange Online certificate and syncs, then
// looks for the password, the token and the private keys in the app's
// database, the sandbox's database, the logs and every output.
func TestPortalFullFlowLeaksNothing(t *testing.T) {
	keyring.MockInit()
	logs := &syncbuf.Buffer{}
	sbDB := filepath.Join(t.TempDir(), "sandbox.db")
	url, _ := portaltest.Sandbox(t, sandbox.Options{DB: sbDB, Log: logs})
	dir := t.TempDir()
	appDB := filepath.Join(dir, "app.db")
	pki := portaltest.NewPKI(t)
	var keys [][]byte
	var files []string
	var exoSHA string
	var sha1s, sha256s []string
	for i := range 5 {
		leaf := portaltest.Leaf{}
		if i == 2 {
			leaf.CVR = "11223344"
		}
		c := pki.Issue(t, leaf)
		s1, s256 := sha1.Sum(c.Cert.Raw), sha256.Sum256(c.Cert.Raw)
		sha1s, sha256s = append(sha1s, hex.EncodeToString(s1[:])), append(sha256s, hex.EncodeToString(s256[:]))
		keys = append(keys, pkitest.PKCS8(t, c.Key))
		files = append(files, portaltest.WriteFile(t, dir, fmt.Sprintf("cert%d.p12", i), pki.P12(t, c, cliPassword)))
		if i == 4 {
			sum := sha256.Sum256(c.Cert.Raw)
			exoSHA = hex.EncodeToString(sum[:])
		}
	}
	pwFile := portaltest.WriteFile(t, dir, "passwords.txt", []byte("first\n"+cliPassword+"\n"))
	env := map[string]string{portal.EnvToken: sandbox.TokenAdmin}
	var outputs []string
	check := func(code, want int, stdout, stderr string) {
		t.Helper()
		outputs = append(outputs, stdout, stderr)
		if code != want {
			t.Fatalf("exit %d, want %d\n%s\n%s", code, want, stdout, stderr)
		}
	}

	code, out, errOut := run(t, env, "install", "--portal", url, "--db", appDB, "--passwords", pwFile, "--json", files[0], files[1], files[2], files[3], files[4])
	check(code, ExitFailed, out, errOut)
	var report struct {
		Results []struct {
			File      string
			Operation portal.Operation
		}
	}
	if err := json.Unmarshal([]byte(out), &report); err != nil {
		t.Fatal(err)
	}
	for i, r := range report.Results {
		want := portal.StateDone
		if i == 2 {
			want = portal.StateFailed
		}
		if r.Operation.State != want || (i == 2 && r.Operation.ErrorCode != errs.CVRMismatch) {
			t.Fatalf("%s: %+v", r.File, r.Operation)
		}
	}
	// Exchange Online: not without the proof that Entra has the certificate.
	exoActive := func() string {
		t.Helper()
		c, _ := portal.NewClient(url, sandbox.TokenAdmin)
		ins, err := c.Integrations(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		for _, in := range ins {
			if in.Kind == portal.KindExchangeOnline {
				return in.ActiveID()
			}
		}
		return ""
	}
	before := exoActive()
	code, out, errOut = run(t, env, "activate", "--portal", url, "--db", appDB, "--integration", "exchange_online", "--certificate", exoSHA)
	check(code, ExitUsage, out, errOut)
	if !strings.Contains(errOut, "export-cer") || !strings.Contains(errOut, "--entra-thumbprint") || exoActive() != before {
		t.Fatalf("activate without the Entra thumbprint said: %s (active %q, was %q)", errOut, exoActive(), before)
	}
	// Another certificate's thumbprint (files[0]'s, one the app knows) is refused, naming it.
	code, out, errOut = run(t, env, "activate", "--portal", url, "--db", appDB, "--integration", "exchange_online", "--certificate", exoSHA,
		"--entra-thumbprint", strings.ToUpper(sha1s[0]))
	check(code, ExitUsage, out, errOut)
	if !strings.Contains(errOut, errs.EntraThumbprintMismatch) || !strings.Contains(errOut, "the thumbprint is that of") || exoActive() != before {
		t.Fatalf("activate with a wrong thumbprint said: %s (active %q)", errOut, exoActive())
	}
	// Garbage is no thumbprint at all: usage, nothing changed.
	code, out, errOut = run(t, env, "activate", "--portal", url, "--db", appDB, "--integration", "exchange_online", "--certificate", exoSHA,
		"--entra-thumbprint", "copied the wrong thing")
	check(code, ExitUsage, out, errOut)
	if !strings.Contains(errOut, errs.InvalidThumbprint) || exoActive() != before {
		t.Fatalf("activate with garbage for a thumbprint said: %s (active %q)", errOut, exoActive())
	}
	// export-cer writes the DER whose SHA-256 is the certificate's, from DPG's record.
	cer := filepath.Join(dir, "new.cer")
	code, out, errOut = run(t, env, "export-cer", "--db", appDB, "--portal", url, "--certificate", exoSHA[:16], "-o", cer)
	check(code, ExitOK, out, errOut)
	if der, err := os.ReadFile(cer); err != nil || shaHex(der) != exoSHA {
		t.Fatalf("export-cer wrote %s: %v", cer, err)
	}
	// ... and from a file on this PC that DPG refused (another CVR), once scanned.
	var scanOut, scanErr bytes.Buffer
	if code := runScan([]string{"--db", appDB, "--passwords", pwFile, files[2]}, &scanOut, &scanErr, func(k string) string { return env[k] }); code != ExitOK {
		t.Fatalf("scan: exit %d\n%s", code, scanErr.String())
	}
	local := filepath.Join(dir, "local.cer")
	code, out, errOut = run(t, env, "export-cer", "--db", appDB, "--certificate", sha256s[2], "-o", local)
	check(code, ExitOK, out, errOut)
	if der, err := os.ReadFile(local); err != nil || shaHex(der) != sha256s[2] {
		t.Fatalf("export-cer of a file on this PC wrote %s: %v", local, err)
	}
	code, out, errOut = run(t, env, "export-cer", "--db", appDB, "--certificate", strings.Repeat("0", 64), "-o", local)
	check(code, ExitFailed, out, errOut)
	code, out, errOut = run(t, env, "export-cer", "--db", appDB, "--certificate", "xyz")
	check(code, ExitUsage, out, errOut)
	// The thumbprint Entra shows (SHA-1, upper case, with spaces): activated.
	entraForm := strings.ToUpper(sha1s[4])
	code, out, errOut = run(t, env, "activate", "--portal", url, "--db", appDB, "--integration", "exchange_online", "--certificate", exoSHA,
		"--entra-thumbprint", entraForm[:20]+" "+entraForm[20:])
	check(code, ExitOK, out, errOut)
	if !strings.Contains(out, "Activated for exchange_online") || exoActive() == before {
		t.Fatalf("activate said: %s", out)
	}
	code, out, errOut = run(t, env, "activate", "--portal", url, "--db", appDB, "--integration", "int-exchange-online", "--certificate", exoSHA[:12])
	check(code, ExitOK, out, errOut)
	if !strings.Contains(out, "already uses") {
		t.Fatalf("activate again said: %s", out)
	}
	// The escape hatch: another certificate without the Entra check, then back.
	code, out, errOut = run(t, env, "activate", "--portal", url, "--db", appDB, "--integration", "exchange_online", "--certificate", sha256s[1], "--skip-entra-check")
	check(code, ExitOK, out, errOut)
	if !strings.Contains(out, "Activated for exchange_online") || !strings.Contains(errOut, "without checking Entra") {
		t.Fatalf("activate --skip-entra-check said: %s\n%s", out, errOut)
	}
	code, out, errOut = run(t, env, "activate", "--portal", url, "--db", appDB, "--integration", "exchange_online", "--certificate", exoSHA, "--entra-thumbprint", exoSHA)
	check(code, ExitOK, out, errOut)
	code, out, errOut = run(t, env, "sync", "--portal", url, "--db", appDB)
	check(code, ExitOK, out, errOut)
	// The unregistered user is refused with its own exit status and text.
	code, out, errOut = run(t, map[string]string{portal.EnvToken: sandbox.TokenUnregistered}, "sync", "--portal", url, "--db", appDB)
	check(code, ExitRefused, out, errOut)
	if !strings.Contains(errOut, "not_registered") {
		t.Fatalf("sync as unregistered said: %s", errOut)
	}

	// The offline copy shows the usage.
	st, err := store.Open(appDB)
	if err != nil {
		t.Fatal(err)
	}
	svc, _ := portal.NewService(st, url, nil, portal.Options{})
	certs, _, _ := svc.Certificates(context.Background())
	used := 0
	for _, c := range certs {
		if c.SHA256 == exoSHA && len(c.Usages) == 1 && c.Usages[0].Kind == portal.KindExchangeOnline {
			used++
		}
	}
	if len(certs) != 4 || used != 1 {
		t.Fatalf("offline copy: %d certificates, %d used", len(certs), used)
	}
	// No keychain entry outlives its install.
	ops, _ := st.Ops(context.Background(), portal.OpFilter{Portal: svc.Portal()})
	for _, o := range ops {
		if _, ok, _ := secrets.OperationPassword(o.Key); ok {
			t.Fatalf("keychain entry of operation %d is still there", o.ID)
		}
		if o.PasswordIn != portal.PasswordNowhere {
			t.Fatalf("operation %d still says its password is in %q", o.ID, o.PasswordIn)
		}
	}
	st.Close()

	secretsToFind := map[string][]byte{
		"password":        []byte(cliPassword),
		"password base64": []byte(base64.StdEncoding.EncodeToString([]byte(cliPassword))),
		"token":           []byte(sandbox.TokenAdmin),
	}
	for i, k := range keys {
		secretsToFind[fmt.Sprintf("key %d", i)] = k
		secretsToFind[fmt.Sprintf("key %d base64", i)] = []byte(base64.StdEncoding.EncodeToString(k))
		secretsToFind[fmt.Sprintf("key %d hex", i)] = []byte(hex.EncodeToString(k))
	}
	places := map[string][]byte{"sandbox log": logs.Bytes(), "command output": []byte(strings.Join(outputs, "\n"))}
	for _, db := range []string{appDB, sbDB} {
		// Checkpoint so the WAL's content is in the file, then read all three.
		if d, err := sql.Open("sqlite3", db); err == nil {
			d.Exec(`PRAGMA wal_checkpoint(FULL)`)
			d.Close()
		}
		for _, suffix := range []string{"", "-wal", "-shm"} {
			if b, err := os.ReadFile(db + suffix); err == nil {
				places[filepath.Base(db)+suffix] = b
			}
		}
	}
	for where, data := range places {
		for what, secret := range secretsToFind {
			if bytes.Contains(data, secret) {
				t.Errorf("the %s is in the %s", what, where)
			}
		}
	}
	// The search does find what is meant to be there: the public thumbprint.
	if !bytes.Contains(places["app.db"], []byte(exoSHA)) || !bytes.Contains(places["sandbox.db"], []byte(exoSHA)) ||
		len(places["sandbox log"]) == 0 {
		t.Fatal("the search finds nothing at all")
	}
}

// binary is dpgcerts built once for the package's tests that run it as a
// subprocess (TestMain removes it).
var binary struct {
	once sync.Once
	dir  string
	path string
	err  error
}

// dpgcertsBinary builds dpgcerts (with -race when the tests have it) on
// first use and returns its path.
func dpgcertsBinary(t *testing.T) string {
	t.Helper()
	binary.once.Do(func() {
		if binary.dir, binary.err = os.MkdirTemp("", "dpgcerts-cli-test"); binary.err != nil {
			return
		}
		binary.path = filepath.Join(binary.dir, "dpgcerts")
		build := exec.Command("go", append(append([]string{"build"}, raceFlags...), "-o", binary.path, "dpgcerts")...)
		if out, err := build.CombinedOutput(); err != nil {
			binary.err = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if binary.err != nil {
		t.Fatal(binary.err)
	}
	return binary.path
}

func TestMain(m *testing.M) {
	code := m.Run()
	if binary.dir != "" {
		os.RemoveAll(binary.dir)
	}
	os.Exit(code)
}

// TestPortalBinary builds dpgcerts once and runs it as a subprocess.
func TestPortalBinary(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := dpgcertsBinary(t)
	t.Run("kill -9 mid bulk install", func(t *testing.T) { testKill9(t, bin) })
	t.Run("sandbox command", func(t *testing.T) { testSandboxCommand(t, bin) })
}

// testSandboxCommand starts `dpgcerts sandbox` on a free loopback port,
// asks it who sandbox-admin is, and stops it with SIGTERM.
func testSandboxCommand(t *testing.T, bin string) {
	db := filepath.Join(t.TempDir(), "sandbox.db")
	cmd, url, _, logs := startSandboxCommand(t, bin, "--db", db, "--chaos-latency", "10ms")
	defer cmd.Process.Kill()
	c, err := portal.NewClient(url, sandbox.TokenAdmin)
	if err != nil {
		t.Fatal(err)
	}
	me, err := c.Me(context.Background())
	if err != nil || me.Organization.CVR != sandbox.OrgCVR {
		t.Fatalf("me: %+v, %v", me, err)
	}
	cu, _ := portal.NewClient(url, sandbox.TokenOldPortal)
	if _, err := cu.Me(context.Background()); errs.Code(err) != errs.MigrationRequired {
		t.Fatalf("old portal user: %v", err)
	}
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("sandbox: %v\n%s", err, logs.String())
	}
	if !strings.Contains(logs.String(), "GET /api/v1/me 200") {
		t.Fatalf("log: %s", logs.String())
	}
}

// startSandboxCommand starts `dpgcerts sandbox` on a free loopback port
// and reads its address from the banner; the rest of the banner stays in
// the reader. The caller stops the process.
func startSandboxCommand(t *testing.T, bin string, args ...string) (cmd *exec.Cmd, url string, banner *bufio.Reader, logs *bytes.Buffer) {
	t.Helper()
	cmd = exec.Command(bin, append([]string{"sandbox", "--addr", "127.0.0.1:0"}, args...)...)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	logs = &bytes.Buffer{}
	cmd.Stderr = logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	banner = bufio.NewReader(stdout)
	line, err := banner.ReadString('\n')
	if err != nil {
		cmd.Process.Kill()
		cmd.Wait()
		t.Fatalf("no banner: %v\n%s", err, logs.String())
	}
	return cmd, strings.Fields(strings.TrimPrefix(line, "Sandbox portal on "))[0], banner, logs
}

// testKill9 kills `dpgcerts install` in the middle of a bulk install
// against a slow portal, then runs `dpgcerts sync`, and proves from the
// portal's own records that every certificate arrived exactly once.
func testKill9(t *testing.T, bin string) {
	dir := t.TempDir()
	url, srv := portaltest.Sandbox(t, sandbox.Options{ChaosLatency: 150 * time.Millisecond})
	pki := portaltest.NewPKI(t)
	const n = 20
	var files []string
	for i := range n {
		files = append(files, portaltest.WriteFile(t, dir, fmt.Sprintf("bulk%02d.p12", i), pki.P12(t, pki.Issue(t, portaltest.Leaf{}), cliPassword)))
	}
	pwFile := portaltest.WriteFile(t, dir, "passwords.txt", []byte(cliPassword+"\n"))
	appDB := filepath.Join(dir, "app.db")
	env := append(os.Environ(), portal.EnvToken+"="+sandbox.TokenAdmin, config.EnvKeychain+"=off")
	count := func() int {
		var c int
		srv.DB().QueryRow(`SELECT COUNT(*) FROM certificates`).Scan(&c)
		return c
	}

	install := exec.Command(bin, append([]string{"install", "--portal", url, "--db", appDB, "--passwords", pwFile}, files...)...)
	install.Env = env
	var out bytes.Buffer
	install.Stdout, install.Stderr = &out, &out
	if err := install.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(30 * time.Second)
	for count() < 5 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	// Mid-send: the portal has committed some whose answers are still on
	// their way (the latency comes after the commit).
	if err := install.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	install.Wait()
	atKill := count()
	if atKill < 5 || atKill >= n {
		t.Fatalf("killed with %d of %d installed; want in the middle\n%s", atKill, n, out.String())
	}
	st, err := store.Open(appDB)
	if err != nil {
		t.Fatal(err)
	}
	counts, _ := st.OpCounts(context.Background(), url)
	st.Close()
	t.Logf("killed with %d of %d on the portal; the outbox had %v", atKill, n, counts)
	if counts[portal.StatePending] == 0 || counts[portal.StatePending]+counts[portal.StateDone] != n {
		t.Fatalf("outbox after the kill: %v", counts)
	}

	syncCmd := exec.Command(bin, "sync", "--portal", url, "--db", appDB, "--passwords", pwFile, "--json")
	syncCmd.Env = env
	syncOut, err := syncCmd.Output()
	if err != nil {
		t.Fatalf("sync: %v\n%s", err, syncOut)
	}
	var report struct {
		Sync   portal.SyncResult
		Status portal.Status
	}
	if err := json.Unmarshal(syncOut, &report); err != nil {
		t.Fatalf("%v: %s", err, syncOut)
	}
	if report.Status.Pending != 0 || report.Status.NeedsPassword != 0 || report.Status.Failed != 0 || report.Status.Done != n {
		t.Fatalf("after sync: %+v", report.Status)
	}

	// The portal's own records: n certificates, n install events, one each.
	var certsN, events, distinct, shas int
	srv.DB().QueryRow(`SELECT COUNT(*), COUNT(DISTINCT sha256) FROM certificates`).Scan(&certsN, &shas)
	srv.DB().QueryRow(`SELECT COUNT(*), COUNT(DISTINCT certificate_id) FROM events WHERE action = ?`,
		portal.ActionCertificateInstalled).Scan(&events, &distinct)
	if certsN != n || shas != n || events != n || distinct != n {
		t.Fatalf("portal records: %d certificates (%d distinct), %d install events for %d certificates; want %d each",
			certsN, shas, events, distinct, n)
	}
	var files2 []string
	rows, _ := srv.DB().Query(`SELECT filename FROM certificates ORDER BY filename`)
	for rows.Next() {
		var f string
		rows.Scan(&f)
		files2 = append(files2, f)
	}
	rows.Close()
	for i, f := range files2 {
		if f != filepath.Base(files[i]) {
			t.Fatalf("portal has %v", files2)
		}
	}
}

// TestPortalExitStatuses walks the exit statuses of install and sync: gave
// up on transient errors (3), waiting for a password (4), then done (0).
func TestPortalExitStatuses(t *testing.T) {
	url, srv := portaltest.Sandbox(t, sandbox.Options{})
	dir := t.TempDir()
	appDB := filepath.Join(dir, "app.db")
	pki := portaltest.NewPKI(t)
	a := portaltest.WriteFile(t, dir, "a.p12", pki.P12(t, pki.Issue(t, portaltest.Leaf{}), cliPassword))
	b := portaltest.WriteFile(t, dir, "b.p12", pki.P12(t, pki.Issue(t, portaltest.Leaf{}), cliPassword))
	pwFile := portaltest.WriteFile(t, dir, "passwords.txt", []byte(cliPassword+"\n"))
	env := map[string]string{portal.EnvToken: sandbox.TokenAdmin, config.EnvKeychain: "off"}

	srv.SetChaos(sandbox.Chaos{Fail5xx: 1})
	code, out, errOut := run(t, env, "install", "--portal", url, "--db", appDB, "--passwords", pwFile, "--timeout", "300ms", a)
	if code != ExitPending || !strings.Contains(out, "pending") || !strings.Contains(errOut, "unavailable") {
		t.Fatalf("portal down: exit %d\n%s\n%s", code, out, errOut)
	}
	srv.SetChaos(sandbox.Chaos{})
	// No password for b; and a's password died with the first command.
	code, out, _ = run(t, env, "install", "--portal", url, "--db", appDB, b)
	if code != ExitNeedsPassword || !strings.Contains(out, "needs password") {
		t.Fatalf("no password: exit %d\n%s", code, out)
	}
	code, out, _ = run(t, env, "sync", "--portal", url, "--db", appDB)
	if code != ExitNeedsPassword {
		t.Fatalf("sync without passwords: exit %d\n%s", code, out)
	}
	code, out, errOut = run(t, env, "sync", "--portal", url, "--db", appDB, "--passwords", pwFile, "--json")
	if code != ExitOK {
		t.Fatalf("sync: exit %d\n%s\n%s", code, out, errOut)
	}
	var report struct {
		Unlocked   int
		Operations []portal.Operation
	}
	if err := json.Unmarshal([]byte(out), &report); err != nil {
		t.Fatal(err)
	}
	if report.Unlocked != 2 || len(report.Operations) != 2 {
		t.Fatalf("report: %s", out)
	}
	for _, o := range report.Operations {
		if o.State != portal.StateDone || o.AlreadyInstalled {
			t.Fatalf("operation %+v", o)
		}
	}
	// Installing again is a success.
	code, out, _ = run(t, env, "install", "--portal", url, "--db", appDB, "--passwords", pwFile, a, b)
	if code != ExitOK || strings.Count(out, "\nalready installed  ") != 2 {
		t.Fatalf("reinstall: exit %d\n%s", code, out)
	}
	var certs int
	srv.DB().QueryRow(`SELECT COUNT(*) FROM certificates`).Scan(&certs)
	if certs != 2 {
		t.Fatalf("%d certificates on the portal", certs)
	}
	// No integration known at all is a failure, not wrong usage; an unknown
	// one among those known is wrong usage.
	code, out, errOut = run(t, env, "activate", "--portal", url, "--db", appDB, "--integration", "no-such-integration", "--certificate", strings.Repeat("a", 64))
	if code != ExitUsage || !strings.Contains(errOut, "no integration") {
		t.Fatalf("an unknown integration: exit %d\n%s\n%s", code, out, errOut)
	}
	if _, err := srv.DB().Exec(`DELETE FROM integrations`); err != nil {
		t.Fatal(err)
	}
	code, out, errOut = run(t, env, "activate", "--portal", url, "--db", filepath.Join(dir, "fresh.db"), "--integration", "exchange_online", "--certificate", strings.Repeat("a", 64))
	if code != ExitFailed || !strings.Contains(errOut, "no integrations are known yet") {
		t.Fatalf("no integrations: exit %d\n%s\n%s", code, out, errOut)
	}
}
