package cli

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"dpgcerts/backend/config"
	"dpgcerts/backend/errs"
	"dpgcerts/backend/portal"
	"dpgcerts/backend/portal/portaltest"
	"dpgcerts/backend/portal/sandbox"
	"dpgcerts/backend/store"
	"dpgcerts/backend/store/storetest"
)

// TestSyncCancel: an install whose password is lost can be cancelled, and
// sync stops reporting it.
func TestSyncCancel(t *testing.T) {
	url, srv := portaltest.Sandbox(t, sandbox.Options{})
	dir := t.TempDir()
	appDB := filepath.Join(dir, "app.db")
	pki := portaltest.NewPKI(t)
	a := portaltest.WriteFile(t, dir, "a.p12", pki.P12(t, pki.Issue(t, portaltest.Leaf{}), cliPassword))
	env := map[string]string{portal.EnvToken: sandbox.TokenAdmin, config.EnvKeychain: "off"}
	if code, out, _ := run(t, env, "install", "--portal", url, "--db", appDB, a); code != ExitNeedsPassword {
		t.Fatalf("install without its password: exit %d\n%s", code, out)
	}
	code, out, _ := run(t, env, "sync", "--portal", url, "--db", appDB, "--json")
	var report struct{ Operations []portal.Operation }
	if err := json.Unmarshal([]byte(out), &report); err != nil || code != ExitNeedsPassword || len(report.Operations) != 1 {
		t.Fatalf("sync: exit %d, %v\n%s", code, err, out)
	}
	id := strconv.FormatInt(report.Operations[0].ID, 10)
	if code, out, errOut := run(t, env, "sync", "--portal", url, "--db", appDB, "--cancel", id); code != ExitOK || !strings.Contains(out, "Cancelled install ") || !strings.Contains(out, "a.p12") {
		t.Fatalf("cancel: exit %d\n%s\n%s", code, out, errOut)
	}
	if code, out, _ := run(t, env, "sync", "--portal", url, "--db", appDB); code != ExitOK {
		t.Fatalf("sync after the cancel: exit %d\n%s", code, out)
	}
	if code, _, errOut := run(t, env, "sync", "--portal", url, "--db", appDB, "--cancel", id); code != ExitUsage || !strings.Contains(errOut, errs.OperationEnded) {
		t.Fatalf("second cancel: exit %d\n%s", code, errOut)
	}
	st := storetest.Open(t, appDB)
	if b, _ := st.OpFile(context.Background(), report.Operations[0].ID); b != nil {
		t.Fatal("the cancelled install's file is still in the database")
	}
	if n := countRows(t, srv.DB(), `SELECT COUNT(*) FROM certificates`); n != 0 {
		t.Fatalf("%d certificates on the portal", n)
	}
}

