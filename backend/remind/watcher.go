package remind

import (
	"context"
	"log"
	"sync"
	"time"

	"dpgcerts/backend/overview"
)

// Target is what a reminder opens: an integration or a certificate, and
// the file to show for it, if this computer has one.
type Target struct {
	IntegrationID string `json:"integrationId,omitempty"`
	SHA256        string `json:"sha256,omitempty"`
	Path          string `json:"path,omitempty"`
}

// Data is t as a notification's data, which a click hands back (TargetIn).
func (t Target) Data() map[string]any {
	return map[string]any{"integrationId": t.IntegrationID, "sha256": t.SHA256, "path": t.Path}
}

// TargetIn is the target in a clicked notification's data.
func TargetIn(data map[string]any) Target {
	str := func(k string) string { s, _ := data[k].(string); return s }
	return Target{IntegrationID: str("integrationId"), SHA256: str("sha256"), Path: str("path")}
}

// TargetOf is what a click on the reminder rm opens: the integration's
// renewal, else its certificate; or the certificate; with a file of it.
func TargetOf(ov overview.Overview, rm Reminder) Target {
	t := Target{IntegrationID: rm.IntegrationID, SHA256: rm.SHA256}
	if rm.IntegrationID != "" {
		for _, i := range ov.Integrations {
			if i.ID != rm.IntegrationID {
				continue
			}
			if i.Successor != nil && len(i.Successor.Files) > 0 {
				t.SHA256, t.Path = i.Successor.SHA256, i.Successor.Files[0]
				return t
			}
			if i.Certificate != nil {
				t.SHA256 = i.Certificate.SHA256
			}
		}
	}
	for _, c := range ov.Certificates {
		if c.SHA256 == t.SHA256 && len(c.Files) > 0 {
			t.Path = c.Files[0]
		}
	}
	return t
}

// Notify sends one message of what in rs was not told today, and notes it
// in the ledger. send returns an error when the message reached nobody;
// then nothing is noted. It returns the message sent, or a zero one.
func Notify(ctx context.Context, l Ledger, lang string, rs []Reminder, send func(Message) error) (Message, error) {
	due, err := l.Due(ctx, rs)
	if err != nil || len(due) == 0 {
		return Message{}, err
	}
	msg := Compose(lang, due)
	if err := send(msg); err != nil {
		return msg, err
	}
	return msg, l.Mark(ctx, due)
}

// Watcher sends the window's reminders: a check a moment after the
// overview changed (a scan's end, a sync), so that the events of one change
// make one check.
type Watcher struct {
	Ledger   Ledger
	Lang     func() string
	Overview func(ctx context.Context) (overview.Overview, error)
	// Send shows the message; target is what a click on it opens.
	Send  func(msg Message, target Target) error
	Delay time.Duration

	mu      sync.Mutex
	pending *time.Timer
	closed  bool
	wg      sync.WaitGroup
	checkMu sync.Mutex // one check at a time
}

// Kick asks for a check after Delay; kicks close together make one check.
func (w *Watcher) Kick() {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.closed {
		return
	}
	if w.pending != nil {
		w.pending.Stop()
	}
	w.pending = time.AfterFunc(w.Delay, func() {
		w.mu.Lock()
		if w.closed {
			w.mu.Unlock()
			return
		}
		// Added under mu while open: Close's Wait sees it.
		w.wg.Add(1)
		w.mu.Unlock()
		defer w.wg.Done()
		w.Check(context.Background())
	})
}

// Close stops the checks and waits for the one under way.
func (w *Watcher) Close() {
	w.mu.Lock()
	w.closed = true
	if w.pending != nil {
		w.pending.Stop()
	}
	w.mu.Unlock()
	w.wg.Wait()
}

// Check sends one notification of what was not reminded of today.
func (w *Watcher) Check(ctx context.Context) {
	w.checkMu.Lock()
	defer w.checkMu.Unlock()
	ov, err := w.Overview(ctx)
	if err != nil {
		log.Printf("dpgcerts: reminders: %v", err)
		return
	}
	msg, err := Notify(ctx, w.Ledger, w.Lang(), Find(ov), func(m Message) error { return w.Send(m, TargetOf(ov, m.First)) })
	if err != nil && msg.Title != "" {
		log.Printf("dpgcerts: the reminder was not shown: %v", err)
	} else if err != nil {
		log.Printf("dpgcerts: reminders: %v", err)
	}
}
