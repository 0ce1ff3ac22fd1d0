package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"dpgcerts/backend/errs"
	"dpgcerts/backend/portal"
)

// The portal's outbox (portal.OutboxStore): one row per portal.Operation.
// The row's result_id and created hold what the portal answered; which
// of the Operation's fields they fill depends on the kind (resultColumns).

var _ portal.Storage = (*Store)(nil)

const opColumns = `id, portal, kind, idem_key, state, filename, path, file_sha256, cert_sha256, password_in,
	integration_id, certificate_id, if_match, attempts, next_attempt_at, error_code, error_message,
	result_id, created, created_at, updated_at, finished_at, version`

func scanOp(sc interface{ Scan(...any) error }) (portal.Operation, error) {
	var o portal.Operation
	var next, created, updated, finished int64
	var certificateID, resultID string
	var made bool
	err := sc.Scan(&o.ID, &o.Portal, &o.Kind, &o.Key, &o.State, &o.Filename, &o.Path, &o.FileSHA256, &o.CertificateSHA256,
		&o.PasswordIn, &o.IntegrationID, &certificateID, &o.IfMatch, &o.Attempts, &next, &o.ErrorCode,
		&o.ErrorMessage, &resultID, &made, &created, &updated, &finished, &o.Version)
	o.NextAttemptAt, o.CreatedAt, o.UpdatedAt, o.FinishedAt = fromNS(next), fromNS(created), fromNS(updated), fromNS(finished)
	if o.Kind == portal.OpInstall {
		o.CertificateID, o.AlreadyInstalled = resultID, o.State == portal.StateDone && !made
	} else {
		o.CertificateID, o.PreviousCertificateID = certificateID, resultID
	}
	return o, err
}

// resultColumns are the columns certificate_id, result_id and created of
// o: an install's result is the certificate it installed and whether the
// portal made it then (not AlreadyInstalled); an activation's certificate
// is the one to activate, and its result the one it replaced.
func resultColumns(o portal.Operation) (certificateID, resultID string, created bool) {
	if o.Kind == portal.OpInstall {
		return "", o.CertificateID, o.State == portal.StateDone && !o.AlreadyInstalled
	}
	return o.CertificateID, o.PreviousCertificateID, false
}

func fromNS(ns int64) time.Time {
	if ns == 0 {
		return time.Time{}
	}
	return time.Unix(0, ns).UTC()
}

func toNS(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixNano()
}

