package schedule

import (
	"context"
	"os"
	"os/exec"
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

func TestTaskOnWine(t *testing.T) {
	if os.Getenv(EnvWineTest) != "1" {
		t.Skip("set " + EnvWineTest + "=1 (scripts/schedule-check.sh)")
	}
	wine := os.Getenv("WINE")
	if wine == "" {
		wine = "/usr/lib/wine/wine64"
	}
	if _, err := os.Stat(wine); err != nil {
		t.Fatalf("no Wine (apt package wine64): %v", err)
	}
	prefix := t.TempDir()
	env := append(os.Environ(), "WINEPREFIX="+prefix, "WINEDEBUG=-all", "WINEDLLOVERRIDES=mscoree,mshtml=")
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	wineRun := func(_ context.Context, name string, args ...string) error {
		if name == "schtasks" {
			for i, a := range args {
				if a == "/xml" {
					args[i+1] = `Z:` + strings.ReplaceAll(args[i+1], "/", `\`)
				}
			}
		}
		cmd := exec.CommandContext(ctx, wine, append([]string{name}, args...)...)
		cmd.Env = env
		out, err := cmd.CombinedOutput()
		t.Logf("wine %s %s: %v %s", name, strings.Join(args, " "), err, out)
		return err
	}
	if err := wineRun(ctx, "wineboot", "-i"); err != nil {
		t.Fatal(err)
	}
	tasks := filepath.Join(prefix, "drive_c", "windows", "system32", "tasks")
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
