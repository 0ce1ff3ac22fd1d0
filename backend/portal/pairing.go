package portal

import (
	"strings"

	"dpgcerts/backend/certs"
)

// Predecessors finds the installed certificates that a new certificate
// (read from a local file) renews: the same OCES UUID, e-mail or name, in
// use by an integration, and not the new certificate itself. The window
// offers "Install and activate as the successor of ..." for each (Install,
// then Activate with SHA256Ref(newCert.SHA256) and the integration's
// version). The strongest match comes first: UUID, then e-mail, then name.
func Predecessors(newCert certs.Certificate, installed []Certificate) []Certificate {
	var out []Certificate
	for rank := range 3 {
		for _, c := range installed {
			if len(c.Usages) == 0 || strings.EqualFold(c.SHA256, newCert.SHA256) {
				continue
			}
			if matchRank(newCert, c) == rank {
				out = append(out, c)
			}
		}
	}
	return out
}

// matchRank is 0 for the same UUID, 1 for the same e-mail, 2 for the same
// common name, -1 for none.
func matchRank(n certs.Certificate, c Certificate) int {
	switch {
	case n.UUID != "" && strings.EqualFold(n.UUID, c.UUID):
		return 0
	case n.Email != "" && strings.EqualFold(n.Email, c.Email):
		return 1
	case n.CommonName != "" && strings.EqualFold(n.CommonName, c.CommonName):
		return 2
	}
	return -1
}

// Missing returns the SHA-256 thumbprints (of local certificates) that the
// portal doesn't have, in their order: the "Upload existing certificates"
// offer.
func Missing(local []string, installed []Certificate) []string {
	have := make(map[string]bool, len(installed))
	for _, c := range installed {
		have[strings.ToLower(c.SHA256)] = true
	}
	var out []string
	seen := map[string]bool{}
	for _, sha := range local {
		sha = strings.ToLower(sha)
		if !have[sha] && !seen[sha] {
			out = append(out, sha)
			seen[sha] = true
		}
	}
	return out
}
