package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"dpgcerts/backend/portal"
)

// The offline copy of the portal's records (portal.CopyStore). Each record
// is kept as the API's JSON (data), with the columns needed to find it;
// the usages of certificates are rows of their own. All of it is public:
// the portal never sends a secret.

// updateSyncRow sets columns of the portal's sync row (set is the SET
// clause, args its values), making the row first if need be.
func updateSyncRow(ctx context.Context, tx *sql.Tx, portalURL, set string, args ...any) error {
	if _, err := tx.ExecContext(ctx, `INSERT INTO portal_sync (portal) VALUES (?) ON CONFLICT (portal) DO NOTHING`, portalURL); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, `UPDATE portal_sync SET `+set+` WHERE portal = ?`, append(args, portalURL)...)
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
func (s *Store) SetPortalMe(ctx context.Context, portalURL string, me portal.Me, at time.Time) error {
	data, err := json.Marshal(me)
	if err != nil {
		return fmt.Errorf("store: keep /me: %w", err)
	}
	return s.withTx(ctx, "keep /me", func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO portal_me (portal, data, synced_at) VALUES (?, ?, ?)
			ON CONFLICT (portal) DO UPDATE SET data = excluded.data, synced_at = excluded.synced_at`,
			portalURL, string(data), toNS(at)); err != nil {
			return err
		}
		return updateSyncRow(ctx, tx, portalURL, `me_at = ?`, toNS(at))
	})
}

// PortalMe returns the kept GET /me, or nil.
func (s *Store) PortalMe(ctx context.Context, portalURL string) (*portal.Me, error) {
	var data string
	err := s.db.QueryRowContext(ctx, `SELECT data FROM portal_me WHERE portal = ?`, portalURL).Scan(&data)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("store: read /me: %w", err)
	}
	var me portal.Me
	if err := json.Unmarshal([]byte(data), &me); err != nil {
		return nil, fmt.Errorf("store: the kept /me is damaged: %w", err)
	}
	return &me, nil
}

// ReplacePortalCertificates replaces the copy of GET /certificates and the
// usages with a complete list.
func (s *Store) ReplacePortalCertificates(ctx context.Context, portalURL string, list []portal.Certificate, at time.Time) error {
	return s.withTx(ctx, "keep certificates", func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM portal_certificates WHERE portal = ?`, portalURL); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM portal_usages WHERE portal = ?`, portalURL); err != nil {
			return err
		}
		for i, c := range list {
			if err := putCertificate(ctx, tx, portalURL, c, i); err != nil {
				return err
			}
		}
		return updateSyncRow(ctx, tx, portalURL, `certificates_at = ?`, toNS(at))
	})
}

// placeOf is the place (ord) of the record id in table (portal_certificates
// or portal_integrations): the one it has, or after the last for a new one.
func placeOf(ctx context.Context, tx *sql.Tx, table, portalURL, id string) (int, error) {
	var ord int
	err := tx.QueryRowContext(ctx, `SELECT ord FROM `+table+` WHERE portal = ? AND id = ?`, portalURL, id).Scan(&ord)
	if errors.Is(err, sql.ErrNoRows) {
		err = tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(ord) + 1, 0) FROM `+table+` WHERE portal = ?`, portalURL).Scan(&ord)
	}
	return ord, err
}

