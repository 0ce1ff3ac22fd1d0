package store

import (
	"context"
	"database/sql"
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
	if len(keys) == 0 {
		return map[string]string{}, nil
	}
	args := make([]any, len(keys))
	for i, k := range keys {
		args[i] = k
	}
	return queryMap(ctx, s.db, "reminders", `SELECT key, day FROM reminders WHERE channel = 'desktop' AND step = '' AND key IN (?`+strings.Repeat(", ?", len(keys)-1)+`)`, args, func(rows *sql.Rows) (string, string, error) {
		var k, d string
		err := rows.Scan(&k, &d)
		return k, d, err
	})
}

// MarkReminded notes that keys were reminded of on day (local, YYYY-MM-DD)
// at at.
func (s *Store) MarkReminded(ctx context.Context, keys []string, day string, at time.Time) error {
	return s.withTx(ctx, "mark reminded", func(tx *sql.Tx) error {
		for _, k := range keys {
			if _, err := tx.ExecContext(ctx,
				`INSERT INTO reminders (key, channel, step, day, sent_at) VALUES (?, 'desktop', '', ?, ?)
				 ON CONFLICT (key, channel, step) DO UPDATE SET day = excluded.day, sent_at = excluded.sent_at`,
				k, day, at.UnixNano()); err != nil {
				return err
			}
		}
		return nil
	})
}

// SentSteps returns, for each of keys, the steps told on channel (the
// team's reminders: one row per lead time and channel).
func (s *Store) SentSteps(ctx context.Context, channel string, keys []string) (map[string][]string, error) {
	if len(keys) == 0 {
		return map[string][]string{}, nil
	}
	args := []any{channel}
	for _, k := range keys {
		args = append(args, k)
	}
	return queryGroups(ctx, s.db, "reminders", `SELECT key, step FROM reminders WHERE channel = ? AND key IN (?`+strings.Repeat(", ?", len(keys)-1)+`)`, args, func(rows *sql.Rows) (string, string, error) {
		var k, step string
		err := rows.Scan(&k, &step)
		return k, step, err
	})
}

// MarkSent notes that each key of steps was told its step on channel, on
// day (local, YYYY-MM-DD) at at, all or nothing.
func (s *Store) MarkSent(ctx context.Context, channel string, steps map[string]string, day string, at time.Time) error {
	return s.withTx(ctx, "mark sent", func(tx *sql.Tx) error {
		for k, step := range steps {
			if _, err := tx.ExecContext(ctx,
				`INSERT INTO reminders (key, channel, step, day, sent_at) VALUES (?, ?, ?, ?, ?)
				 ON CONFLICT (key, channel, step) DO UPDATE SET day = excluded.day, sent_at = excluded.sent_at`,
				k, channel, step, day, at.UnixNano()); err != nil {
				return err
			}
		}
		return nil
	})
}