func countRows(t *testing.T, db *sql.DB, q string, args ...any) int {
	t.Helper()
	var n int
	if err := db.QueryRow(q, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestReliabilityBinary runs the real binary as several processes against
// `dpgcerts sandbox` with faults.
func TestReliabilityBinary(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := dpgcertsBinary(t)
	runs := 2
	if n, err := strconv.Atoi(os.Getenv("DPGCERTS_CHAOS_RUNS")); err == nil && n > 0 {
		runs = n
	}
	t.Run("ten refreshes under faults", func(t *testing.T) { testRefreshUnderFaults(t, bin) })
	for i := range runs {
		t.Run(fmt.Sprintf("two syncs and an install, one killed, run %d", i+1), func(t *testing.T) { testTwoProcessChaos(t, bin) })
	}
}

// chaosSandbox starts `dpgcerts sandbox` with the issue's fault rates and
// returns its URL and its database (for the portal's own records).
func chaosSandbox(t *testing.T, bin string, extra ...string) (string, *sql.DB) {
	t.Helper()
	db := filepath.Join(t.TempDir(), "sandbox.db")
	args := append([]string{"--db", db, "--quiet", "--chaos-drop", "0.3", "--chaos-5xx", "0.2"}, extra...)
	if seed := portaltest.ChaosSeed(t); seed != 0 {
		args = append(args, "--chaos-seed", strconv.FormatUint(seed, 10))
	}
	cmd, url, banner, logs := startSandboxCommand(t, bin, args...)
	t.Cleanup(func() {
		cmd.Process.Signal(syscall.SIGTERM)
		if err := cmd.Wait(); err != nil {
			t.Errorf("sandbox: %v\n%s", err, logs.String())
		}
	})
	// The banner names the seed of the faults, so a failing run can be
	// replayed with it.
	var seed uint64
	for range 2 {
		line, err := banner.ReadString('\n')
		if err != nil {
			t.Fatalf("banner: %v\n%s", err, logs.String())
		}
		if _, err := fmt.Sscanf(line, "Chaos seed %d", &seed); err == nil {
			break
		}
	}
	if want := portaltest.ChaosSeed(t); seed == 0 || want != 0 && seed != want {
		t.Fatalf("the sandbox's banner names chaos seed %d, want %d (0: random)", seed, want)
	}
	t.Logf("sandbox chaos seed %d (replay with %s=%d)", seed, portaltest.EnvChaosSeed, seed)
	sdb, err := sql.Open("sqlite3", db+"?_busy_timeout=10000")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sdb.Close() })
	return url, sdb
}

// Item 13: each `dpgcerts sync` on a fresh database is a full refresh; under
// a 30 % drop and 20 % 5xx rate, every one finishes, within 30 s.
func testRefreshUnderFaults(t *testing.T, bin string) {
	url, _ := chaosSandbox(t, bin)
	env := append(os.Environ(), portal.EnvToken+"="+sandbox.TokenAdmin, config.EnvKeychain+"=off")
	for i := range 10 {
		cmd := exec.Command(bin, "sync", "--portal", url, "--db", filepath.Join(t.TempDir(), "fresh.db"))
		cmd.Env = env
		start := time.Now()
		out, err := cmd.CombinedOutput()
		took := time.Since(start)
		t.Logf("refresh %d: %s", i+1, took.Round(time.Millisecond))
		if err != nil || took > 30*time.Second {
			t.Fatalf("refresh %d: %v after %s\n%s", i+1, err, took, out)
		}
	}
}