// PutPortalCertificate adds or replaces one certificate (from an install's
// answer) without touching the others or the sync time.
func (s *Store) PutPortalCertificate(ctx context.Context, portalURL string, c portal.Certificate) error {
	return s.withTx(ctx, "keep a certificate", func(tx *sql.Tx) error {
		ord, err := placeOf(ctx, tx, "portal_certificates", portalURL, c.ID)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM portal_usages WHERE portal = ? AND certificate_id = ?`, portalURL, c.ID); err != nil {
			return err
		}
		return putCertificate(ctx, tx, portalURL, c, ord)
	})
}

func putCertificate(ctx context.Context, tx *sql.Tx, portalURL string, c portal.Certificate, ord int) error {
	data, err := json.Marshal(c)
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO portal_certificates (portal, id, sha256, ord, data) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (portal, id) DO UPDATE SET sha256 = excluded.sha256, ord = excluded.ord, data = excluded.data`,
		portalURL, c.ID, c.SHA256, ord, string(data)); err != nil {
		return err
	}
	for _, u := range c.Usages {
		if _, err := tx.ExecContext(ctx, `INSERT OR REPLACE INTO portal_usages (portal, certificate_id, integration_id, kind, name)
			VALUES (?, ?, ?, ?, ?)`, portalURL, c.ID, u.IntegrationID, u.Kind, u.Name); err != nil {
			return err
		}
	}
	return nil
}

// PortalCertificates returns the copy of GET /certificates in the portal's
// order, each with its usages (none: an empty list). A record that no
// longer decodes is left out.
func (s *Store) PortalCertificates(ctx context.Context, portalURL string) ([]portal.Certificate, error) {
	usages, err := s.portalUsages(ctx, portalURL)
	if err != nil {
		return nil, err
	}
	rows, err := s.db.QueryContext(ctx, `SELECT id, data FROM portal_certificates WHERE portal = ? ORDER BY ord, id`, portalURL)
	if err != nil {
		return nil, fmt.Errorf("store: read certificates: %w", err)
	}
	defer rows.Close()
	out := []portal.Certificate{} // never nil: the JSON of none is []
	for rows.Next() {
		var id, data string
		if err := rows.Scan(&id, &data); err != nil {
			return nil, fmt.Errorf("store: read certificates: %w", err)
		}
		var c portal.Certificate
		if json.Unmarshal([]byte(data), &c) != nil {
			continue
		}
		c.Usages = append([]portal.Usage{}, usages[id]...)
		out = append(out, c)
	}
	return out, rows.Err()
}

// portalUsages returns the usages of the portal's certificates by
// certificate id.
func (s *Store) portalUsages(ctx context.Context, portalURL string) (map[string][]portal.Usage, error) {
	return queryGroups(ctx, s.db, "read usages", `SELECT certificate_id, integration_id, kind, name FROM portal_usages
		WHERE portal = ? ORDER BY certificate_id, kind, integration_id`, []any{portalURL}, func(rows *sql.Rows) (string, portal.Usage, error) {
		var id string
		var u portal.Usage
		err := rows.Scan(&id, &u.IntegrationID, &u.Kind, &u.Name)
		return id, u, err
	})
}

// integrationJSON is the record kept of an integration: without
// PreviousCertificateID, which only an activation's answer has.
func integrationJSON(in portal.Integration) (string, error) {
	in.PreviousCertificateID = nil
	data, err := json.Marshal(in)
	return string(data), err
}

// ReplacePortalIntegrations replaces the copy of GET /integrations.
func (s *Store) ReplacePortalIntegrations(ctx context.Context, portalURL string, list []portal.Integration, at time.Time) error {
	return s.withTx(ctx, "keep integrations", func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM portal_integrations WHERE portal = ?`, portalURL); err != nil {
			return err
		}
		for i, in := range list {
			data, err := integrationJSON(in)
			if err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO portal_integrations (portal, id, kind, ord, data) VALUES (?, ?, ?, ?, ?)`,
				portalURL, in.ID, in.Kind, i, data); err != nil {
				return err
			}
		}
		return updateSyncRow(ctx, tx, portalURL, `integrations_at = ?`, toNS(at))
	})
}

