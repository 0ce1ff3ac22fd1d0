package store

import (
	"context"
	"database/sql"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"

	"dpgcerts/backend/certs"
)

// Entry is one cached file: the cache key (path, size, mtime), the content's
// SHA-256 and what the reader made of it.
type Entry struct {
	Path    string // absolute, cleaned
	Size    int64
	MtimeNS int64 // modification time, Unix nanoseconds
	// FileID is the file's identity (device and inode, or volume and file
	// index) and CtimeNS its change time where the system has one: a file
	// replaced by another of the same size with its mtime restored differs
	// in these. "" and 0 where unknown.
	FileID  string
	CtimeNS int64
	SHA256  string // lower-case hex of the content
	// Reader tags the build of the reader that made File; the scanner reads
	// the file again when it differs from its own.
	Reader string
	// File is the reader's result, Certificate.Raw and Chain[i].Raw included.
	// Its Path is Entry.Path and its PasswordIndex is -1 when loaded. Status
	// and DaysLeft are as of ReadAt: judge them again before use.
	File   certs.File
	ReadAt time.Time
}

// LoadFiles returns every cached file keyed by path, in one query, so the
// scanner can check thousands of files without a round trip each. Decoding
// the results costs more than SQLite's reading, so the rows are decoded on all
// cores while the query goes on. A row that no longer decodes is left out:
// the file is read again and its row replaced.
func (s *Store) LoadFiles(ctx context.Context) (map[string]Entry, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+fileColumns+` FROM files`)
	if err != nil {
		return nil, fmt.Errorf("store: load files: %w", err)
	}
	defer rows.Close()

	const batchSize = 128
	batches := make(chan []rawEntry, 2)
	workers := runtime.GOMAXPROCS(0)
	decoded := make([][]Entry, workers)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for batch := range batches {
				for _, r := range batch {
					if e, err := r.decode(); err == nil {
						decoded[w] = append(decoded[w], e)
					}
				}
			}
		})
	}

	var readErr error
	batch := make([]rawEntry, 0, batchSize)
	for rows.Next() {
		var r rawEntry
		if err := rows.Scan(&r.e.Path, &r.e.Size, &r.e.MtimeNS, &r.e.FileID, &r.e.CtimeNS, &r.e.SHA256, &r.e.Reader,
			&r.result, &r.certDER, &r.chainDER, &r.readAt); err != nil {
			readErr = fmt.Errorf("store: load files: %w", err)
			break
		}
		batch = append(batch, r)
		if len(batch) == batchSize {
			batches <- batch
			batch = make([]rawEntry, 0, batchSize)
		}
	}
	if len(batch) > 0 {
		batches <- batch
	}
	close(batches)
	wg.Wait()
	if readErr == nil {
		if err := rows.Err(); err != nil {
			readErr = fmt.Errorf("store: load files: %w", err)
		}
	}
	if readErr != nil {
		return nil, readErr
	}
	n := 0
	for _, d := range decoded {
		n += len(d)
	}
	out := make(map[string]Entry, n)
	for _, d := range decoded {
		for _, e := range d {
			out[e.Path] = e
		}
	}
	return out, nil
}

// File returns the cached file at path (absolute and cleaned, as the
// scanner keeps it). ok is false when there is none.
func (s *Store) File(ctx context.Context, path string) (e Entry, ok bool, err error) {
	return scanEntry(s.db.QueryRowContext(ctx, `SELECT `+fileColumns+` FROM files WHERE path = ?`, path))
}

// FindBySHA256 returns the most recently read file with this content, for a
// file that was renamed, moved or touched. ok is false when there is none.
func (s *Store) FindBySHA256(ctx context.Context, sum string) (e Entry, ok bool, err error) {
	return scanEntry(s.db.QueryRowContext(ctx,
		`SELECT `+fileColumns+` FROM files WHERE sha256 = ? ORDER BY read_at DESC LIMIT 1`, sum))
}

