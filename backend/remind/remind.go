// Package remind decides what is worth a reminder, judged on the overview,
// and words it in the app's language. Find and Due are pure; Ledger keeps,
// in the store, what was reminded of today, so each thing is told once a
// day at most, by the window or by `dpgcerts check --notify`, whichever
// comes first.
package remind

import (
	"context"
	"slices"
	"strings"
	"time"

	"dpgcerts/backend/certs"
	"dpgcerts/backend/i18n"
	"dpgcerts/backend/overview"
	"dpgcerts/backend/portal"
)

// Kind is why something is worth a reminder.
type Kind string

const (
	// KindExpiring: an integration whose certificate expires within the
	// warning window (no successor is active yet, or it would be ok).
	KindExpiring Kind = "expiring"
	// KindExpired: an integration whose certificate has expired.
	KindExpired Kind = "expired"
	// KindNotInstalled: a renewal of a certificate in use, on this PC but
	// not installed in DPG.
	KindNotInstalled Kind = "not_installed"
	// KindFailed: a certificate's install or activation failed.
	KindFailed Kind = "failed"
	// KindNeedsPassword: a certificate's install waits for its password.
	KindNeedsPassword Kind = "needs_password"
	// KindRevoked: the CA says the certificate is revoked.
	KindRevoked Kind = "revoked"
	// KindIntegrationRevoked: an integration whose certificate is revoked.
	KindIntegrationRevoked Kind = "integration_revoked"
)

// Reminder is one thing worth a reminder. Exactly one of IntegrationID and
// SHA256 is set: it is what a click on the notification opens.
type Reminder struct {
	// Key is stable from day to day: the ledger's key.
	Key           string `json:"key"`
	Kind          Kind   `json:"kind"`
	IntegrationID string `json:"integrationId,omitempty"`
	SHA256        string `json:"sha256,omitempty"`
	// Name is the integration's kind and name, or the certificate's name.
	IntegrationKind string `json:"integrationKind,omitempty"`
	Name            string `json:"name"`
	// DaysLeft of the certificate concerned (negative once expired).
	DaysLeft int `json:"daysLeft"`
	// Step is an integration's next step; Successor names its renewal.
	Step      overview.Step `json:"step,omitempty"`
	Successor string        `json:"successor,omitempty"`
	// Operation is the failed or waiting operation's kind (install, activate).
	Operation string `json:"operation,omitempty"`
}

// Find lists what in ov is worth a reminder, the most urgent first:
// integrations (as the overview orders them: expired, then by days left),
// then certificates. A revoked certificate is the one the CA's answer (in
// the overview) says is revoked.
func Find(ov overview.Overview) []Reminder {
	var out []Reminder
	// The successors an integration's reminder already names: their own
	// "not installed" would say the same thing twice.
	told := map[string]bool{}
	for _, i := range ov.Integrations {
		c := i.Certificate
		if c == nil {
			continue
		}
		r := Reminder{IntegrationID: i.ID, IntegrationKind: i.Kind, Name: i.Name, DaysLeft: c.DaysLeft, Step: i.NextStep}
		switch i.State {
		case overview.StateExpiring:
			r.Kind = KindExpiring
		case overview.StateExpired:
			r.Kind = KindExpired
		case overview.StateRevoked:
			// The integration stops as if expired; the certificate's own
			// reminder would say it again.
			r.Kind = KindIntegrationRevoked
			told[c.SHA256] = true
		default:
			continue
		}
		if s := i.Successor; s != nil {
			r.Successor = s.CommonName
			told[s.SHA256] = true
		}
		r.Key = string(r.Kind) + ":" + i.ID
		out = append(out, r)
	}
	for _, c := range ov.Certificates {
		if c.ReplacedBy != nil {
			continue // history: its renewal has taken over
		}
		base := Reminder{SHA256: c.SHA256, Name: c.CommonName, DaysLeft: c.DaysLeft}
		add := func(k Kind, op string) {
			r := base
			r.Kind, r.Operation, r.Key = k, op, string(k)+":"+c.SHA256
			out = append(out, r)
		}
		if c.Revocation.Status == certs.RevocationRevoked && c.Status != certs.StatusExpired && !told[c.SHA256] {
			add(KindRevoked, "")
		}
		if o := c.Operation; o != nil {
			switch o.State {
			case portal.StateFailed:
				add(KindFailed, o.Kind)
			case portal.StateNeedsPassword:
				add(KindNeedsPassword, o.Kind)
			}
		}
		if slices.Contains(c.Attention, overview.ReasonNotInstalled) && !told[c.SHA256] {
			add(KindNotInstalled, "")
		}
	}
	return out
}

