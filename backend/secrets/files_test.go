package secrets

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"dpgcerts/backend/errs"
)

func TestReadFile(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string, mode os.FileMode) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), mode); err != nil {
			t.Fatal(err)
		}
		os.Chmod(p, mode)
		return p
	}
	if s, err := ReadFile(write("ok", "hemmeligt-æøå\r\nrest", 0o600)); err != nil || s != "hemmeligt-æøå" {
		t.Fatalf("%q %v", s, err)
	}
	if runtime.GOOS != "windows" {
		for _, mode := range []os.FileMode{0o644, 0o640, 0o604} {
			_, err := ReadFile(write("open", "topsecret", mode))
			if errs.Code(err) != errs.SecretFileOpen || strings.Contains(err.Error(), "topsecret") {
				t.Errorf("%04o: %v", mode, err)
			}
		}
	}
	if _, err := ReadFile(write("empty", "\n", 0o600)); errs.Code(err) != errs.EmptyFile {
		t.Errorf("empty: %v", err)
	}
	if _, err := ReadFile(filepath.Join(dir, "missing")); errs.Code(err) != errs.FileNotFound {
		t.Errorf("missing: %v", err)
	}
	// $CREDENTIALS_DIRECTORY, as systemd's LoadCredential= fills it.
	write(CredentialSMTPPassword, "from-systemd\n", 0o400)
	env := func(k string) string { return map[string]string{EnvCredentialsDirectory: dir}[k] }
	if s, ok, err := FromFileOrCredentials("", CredentialSMTPPassword, env); !ok || err != nil || s != "from-systemd" {
		t.Errorf("credentials: %q %v %v", s, ok, err)
	}
	if _, ok, err := FromFileOrCredentials("", CredentialToken, env); ok || err != nil {
		t.Errorf("no token file: %v %v", ok, err)
	}
	if runtime.GOOS != "windows" {
		// systemd's ACL for the service's user shows as the group's r
		// (0440); a file others can read is still refused there, and a
		// file named on the command line may not be group-readable.
		write(CredentialToken, "acl-token\n", 0o440)
		if s, ok, err := FromFileOrCredentials("", CredentialToken, env); !ok || err != nil || s != "acl-token" {
			t.Errorf("credentials 0440: %q %v %v", s, ok, err)
		}
		if _, _, err := FromFileOrCredentials(filepath.Join(dir, CredentialToken), CredentialToken, env); errs.Code(err) != errs.SecretFileOpen {
			t.Errorf("a named file of mode 0440: %v", err)
		}
		os.Remove(filepath.Join(dir, CredentialToken)) // read-only now
		write(CredentialToken, "open-token\n", 0o444)
		if _, _, err := FromFileOrCredentials("", CredentialToken, env); errs.Code(err) != errs.SecretFileOpen {
			t.Errorf("credentials 0444: %v", err)
		}
	}
}