// PutPortalIntegration replaces one integration (from an activation's answer).
func (s *Store) PutPortalIntegration(ctx context.Context, portalURL string, in portal.Integration) error {
	data, err := integrationJSON(in)
	if err != nil {
		return fmt.Errorf("store: keep an integration: %w", err)
	}
	return s.withTx(ctx, "keep an integration", func(tx *sql.Tx) error {
		ord, err := placeOf(ctx, tx, "portal_integrations", portalURL, in.ID)
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO portal_integrations (portal, id, kind, ord, data) VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (portal, id) DO UPDATE SET kind = excluded.kind, data = excluded.data`, portalURL, in.ID, in.Kind, ord, data)
		return err
	})
}

// PortalIntegrations returns the copy of GET /integrations in the
// portal's order. A record that no longer decodes is left out.
func (s *Store) PortalIntegrations(ctx context.Context, portalURL string) ([]portal.Integration, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT data FROM portal_integrations WHERE portal = ? ORDER BY ord, id`, portalURL)
	if err != nil {
		return nil, fmt.Errorf("store: read integrations: %w", err)
	}
	return decodeRecords[portal.Integration](rows, "integrations")
}

// decodeRecords reads the JSON records of rows (one column, data),
// leaving out those that no longer decode.
func decodeRecords[T any](rows *sql.Rows, what string) ([]T, error) {
	defer rows.Close()
	out := []T{} // never nil: the JSON of none is []
	for rows.Next() {
		var data string
		if err := rows.Scan(&data); err != nil {
			return nil, fmt.Errorf("store: read %s: %w", what, err)
		}
		var r T
		if json.Unmarshal([]byte(data), &r) == nil {
			out = append(out, r)
		}
	}
	return out, rows.Err()
}

// AddPortalEvents appends a page of GET /events (an event already kept is
// skipped) and moves the cursor, in one transaction, so the cursor never
// gets ahead of the events.
func (s *Store) AddPortalEvents(ctx context.Context, portalURL string, events []portal.Event, cursor string, at time.Time) error {
	return s.withTx(ctx, "keep events", func(tx *sql.Tx) error {
		for _, e := range events {
			data, err := json.Marshal(e)
			if err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO portal_events (portal, id, certificate_id, integration_id, data)
				VALUES (?, ?, ?, ?, ?) ON CONFLICT (portal, id) DO NOTHING`,
				portalURL, e.ID, e.CertificateID, e.IntegrationID, string(data)); err != nil {
				return err
			}
		}
		return updateSyncRow(ctx, tx, portalURL, `events_at = ?, events_cursor = ?`, toNS(at), cursor)
	})
}

// PortalEvents returns the kept events that q selects, oldest first (the
// newest q.Limit when it is set).
func (s *Store) PortalEvents(ctx context.Context, portalURL string, q portal.EventQuery) ([]portal.Event, error) {
	sel := `SELECT data, seq FROM portal_events WHERE portal = ?`
	args := []any{portalURL}
	if q.CertificateID != "" {
		sel += ` AND certificate_id = ?`
		args = append(args, q.CertificateID)
	}
	if q.IntegrationID != "" {
		sel += ` AND integration_id = ?`
		args = append(args, q.IntegrationID)
	}
	sel += ` ORDER BY seq DESC`
	if q.Limit > 0 {
		sel += ` LIMIT ?`
		args = append(args, q.Limit)
	}
	rows, err := s.db.QueryContext(ctx, `SELECT data FROM (`+sel+`) ORDER BY seq`, args...)
	if err != nil {
		return nil, fmt.Errorf("store: read events: %w", err)
	}
	return decodeRecords[portal.Event](rows, "events")
}

// PortalSyncState returns when each part was last synced (zero times when
// never).
func (s *Store) PortalSyncState(ctx context.Context, portalURL string) (portal.SyncState, error) {
	var p portal.SyncState
	var me, certs, ints, evs, last int64
	err := s.db.QueryRowContext(ctx, `SELECT me_at, certificates_at, integrations_at, events_at, events_cursor,
		last_error_code, last_attempt_at FROM portal_sync WHERE portal = ?`, portalURL).
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
func (s *Store) SetPortalSyncResult(ctx context.Context, portalURL, errorCode string, at time.Time) error {
	return s.withTx(ctx, "keep the sync result", func(tx *sql.Tx) error {
		return updateSyncRow(ctx, tx, portalURL, `last_error_code = ?, last_attempt_at = ?`, errorCode, toNS(at))
	})
}

// LastSyncedPortal is the portal whose copy was synced last, or "" when
// none was: the one `dpgcerts status` shows when no portalURL is named.
func (s *Store) LastSyncedPortal(ctx context.Context) (string, error) {
	var p string
	err := s.db.QueryRowContext(ctx, `SELECT portal FROM portal_sync WHERE certificates_at > 0
		ORDER BY certificates_at DESC, portal LIMIT 1`).Scan(&p)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("store: last synced portalURL: %w", err)
	}
	return p, nil
}
