package certs

import (
	"os/exec"
	"testing"
)

// requireOpenSSL returns the path of the system's openssl. make test installs
// it, so a missing openssl is a failure, not a skip.
func requireOpenSSL(t testing.TB) string {
	t.Helper()
	path, err := exec.LookPath("openssl")
	if err != nil {
		t.Fatal("openssl is not installed; run make deps")
	}
	return path
}
