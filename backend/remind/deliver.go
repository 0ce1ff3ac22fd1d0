package remind

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"dpgcerts/backend/overview"
)

// Channel sends a team message somewhere (backend/channels).
type Channel interface {
	// Name is the ledger's channel: email, email:<address>, webhook.
	Name() string
	// Where is what the message reached, for people: a server's name.
	Where() string
	Send(ctx context.Context, m TeamMessage) error
}

// Route is a channel, the language of its messages, and what it is told:
// everything (the team), or only some integrations (a contact's).
type Route struct {
	Channel Channel
	Lang    string
	// Only lists the integrations (by id) this route is about; nil is all.
	Only []string
	// Digest: this route gets the weekly digest too (when it is on).
	Digest bool
}

// TeamStore is the ledger of the team's reminders (backend/store.Store).
type TeamStore interface {
	SentSteps(ctx context.Context, channel string, keys []string) (map[string][]string, error)
	MarkSent(ctx context.Context, channel string, steps map[string]string, day string, at time.Time) error
}

// Team sends the reminders at their lead times, once per step and
// channel, and notes in the ledger only what went out: a failed send is
// tried again on the next run.
type Team struct {
	St    TeamStore
	Now   func() time.Time
	Loc   *time.Location
	Leads []int
	// Digest turns on the weekly message with every integration's state.
	Digest bool
}

// Delivery is what one route's run did.
type Delivery struct {
	Channel string `json:"channel"`
	Where   string `json:"where,omitempty"`
	// Subject of what was sent (or failed to), "" when nothing was due.
	Subject string `json:"subject,omitempty"`
	Items   int    `json:"items"`
	Digest  bool   `json:"digest,omitempty"`
	Err     error  `json:"-"`
}

// Send tells each route what is due for it, in one message per route
// (and the weekly digest in another, when on). A route's failure doesn't
// keep the others from sending.
func (t Team) Send(ctx context.Context, ov overview.Overview, routes []Route) []Delivery {
	now := t.Now()
	loc := t.Loc
	if loc == nil {
		loc = time.Local
	}
	day := now.In(loc).Format("2006-01-02")
	leads := t.Leads
	if len(leads) == 0 {
		leads = DefaultLeadDays
	}
	all := TeamItems(ov, leads, day)
	var out []Delivery
	for _, r := range routes {
		d := Delivery{Channel: r.Channel.Name(), Where: r.Channel.Where()}
		due, err := t.due(ctx, r, all)
		if err != nil {
			d.Err = err
			out = append(out, d)
			continue
		}
		if len(due) > 0 {
			m := ComposeTeam(r.Lang, due, loc)
			d.Subject, d.Items = m.Subject, len(due)
			if d.Err = r.Channel.Send(ctx, m); d.Err == nil {
				steps := map[string]string{}
				for _, it := range due {
					steps[it.Key()] = it.Step
				}
				d.Err = t.St.MarkSent(ctx, d.Channel, steps, day, now)
			}
			out = append(out, d)
		}
		if t.Digest && r.Digest {
			if dd, ok := t.digest(ctx, r, ov, now, loc, day); ok {
				out = append(out, dd)
			}
		}
	}
	return out
}

// due is what of all route r has not been told at its current step.
func (t Team) due(ctx context.Context, r Route, all []Item) ([]Item, error) {
	var mine []Item
	for _, it := range all {
		if r.Only == nil || slices.Contains(r.Only, it.IntegrationID) {
			mine = append(mine, it)
		}
	}
	if len(mine) == 0 {
		return nil, nil
	}
	keys := make([]string, len(mine))
	for i, it := range mine {
		keys[i] = it.Key()
	}
	sent, err := t.St.SentSteps(ctx, r.Channel.Name(), keys)
	if err != nil {
		return nil, err
	}
	var due []Item
	for _, it := range mine {
		if !slices.Contains(sent[it.Key()], it.Step) {
			due = append(due, it)
		}
	}
	return due, nil
}

// digestKey is the ledger key of the weekly digest; its step is the ISO week.
const digestKey = "digest"

func (t Team) digest(ctx context.Context, r Route, ov overview.Overview, now time.Time, loc *time.Location, day string) (Delivery, bool) {
	y, w := now.In(loc).ISOWeek()
	week := fmt.Sprintf("%d-W%02d", y, w)
	d := Delivery{Channel: r.Channel.Name(), Where: r.Channel.Where(), Digest: true}
	sent, err := t.St.SentSteps(ctx, d.Channel, []string{digestKey})
	if err != nil {
		d.Err = err
		return d, true
	}
	if slices.Contains(sent[digestKey], week) {
		return d, false
	}
	m := ComposeDigest(r.Lang, ov, loc)
	d.Subject = m.Subject
	if d.Err = r.Channel.Send(ctx, m); d.Err == nil {
		d.Err = t.St.MarkSent(ctx, d.Channel, map[string]string{digestKey: week}, day, now)
	}
	return d, true
}

// Contacts groups the integrations of ov by their contact address:
// contacts maps an integration's id, kind or name (case-insensitive) to
// an address. The result maps each address to its integrations' ids.
func Contacts(ov overview.Overview, contacts map[string]string) map[string][]string {
	out := map[string][]string{}
	if len(contacts) == 0 {
		return out
	}
	lower := map[string]string{}
	for k, v := range contacts {
		if v = strings.TrimSpace(v); v != "" {
			lower[strings.ToLower(strings.TrimSpace(k))] = v
		}
	}
	for _, i := range ov.Integrations {
		for _, k := range []string{i.ID, i.Kind, i.Name} {
			if addr, ok := lower[strings.ToLower(k)]; ok && k != "" {
				if !slices.Contains(out[addr], i.ID) {
					out[addr] = append(out[addr], i.ID)
				}
				break
			}
		}
	}
	return out
}