// AddOps records the user's intents in one transaction, each with its
// idempotency key, before anything is sent. An intent that repeats an
// active operation (the same file, or the same activation, on the same
// portal: a double click) is not added again: the existing operation is
// returned in its place, with duplicate set.
func (s *Store) AddOps(ctx context.Context, ops []portal.Operation) (out []portal.Operation, duplicate []bool, err error) {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return nil, nil, fmt.Errorf("store: add operations: %w", err)
	}
	defer tx.Rollback()
	now := s.now().UTC()
	for _, o := range ops {
		if o.Key == "" || o.Portal == "" || (o.Kind != portal.OpInstall && o.Kind != portal.OpActivate) {
			return nil, nil, errors.New("store: an operation needs a portal, a kind and a key")
		}
		if o.State == "" {
			o.State = portal.StatePending
		}
		if o.Active() {
			existing, found, err := activeTwin(ctx, tx, o)
			if err != nil {
				return nil, nil, fmt.Errorf("store: add operations: %w", err)
			}
			if found {
				out, duplicate = append(out, existing), append(duplicate, true)
				continue
			}
		} else {
			// Refused before it was ever sent (e.g. a file far too large):
			// recorded as ended, without the file.
			o.PKCS12, o.FinishedAt = nil, now
		}
		certificateID, _, _ := resultColumns(o)
		res, err := tx.ExecContext(ctx, `INSERT INTO portal_ops (portal, kind, idem_key, state, filename, path,
			file_sha256, pkcs12, cert_sha256, password_in, integration_id, certificate_id, if_match,
			next_attempt_at, error_code, error_message, created_at, updated_at, finished_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			o.Portal, o.Kind, o.Key, o.State, o.Filename, o.Path, o.FileSHA256, nilIfEmpty(o.PKCS12), o.CertificateSHA256,
			o.PasswordIn, o.IntegrationID, certificateID, o.IfMatch, toNS(o.NextAttemptAt), o.ErrorCode, o.ErrorMessage,
			now.UnixNano(), now.UnixNano(), toNS(o.FinishedAt))
		if err != nil {
			return nil, nil, fmt.Errorf("store: add operation: %w", err)
		}
		o.ID, _ = res.LastInsertId()
		o.PKCS12 = nil
		o.CreatedAt, o.UpdatedAt = now, now
		out, duplicate = append(out, o), append(duplicate, false)
	}
	if err := tx.Commit(); err != nil {
		return nil, nil, fmt.Errorf("store: add operations: %w", err)
	}
	return out, duplicate, nil
}

// activeTwin finds an active operation with the same intent: an install
// of the same bytes, or an activation of the same certificate for the same
// integration, on the same portal.
func activeTwin(ctx context.Context, tx *sql.Tx, o portal.Operation) (portal.Operation, bool, error) {
	var row *sql.Row
	if o.Kind == portal.OpInstall {
		row = tx.QueryRowContext(ctx, `SELECT `+opColumns+` FROM portal_ops WHERE portal = ? AND kind = 'install'
			AND file_sha256 = ? AND state IN ('pending', 'needs_password') ORDER BY id LIMIT 1`, o.Portal, o.FileSHA256)
	} else {
		// The same certificate by id, or by its SHA-256 (an activation that
		// named it as "sha256:<hex>" records the hash; so does one by id
		// whose hash the offline copy knew).
		row = tx.QueryRowContext(ctx, `SELECT `+opColumns+` FROM portal_ops WHERE portal = ? AND kind = 'activate'
			AND integration_id = ? AND (certificate_id = ? OR (? <> '' AND cert_sha256 = ?))
			AND state IN ('pending', 'needs_password') ORDER BY id LIMIT 1`,
			o.Portal, o.IntegrationID, o.CertificateID, o.CertificateSHA256, o.CertificateSHA256)
	}
	existing, err := scanOp(row)
	if errors.Is(err, sql.ErrNoRows) {
		return portal.Operation{}, false, nil
	}
	return existing, err == nil, err
}

func nilIfEmpty(b []byte) any {
	if len(b) == 0 {
		return nil
	}
	return b
}

// Ops lists operations, oldest first, without their files.
func (s *Store) Ops(ctx context.Context, f portal.OpFilter) ([]portal.Operation, error) {
	q := `SELECT ` + opColumns + ` FROM portal_ops WHERE portal = ?`
	args := []any{f.Portal}
	if len(f.States) > 0 {
		q += ` AND state IN (?` + strings.Repeat(", ?", len(f.States)-1) + `)`
		for _, st := range f.States {
			args = append(args, st)
		}
	}
	if f.Kind != "" {
		q += ` AND kind = ?`
		args = append(args, f.Kind)
	}
	if len(f.IDs) > 0 {
		q += ` AND id IN (?` + strings.Repeat(", ?", len(f.IDs)-1) + `)`
		for _, id := range f.IDs {
			args = append(args, id)
		}
	}
	rows, err := s.db.QueryContext(ctx, q+` ORDER BY id`, args...)
	if err != nil {
		return nil, fmt.Errorf("store: list operations: %w", err)
	}
	defer rows.Close()
	out := []portal.Operation{} // never nil: the JSON of none is []
	for rows.Next() {
		o, err := scanOp(rows)
		if err != nil {
			return nil, fmt.Errorf("store: list operations: %w", err)
		}
		out = append(out, o)
	}
	return out, rows.Err()
}

// Op returns one operation without its file (portal.ErrNoOp).
func (s *Store) Op(ctx context.Context, id int64) (portal.Operation, error) {
	o, err := scanOp(s.db.QueryRowContext(ctx, `SELECT `+opColumns+` FROM portal_ops WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return o, portal.ErrNoOp
	}
	return o, err
}

// OpFile returns the file kept for a pending install (nil once it ended).
func (s *Store) OpFile(ctx context.Context, id int64) ([]byte, error) {
	var b []byte
	err := s.db.QueryRowContext(ctx, `SELECT pkcs12 FROM portal_ops WHERE id = ?`, id).Scan(&b)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, portal.ErrNoOp
	}
	return b, err
}

