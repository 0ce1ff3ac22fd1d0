package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// The offline copy of the portal's records. Each record is kept as the
// API's JSON (data), with the columns needed to find it; backend/portal
// decodes it. All of it is public: the portal never sends a secret.

// CachedCertificate is one record of GET /certificates.
type CachedCertificate struct {
	ID     string
	SHA256 string
	Data   []byte
	Usages []CachedUsage
}

// CachedUsage says that an integration uses a certificate.
type CachedUsage struct {
	CertificateID, IntegrationID, Kind, Name string
}

// CachedRecord is one record of GET /integrations or GET /events.
type CachedRecord struct {
	ID string
	// Kind is the integration's kind (integrations only).
	Kind string
	// CertificateID and IntegrationID link an event (events only).
	CertificateID, IntegrationID string
	Data                         []byte
}

// PortalSync says when each part of a portal's copy was last synced.
type PortalSync struct {
	MeAt, CertificatesAt, IntegrationsAt, EventsAt time.Time
	EventsCursor                                   string
	// LastErrorCode is the code of the last failed refresh ("" after a good one).
	LastErrorCode string
	LastAttemptAt time.Time
}

func ensureSyncRow(ctx context.Context, tx *sql.Tx, portal string) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO portal_sync (portal) VALUES (?) ON CONFLICT (portal) DO NOTHING`, portal)
	return err
}

// withTx runs f in a transaction.
func (s *Store) withTx(ctx context.Context, what string, f func(tx *sql.Tx) error) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store: %s: %w", what, err)
	}
	defer tx.Rollback()
	if err := f(tx); err != nil {
		return fmt.Errorf("store: %s: %w", what, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("store: %s: %w", what, err)
	}
	return nil
}

// SetPortalMe keeps GET /me.
func (s *Store) SetPortalMe(ctx context.Context, portal string, data []byte, at time.Time) error {
	return s.withTx(ctx, "keep /me", func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO portal_me (portal, data, synced_at) VALUES (?, ?, ?)
			ON CONFLICT (portal) DO UPDATE SET data = excluded.data, synced_at = excluded.synced_at`,
			portal, string(data), toNS(at)); err != nil {
			return err
		}
		if err := ensureSyncRow(ctx, tx, portal); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `UPDATE portal_sync SET me_at = ? WHERE portal = ?`, toNS(at), portal)
		return err
	})
}

// PortalMe returns the kept GET /me, or nil.
func (s *Store) PortalMe(ctx context.Context, portal string) ([]byte, error) {
	var data string
	err := s.db.QueryRowContext(ctx, `SELECT data FROM portal_me WHERE portal = ?`, portal).Scan(&data)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("store: read /me: %w", err)
	}
	return []byte(data), nil
}

// ReplacePortalCertificates replaces the copy of GET /certificates and the
// usages with a complete list.
func (s *Store) ReplacePortalCertificates(ctx context.Context, portal string, list []CachedCertificate, at time.Time) error {
	return s.withTx(ctx, "keep certificates", func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM portal_certificates WHERE portal = ?`, portal); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM portal_usages WHERE portal = ?`, portal); err != nil {
			return err
		}
		for i, c := range list {
			if err := putCertificate(ctx, tx, portal, c, i); err != nil {
				return err
			}
		}
		if err := ensureSyncRow(ctx, tx, portal); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `UPDATE portal_sync SET certificates_at = ? WHERE portal = ?`, toNS(at), portal)
		return err
	})
}

// PutPortalCertificate adds or replaces one certificate (from an install's
// answer) without touching the others or the sync time.
func (s *Store) PutPortalCertificate(ctx context.Context, portal string, c CachedCertificate) error {
	return s.withTx(ctx, "keep a certificate", func(tx *sql.Tx) error {
		var ord int
		err := tx.QueryRowContext(ctx, `SELECT ord FROM portal_certificates WHERE portal = ? AND id = ?`, portal, c.ID).Scan(&ord)
		if errors.Is(err, sql.ErrNoRows) {
			err = tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(ord) + 1, 0) FROM portal_certificates WHERE portal = ?`, portal).Scan(&ord)
		}
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM portal_usages WHERE portal = ? AND certificate_id = ?`, portal, c.ID); err != nil {
			return err
		}
		return putCertificate(ctx, tx, portal, c, ord)
	})
}

