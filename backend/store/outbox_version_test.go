package store

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"os"
	"testing"

	"dpgcerts/backend/errs"
	"dpgcerts/backend/portal"
)

const testPortal = "http://127.0.0.1:8787"

func addInstall(t *testing.T, s *Store, key string, file []byte) portal.Operation {
	t.Helper()
	ops, _, err := s.AddOps(context.Background(), []portal.Operation{{Portal: testPortal, Kind: portal.OpInstall, Key: key,
		FileSHA256: key, PKCS12: file}})
	if err != nil {
		t.Fatal(err)
	}
	return ops[0]
}

// A copy read before another writer rotated the key must not write the old
// key back (SetPassword's slow read racing Sync's wrong_password).
func TestUpdateOpRefusesAStaleCopy(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t)
	slow := addInstall(t, s, "k1", []byte("p12"))
	fast := slow
	fast.Key, fast.State = "k2", portal.StateNeedsPassword
	if err := s.UpdateOp(ctx, &fast); err != nil {
		t.Fatal(err)
	}
	slow.PasswordIn = portal.PasswordKeychain
	if err := s.UpdateOp(ctx, &slow); !errors.Is(err, portal.ErrStale) {
		t.Fatalf("stale write: %v, want portal.ErrStale", err)
	}
	if got, _ := s.Op(ctx, slow.ID); got.Key != "k2" || got.State != portal.StateNeedsPassword {
		t.Fatalf("overwritten: key %s, state %s", got.Key, got.State)
	}
	// Reload and retry applies the change to the fresh copy.
	seen := ""
	err := s.UpdateOpWith(ctx, &slow, func(o *portal.Operation) bool {
		seen = o.Key
		o.PasswordIn, o.State = portal.PasswordKeychain, portal.StatePending
		return true
	})
	if err != nil || seen != "k2" || slow.Key != "k2" || slow.PasswordIn != portal.PasswordKeychain {
		t.Fatalf("retry: %v, saw key %s, now %+v", err, seen, slow)
	}
	// An ended operation is reported as such, and is also portal.ErrNoOp.
	done := slow
	done.State = portal.StateDone
	if err := s.UpdateOp(ctx, &done); err != nil {
		t.Fatal(err)
	}
	if err := s.UpdateOpWith(ctx, &slow, func(o *portal.Operation) bool { o.Attempts++; return true }); !errors.Is(err, portal.ErrOpEnded) || !errors.Is(err, portal.ErrNoOp) {
		t.Fatalf("after the end: %v", err)
	}
}

func TestCancelOp(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t)
	o := addInstall(t, s, "k1", []byte("p12"))
	inFlight := o // a send that read it before the cancel
	before, err := s.CancelOp(ctx, o.ID)
	if err != nil || before.Key != "k1" {
		t.Fatalf("cancel: %+v, %v", before, err)
	}
	got, _ := s.Op(ctx, o.ID)
	if got.State != portal.StateFailed || got.ErrorCode != errs.Cancelled || got.FinishedAt.IsZero() {
		t.Fatalf("after cancel: %+v", got)
	}
	if b, _ := s.OpFile(ctx, o.ID); b != nil {
		t.Fatal("a cancelled install kept its file")
	}
	inFlight.State, inFlight.CertificateID = portal.StateDone, "cert-1"
	if err := s.UpdateOp(ctx, &inFlight); !errors.Is(err, portal.ErrOpEnded) {
		t.Fatalf("the in-flight send's write: %v, want portal.ErrOpEnded", err)
	}
	if _, err := s.CancelOp(ctx, o.ID); !errors.Is(err, portal.ErrOpEnded) {
		t.Fatalf("second cancel: %v", err)
	}
	if _, err := s.CancelOp(ctx, 999); !errors.Is(err, portal.ErrNoOp) {
		t.Fatalf("cancel of nothing: %v", err)
	}
}

// With secure_delete the main file is clean once an install ends; the WAL
// must be too.
func TestEndedInstallLeavesNoBytesInTheWAL(t *testing.T) {
	ctx := context.Background()
	for _, end := range []string{"done", "cancelled"} {
		t.Run(end, func(t *testing.T) {
			s := openTemp(t)
			file := make([]byte, 3000)
			rand.Read(file)
			o := addInstall(t, s, "k1", file)
			if end == "done" {
				o.State = portal.StateDone
				if err := s.UpdateOp(ctx, &o); err != nil {
					t.Fatal(err)
				}
			} else if _, err := s.CancelOp(ctx, o.ID); err != nil {
				t.Fatal(err)
			}
			for _, suffix := range []string{"", "-wal"} {
				b, err := os.ReadFile(s.Path() + suffix)
				if err != nil && !os.IsNotExist(err) {
					t.Fatal(err)
				}
				if bytes.Contains(b, file[:64]) || bytes.Contains(b, file[len(file)-64:]) {
					t.Fatalf("the install's bytes are still in dpgcerts.db%s", suffix)
				}
			}
		})
	}
}

// Two processes opening a new database at once (dpgcerts install and
// dpgcerts sync started together) must not both apply a migration.
func TestConcurrentOpensMigrateOnce(t *testing.T) {
	for range 5 {
		path := t.TempDir() + "/new.db"
		errs := make(chan error, 4)
		for range 4 {
			go func() {
				s, err := Open(path)
				if err == nil {
					s.Close()
				}
				errs <- err
			}()
		}
		for range 4 {
			if err := <-errs; err != nil {
				t.Fatal(err)
			}
		}
	}
}
