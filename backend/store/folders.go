package store

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"time"
)

// Folder is a folder the user added to the collection.
type Folder struct {
	Path    string    `json:"path"`
	AddedAt time.Time `json:"addedAt"`
}

// AddFolder adds a folder (made absolute and cleaned). Adding it again keeps
// the first AddedAt.
func (s *Store) AddFolder(ctx context.Context, path string) (Folder, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return Folder{}, fmt.Errorf("store: add folder: %w", err)
	}
	now := s.now()
	if _, err := s.db.ExecContext(ctx,
		`INSERT INTO folders (path, added_at) VALUES (?, ?) ON CONFLICT (path) DO NOTHING`,
		abs, now.UnixNano()); err != nil {
		return Folder{}, fmt.Errorf("store: add folder: %w", err)
	}
	var added int64
	if err := s.db.QueryRowContext(ctx, `SELECT added_at FROM folders WHERE path = ?`, abs).Scan(&added); err != nil {
		return Folder{}, fmt.Errorf("store: add folder: %w", err)
	}
	return Folder{Path: abs, AddedAt: time.Unix(0, added)}, nil
}

// Folders lists the added folders by path.
func (s *Store) Folders(ctx context.Context) ([]Folder, error) {
	out := []Folder{}
	err := eachRow(ctx, s.db, "list folders", `SELECT path, added_at FROM folders ORDER BY path`, nil, func(rows *sql.Rows) error {
		var f Folder
		var added int64
		if err := rows.Scan(&f.Path, &added); err != nil {
			return err
		}
		f.AddedAt = time.Unix(0, added)
		out = append(out, f)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// RemoveFolder removes a folder from the list; an unknown folder is not an
// error. Its cached files stay: another added folder may cover them, and a
// cache row is small.
func (s *Store) RemoveFolder(ctx context.Context, path string) error {
	abs, err := filepath.Abs(path)
	if err != nil {
		return fmt.Errorf("store: remove folder: %w", err)
	}
	if _, err := s.db.ExecContext(ctx, `DELETE FROM folders WHERE path = ?`, abs); err != nil {
		return fmt.Errorf("store: remove folder: %w", err)
	}
	return nil
}
