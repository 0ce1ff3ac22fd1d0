package overview

import (
	"slices"
	"strings"
	"time"

	"dpgcerts/backend/certs"
	"dpgcerts/backend/portal"
)

// List is the overview as the window's list shows it: the integrations as
// they are, and one slim Row per certificate or unknown file. A row holds
// what the columns show and the search reads, and no more: with 10,000
// certificates the window gets one small call instead of every record
// twice. The details of a row are fetched when it is opened (the file's,
// and the overview's entry for its SHA-256).
type List struct {
	SyncedAt     *time.Time           `json:"syncedAt"`
	Organization *portal.Organization `json:"organization"`
	WarnDays     int                  `json:"warnDays"`
	Integrations []Integration        `json:"integrations"`
	Rows         []Row                `json:"rows"`
}

// Row is one row of the list: a certificate, wherever it is, or a file
// whose certificate is not known (locked, unreadable).
type Row struct {
	// Key is the certificate's SHA-256, or "file:" and the path of an
	// unknown file.
	Key    string       `json:"key"`
	Status certs.Status `json:"status"`
	// Files are the local files that hold it. The first stands for the
	// certificate: the one an install takes (a .p12 with the certificate's
	// own key) when there is one; the rest follow by path. Empty when it
	// is only in DPG.
	Files []string `json:"files"`
	// Installable says that Files[0] is a file the portal takes.
	Installable bool `json:"installable,omitempty"`
	InPortal    bool `json:"inPortal,omitempty"`

	CommonName string `json:"commonName,omitempty"`
	// Email is the certificate's address when it is not its name (a
	// certificate named after its address shows it once).
	Email        string `json:"email,omitempty"`
	Organization string `json:"organization,omitempty"`
	CVR          string `json:"cvr,omitempty"`
	OCES2        bool   `json:"oces2,omitempty"`
	SHA1         string `json:"sha1,omitempty"`
	// Serial is the serial number, from its file (the search reads it).
	Serial string `json:"serial,omitempty"`
	// The dates are left out for an unknown file; NotBefore is there only
	// for a certificate not yet valid ("valid from…").
	NotBefore time.Time `json:"notBefore,omitzero"`
	NotAfter  time.Time `json:"notAfter,omitzero"`
	DaysLeft  int       `json:"daysLeft"`
	// Usages are the kinds of the integrations that use it, once each.
	Usages []string `json:"usages,omitempty"`
	// Operation is as the entry's; nil without one.
	Operation *Operation `json:"operation,omitempty"`
	// Attention says that the entry has a Reason (the tile).
	Attention bool `json:"attention,omitempty"`
	// Error is the code of why an unknown file shows no certificate.
	Error string `json:"error,omitempty"`
	// ReplacedBy, ReplacedByName and ReplacedAt are as the entry's (a
	// replaced row is shown only on request); NotInUse too.
	ReplacedBy     string    `json:"replacedBy,omitempty"`
	ReplacedByName string    `json:"replacedByName,omitempty"`
	ReplacedAt     time.Time `json:"replacedAt,omitzero"`
	NotInUse       bool      `json:"notInUse,omitempty"`
}

// ListOf makes the list of ov, with the facts of files (the ones ov was
// built from) that the entries leave out: the organisation's name, and
// which file an install would take.
func ListOf(ov Overview, files []certs.File) List {
	byPath := make(map[string]*certs.File, len(files))
	for i := range files {
		byPath[files[i].Path] = &files[i]
	}
	l := List{SyncedAt: ov.SyncedAt, Organization: ov.Organization, WarnDays: ov.WarnDays, Integrations: ov.Integrations,
		Rows: make([]Row, 0, len(ov.Certificates)+len(ov.Files))}
	for _, c := range ov.Certificates {
		r := Row{Key: c.SHA256, Status: c.Status, InPortal: c.InPortal, CommonName: c.CommonName, CVR: c.CVR,
			OCES2: c.OCES == "oces2", SHA1: c.SHA1, NotAfter: c.NotAfter, DaysLeft: c.DaysLeft,
			Operation: c.Operation, Attention: len(c.Attention) > 0}
		if c.Status == certs.StatusNotYetValid {
			r.NotBefore = c.NotBefore
		}
		if c.ReplacedBy != nil {
			r.ReplacedBy, r.ReplacedByName, r.ReplacedAt = *c.ReplacedBy, c.ReplacedByName, *c.ReplacedAt
		}
		r.NotInUse = c.NotInUse
		if !strings.EqualFold(c.Email, c.CommonName) {
			r.Email = c.Email
		}
		r.Files, r.Installable = standInFirst(c.Files, byPath)
		if f := byPath[r.firstFile()]; f != nil && f.Certificate != nil {
			r.Organization, r.Serial = f.Certificate.Organization, f.Certificate.SerialNumber
		} else if o := ov.Organization; o != nil && o.CVR == c.CVR {
			r.Organization = o.Name
		}
		for _, u := range c.Usages {
			if !slices.Contains(r.Usages, u.Kind) {
				r.Usages = append(r.Usages, u.Kind)
			}
		}
		l.Rows = append(l.Rows, r)
	}
	for _, f := range ov.Files {
		r := Row{Key: "file:" + f.Path, Status: f.Status, Files: []string{f.Path}}
		if f.Error != nil {
			r.Error = f.Error.Code
		}
		l.Rows = append(l.Rows, r)
	}
	return l
}

func (r Row) firstFile() string {
	if len(r.Files) == 0 {
		return ""
	}
	return r.Files[0]
}

// standInFirst puts the first file the portal would take (as
// entry.installable judges) before the others, and says whether there was
// one. paths is not changed.
func standInFirst(paths []string, byPath map[string]*certs.File) ([]string, bool) {
	i := slices.IndexFunc(paths, func(p string) bool {
		f := byPath[p]
		return f != nil && takes(*f)
	})
	if i <= 0 {
		return paths, i == 0
	}
	out := make([]string, 0, len(paths))
	out = append(out, paths[i])
	out = append(out, paths[:i]...)
	return append(out, paths[i+1:]...), true
}
