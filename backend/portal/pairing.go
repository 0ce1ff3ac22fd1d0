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

// Renews says whether n renews old: the pairing rules of Predecessors
// (the same OCES UUID, e-mail or common name; rank 0, 1 or 2, strongest
// first), not old itself, and a later notAfter, so an older certificate of
// the same mailbox is never offered as the successor. Unlike Predecessors
// it doesn't ask whether old is in use: the overview asks it of the
// certificate an integration uses.
func Renews(n certs.Certificate, old Certificate) (rank int, ok bool) {
	if strings.EqualFold(n.SHA256, old.SHA256) || !n.NotAfter.After(old.NotAfter) {
		return -1, false
	}
	r := matchRank(n, old)
	return r, r >= 0
}

// Facts are the record's facts as the certificate reader names them, so a
// certificate in DPG can be paired like one read from a file.
func (c Certificate) Facts() certs.Certificate {
	return certs.Certificate{Subject: c.Subject, CommonName: c.CommonName, CVR: c.CVR, UUID: c.UUID, Email: c.Email,
		NotBefore: c.NotBefore, NotAfter: c.NotAfter, SHA1: strings.ToLower(c.SHA1), SHA256: strings.ToLower(c.SHA256),
		Raw: c.Certificate}
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
