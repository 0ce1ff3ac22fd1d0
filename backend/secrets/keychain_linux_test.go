//go:build linux

package secrets

import (
	"os"
	"os/exec"
	"slices"
	"strings"
	"testing"
)

// TestRealKeychain runs against a real Secret Service: a private D-Bus
// session with gnome-keyring, started by the test in a throwaway home, so
// the developer's own keychain is never touched.
func TestRealKeychain(t *testing.T) {
	if os.Getenv("DPGCERTS_KEYCHAIN_CHILD") == "1" {
		realKeychainRoundTrip(t)
		return
	}
	for _, tool := range []string{"dbus-run-session", "gnome-keyring-daemon"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("%s is not installed; run make deps", tool)
		}
	}
	home := t.TempDir()
	runtime := t.TempDir()
	script := `echo "" | gnome-keyring-daemon --unlock --components=secrets >/dev/null && exec "$0" -test.run='^TestRealKeychain$' -test.v`
	cmd := exec.Command("dbus-run-session", "--", "sh", "-c", script, os.Args[0])
	cmd.Env = append(os.Environ(), "DPGCERTS_KEYCHAIN_CHILD=1", "HOME="+home, "XDG_RUNTIME_DIR="+runtime,
		"XDG_DATA_HOME="+home+"/.local/share", "XDG_CONFIG_HOME="+home+"/.config")
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "--- PASS: TestRealKeychain") {
		t.Fatalf("real keychain test failed: %v\n%s", err, out)
	}
}

func realKeychainRoundTrip(t *testing.T) {
	if !Available() {
		t.Fatal("the Secret Service does not answer")
	}
	secret := "Blåbærgrød-æøå 12!"
	if err := RememberPassword(secret); err != nil {
		t.Fatalf("RememberPassword: %v", err)
	}
	if err := RememberPassword("second"); err != nil {
		t.Fatalf("RememberPassword: %v", err)
	}
	got, err := Passwords()
	if err != nil || !slices.Equal(got, []string{"second", secret}) {
		t.Fatalf("Passwords() = %q, %v", got, err)
	}
	if err := SetToken("https://portal.example.test", "sandbox-admin"); err != nil {
		t.Fatalf("SetToken: %v", err)
	}
	if tok, err := Token("https://portal.example.test"); err != nil || tok != "sandbox-admin" {
		t.Fatalf("Token() = %q, %v", tok, err)
	}
	if err := ForgetPassword(secret); err != nil {
		t.Fatalf("ForgetPassword: %v", err)
	}
	if err := ForgetAll(); err != nil {
		t.Fatalf("ForgetAll: %v", err)
	}
	if got, err := Passwords(); err != nil || len(got) != 0 {
		t.Fatalf("after ForgetAll: %q, %v", got, err)
	}
	if tok, _ := Token("https://portal.example.test"); tok != "sandbox-admin" {
		t.Errorf("ForgetAll removed the token")
	}
	if err := DeleteToken("https://portal.example.test"); err != nil {
		t.Fatalf("DeleteToken: %v", err)
	}
}