func putCertificate(ctx context.Context, tx *sql.Tx, portal string, c CachedCertificate, ord int) error {
	if _, err := tx.ExecContext(ctx, `INSERT INTO portal_certificates (portal, id, sha256, ord, data) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (portal, id) DO UPDATE SET sha256 = excluded.sha256, ord = excluded.ord, data = excluded.data`,
		portal, c.ID, c.SHA256, ord, string(c.Data)); err != nil {
		return err
	}
	for _, u := range c.Usages {
		if _, err := tx.ExecContext(ctx, `INSERT OR REPLACE INTO portal_usages (portal, certificate_id, integration_id, kind, name)
			VALUES (?, ?, ?, ?, ?)`, portal, c.ID, u.IntegrationID, u.Kind, u.Name); err != nil {
			return err
		}
	}
	return nil
}

// PortalCertificates returns the copy of GET /certificates in the portal's
// order (Usages are inside Data; the Usages field is filled too).
func (s *Store) PortalCertificates(ctx context.Context, portal string) ([]CachedCertificate, error) {
	usages, err := s.PortalUsages(ctx, portal)
	if err != nil {
		return nil, err
	}
	rows, err := s.db.QueryContext(ctx, `SELECT id, sha256, data FROM portal_certificates WHERE portal = ? ORDER BY ord, id`, portal)
	if err != nil {
		return nil, fmt.Errorf("store: read certificates: %w", err)
	}
	defer rows.Close()
	var out []CachedCertificate
	for rows.Next() {
		var c CachedCertificate
		var data string
		if err := rows.Scan(&c.ID, &c.SHA256, &data); err != nil {
			return nil, fmt.Errorf("store: read certificates: %w", err)
		}
		c.Data = []byte(data)
		for _, u := range usages {
			if u.CertificateID == c.ID {
				c.Usages = append(c.Usages, u)
			}
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// PortalUsages returns every usage of every certificate on the portal.
func (s *Store) PortalUsages(ctx context.Context, portal string) ([]CachedUsage, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT certificate_id, integration_id, kind, name FROM portal_usages
		WHERE portal = ? ORDER BY certificate_id, kind, integration_id`, portal)
	if err != nil {
		return nil, fmt.Errorf("store: read usages: %w", err)
	}
	defer rows.Close()
	var out []CachedUsage
	for rows.Next() {
		var u CachedUsage
		if err := rows.Scan(&u.CertificateID, &u.IntegrationID, &u.Kind, &u.Name); err != nil {
			return nil, fmt.Errorf("store: read usages: %w", err)
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

// ReplacePortalIntegrations replaces the copy of GET /integrations.
func (s *Store) ReplacePortalIntegrations(ctx context.Context, portal string, list []CachedRecord, at time.Time) error {
	return s.withTx(ctx, "keep integrations", func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM portal_integrations WHERE portal = ?`, portal); err != nil {
			return err
		}
		for i, r := range list {
			if _, err := tx.ExecContext(ctx, `INSERT INTO portal_integrations (portal, id, kind, ord, data) VALUES (?, ?, ?, ?, ?)`,
				portal, r.ID, r.Kind, i, string(r.Data)); err != nil {
				return err
			}
		}
		if err := ensureSyncRow(ctx, tx, portal); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `UPDATE portal_sync SET integrations_at = ? WHERE portal = ?`, toNS(at), portal)
		return err
	})
}

// PutPortalIntegration replaces one integration (from an activation's answer).
func (s *Store) PutPortalIntegration(ctx context.Context, portal string, r CachedRecord) error {
	return s.withTx(ctx, "keep an integration", func(tx *sql.Tx) error {
		var ord int
		err := tx.QueryRowContext(ctx, `SELECT ord FROM portal_integrations WHERE portal = ? AND id = ?`, portal, r.ID).Scan(&ord)
		if errors.Is(err, sql.ErrNoRows) {
			err = tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(ord) + 1, 0) FROM portal_integrations WHERE portal = ?`, portal).Scan(&ord)
		}
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO portal_integrations (portal, id, kind, ord, data) VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (portal, id) DO UPDATE SET kind = excluded.kind, data = excluded.data`, portal, r.ID, r.Kind, ord, string(r.Data))
		return err
	})
}

