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
	rows, err := s.db.QueryContext(ctx, `SELECT key, day FROM reminders WHERE channel = 'desktop' AND step = '' AND key IN (?`+strings.Repeat(", ?", len(keys)-1)+`)`, args...)
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
			`INSERT INTO reminders (key, channel, step, day, sent_at) VALUES (?, 'desktop', '', ?, ?)
			 ON CONFLICT (key, channel, step) DO UPDATE SET day = excluded.day, sent_at = excluded.sent_at`,
			k, day, at.UnixNano()); err != nil {
			return fmt.Errorf("store: mark reminded: %w", err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("store: mark reminded: %w", err)
	}
	return nil
}

// SentSteps returns, for each of keys, the steps told on channel (the
// team's reminders: one row per lead time and channel).
func (s *Store) SentSteps(ctx context.Context, channel string, keys []string) (map[string][]string, error) {
	out := make(map[string][]string, len(keys))
	if len(keys) == 0 {
		return out, nil
	}
	args := []any{channel}
	for _, k := range keys {
		args = append(args, k)
	}
	rows, err := s.db.QueryContext(ctx, `SELECT key, step FROM reminders WHERE channel = ? AND key IN (?`+strings.Repeat(", ?", len(keys)-1)+`)`, args...)
	if err != nil {
		return nil, fmt.Errorf("store: reminders: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var k, step string
		if err := rows.Scan(&k, &step); err != nil {
			return nil, fmt.Errorf("store: reminders: %w", err)
		}
		out[k] = append(out[k], step)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: reminders: %w", err)
	}
	return out, nil
}

// MarkSent notes that each key of steps was told its step on channel, on
// day (local, YYYY-MM-DD) at at, all or nothing.
func (s *Store) MarkSent(ctx context.Context, channel string, steps map[string]string, day string, at time.Time) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store: mark sent: %w", err)
	}
	defer tx.Rollback()
	for k, step := range steps {
		if _, err := tx.ExecContext(ctx,
			`INSERT INTO reminders (key, channel, step, day, sent_at) VALUES (?, ?, ?, ?, ?)
			 ON CONFLICT (key, channel, step) DO UPDATE SET day = excluded.day, sent_at = excluded.sent_at`,
			k, channel, step, day, at.UnixNano()); err != nil {
			return fmt.Errorf("store: mark sent: %w", err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("store: mark sent: %w", err)
	}
	return nil
}