// Day is the local calendar day of t, the unit of "once a day".
func Day(t time.Time) string { return t.Local().Format("2006-01-02") }

// Due drops the reminders already told on day (told: key -> last day).
func Due(rs []Reminder, told map[string]string, day string) []Reminder {
	var out []Reminder
	for _, r := range rs {
		if told[r.Key] != day {
			out = append(out, r)
		}
	}
	return out
}

// Store is the ledger's storage (backend/store.Store).
type Store interface {
	RemindedOn(ctx context.Context, keys []string) (map[string]string, error)
	MarkReminded(ctx context.Context, keys []string, day string, at time.Time) error
}

// Ledger keeps what was reminded of, and when.
type Ledger struct {
	St  Store
	Now func() time.Time
}

// Due is the reminders of rs not yet told today.
func (l Ledger) Due(ctx context.Context, rs []Reminder) ([]Reminder, error) {
	told, err := l.St.RemindedOn(ctx, Keys(rs))
	if err != nil {
		return nil, err
	}
	return Due(rs, told, Day(l.Now())), nil
}

// Mark notes that rs were told now.
func (l Ledger) Mark(ctx context.Context, rs []Reminder) error {
	now := l.Now()
	return l.St.MarkReminded(ctx, Keys(rs), Day(now), now)
}

// Keys are the ledger keys of rs.
func Keys(rs []Reminder) []string {
	keys := make([]string, len(rs))
	for i, r := range rs {
		keys[i] = r.Key
	}
	return keys
}

// MaxLines is how many reminders a notification spells out; the rest are
// counted. Notification servers cut long bodies, and a list longer than
// this is read in the window anyway.
const MaxLines = 5

// Message is one notification.
type Message struct {
	Title string `json:"title"`
	Body  string `json:"body"`
	// First is the first (most urgent) reminder: what a click opens.
	First Reminder `json:"first"`
}

// Compose sums rs up in one notification in lang. rs must not be empty.
func Compose(lang string, rs []Reminder) Message {
	lines := make([]string, 0, MaxLines+1)
	for i, r := range rs {
		if i == MaxLines {
			lines = append(lines, i18n.Plural(lang, "remind.more", len(rs)-MaxLines, nil))
			break
		}
		lines = append(lines, Line(lang, r))
	}
	return Message{Title: i18n.Plural(lang, "remind.title", len(rs), nil), Body: strings.Join(lines, "\n"), First: rs[0]}
}

// Line says one reminder in lang: what it is about, the days left, and
// for an integration what to do next.
func Line(lang string, r Reminder) string {
	name := map[string]any{"name": r.Name}
	switch r.Kind {
	case KindExpiring, KindExpired, KindIntegrationRevoked:
		who := map[string]any{"name": IntegrationName(lang, r.IntegrationKind, r.Name)}
		var s string
		switch {
		case r.Kind == KindExpired:
			s = i18n.Format(lang, "remind.expired", who)
		case r.Kind == KindIntegrationRevoked:
			s = i18n.Format(lang, "remind.integrationRevoked", who)
		case r.DaysLeft <= 0:
			s = i18n.Format(lang, "remind.expiringToday", who)
		default:
			s = i18n.Plural(lang, "remind.expiring", r.DaysLeft, who)
		}
		if r.Step != "" && r.Step != overview.StepNone {
			s += " " + i18n.Format(lang, "remind.step."+string(r.Step), map[string]any{"successor": r.Successor})
		}
		return s
	case KindNotInstalled:
		return i18n.Format(lang, "remind.notInstalled", name)
	case KindFailed:
		if r.Operation == "activate" {
			return i18n.Format(lang, "remind.activateFailed", name)
		}
		return i18n.Format(lang, "remind.installFailed", name)
	case KindNeedsPassword:
		return i18n.Format(lang, "remind.needsPassword", name)
	case KindRevoked:
		return i18n.Format(lang, "remind.revoked", name)
	}
	return r.Name
}

// IntegrationName is "Exchange Online (contoso.onmicrosoft.com)": the
// kind in lang, then the integration's own name when it adds something.
func IntegrationName(lang, kind, name string) string {
	label := i18n.T(lang, "usage."+kind)
	if label == "usage."+kind {
		label = kind
	}
	if name == "" || strings.EqualFold(name, label) {
		return label
	}
	// "Digital Post (NgDP)" says its kind already: not "Digital Post (Digital Post (NgDP))".
	if len(name) > len(label) && strings.EqualFold(name[:len(label)], label) {
		return name
	}
	return label + " (" + name + ")"
}
