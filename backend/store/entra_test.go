package store

import (
	"context"
	"path/filepath"
	"testing"
	"time"
)

// The Entra registrations and notes outlive the window: a file store,
// closed and opened again.
func TestEntraRegistrationsAndNotes(t *testing.T) {
	path := filepath.Join(t.TempDir(), "app.db")
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	at := time.Date(2026, 12, 6, 10, 0, 0, 0, time.UTC)
	if err := s.ConfirmEntra(ctx, "ABCDEF", at); err != nil {
		t.Fatal(err)
	}
	if err := s.ConfirmEntra(ctx, "abcdef", at.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	note := EntraNote{IntegrationID: "int-exo", OldSHA1: "0beec7b5", OldSHA256: "fcde2b2e", OldName: "old@x.dk", At: at}
	if err := s.PutEntraNote(ctx, note); err != nil {
		t.Fatal(err)
	}
	s.Close()

	if s, err = Open(path); err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	got, err := s.EntraRegistered(ctx)
	if err != nil || len(got) != 1 || !got["abcdef"] {
		t.Fatalf("registered: %v, %v", got, err)
	}
	notes, err := s.EntraNotes(ctx)
	if err != nil || len(notes) != 1 || notes["int-exo"] != note {
		t.Fatalf("notes: %+v, %v", notes, err)
	}
	if err := s.DismissEntraNote(ctx, "int-exo"); err != nil {
		t.Fatal(err)
	}
	if notes, _ := s.EntraNotes(ctx); len(notes) != 0 {
		t.Fatalf("after dismissal: %+v", notes)
	}
}
