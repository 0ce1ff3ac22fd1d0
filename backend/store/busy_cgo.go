//go:build cgo

package store

import (
	"errors"

	"github.com/mattn/go-sqlite3"
)

// isBusy says whether err is SQLite's "database is locked" or "busy".
func isBusy(err error) bool {
	var se sqlite3.Error
	return errors.As(err, &se) && (se.Code == sqlite3.ErrBusy || se.Code == sqlite3.ErrLocked)
}
