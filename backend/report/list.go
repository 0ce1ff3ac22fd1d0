package report

import "dpgcerts/backend/certs"

// ForList is the report as the window's list needs it: each file's status,
// format and key, and of its certificate only what the columns show and
// the search looks in (names, organisation, CVR, e-mail, dates, thumbprints,
// serial, OCES generation). The subject, issuer, UUID and algorithms are
// left empty and the chains out: the details fetch their file on opening.
// With 10,000 files that is about a third less for the window to carry.
// r is not changed.
func (r Report) ForList() Report {
	out := r
	out.Files = make([]certs.File, len(r.Files))
	for i, f := range r.Files {
		f.Chain = nil
		if f.Certificate != nil {
			c := *f.Certificate
			c.Subject, c.Issuer, c.UUID = "", "", ""
			c.KeyAlgorithm, c.SignatureAlgorithm, c.Raw = "", "", nil
			f.Certificate = &c
		}
		out.Files[i] = f
	}
	return out
}
