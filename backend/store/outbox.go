package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

// OpKind is what an outbox operation does.
type OpKind string

const (
	OpInstall  OpKind = "install"
	OpActivate OpKind = "activate"
)

// OpState is where an operation is. pending and needs_password are active;
// done and failed have ended.
type OpState string

const (
	OpPending       OpState = "pending"
	OpNeedsPassword OpState = "needs_password"
	OpDone          OpState = "done"
	OpFailed        OpState = "failed"
)

// Active says whether the operation has yet to end.
func (s OpState) Active() bool { return s == OpPending || s == OpNeedsPassword }

// Where an install's password is kept while it waits (Op.PasswordIn).
const (
	PasswordNowhere  = ""
	PasswordKeychain = "keychain"
	PasswordEmpty    = "empty"
	PasswordMemory   = "memory"
)

// Op is one row of the portal outbox. It never holds a password.
type Op struct {
	ID     int64
	Portal string
	Kind   OpKind
	// Key is the Idempotency-Key sent with every attempt.
	Key   string
	State OpState

	// Install.
	Filename   string
	Path       string
	FileSHA256 string
	// PKCS12 is the file as it was given (still encrypted by its password).
	// It is only loaded by OpFile, and dropped when the operation ends.
	PKCS12     []byte
	CertSHA256 string
	PasswordIn string

	// Activate. CertificateID may be "sha256:<hex>" for a certificate that
	// an install in the same outbox is still sending.
	IntegrationID string
	CertificateID string
	IfMatch       string

	Attempts      int
	NextAttemptAt time.Time
	ErrorCode     string
	ErrorMessage  string
	ResultID      string
	Created       bool
	CreatedAt     time.Time
	UpdatedAt     time.Time
	FinishedAt    time.Time
	// Version counts the updates; UpdateOp writes only over the version it
	// was given, and advances it.
	Version int64
}

const opColumns = `id, portal, kind, idem_key, state, filename, path, file_sha256, cert_sha256, password_in,
	integration_id, certificate_id, if_match, attempts, next_attempt_at, error_code, error_message,
	result_id, created, created_at, updated_at, finished_at, version`

func scanOp(sc interface{ Scan(...any) error }) (Op, error) {
	var o Op
	var next, created, updated, finished int64
	err := sc.Scan(&o.ID, &o.Portal, &o.Kind, &o.Key, &o.State, &o.Filename, &o.Path, &o.FileSHA256, &o.CertSHA256,
		&o.PasswordIn, &o.IntegrationID, &o.CertificateID, &o.IfMatch, &o.Attempts, &next, &o.ErrorCode,
		&o.ErrorMessage, &o.ResultID, &o.Created, &created, &updated, &finished, &o.Version)
	o.NextAttemptAt, o.CreatedAt, o.UpdatedAt, o.FinishedAt = fromNS(next), fromNS(created), fromNS(updated), fromNS(finished)
	return o, err
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
func (s *Store) AddOps(ctx context.Context, ops []Op) (out []Op, duplicate []bool, err error) {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return nil, nil, fmt.Errorf("store: add operations: %w", err)
	}
	defer tx.Rollback()
	now := s.now().UTC()
	for _, o := range ops {
		if o.Key == "" || o.Portal == "" || (o.Kind != OpInstall && o.Kind != OpActivate) {
			return nil, nil, errors.New("store: an operation needs a portal, a kind and a key")
		}
		if o.State == "" {
			o.State = OpPending
		}
		if o.State.Active() {
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
		res, err := tx.ExecContext(ctx, `INSERT INTO portal_ops (portal, kind, idem_key, state, filename, path,
			file_sha256, pkcs12, cert_sha256, password_in, integration_id, certificate_id, if_match,
			next_attempt_at, error_code, error_message, created_at, updated_at, finished_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			o.Portal, o.Kind, o.Key, o.State, o.Filename, o.Path, o.FileSHA256, nilIfEmpty(o.PKCS12), o.CertSHA256,
			o.PasswordIn, o.IntegrationID, o.CertificateID, o.IfMatch, toNS(o.NextAttemptAt), o.ErrorCode, o.ErrorMessage,
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
func activeTwin(ctx context.Context, tx *sql.Tx, o Op) (Op, bool, error) {
	var row *sql.Row
	if o.Kind == OpInstall {
		row = tx.QueryRowContext(ctx, `SELECT `+opColumns+` FROM portal_ops WHERE portal = ? AND kind = 'install'
			AND file_sha256 = ? AND state IN ('pending', 'needs_password') ORDER BY id LIMIT 1`, o.Portal, o.FileSHA256)
	} else {
		// The same certificate by id, or by its SHA-256 (an activation that
		// named it as "sha256:<hex>" records the hash; so does one by id
		// whose hash the offline copy knew).
		row = tx.QueryRowContext(ctx, `SELECT `+opColumns+` FROM portal_ops WHERE portal = ? AND kind = 'activate'
			AND integration_id = ? AND (certificate_id = ? OR (? <> '' AND cert_sha256 = ?))
			AND state IN ('pending', 'needs_password') ORDER BY id LIMIT 1`,
			o.Portal, o.IntegrationID, o.CertificateID, o.CertSHA256, o.CertSHA256)
	}
	existing, err := scanOp(row)
	if errors.Is(err, sql.ErrNoRows) {
		return Op{}, false, nil
	}
	return existing, err == nil, err
}

func nilIfEmpty(b []byte) any {
	if len(b) == 0 {
		return nil
	}
	return b
}

// OpFilter selects operations.
type OpFilter struct {
	Portal string
	States []OpState // any state when empty
	Kind   OpKind    // any kind when ""
	IDs    []int64   // any id when empty
}

// Ops lists operations, oldest first, without their files.
func (s *Store) Ops(ctx context.Context, f OpFilter) ([]Op, error) {
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
	var out []Op
	for rows.Next() {
		o, err := scanOp(rows)
		if err != nil {
			return nil, fmt.Errorf("store: list operations: %w", err)
		}
		out = append(out, o)
	}
	return out, rows.Err()
}

// ErrNoOp means there is no such operation.
var ErrNoOp = errors.New("store: no such operation")

// ErrEnded means the operation has ended (done, failed or cancelled),
// perhaps in another process: there is nothing left to write. It is also
// an ErrNoOp.
var ErrEnded = fmt.Errorf("%w: it has ended", ErrNoOp)

// ErrStale means the operation changed since the copy was read: reload it
// and decide again.
var ErrStale = errors.New("store: the operation changed since it was read")

// CodeCancelled is the error code of an operation the user cancelled.
const CodeCancelled = "cancelled"

// Op returns one operation without its file.
func (s *Store) Op(ctx context.Context, id int64) (Op, error) {
	o, err := scanOp(s.db.QueryRowContext(ctx, `SELECT `+opColumns+` FROM portal_ops WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return o, ErrNoOp
	}
	return o, err
}

// OpFile returns the file kept for a pending install (nil once it ended).
func (s *Store) OpFile(ctx context.Context, id int64) ([]byte, error) {
	var b []byte
	err := s.db.QueryRowContext(ctx, `SELECT pkcs12 FROM portal_ops WHERE id = ?`, id).Scan(&b)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNoOp
	}
	return b, err
}

// UpdateOp writes an operation's changing fields: state, key, password
// place, certificate, attempts, error and result. It writes only over the
// version o was read at, and then advances o.Version: a copy that is stale
// (another goroutine or process wrote since) gets ErrStale, and nothing is
// overwritten. An operation that has ended loses its file and is never
// made active again (ErrEnded). Ending one checkpoints the WAL, so the
// file's bytes don't linger there.
func (s *Store) UpdateOp(ctx context.Context, o *Op) error {
	now := s.now().UTC()
	finished := int64(0)
	if !o.State.Active() {
		finished = toNS(o.FinishedAt)
		if finished == 0 {
			finished = now.UnixNano()
		}
	}
	res, err := s.db.ExecContext(ctx, `UPDATE portal_ops SET state = ?, idem_key = ?, password_in = ?,
		cert_sha256 = ?, certificate_id = ?, attempts = ?, next_attempt_at = ?, error_code = ?, error_message = ?,
		result_id = ?, created = ?, updated_at = ?, finished_at = ?, version = version + 1,
		pkcs12 = CASE WHEN ? THEN pkcs12 ELSE NULL END
		WHERE id = ? AND version = ? AND (state IN ('pending', 'needs_password') OR NOT ?)`,
		o.State, o.Key, o.PasswordIn, o.CertSHA256, o.CertificateID, o.Attempts, toNS(o.NextAttemptAt), o.ErrorCode,
		o.ErrorMessage, o.ResultID, o.Created, now.UnixNano(), finished, o.State.Active(), o.ID, o.Version, o.State.Active())
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
	case !cur.State.Active():
		return ErrEnded
	}
	return ErrStale
}

