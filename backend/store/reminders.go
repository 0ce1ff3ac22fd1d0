package store

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// Reminder settings. The warning window (WarnDays) decides what is
// reminded of; these decide whether and when the OS scheduler runs
// `dpgcerts check --notify`.
var (
	// Remind is "on" (daily at RemindAt) or "off".
	Remind = StringSetting{Key: "remind", Default: "on", Allowed: []string{"on", "off"}}
	// RemindAt is the local time of day of the daily check, HH:MM.
	RemindAt = StringSetting{Key: "remind_at", Default: "09:00"}
)

// RemindedOn returns the local day (YYYY-MM-DD) each of keys was last
// reminded of; keys never reminded of are missing.
func (s *Store) RemindedOn(ctx context.Context, keys []string) (map[string]string, error) {
	out := make(map[string]string, len(keys))
	if len(keys) == 0 {
		return out, nil
	}
	args := make([]any, len(keys))
	for i, k := range keys {
		args[i] = k
	}
	rows, err := s.db.QueryContext(ctx, `SELECT key, day FROM reminders WHERE key IN (?`+strings.Repeat(", ?", len(keys)-1)+`)`, args...)
	if err != nil {
		return nil, fmt.Errorf("store: reminders: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var k, d string
		if err := rows.Scan(&k, &d); err != nil {
			return nil, fmt.Errorf("store: reminders: %w", err)
		}
		out[k] = d
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: reminders: %w", err)
	}
	return out, nil
}

// MarkReminded notes that keys were reminded of on day (local, YYYY-MM-DD)
// at at.
func (s *Store) MarkReminded(ctx context.Context, keys []string, day string, at time.Time) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store: mark reminded: %w", err)
	}
	defer tx.Rollback()
	for _, k := range keys {
		if _, err := tx.ExecContext(ctx,
			`INSERT INTO reminders (key, day, sent_at) VALUES (?, ?, ?)
			 ON CONFLICT (key) DO UPDATE SET day = excluded.day, sent_at = excluded.sent_at`,
			k, day, at.UnixNano()); err != nil {
			return fmt.Errorf("store: mark reminded: %w", err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("store: mark reminded: %w", err)
	}
	return nil
}
