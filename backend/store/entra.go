package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"
)

// ConfirmEntra remembers that the certificate with this SHA-256 is
// registered in the Entra app registration (the admin pasted the
// thumbprint Entra shows, and it matched).
func (s *Store) ConfirmEntra(ctx context.Context, sha256 string, at time.Time) error {
	if _, err := s.db.ExecContext(ctx,
		`INSERT INTO entra_registrations (sha256, confirmed_at) VALUES (?, ?)
		 ON CONFLICT (sha256) DO UPDATE SET confirmed_at = excluded.confirmed_at`,
		strings.ToLower(sha256), nanos(at)); err != nil {
		return fmt.Errorf("store: confirm entra: %w", err)
	}
	return nil
}

// EntraRegistered returns the SHA-256s (lower case) whose registration in
// Entra was confirmed.
func (s *Store) EntraRegistered(ctx context.Context) (map[string]bool, error) {
	return queryMap(ctx, s.db, "entra registrations", `SELECT sha256 FROM entra_registrations`, nil, func(rows *sql.Rows) (string, bool, error) {
		var sha string
		err := rows.Scan(&sha)
		return sha, true, err
	})
}

// EntraNote is the lasting note on an Exchange Online integration after an
// activation: remove the old certificate from the app registration.
type EntraNote struct {
	IntegrationID string
	OldSHA1       string
	OldSHA256     string
	OldName       string
	At            time.Time
}

// PutEntraNote keeps the note for its integration, replacing the one before.
func (s *Store) PutEntraNote(ctx context.Context, n EntraNote) error {
	if _, err := s.db.ExecContext(ctx,
		`INSERT INTO entra_notes (integration_id, old_sha1, old_sha256, old_name, created_at) VALUES (?, ?, ?, ?, ?)
		 ON CONFLICT (integration_id) DO UPDATE SET old_sha1 = excluded.old_sha1, old_sha256 = excluded.old_sha256,
		   old_name = excluded.old_name, created_at = excluded.created_at`,
		n.IntegrationID, n.OldSHA1, n.OldSHA256, n.OldName, nanos(n.At)); err != nil {
		return fmt.Errorf("store: entra note: %w", err)
	}
	return nil
}

// EntraNotes returns the notes not dismissed, by integration id.
func (s *Store) EntraNotes(ctx context.Context) (map[string]EntraNote, error) {
	return queryMap(ctx, s.db, "entra notes", `SELECT integration_id, old_sha1, old_sha256, old_name, created_at FROM entra_notes`, nil, func(rows *sql.Rows) (string, EntraNote, error) {
		var n EntraNote
		var at int64
		err := rows.Scan(&n.IntegrationID, &n.OldSHA1, &n.OldSHA256, &n.OldName, &at)
		n.At = fromNanos(at)
		return n.IntegrationID, n, err
	})
}

// DismissEntraNote removes the integration's note.
func (s *Store) DismissEntraNote(ctx context.Context, integrationID string) error {
	if _, err := s.db.ExecContext(ctx, `DELETE FROM entra_notes WHERE integration_id = ?`, integrationID); err != nil {
		return fmt.Errorf("store: dismiss entra note: %w", err)
	}
	return nil
}