// maxUpdateTries bounds UpdateOpWith's reloads; each miss means another
// writer made progress, so a handful is plenty.
const maxUpdateTries = 8

// UpdateOpWith applies change to o and writes it; when o is stale it
// reloads the operation and applies change to the fresh copy, until the
// write lands. change says false when, seeing the fresh copy, there is
// nothing to write any more (then o is the fresh copy and the error nil).
// An operation that has ended gives ErrEnded.
func (s *Store) UpdateOpWith(ctx context.Context, o *Op, change func(*Op) bool) error {
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
		if !errors.Is(err, ErrStale) || try == maxUpdateTries {
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
// CodeCancelled, its file dropped. The update is guarded by the state, not
// the version, so it wins over a send in flight, whose later write then
// finds the operation ended. It returns the operation as it was just before
// (its key and PasswordIn tell the caller which keychain entry to remove),
// or ErrEnded when it had ended already.
func (s *Store) CancelOp(ctx context.Context, id int64) (Op, error) {
	for try := 0; ; try++ {
		o, err := s.Op(ctx, id)
		if err != nil {
			return o, err
		}
		if !o.State.Active() {
			return o, ErrEnded
		}
		now := s.now().UTC().UnixNano()
		res, err := s.db.ExecContext(ctx, `UPDATE portal_ops SET state = 'failed', error_code = ?,
			error_message = 'cancelled by the user', pkcs12 = NULL, updated_at = ?, finished_at = ?, version = version + 1
			WHERE id = ? AND version = ? AND state IN ('pending', 'needs_password')`, CodeCancelled, now, now, id, o.Version)
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
			return o, ErrStale
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
func (s *Store) OpCounts(ctx context.Context, portal string) (map[OpState]int, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT state, COUNT(*) FROM portal_ops WHERE portal = ? GROUP BY state`, portal)
	if err != nil {
		return nil, fmt.Errorf("store: count operations: %w", err)
	}
	defer rows.Close()
	out := map[OpState]int{}
	for rows.Next() {
		var st OpState
		var n int
		if err := rows.Scan(&st, &n); err != nil {
			return nil, err
		}
		out[st] = n
	}
	return out, rows.Err()
}
