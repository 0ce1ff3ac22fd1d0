package cli

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"dpgcerts/backend/config"
)

// EnvWindowsExe names the Windows build for TestCheckOnWine
// (scripts/remind-check.sh sets it after make dist).
const EnvWindowsExe = "DPGCERTS_WINDOWS_EXE"

// prngShim is the one Wine PRNG shim (DESIGN.md's test harness, which
// scripts/test-windows.sh builds too): Wine 8 has no ProcessPrng, which Go
// 1.24+ programs load from bcryptprimitives.dll at start.
var prngShim = filepath.Join("..", "..", "scripts", "wine", "bcryptprimitives-shim.c")

// TestCheckOnWine runs the Windows build's `check --notify` under Wine,
// which has no PowerShell: no notification service, so it prints what it
// would have said, in Danish, and exits 1 for the integration that expires.
func TestCheckOnWine(t *testing.T) {
	exe := os.Getenv(EnvWindowsExe)
	if exe == "" {
		t.Skip("set " + EnvWindowsExe + " to build/bin/dpgcerts.exe (scripts/remind-check.sh)")
	}
	wine := "/usr/lib/wine/wine64"
	for _, tool := range []string{wine, "x86_64-w64-mingw32-gcc"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("%s is missing (scripts/apt-deps.sh)", tool)
		}
	}
	dir := t.TempDir()
	prefix := filepath.Join(dir, "prefix")
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	env := append(os.Environ(), "WINEPREFIX="+prefix, "WINEDEBUG=-all", "WINEDLLOVERRIDES=mscoree,mshtml=")
	wineRun := func(args ...string) (string, int) {
		cmd := exec.CommandContext(ctx, wine, args...)
		cmd.Env = append(env, config.EnvNow+"="+statusNow.Format(time.RFC3339), config.EnvKeychain+"=off")
		// Wine passes the environment on; only stdout is the program's.
		var stderr strings.Builder
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if stderr.Len() > 0 {
			t.Logf("wine %v: stderr: %s", args, stderr.String())
		}
		code := 0
		if ee, ok := err.(*exec.ExitError); ok {
			code = ee.ExitCode()
		} else if err != nil {
			t.Fatalf("wine %v: %v", args, err)
		}
		return string(out), code
	}
	if _, code := wineRun("wineboot", "-i"); code != 0 {
		t.Fatalf("wineboot: exit %d", code)
	}
	dll := filepath.Join(prefix, "drive_c", "windows", "system32", "bcryptprimitives.dll")
	if out, err := exec.Command("x86_64-w64-mingw32-gcc", "-shared", "-O2", "-o", dll, prngShim, "-ladvapi32").CombinedOutput(); err != nil {
		t.Fatalf("the shim: %v %s", err, out)
	}

	db := filepath.Join(dir, "app.db")
	fillCheck(t, db, 5, "da")
	winDB := `Z:` + strings.ReplaceAll(db, "/", `\`)
	out, code := wineRun(exe, "check", "--notify", "--db", winDB)
	if code != ExitFailOn {
		t.Errorf("exit %d, want %d", code, ExitFailOn)
	}
	want := "1 opgave i DPG\r\nExchange Online (testkommunenord.onmicrosoft.com): certifikatet udløber om 5 dage."
	if !strings.Contains(strings.ReplaceAll(out, "\r\n", "\n"), strings.ReplaceAll(want, "\r\n", "\n")) {
		t.Fatalf("stdout %q, want %q", out, want)
	}
}
