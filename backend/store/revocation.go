package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"dpgcerts/backend/certs"
	"dpgcerts/backend/errs"
)

// RevocationCheck turns the revocation checks on and off. Each check tells
// the CA which certificate was asked about, so a user may not want it.
var RevocationCheck = StringSetting{Key: "revocation_check", Default: "on", Allowed: []string{"on", "off"}}

// RevocationEnabled says whether revocation checks are on; on a database
// error it says the default.
func (s *Store) RevocationEnabled(ctx context.Context) bool {
	v, _ := s.String(ctx, RevocationCheck)
	return v == "on"
}

func nanos(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixNano()
}

func fromNanos(n int64) time.Time {
	if n == 0 {
		return time.Time{}
	}
	return time.Unix(0, n).UTC()
}

const revocationColumns = `sha256, status, checked_at, source, revoked_at, reason, error_code, error_message, next_update`

type rowScanner interface{ Scan(dest ...any) error }

func scanRevocation(row rowScanner) (string, certs.Revocation, error) {
	var sha, status, source, reason, code, msg string
	var checked, revoked, next int64
	if err := row.Scan(&sha, &status, &checked, &source, &revoked, &reason, &code, &msg, &next); err != nil {
		return "", certs.Revocation{}, err
	}
	r := certs.Revocation{Status: certs.RevocationStatus(status), CheckedAt: fromNanos(checked), Source: source,
		Reason: reason, NextUpdate: fromNanos(next)}
	if revoked != 0 {
		t := fromNanos(revoked)
		r.RevokedAt = &t
	}
	if code != "" {
		r.Error = &errs.Error{Code: code, Message: msg}
	}
	return sha, r, nil
}

// Revocation returns the last answer about the certificate with this
// SHA-256.
func (s *Store) Revocation(ctx context.Context, sha256 string) (certs.Revocation, bool, error) {
	row := s.db.QueryRowContext(ctx, `SELECT `+revocationColumns+` FROM revocation WHERE sha256 = ?`, sha256)
	_, r, err := scanRevocation(row)
	if errors.Is(err, sql.ErrNoRows) {
		return certs.Revocation{}, false, nil
	}
	if err != nil {
		return certs.Revocation{}, false, fmt.Errorf("store: revocation: %w", err)
	}
	return r, true, nil
}

// Revocations returns every stored answer by certificate SHA-256, for the
// overview (an integration whose certificate is revoked).
func (s *Store) Revocations(ctx context.Context) (map[string]certs.Revocation, error) {
	return queryMap(ctx, s.db, "revocations", `SELECT `+revocationColumns+` FROM revocation`, nil, func(rows *sql.Rows) (string, certs.Revocation, error) {
		return scanRevocation(rows)
	})
}

// PutRevocation keeps the answer about the certificate with this SHA-256,
// replacing the one before. Stale is not stored: it describes a reuse.
func (s *Store) PutRevocation(ctx context.Context, sha256 string, r certs.Revocation) error {
	if sha256 == "" {
		return errors.New("store: revocation without a certificate SHA-256")
	}
	var revoked int64
	if r.RevokedAt != nil {
		revoked = nanos(*r.RevokedAt)
	}
	var code, msg string
	if r.Error != nil {
		code, msg = r.Error.Code, r.Error.Message
	}
	checked := r.CheckedAt
	if checked.IsZero() {
		checked = s.now()
	}
	if _, err := s.db.ExecContext(ctx,
		`INSERT INTO revocation (`+revocationColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
		 ON CONFLICT (sha256) DO UPDATE SET
		   status = excluded.status, checked_at = excluded.checked_at, source = excluded.source,
		   revoked_at = excluded.revoked_at, reason = excluded.reason, error_code = excluded.error_code,
		   error_message = excluded.error_message, next_update = excluded.next_update`,
		sha256, string(r.Status), checked.UnixNano(), r.Source, revoked, r.Reason, code, msg, nanos(r.NextUpdate)); err != nil {
		return fmt.Errorf("store: put revocation: %w", err)
	}
	return nil
}

// Issuer returns the issuing CA certificate fetched from url before.
func (s *Store) Issuer(ctx context.Context, url string) ([]byte, bool, error) {
	var der []byte
	err := s.db.QueryRowContext(ctx, `SELECT der FROM revocation_issuers WHERE url = ?`, url).Scan(&der)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("store: issuer: %w", err)
	}
	return der, true, nil
}

// PutIssuer keeps the issuing CA certificate fetched from url.
func (s *Store) PutIssuer(ctx context.Context, url string, der []byte) error {
	if _, err := s.db.ExecContext(ctx,
		`INSERT INTO revocation_issuers (url, der, fetched_at) VALUES (?, ?, ?)
		 ON CONFLICT (url) DO UPDATE SET der = excluded.der, fetched_at = excluded.fetched_at`,
		url, der, s.now().UnixNano()); err != nil {
		return fmt.Errorf("store: put issuer: %w", err)
	}
	return nil
}
