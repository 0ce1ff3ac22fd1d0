package store

import (
	"context"
	"database/sql"
	"fmt"
)

// eachRow runs query and calls scan for each row, in order. Its errors
// read "store: what: …".
func eachRow(ctx context.Context, db *sql.DB, what, query string, args []any, scan func(*sql.Rows) error) error {
	rows, err := db.QueryContext(ctx, query, args...)
	if err != nil {
		return fmt.Errorf("store: %s: %w", what, err)
	}
	defer rows.Close()
	for rows.Next() {
		if err := scan(rows); err != nil {
			return fmt.Errorf("store: %s: %w", what, err)
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("store: %s: %w", what, err)
	}
	return nil
}

// queryMap runs query and keeps each row by the key scan reads from it.
func queryMap[K comparable, V any](ctx context.Context, db *sql.DB, what, query string, args []any, scan func(*sql.Rows) (K, V, error)) (map[K]V, error) {
	out := map[K]V{}
	err := eachRow(ctx, db, what, query, args, func(rows *sql.Rows) error {
		k, v, err := scan(rows)
		if err != nil {
			return err
		}
		out[k] = v
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// queryGroups runs query and lists the rows' values, in order, by the key
// scan reads.
func queryGroups[K comparable, V any](ctx context.Context, db *sql.DB, what, query string, args []any, scan func(*sql.Rows) (K, V, error)) (map[K][]V, error) {
	out := map[K][]V{}
	err := eachRow(ctx, db, what, query, args, func(rows *sql.Rows) error {
		k, v, err := scan(rows)
		if err != nil {
			return err
		}
		out[k] = append(out[k], v)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