// testTwoProcessChaos runs `dpgcerts install`, two `dpgcerts sync` and two
// `dpgcerts activate` of one certificate on one database at once against the
// faulty sandbox, kills one sync mid-way, and checks the portal's records and
// the outbox: every certificate arrived once, the activation was recorded and
// applied once, the others exited cleanly, nothing is left active.
func testTwoProcessChaos(t *testing.T, bin string) {
	url, sdb := chaosSandbox(t, bin, "--chaos-latency", "150ms")
	dir := t.TempDir()
	pki := portaltest.NewPKI(t)
	const n = 16
	var files []string
	var firstSHA string
	for i := range n {
		c := pki.Issue(t, portaltest.Leaf{})
		if i == 0 {
			sum := sha256.Sum256(c.Cert.Raw)
			firstSHA = hex.EncodeToString(sum[:])
		}
		files = append(files, portaltest.WriteFile(t, dir, fmt.Sprintf("chaos%02d.p12", i), pki.P12(t, c, cliPassword)))
	}
	pwFile := portaltest.WriteFile(t, dir, "passwords.txt", []byte(cliPassword+"\n"))
	appDB := filepath.Join(dir, "app.db")
	env := append(os.Environ(), portal.EnvToken+"="+sandbox.TokenAdmin, config.EnvKeychain+"=off")
	type proc struct {
		name string
		cmd  *exec.Cmd
		out  bytes.Buffer
	}
	start := func(name string, args ...string) *proc {
		p := &proc{name: name, cmd: exec.Command(bin, args...)}
		p.cmd.Env = env
		p.cmd.Stdout, p.cmd.Stderr = &p.out, &p.out
		if err := p.cmd.Start(); err != nil {
			t.Fatal(err)
		}
		return p
	}
	installed := func() int { return countRows(t, sdb, `SELECT COUNT(*) FROM certificates`) }

	install := start("install", append([]string{"install", "--portal", url, "--db", appDB, "--passwords", pwFile}, files...)...)
	// The syncs start once the install has recorded its intents.
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		if st, err := store.Open(appDB); err == nil {
			counts, _ := st.OpCounts(context.Background(), url)
			st.Close()
			if counts[portal.StatePending]+counts[portal.StateDone] == n {
				break
			}
		}
		time.Sleep(10 * time.Millisecond)
	}
	syncArgs := []string{"sync", "--portal", url, "--db", appDB, "--passwords", pwFile}
	victim := start("sync 1", syncArgs...)
	other := start("sync 2", syncArgs...)
	// Two activations of the first certificate at once, by its SHA-256
	// while its install is still in the outbox: one activation.
	actArgs := []string{"activate", "--portal", url, "--db", appDB, "--integration", sandbox.IntegrationMitDK, "--certificate", firstSHA}
	acts := []*proc{start("activate 1", actArgs...), start("activate 2", actArgs...)}
	for installed() < n/4 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	if err := victim.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	victim.cmd.Wait()
	atKill := installed()
	var wg sync.WaitGroup
	for _, p := range append([]*proc{install, other}, acts...) {
		wg.Go(func() {
			if err := p.cmd.Wait(); err != nil {
				t.Errorf("%s: %v\n%s", p.name, err, p.out.String())
			}
		})
	}
	wg.Wait()
	t.Logf("killed a sync with %d of %d on the portal", atKill, n)

	st := storetest.Open(t, appDB)
	counts, err := st.OpCounts(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	if counts[portal.StatePending] != 0 || counts[portal.StateNeedsPassword] != 0 || counts[portal.StateFailed] != 0 || counts[portal.StateDone] < n+1 {
		t.Fatalf("outbox: %v", counts)
	}
	// No two activations of the same certificate were active at once, and
	// each reached the portal once.
	ops, err := st.Ops(context.Background(), portal.OpFilter{Portal: url, Kind: portal.OpActivate})
	if err != nil || len(ops) == 0 {
		t.Fatalf("activations: %+v, %v", ops, err)
	}
	for i := 1; i < len(ops); i++ {
		if ops[i].CreatedAt.Before(ops[i-1].FinishedAt) {
			t.Fatalf("activation %d was recorded while %d was still active", ops[i].ID, ops[i-1].ID)
		}
	}
	if got := countRows(t, sdb, `SELECT COUNT(*) FROM events WHERE action = ? AND integration_id = ?`,
		portal.ActionIntegrationActivated, sandbox.IntegrationMitDK); got != len(ops) {
		t.Fatalf("%d activation events for %d activations", got, len(ops))
	}
	certsN := countRows(t, sdb, `SELECT COUNT(DISTINCT sha256) FROM certificates`)
	events := countRows(t, sdb, `SELECT COUNT(*) FROM events WHERE action = ?`, portal.ActionCertificateInstalled)
	distinct := countRows(t, sdb, `SELECT COUNT(DISTINCT certificate_id) FROM events WHERE action = ?`, portal.ActionCertificateInstalled)
	if installed() != n || certsN != n || events != n || distinct != n {
		t.Fatalf("portal: %d certificates (%d distinct), %d install events for %d; want %d each", installed(), certsN, events, distinct, n)
	}
}

// Item 12: the help of --allow-remote says that the tokens are public.
func TestSandboxHelpWarnsAboutRemote(t *testing.T) {
	var stderr bytes.Buffer
	if code := runSandbox([]string{"--help"}, &bytes.Buffer{}, &stderr); code != ExitOK {
		t.Fatalf("exit %d", code)
	}
	if !strings.Contains(stderr.String(), "tokens are public") {
		t.Fatalf("help: %s", stderr.String())
	}
}
