package schedule

import (
	"context"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// EnvWineTest=1 registers the task with Wine's schtasks
// (scripts/schedule-check.sh). Wine 8's schtasks takes /create /xml and
// /delete, but has no /query: the registration is read back from the
// task folder Wine's Task Scheduler keeps in the prefix, and the schema's
// rules are TestTaskXML's.
const EnvWineTest = "DPGCERTS_WINE_TEST"

// EnvInstaller names the built installer for TestUninstallerOnWine
// (scripts/remind-check.sh sets it after make dist).
const EnvInstaller = "DPGCERTS_INSTALLER"

// wineEnv is a fresh Wine prefix and a Runner in it that turns the XML's
// Linux path into Wine's Z: drive.
func wineEnv(ctx context.Context, t *testing.T) (prefix string, run Runner, wineCmd func(args ...string) *exec.Cmd) {
	t.Helper()
	if os.Getenv(EnvWineTest) != "1" {
		t.Skip("set " + EnvWineTest + "=1 (scripts/remind-check.sh)")
	}
	wine := os.Getenv("WINE")
	if wine == "" {
		wine = "/usr/lib/wine/wine64"
	}
	if _, err := os.Stat(wine); err != nil {
		t.Fatalf("no Wine (apt package wine64): %v", err)
	}
	prefix = t.TempDir()
	env := append(os.Environ(), "WINEPREFIX="+prefix, "WINEDEBUG=-all", "WINEDLLOVERRIDES=mscoree,mshtml=")
	wineCmd = func(args ...string) *exec.Cmd {
		cmd := exec.CommandContext(ctx, wine, args...)
		cmd.Env = env
		return cmd
	}
	run = func(_ context.Context, name string, args ...string) error {
		if name == "schtasks" {
			for i, a := range args {
				if a == "/xml" {
					args[i+1] = `Z:` + strings.ReplaceAll(args[i+1], "/", `\`)
				}
			}
		}
		out, err := wineCmd(append([]string{name}, args...)...).CombinedOutput()
		t.Logf("wine %s %s: %v %s", name, strings.Join(args, " "), err, out)
		return err
	}
	if err := run(ctx, "wineboot", "-i"); err != nil {
		t.Fatal(err)
	}
	return prefix, run, wineCmd
}

func wineTasks(prefix string) string {
	return filepath.Join(prefix, "drive_c", "windows", "system32", "tasks")
}

func TestTaskOnWine(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	prefix, wineRun, _ := wineEnv(ctx, t)
	tasks := wineTasks(prefix)
	s := Scheduler{GOOS: "windows", TempDir: t.TempDir(), Run: wineRun}
	j := Job{Exe: `C:\users\anna\AppData\Local\Programs\DPG Certificates\dpgcerts.exe`, Args: CheckArgs(""), Hour: 9}
	if err := s.Install(ctx, j); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(filepath.Join(tasks, TaskName))
	if err != nil {
		t.Fatalf("the task is not registered: %v", err)
	}
	text := string(got)
	if len(got) > 1 && got[0] == 0xff && got[1] == 0xfe {
		text = decodeUTF16(t, got)
	}
	// What Wine keeps of it: the definition was read, not just copied.
	for _, want := range []string{"Reminds of DPG certificates", "<StartWhenAvailable>true</StartWhenAvailable>",
		"<DisallowStartIfOnBatteries>false</DisallowStartIfOnBatteries>", "<ExecutionTimeLimit>PT10M</ExecutionTimeLimit>"} {
		if !strings.Contains(text, want) {
			t.Errorf("the registered task lacks %s:\n%s", want, text)
		}
	}
	if err := s.Remove(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(tasks, TaskName)); !os.IsNotExist(err) {
		t.Fatalf("the task is left after Remove: %v", err)
	}
}

// TestUninstallerOnWine: the NSIS uninstaller of the built installer
// deletes the reminder's task. Installed silently for the user (Windows 10
// reported, WebView2 marked present so the installer needs no internet).
func TestUninstallerOnWine(t *testing.T) {
	installer := os.Getenv(EnvInstaller)
	if installer == "" {
		t.Skip("set " + EnvInstaller + " to the built installer (scripts/remind-check.sh)")
	}
	if _, err := exec.LookPath("xvfb-run"); err != nil {
		t.Fatal("xvfb-run is missing: the installer wants a display even with /S")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	prefix, run, wineCmd := wineEnv(ctx, t)
	for _, args := range [][]string{{"winecfg", "-v", "win10"},
		{"reg", "add", `HKCU\Software\Microsoft\EdgeUpdate\Clients\{F3017226-FE2A-4295-8BDF-00C3A9A7E4C5}`, "/v", "pv", "/d", "120.0.0.0", "/f"}} {
		if out, err := wineCmd(args...).CombinedOutput(); err != nil {
			t.Fatalf("wine %v: %v %s", args, err, out)
		}
	}
	xvfb := func(args ...string) {
		t.Helper()
		w := wineCmd()
		cmd := exec.CommandContext(ctx, "xvfb-run", append([]string{"-a", w.Path}, args...)...)
		cmd.Env = w.Env
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("%v: %v %s", args, err, out)
		}
	}
	xvfb(installer, "/S")
	u, _ := user.Current()
	dir := filepath.Join(prefix, "drive_c", "users", u.Username, "AppData", "Local", "Programs", "DPG Certificates")
	exe := filepath.Join(dir, "dpgcerts.exe")
	if _, err := os.Stat(exe); err != nil {
		t.Fatalf("not installed: %v", err)
	}
	s := Scheduler{GOOS: "windows", TempDir: t.TempDir(), Run: run}
	j := Job{Exe: `C:\users\` + u.Username + `\AppData\Local\Programs\DPG Certificates\dpgcerts.exe`, Args: CheckArgs(""), Hour: 9}
	if err := s.Install(ctx, j); err != nil {
		t.Fatal(err)
	}
	task := filepath.Join(wineTasks(prefix), TaskName)
	if _, err := os.Stat(task); err != nil {
		t.Fatalf("the task is not registered: %v", err)
	}
	// What the window's notifications register (Wails), for the uninstaller to remove.
	const guid = "{0B1D2C3E-4F50-4A6B-8C7D-9E0F1A2B3C4D}"
	aumid := `HKCU\Software\Classes\AppUserModelId\dpgcerts.exe`
	clsid := `HKCU\Software\Classes\CLSID\` + guid
	for _, args := range [][]string{{"reg", "add", aumid, "/v", "CustomActivator", "/d", guid, "/f"},
		{"reg", "add", clsid + `\LocalServer32`, "/ve", "/d", `"C:\x\dpgcerts.exe" %1`, "/f"}} {
		if out, err := wineCmd(args...).CombinedOutput(); err != nil {
			t.Fatalf("wine %v: %v %s", args, err, out)
		}
	}
	if err := wineCmd("reg", "query", clsid).Run(); err != nil {
		t.Fatalf("reg query %s: %v", clsid, err)
	}
	xvfb(filepath.Join(dir, "uninstall.exe"), "/S")
	// The uninstaller copies itself to a temporary folder and returns at once.
	for deadline := time.Now().Add(60 * time.Second); ; time.Sleep(500 * time.Millisecond) {
		_, errTask := os.Stat(task)
		_, errExe := os.Stat(exe)
		if os.IsNotExist(errTask) && os.IsNotExist(errExe) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("after the uninstaller: task %v, program %v", errTask, errExe)
		}
	}
	for _, key := range []string{aumid, clsid} {
		if err := wineCmd("reg", "query", key).Run(); err == nil {
			t.Errorf("the uninstaller left %s", key)
		}
	}
}
