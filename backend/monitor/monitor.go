// Package monitor says the state of the DPG solution the way monitoring
// systems read it: as a Nagios/Icinga plugin (monitoring-plugins
// convention: exit code, first line, performance data) and as Prometheus
// metrics in node_exporter's textfile format. Both are pure: an overview
// and the facts of the run in, text out.
package monitor

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"dpgcerts/backend/overview"
	"dpgcerts/backend/remind"
)

// Plugin exit codes (monitoring-plugins).
const (
	OK       = 0
	Warning  = 1
	Critical = 2
	Unknown  = 3
)

// StatusName is the word a plugin's first line starts with.
var StatusName = map[int]string{OK: "OK", Warning: "WARNING", Critical: "CRITICAL", Unknown: "UNKNOWN"}

// Defaults of check's flags.
const (
	DefaultCriticalDays = 7
	DefaultMaxAge       = 48 * time.Hour
)

// Run is what one check found, besides the overview.
type Run struct {
	Now time.Time
	// CriticalDays: an integration with at most this many days left is
	// critical; WarnDays (the overview's) makes it a warning.
	CriticalDays int
	// MaxAge: an offline copy synced longer ago than this is unknown.
	MaxAge time.Duration
	// Failed is why the check itself failed (the overview is then empty).
	Failed string
}

// Stale says whether ov's copy of the DPG solution is too old to judge
// (never synced counts).
func (r Run) Stale(ov overview.Overview) bool {
	return ov.SyncedAt == nil || r.Now.Sub(*ov.SyncedAt) > r.MaxAge
}

// Level is an integration's plugin status.
func (r Run) Level(i overview.Integration) int {
	switch i.State {
	case overview.StateExpired, overview.StateRevoked, overview.StateNoCertificate:
		return Critical
	}
	if i.Certificate != nil && i.Certificate.DaysLeft <= r.CriticalDays {
		return Critical
	}
	if i.State == overview.StateExpiring {
		return Warning
	}
	return OK
}

// Nagios is the plugin's output and exit code: the first line says the
// status and the integrations that are not OK (the most urgent first); a
// line for each integration follows, then the performance data, one
// `'KIND days'=DAYS;WARN;CRIT` for each integration, and the sync's age.
func Nagios(ov overview.Overview, r Run) (int, string) {
	if r.Failed != "" {
		return Unknown, "DPG UNKNOWN - the check failed: " + oneLine(r.Failed) + "\n"
	}
	ints := sorted(ov.Integrations)
	code := OK
	var bad []string
	for _, i := range ints {
		l := r.Level(i)
		code = max(code, l)
		if l != OK {
			s := phrase(i)
			if len(bad) > 0 {
				s = strings.Replace(s, " stops in ", " in ", 1)
			}
			bad = append(bad, s)
		}
	}
	var first string
	switch {
	case r.Stale(ov):
		code = Unknown
		if ov.SyncedAt == nil {
			first = "no copy of the DPG solution: never synced with DPG"
		} else {
			first = "no successful sync with DPG since " + ov.SyncedAt.UTC().Format("2006-01-02 15:04 UTC")
		}
		if len(bad) > 0 {
			first += "; last known: " + strings.Join(bad, "; ")
		}
	case len(bad) > 0:
		first = strings.Join(bad, "; ")
	case len(ints) == 0:
		first = "no integrations in the DPG solution"
	default:
		first = fmt.Sprintf("%d integrations; the first stops in %d days (%s)", len(ints), ints[0].Certificate.DaysLeft,
			remind.IntegrationName("en", ints[0].Kind, ints[0].Name))
	}
	var b strings.Builder
	fmt.Fprintf(&b, "DPG %s - %s\n", StatusName[code], first)
	var perf []string
	labels := perfLabels(ints)
	for n, i := range ints {
		fmt.Fprintf(&b, "%s: %s\n", StatusName[r.Level(i)], phrase(i))
		days := "U"
		if i.Certificate != nil {
			days = fmt.Sprint(i.Certificate.DaysLeft)
		}
		perf = append(perf, fmt.Sprintf("'%s days'=%s;%d;%d", labels[n], days, ov.WarnDays, r.CriticalDays))
	}
	if ov.SyncedAt != nil {
		perf = append(perf, fmt.Sprintf("'sync_age'=%ds;;%d;0", int64(r.Now.Sub(*ov.SyncedAt).Seconds()), int64(r.MaxAge.Seconds())))
	}
	if len(perf) > 0 {
		fmt.Fprintf(&b, "| %s\n", strings.Join(perf, " "))
	}
	return code, b.String()
}

// phrase is "Secure mail stops in 2 days" and the like, in English: the
// words monitoring systems show.
func phrase(i overview.Integration) string {
	name := remind.IntegrationName("en", i.Kind, i.Name)
	switch {
	case i.State == overview.StateNoCertificate || i.Certificate == nil:
		return name + " has no certificate"
	case i.State == overview.StateRevoked:
		return name + " has stopped (certificate revoked)"
	case i.State == overview.StateExpired:
		return fmt.Sprintf("%s has stopped (%s)", name, i.Certificate.NotAfter.UTC().Format("2 Jan 2006"))
	case i.Certificate.DaysLeft <= 0:
		return name + " stops today"
	case i.Certificate.DaysLeft == 1:
		return name + " stops in 1 day"
	}
	return fmt.Sprintf("%s stops in %d days", name, i.Certificate.DaysLeft)
}

// sorted is the integrations, the one that stops first first (stopped
// ones and those without a certificate before all).
func sorted(in []overview.Integration) []overview.Integration {
	out := append([]overview.Integration(nil), in...)
	days := func(i overview.Integration) int {
		if i.Certificate == nil || i.State == overview.StateRevoked || i.State == overview.StateNoCertificate {
			return -1 << 30
		}
		return i.Certificate.DaysLeft
	}
	sort.SliceStable(out, func(a, b int) bool { return days(out[a]) < days(out[b]) })
	return out
}

// perfLabels are the performance data's labels: the kind, and the name
// too when two integrations share a kind. Quotes are not allowed in them.
func perfLabels(ints []overview.Integration) []string {
	count := map[string]int{}
	for _, i := range ints {
		count[i.Kind]++
	}
	out := make([]string, len(ints))
	for n, i := range ints {
		l := i.Kind
		if count[i.Kind] > 1 {
			l += " " + i.Name
		}
		out[n] = strings.NewReplacer("'", "", "=", "_", "\n", " ").Replace(l)
	}
	return out
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
