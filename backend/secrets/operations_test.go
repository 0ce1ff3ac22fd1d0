package secrets

import (
	"errors"
	"strings"
	"testing"

	"github.com/zalando/go-keyring"
)

func TestOperationPasswords(t *testing.T) {
	keyring.MockInit()
	if _, ok, err := OperationPassword("k1"); ok || err != nil {
		t.Fatalf("before: %v, %v", ok, err)
	}
	if err := SetOperationPassword("k1", "Sæt-Hemmelig!42"); err != nil {
		t.Fatal(err)
	}
	if err := SetOperationPassword("k2", ""); err != nil {
		t.Fatal(err)
	}
	if pw, ok, err := OperationPassword("k1"); !ok || err != nil || pw != "Sæt-Hemmelig!42" {
		t.Fatalf("got %v, %v", ok, err)
	}
	// Entries are separate from the remembered passwords and the token.
	if list, _ := Passwords(); len(list) != 0 {
		t.Fatalf("remembered passwords: %d", len(list))
	}
	if err := DeleteOperationPassword("k1"); err != nil {
		t.Fatal(err)
	}
	if err := DeleteOperationPassword("k1"); err != nil {
		t.Fatalf("a second delete: %v", err)
	}
	if _, ok, _ := OperationPassword("k1"); ok {
		t.Fatal("the entry outlived its delete")
	}
	if pw, ok, _ := OperationPassword("k2"); !ok || pw != "" {
		t.Fatal("the empty password was not kept")
	}
	if err := SetOperationPassword("", "x"); err == nil {
		t.Fatal("an entry without a key")
	}
	if err := SetOperationPassword("k3", strings.Repeat("x", MaxOperationPasswordBytes+1)); !errors.Is(err, ErrTooLong) {
		t.Fatalf("too long: %v", err)
	}
	if err := SetOperationPassword("k3", "\xff"); !errors.Is(err, ErrNotUTF8) {
		t.Fatalf("not UTF-8: %v", err)
	}
	keyring.MockInitWithError(errors.New("locked"))
	if err := SetOperationPassword("k4", "x"); !errors.Is(err, ErrUnavailable) {
		t.Fatalf("no keychain: %v", err)
	}
	if _, _, err := OperationPassword("k4"); !errors.Is(err, ErrUnavailable) {
		t.Fatalf("no keychain: %v", err)
	}
}