// UpdateOp writes an operation's changing fields: state, key, password
// place, certificate, attempts, error and result. It writes only over the
// version o was read at, and then advances o.Version: a copy that is stale
// (another goroutine or process wrote since) gets portal.ErrStale, and nothing is
// overwritten. An operation that has ended loses its file and is never
// made active again (portal.ErrOpEnded). Ending one checkpoints the WAL, so the
// file's bytes don't linger there.
func (s *Store) UpdateOp(ctx context.Context, o *portal.Operation) error {
	now := s.now().UTC()
	finished := int64(0)
	if !o.Active() {
		finished = toNS(o.FinishedAt)
		if finished == 0 {
			finished = now.UnixNano()
		}
	}
	certificateID, resultID, created := resultColumns(*o)
	res, err := s.db.ExecContext(ctx, `UPDATE portal_ops SET state = ?, idem_key = ?, password_in = ?,
		cert_sha256 = ?, certificate_id = ?, attempts = ?, next_attempt_at = ?, error_code = ?, error_message = ?,
		result_id = ?, created = ?, updated_at = ?, finished_at = ?, version = version + 1,
		pkcs12 = CASE WHEN ? THEN pkcs12 ELSE NULL END
		WHERE id = ? AND version = ? AND (state IN ('pending', 'needs_password') OR NOT ?)`,
		o.State, o.Key, o.PasswordIn, o.CertificateSHA256, certificateID, o.Attempts, toNS(o.NextAttemptAt), o.ErrorCode,
		o.ErrorMessage, resultID, created, now.UnixNano(), finished, o.Active(), o.ID, o.Version, o.Active())
	if err != nil {
		return fmt.Errorf("store: update operation: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return s.missed(ctx, o.ID)
	}
	o.Version++
	o.UpdatedAt = now
	if finished != 0 {
		o.FinishedAt = time.Unix(0, finished).UTC()
		s.checkpoint(ctx)
	}
	return nil
}

// missed tells why a guarded update wrote nothing.
func (s *Store) missed(ctx context.Context, id int64) error {
	cur, err := s.Op(ctx, id)
	switch {
	case err != nil:
		return err
	case !cur.Active():
		return portal.ErrOpEnded
	}
	return portal.ErrStale
}

// maxUpdateTries bounds UpdateOpWith's reloads; each miss means another
// writer made progress, so a handful is plenty.
const maxUpdateTries = 8

// UpdateOpWith applies change to o and writes it; when o is stale it
// reloads the operation and applies change to the fresh copy, until the
// write lands. change says false when, seeing the fresh copy, there is
// nothing to write any more (then o is the fresh copy and the error nil).
// An operation that has ended gives portal.ErrOpEnded.
func (s *Store) UpdateOpWith(ctx context.Context, o *portal.Operation, change func(*portal.Operation) bool) error {
	for try := 0; ; try++ {
		next := *o
		if !change(&next) {
			return nil
		}
		err := s.UpdateOp(ctx, &next)
		if err == nil {
			*o = next
			return nil
		}
		if !errors.Is(err, portal.ErrStale) || try == maxUpdateTries {
			return err
		}
		fresh, err := s.Op(ctx, o.ID)
		if err != nil {
			return err
		}
		*o = fresh
	}
}

// CancelOp ends an active operation at the user's request: failed with
// errs.Cancelled, its file dropped. The update is guarded by the state, not
// the version, so it wins over a send in flight, whose later write then
// finds the operation ended. It returns the operation as it was just before
// (its key and PasswordIn tell the caller which keychain entry to remove),
// or portal.ErrOpEnded when it had ended already.
func (s *Store) CancelOp(ctx context.Context, id int64) (portal.Operation, error) {
	for try := 0; ; try++ {
		o, err := s.Op(ctx, id)
		if err != nil {
			return o, err
		}
		if !o.Active() {
			return o, portal.ErrOpEnded
		}
		now := s.now().UTC().UnixNano()
		res, err := s.db.ExecContext(ctx, `UPDATE portal_ops SET state = 'failed', error_code = ?,
			error_message = 'cancelled by the user', pkcs12 = NULL, updated_at = ?, finished_at = ?, version = version + 1
			WHERE id = ? AND version = ? AND state IN ('pending', 'needs_password')`, errs.Cancelled, now, now, id, o.Version)
		if err != nil {
			return o, fmt.Errorf("store: cancel operation: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 1 {
			s.checkpoint(ctx)
			return o, nil
		}
		// Changed meanwhile (the key rotated, a password came): look again,
		// so the caller learns the key whose entry to remove.
		if try == maxUpdateTries {
			return o, portal.ErrStale
		}
	}
}

// ForgetOpPassword notes that an ended install's password has been removed
// from wherever it was kept. Only an ended operation is changed.
func (s *Store) ForgetOpPassword(ctx context.Context, id int64) error {
	_, err := s.db.ExecContext(ctx, `UPDATE portal_ops SET password_in = '', version = version + 1
		WHERE id = ? AND state IN ('done', 'failed') AND password_in <> ''`, id)
	if err != nil {
		return fmt.Errorf("store: update operation: %w", err)
	}
	return nil
}

// checkpoint moves the WAL into the database and truncates it, so an
// ended install's file is gone from the -wal file too (secure_delete only
// clears the main file's free pages). TRUNCATE waits for the readers of
// other connections, so it gets a short busy timeout of its own: a reader in
// another process may keep it from truncating, and the next end tries again.
func (s *Store) checkpoint(ctx context.Context) {
	if s.path == Memory {
		return
	}
	ctx = context.WithoutCancel(ctx)
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `PRAGMA busy_timeout = 200`); err != nil {
		return
	}
	_, _ = conn.ExecContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`)
	// The connection goes back to the pool: restore the DSN's timeout.
	_, _ = conn.ExecContext(ctx, `PRAGMA busy_timeout = 5000`)
}

// DeleteOp removes an operation that has ended (the user dismissed it).
// An active operation is not removed.
func (s *Store) DeleteOp(ctx context.Context, id int64) error {
	_, err := s.db.ExecContext(ctx, `DELETE FROM portal_ops WHERE id = ? AND state IN ('done', 'failed')`, id)
	if err != nil {
		return fmt.Errorf("store: delete operation: %w", err)
	}
	return nil
}

// OpCounts counts a portal's operations by state.
func (s *Store) OpCounts(ctx context.Context, portalURL string) (map[string]int, error) {
	return queryMap(ctx, s.db, "count operations", `SELECT state, COUNT(*) FROM portal_ops WHERE portal = ? GROUP BY state`, []any{portalURL}, func(rows *sql.Rows) (string, int, error) {
		var st string
		var n int
		err := rows.Scan(&st, &n)
		return st, n, err
	})
}