// PutFiles inserts or replaces a batch of entries in one transaction.
func (s *Store) PutFiles(ctx context.Context, entries []Entry) error {
	if len(entries) == 0 {
		return nil
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store: put files: %w", err)
	}
	defer tx.Rollback() // no-op after Commit
	stmt, err := tx.PrepareContext(ctx,
		`INSERT INTO files (path, size, mtime_ns, file_id, ctime_ns, sha256, reader, result, cert_der, chain_der, read_at)
		 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		 ON CONFLICT (path) DO UPDATE SET
		   size = excluded.size, mtime_ns = excluded.mtime_ns, file_id = excluded.file_id,
		   ctime_ns = excluded.ctime_ns, sha256 = excluded.sha256,
		   reader = excluded.reader, result = excluded.result, cert_der = excluded.cert_der,
		   chain_der = excluded.chain_der, read_at = excluded.read_at`)
	if err != nil {
		return fmt.Errorf("store: put files: %w", err)
	}
	defer stmt.Close()
	for _, e := range entries {
		result, certDER, chainDER, err := encodeFile(e.File)
		if err != nil {
			return fmt.Errorf("store: put %s: %w", e.Path, err)
		}
		readAt := e.ReadAt
		if readAt.IsZero() {
			readAt = s.now()
		}
		if _, err := stmt.ExecContext(ctx, e.Path, e.Size, e.MtimeNS, e.FileID, e.CtimeNS, e.SHA256, e.Reader,
			result, certDER, chainDER, readAt.UnixNano()); err != nil {
			return fmt.Errorf("store: put %s: %w", e.Path, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("store: put files: %w", err)
	}
	return nil
}

// DeleteMissing removes the cached files under the folder root (root itself
// included) whose path is not in seen: files deleted since the last scan of
// that folder. It returns how many rows it removed.
func (s *Store) DeleteMissing(ctx context.Context, root string, seen map[string]bool) (int, error) {
	root = filepath.Clean(root)
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return 0, fmt.Errorf("store: delete missing: %w", err)
	}
	defer tx.Rollback()
	// A range on the primary key instead of LIKE: no escaping of '%' and '_'
	// in paths, and it uses the index. Separator+1 sorts right after every
	// "root/..." path.
	// A volume root ("/", `C:\`) already ends in the separator.
	base := strings.TrimSuffix(root, string(os.PathSeparator))
	rows, err := tx.QueryContext(ctx,
		`SELECT path FROM files WHERE path = ? OR (path > ? AND path < ?)`,
		root, base+string(os.PathSeparator), base+string(rune(os.PathSeparator+1)))
	if err != nil {
		return 0, fmt.Errorf("store: delete missing: %w", err)
	}
	var gone []string
	for rows.Next() {
		var p string
		if err := rows.Scan(&p); err != nil {
			rows.Close()
			return 0, fmt.Errorf("store: delete missing: %w", err)
		}
		if !seen[p] {
			gone = append(gone, p)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, fmt.Errorf("store: delete missing: %w", err)
	}
	for _, p := range gone {
		if _, err := tx.ExecContext(ctx, `DELETE FROM files WHERE path = ?`, p); err != nil {
			return 0, fmt.Errorf("store: delete missing: %w", err)
		}
	}
	if err := tx.Commit(); err != nil {
		return 0, fmt.Errorf("store: delete missing: %w", err)
	}
	return len(gone), nil
}

// fileColumns are a files row as rawEntry reads it.
const fileColumns = `path, size, mtime_ns, file_id, ctime_ns, sha256, reader, result, cert_der, chain_der, read_at`

// rawEntry is a row as read, before its JSON is decoded.
type rawEntry struct {
	e                         Entry
	result, certDER, chainDER []byte
	readAt                    int64
}

func (r rawEntry) decode() (Entry, error) {
	f, err := decodeFile(r.result, r.certDER, r.chainDER)
	if err != nil {
		return Entry{}, fmt.Errorf("store: cached result of %s: %w", r.e.Path, err)
	}
	e := r.e
	f.Path = e.Path
	e.File = f
	e.ReadAt = time.Unix(0, r.readAt)
	return e, nil
}

// scanEntry reads one row of fileColumns; ok is false when there is none.
func scanEntry(row *sql.Row) (e Entry, ok bool, err error) {
	var r rawEntry
	if err := row.Scan(&r.e.Path, &r.e.Size, &r.e.MtimeNS, &r.e.FileID, &r.e.CtimeNS, &r.e.SHA256, &r.e.Reader,
		&r.result, &r.certDER, &r.chainDER, &r.readAt); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return Entry{}, false, nil
		}
		return Entry{}, false, fmt.Errorf("store: read file row: %w", err)
	}
	if e, err = r.decode(); err != nil {
		return Entry{}, false, err
	}
	return e, true, nil
}

// encodeFile splits a File into its encoded result (see codec.go) and the
// DER blobs. The chain's DERs are each prefixed with their
// length, so a certificate without Raw cannot shift the others.
func encodeFile(f certs.File) (result, certDER, chainDER []byte, err error) {
	result = marshalResult(f)
	if f.Certificate != nil {
		certDER = f.Certificate.Raw
	}
	if len(f.Chain) > 0 {
		n := 0
		for _, c := range f.Chain {
			n += binary.MaxVarintLen64 + len(c.Raw)
		}
		chainDER = make([]byte, 0, n)
		for _, c := range f.Chain {
			chainDER = binary.AppendUvarint(chainDER, uint64(len(c.Raw)))
			chainDER = append(chainDER, c.Raw...)
		}
	}
	return result, certDER, chainDER, nil
}

func decodeFile(result, certDER, chainDER []byte) (certs.File, error) {
	f, err := unmarshalResult(result)
	if err != nil {
		return certs.File{}, err
	}
	if f.Certificate != nil && len(certDER) > 0 {
		f.Certificate.Raw = certDER
	}
	for i := range f.Chain {
		n, k := binary.Uvarint(chainDER)
		if k <= 0 || uint64(len(chainDER)-k) < n {
			return certs.File{}, errors.New("damaged chain DER")
		}
		if n > 0 {
			f.Chain[i].Raw = chainDER[k : k+int(n) : k+int(n)]
		}
		chainDER = chainDER[k+int(n):]
	}
	return f, nil
}