// PortalIntegrations returns the copy of GET /integrations.
func (s *Store) PortalIntegrations(ctx context.Context, portal string) ([]CachedRecord, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, kind, data FROM portal_integrations WHERE portal = ? ORDER BY ord, id`, portal)
	if err != nil {
		return nil, fmt.Errorf("store: read integrations: %w", err)
	}
	defer rows.Close()
	var out []CachedRecord
	for rows.Next() {
		var r CachedRecord
		var data string
		if err := rows.Scan(&r.ID, &r.Kind, &data); err != nil {
			return nil, fmt.Errorf("store: read integrations: %w", err)
		}
		r.Data = []byte(data)
		out = append(out, r)
	}
	return out, rows.Err()
}

// AddPortalEvents appends a page of GET /events (an event already kept is
// skipped) and moves the cursor, in one transaction, so the cursor never
// gets ahead of the events.
func (s *Store) AddPortalEvents(ctx context.Context, portal string, events []CachedRecord, cursor string, at time.Time) error {
	return s.withTx(ctx, "keep events", func(tx *sql.Tx) error {
		for _, e := range events {
			if _, err := tx.ExecContext(ctx, `INSERT INTO portal_events (portal, id, certificate_id, integration_id, data)
				VALUES (?, ?, ?, ?, ?) ON CONFLICT (portal, id) DO NOTHING`,
				portal, e.ID, e.CertificateID, e.IntegrationID, string(e.Data)); err != nil {
				return err
			}
		}
		if err := ensureSyncRow(ctx, tx, portal); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `UPDATE portal_sync SET events_at = ?, events_cursor = ? WHERE portal = ?`,
			toNS(at), cursor, portal)
		return err
	})
}

// EventFilter selects kept events.
type EventFilter struct {
	Portal        string
	CertificateID string // any when ""
	IntegrationID string // any when ""
	// Limit keeps the newest Limit events (all when 0); they are still
	// returned oldest first.
	Limit int
}

// PortalEvents returns kept events, oldest first.
func (s *Store) PortalEvents(ctx context.Context, f EventFilter) ([]CachedRecord, error) {
	q := `SELECT id, certificate_id, integration_id, data, seq FROM portal_events WHERE portal = ?`
	args := []any{f.Portal}
	if f.CertificateID != "" {
		q += ` AND certificate_id = ?`
		args = append(args, f.CertificateID)
	}
	if f.IntegrationID != "" {
		q += ` AND integration_id = ?`
		args = append(args, f.IntegrationID)
	}
	q += ` ORDER BY seq DESC`
	if f.Limit > 0 {
		q += ` LIMIT ?`
		args = append(args, f.Limit)
	}
	rows, err := s.db.QueryContext(ctx, `SELECT id, certificate_id, integration_id, data FROM (`+q+`) ORDER BY seq`, args...)
	if err != nil {
		return nil, fmt.Errorf("store: read events: %w", err)
	}
	defer rows.Close()
	var out []CachedRecord
	for rows.Next() {
		var r CachedRecord
		var data string
		if err := rows.Scan(&r.ID, &r.CertificateID, &r.IntegrationID, &data); err != nil {
			return nil, fmt.Errorf("store: read events: %w", err)
		}
		r.Data = []byte(data)
		out = append(out, r)
	}
	return out, rows.Err()
}

// PortalSyncState returns when each part was last synced (zero times when
// never).
func (s *Store) PortalSyncState(ctx context.Context, portal string) (PortalSync, error) {
	var p PortalSync
	var me, certs, ints, evs, last int64
	err := s.db.QueryRowContext(ctx, `SELECT me_at, certificates_at, integrations_at, events_at, events_cursor,
		last_error_code, last_attempt_at FROM portal_sync WHERE portal = ?`, portal).
		Scan(&me, &certs, &ints, &evs, &p.EventsCursor, &p.LastErrorCode, &last)
	if errors.Is(err, sql.ErrNoRows) {
		return p, nil
	}
	if err != nil {
		return p, fmt.Errorf("store: read sync state: %w", err)
	}
	p.MeAt, p.CertificatesAt, p.IntegrationsAt, p.EventsAt, p.LastAttemptAt =
		fromNS(me), fromNS(certs), fromNS(ints), fromNS(evs), fromNS(last)
	return p, nil
}

// SetPortalSyncResult records a refresh attempt and its error code ("" for
// success).
func (s *Store) SetPortalSyncResult(ctx context.Context, portal, errorCode string, at time.Time) error {
	return s.withTx(ctx, "keep the sync result", func(tx *sql.Tx) error {
		if err := ensureSyncRow(ctx, tx, portal); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `UPDATE portal_sync SET last_error_code = ?, last_attempt_at = ? WHERE portal = ?`,
			errorCode, toNS(at), portal)
		return err
	})
}

// LastSyncedPortal is the portal whose copy was synced last, or "" when
// none was: the one `dpgcerts status` shows when no portal is named.
func (s *Store) LastSyncedPortal(ctx context.Context) (string, error) {
	var p string
	err := s.db.QueryRowContext(ctx, `SELECT portal FROM portal_sync WHERE certificates_at > 0
		ORDER BY certificates_at DESC, portal LIMIT 1`).Scan(&p)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("store: last synced portal: %w", err)
	}
	return p, nil
}
