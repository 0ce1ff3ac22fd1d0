package monitor

import (
	"fmt"
	"strings"
	"time"

	"dpgcerts/backend/overview"
)

// States are every state an integration can be in, for
// dpgcerts_integration_state: one series each, 1 for the current one.
var States = []overview.State{overview.StateOK, overview.StateExpiring, overview.StateExpired,
	overview.StateNoCertificate, overview.StateRevoked}

// Prometheus is the run in the text exposition format that
// node_exporter's textfile collector reads, named in the style of
// x509-certificate-exporter. A failed run still says when it ran, and
// dpgcerts_up 0.
func Prometheus(ov overview.Overview, r Run) []byte {
	var b strings.Builder
	metric := func(name, kind, help string) {
		fmt.Fprintf(&b, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, kind)
	}
	up := 1
	if r.Failed != "" || r.Stale(ov) {
		up = 0
	}
	metric("dpgcerts_up", "gauge", "1 when the check read the DPG solution's state from a sync within --max-age; 0 when it failed or the copy is older.")
	fmt.Fprintf(&b, "dpgcerts_up %d\n", up)
	metric("dpgcerts_check_last_run_timestamp_seconds", "gauge", "When dpgcerts check last ran, as a Unix timestamp.")
	fmt.Fprintf(&b, "dpgcerts_check_last_run_timestamp_seconds %s\n", seconds(r.Now))
	if r.Failed != "" {
		return []byte(b.String())
	}
	metric("dpgcerts_last_sync_success_timestamp_seconds", "gauge", "When the offline copy of the DPG solution was last synced successfully, as a Unix timestamp (0: never).")
	synced := "0"
	if ov.SyncedAt != nil {
		synced = seconds(*ov.SyncedAt)
	}
	fmt.Fprintf(&b, "dpgcerts_last_sync_success_timestamp_seconds %s\n", synced)

	ints := sorted(ov.Integrations)
	metric("dpgcerts_integration_expiry_timestamp_seconds", "gauge", "When the integration's active certificate expires (its notAfter), and the integration stops, as a Unix timestamp.")
	for _, i := range ints {
		if i.Certificate != nil {
			fmt.Fprintf(&b, "dpgcerts_integration_expiry_timestamp_seconds%s %s\n", labels(intLabels(i)...), seconds(i.Certificate.NotAfter))
		}
	}
	metric("dpgcerts_integration_state", "gauge", "The integration's state: 1 for the current one (ok, expiring, expired, no_certificate, revoked), 0 for the others.")
	for _, i := range ints {
		for _, s := range States {
			v := 0
			if i.State == s {
				v = 1
			}
			fmt.Fprintf(&b, "dpgcerts_integration_state%s %d\n", labels(append(intLabels(i), "state", string(s))...), v)
		}
	}
	metric("dpgcerts_certificate_not_after_timestamp_seconds", "gauge", "When the certificate expires (its notAfter), as a Unix timestamp; in_dpg says whether it is installed in the DPG solution. Certificates a renewal has replaced are history and left out.")
	for _, c := range ov.Certificates {
		// A replaced certificate counts in no tile and gets no reminder:
		// an expiry alert on it would fire for good once it expired.
		if c.NotAfter.IsZero() || c.ReplacedBy != nil {
			continue
		}
		fmt.Fprintf(&b, "dpgcerts_certificate_not_after_timestamp_seconds%s %s\n",
			labels("sha256", c.SHA256, "common_name", c.CommonName, "cvr", c.CVR, "in_dpg", fmt.Sprint(c.InPortal)), seconds(c.NotAfter))
	}
	return []byte(b.String())
}

func intLabels(i overview.Integration) []string {
	return []string{"integration", i.ID, "kind", i.Kind, "name", i.Name}
}

// labels is {k="v",...}, the values escaped as the format wants.
func labels(kv ...string) string {
	esc := strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`)
	parts := make([]string, 0, len(kv)/2)
	for n := 0; n+1 < len(kv); n += 2 {
		parts = append(parts, kv[n]+`="`+esc.Replace(kv[n+1])+`"`)
	}
	return "{" + strings.Join(parts, ",") + "}"
}

func seconds(t time.Time) string { return fmt.Sprint(t.Unix()) }
