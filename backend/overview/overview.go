// Package overview merges what DPG has and what this computer has into one
// overview of the organisation's certificates and integrations: one entry
// per certificate (by SHA-256), however many files hold it and whether DPG
// has it, and one entry per integration with its state and the next step.
//
// Build is pure: no database, no network, no clock. The window and
// `dpgcerts status` both call it with the scanned files, the portal's
// offline copy and the outbox.
package overview

import (
	"cmp"
	"slices"
	"strings"
	"time"

	"dpgcerts/backend/certs"
	"dpgcerts/backend/errs"
	"dpgcerts/backend/portal"
)

// State is how an integration stands.
type State string

const (
	StateOK            State = "ok"
	StateExpiring      State = "expiring"
	StateExpired       State = "expired"
	StateNoCertificate State = "no_certificate"
	// StateRevoked: the active certificate is revoked (blocked in MitID
	// Erhverv); the integration stops as surely as with an expired one.
	StateRevoked State = "revoked"
)

// Step is what to do next for an integration.
//
// When several apply, the first of this order wins:
//
//	wait > fix > register_entra > activate > install_and_activate > renew > none
//
// An operation under way comes first: any other step would race it (a
// second activation, a second install). A failed one comes next: the user
// asked for a change that didn't happen, and must see why before trying
// another way. Then the renewal that is closest to done: one activation,
// then an install and an activation, then getting a new certificate.
type Step string

const (
	// StepNone: nothing to do.
	StepNone Step = "none"
	// StepActivate: the successor is installed in DPG but not active (for
	// Exchange Online: and its registration in Entra is confirmed).
	StepActivate Step = "activate"
	// StepInstallAndActivate: the successor is on this computer only. For
	// Exchange Online the first of three steps, in this order: install in
	// DPG, register in Entra (StepRegisterEntra), activate.
	StepInstallAndActivate Step = "install_and_activate"
	// StepRegisterEntra: Exchange Online's successor is installed in DPG,
	// and nobody has confirmed yet that the Entra app registration has it
	// (the thumbprint Entra shows, pasted back). Activating it before would
	// stop Exchange Online until Entra has it.
	StepRegisterEntra Step = "register_entra"
	// StepRenew: the certificate expires within the warning window (or has
	// expired, or is revoked) and there is no successor anywhere: the
	// renewal guide.
	StepRenew Step = "renew"
	// StepWait: an activation for the integration, or the install of its
	// successor, is in the outbox (pending, or waiting for a password).
	StepWait Step = "wait"
	// StepFix: the integration's last operation failed (an activation, or
	// the install of its successor), and nothing has changed it since.
	StepFix Step = "fix"
)

// Reason says why a certificate needs attention (the third help guide).
type Reason string

const (
	// ReasonNoSuccessor: in use by an integration that expires within the
	// warning window (or has expired) with no valid successor.
	ReasonNoSuccessor Reason = "no_successor"
	// ReasonNotInstalled: a renewal of a certificate in use, on this
	// computer but not installed in DPG.
	ReasonNotInstalled Reason = "not_installed"
	// ReasonOCES2: an OCES2 certificate, phased out in 2023.
	ReasonOCES2 Reason = "oces2"
)

// Input is everything the overview is built from.
type Input struct {
	// Files are the scanned files, judged at Now (certs.Judge).
	Files []certs.File
	// The portal's offline copy and the outbox (all states).
	Certificates []portal.Certificate
	Integrations []portal.Integration
	Operations   []portal.Operation
	// SyncedAt is when the copy of the certificates was synced; zero for
	// never (signed out: the overview holds the local certificates only).
	SyncedAt time.Time
	// Me is the copy of GET /me, or nil.
	Me *portal.Me
	// Now and WarnDays judge every certificate, local or in DPG.
	Now      time.Time
	WarnDays int
	// Revocations are the CAs' last answers, by lower-case SHA-256; a
	// certificate without one is not_checked.
	Revocations map[string]certs.Revocation
	// EntraRegistered are the certificates (lower-case SHA-256) whose
	// registration in Entra the admin confirmed, and EntraNotes the notes
	// after an Exchange Online activation not yet dismissed, by integration.
	EntraRegistered map[string]bool
	EntraNotes      map[string]EntraNote
}

// EntraNote says, on an Exchange Online integration after an activation:
// remove the old certificate from the app registration once mail flows
// again. It lasts until dismissed.
type EntraNote struct {
	OldSHA1       string    `json:"oldSha1"`
	OldCommonName string    `json:"oldCommonName"`
	At            time.Time `json:"at"`
}

// Overview is the model of the window's overview and of `dpgcerts status
// --json`. The names of the issue's shape are kept exactly; the fields
// marked "also" are additions the window needs.
type Overview struct {
	SyncedAt     *time.Time           `json:"syncedAt"`
	Organization *portal.Organization `json:"organization"`
	WarnDays     int                  `json:"warnDays"`
	// Integrations, the one that stops first first: expired, expiring, ok
	// (each by days left), then those without a certificate, in DPG's order.
	Integrations []Integration `json:"integrations"`
	// Certificates, the one that expires first first.
	Certificates []Certificate `json:"certificates"`
	// Files holds the files with no certificate known: locked, unreadable,
	// and invalid ones that hold no certificate. By path.
	Files []File `json:"files"`
	// Also: the tiles.
	Tiles Tiles `json:"tiles"`
}

// Tiles count certificates, not files. Valid, Expiring and Invalid split
// the certificates by status (invalid holds expired, not yet valid and
// invalid). Attention overlaps them: the certificates with a Reason, plus
// every entry of Files. A replaced certificate counts in none of the four:
// Replaced counts them, for the line that says how many are hidden.
type Tiles struct {
	Valid     int `json:"valid"`
	Expiring  int `json:"expiring"`
	Invalid   int `json:"invalid"`
	Attention int `json:"attention"`
	Replaced  int `json:"replaced"`
}

// Integration is one integration of the DPG solution.
type Integration struct {
	ID       string `json:"id"`
	Kind     string `json:"kind"`
	Name     string `json:"name"`
	State    State  `json:"state"`
	NextStep Step   `json:"nextStep"`
	// Certificate is the active one, nil without one.
	Certificate *Active `json:"certificate"`
	// Successor is the renewal found by the pairing rules, or nil.
	Successor *Successor `json:"successor"`
	// Also: the version to send as If-Match when activating.
	Version string `json:"version"`
	// Also: the note after an Exchange Online activation, until dismissed.
	EntraNote *EntraNote `json:"entraNote,omitempty"`
}

// Active is an integration's active certificate.
type Active struct {
	SHA256     string    `json:"sha256"`
	CommonName string    `json:"commonName"`
	NotAfter   time.Time `json:"notAfter"`
	DaysLeft   int       `json:"daysLeft"`
	// Also: its portal id.
	PortalID string `json:"portalId"`
}

// Successor is the certificate that renews an integration's active one.
type Successor struct {
	SHA256   string   `json:"sha256"`
	InPortal bool     `json:"inPortal"`
	Files    []string `json:"files"`
	// Also: its portal id (null when not in DPG: activate it with
	// portal.SHA256Ref after its install), name and expiry.
	PortalID   *string   `json:"portalId"`
	CommonName string    `json:"commonName"`
	NotAfter   time.Time `json:"notAfter"`
	DaysLeft   int       `json:"daysLeft"`
}

// Certificate is one certificate, wherever it is.
type Certificate struct {
	SHA256     string    `json:"sha256"`
	CommonName string    `json:"commonName"`
	CVR        string    `json:"cvr"`
	NotAfter   time.Time `json:"notAfter"`
	DaysLeft   int       `json:"daysLeft"`
	// Status is judged from the dates as certs.Judge does; a certificate
	// that is not in DPG and whose every file is invalid is invalid.
	Status   certs.Status `json:"status"`
	InPortal bool         `json:"inPortal"`
	PortalID *string      `json:"portalId"`
	// Files are the local files that hold it (.p12, .cer...), by path.
	Files  []string `json:"files"`
	Usages []Usage  `json:"usages"`
	// Operation is its operation under way, else its last one if that
	// failed; nil otherwise.
	Operation *Operation `json:"operation"`
	// Revocation is the CA's last answer: not_checked when nobody asked.
	Revocation certs.Revocation `json:"revocation"`

	// Also: more facts, the portal's record, and why it needs attention.
	SHA1        string     `json:"sha1"`
	Email       string     `json:"email"`
	UUID        string     `json:"uuid"`
	OCES        string     `json:"oces"`
	NotBefore   time.Time  `json:"notBefore"`
	InstalledAt *time.Time `json:"installedAt"`
	InstalledBy string     `json:"installedBy"`
	Attention   []Reason   `json:"attention"`
	// Raw is the DER, from a file or from the portal's record (for export
	// as .cer); nil when neither has it.
	Raw []byte `json:"-"`

	// ReplacedBy is the SHA-256 of the certificate that replaced it (the
	// newest of a chain of renewals), and ReplacedAt since when: when that
	// one was activated, else its notBefore. Both null when not replaced.
	// A replaced certificate is history: it counts in no tile, has no
	// Reason and gets no reminder.
	ReplacedBy *string    `json:"replacedBy"`
	ReplacedAt *time.Time `json:"replacedAt"`
	// Also: the name of the one that replaced it.
	ReplacedByName string `json:"replacedByName,omitempty"`
	// NotInUse: in DPG, used by no integration, and it neither replaces a
	// certificate nor is replaced.
	NotInUse bool `json:"notInUse"`
}

// Usage says that an integration uses the certificate.
type Usage struct {
	IntegrationID string `json:"integrationId"`
	Kind          string `json:"kind"`
	// Also: the integration's name.
	Name string `json:"name"`
}

// Operation is a certificate's operation in the outbox.
type Operation struct {
	Kind  string `json:"kind"`
	State string `json:"state"`
	// Also: its id (portal.Service.Operation) and, once it failed or while
	// it waits, its error code.
	ID        int64  `json:"id"`
	ErrorCode string `json:"errorCode,omitempty"`
}

// File is a file whose certificate is not known.
type File struct {
	Path   string       `json:"path"`
	Status certs.Status `json:"status"`
	Error  *errs.Error  `json:"error"`
}

// entry is a certificate while it is built.
type entry struct {
	out    *Certificate
	facts  certs.Certificate
	files  []certs.File
	record *portal.Certificate
	// used: an integration uses it; activatedAt is the first activation
	// of it that the copy knows (zero for none).
	used        bool
	activatedAt time.Time
	// replacedBy is the renewal that replaced it, nil when not replaced.
	replacedBy *entry
}

// installable says whether the entry has a file the portal would take.
func (e *entry) installable() bool { return slices.ContainsFunc(e.files, takes) }

// takes says whether the portal takes the file: a PKCS#12 with the
// certificate's own key.
func takes(f certs.File) bool {
	return f.Format == certs.FormatPKCS12 && f.KeyMatchesCertificate && f.Status != certs.StatusInvalid
}

// usable says whether the certificate can take over now.
func (e *entry) usable() bool {
	return e.out.Status == certs.StatusValid || e.out.Status == certs.StatusExpiring
}

// known says whether the file's certificate is known. A locked file may
// show its certificate, but not that the key is its own: it stays a file of
// its own, as the window has always shown it.
func known(f certs.File) bool {
	return f.Certificate != nil && f.Status != certs.StatusLocked && f.Status != certs.StatusUnreadable
}

// Build builds the overview. It doesn't change its input.
func Build(in Input) Overview {
	ov := Overview{WarnDays: in.WarnDays, Integrations: []Integration{}, Certificates: []Certificate{}, Files: []File{}}
	if !in.SyncedAt.IsZero() {
		t := in.SyncedAt
		ov.SyncedAt = &t
	}
	if in.Me != nil {
		o := in.Me.Organization
		ov.Organization = &o
	}

	ops := indexOps(in.Operations)
	byKey := map[string]*entry{}
	var order []string
	get := func(sha string) *entry {
		e := byKey[sha]
		if e == nil {
			e = &entry{}
			byKey[sha] = e
			order = append(order, sha)
		}
		return e
	}
	files := slices.Clone(in.Files)
	slices.SortFunc(files, func(a, b certs.File) int { return strings.Compare(a.Path, b.Path) })
	for _, f := range files {
		if !known(f) {
			ov.Files = append(ov.Files, File{Path: f.Path, Status: f.Status, Error: f.Error})
			continue
		}
		e := get(strings.ToLower(f.Certificate.SHA256))
		e.files = append(e.files, f)
	}
	byID := map[string]*entry{}
	for i := range in.Certificates {
		r := &in.Certificates[i]
		e := get(strings.ToLower(r.SHA256))
		e.record = r
		byID[r.ID] = e
	}

	for _, sha := range order {
		e := byKey[sha]
		c := &Certificate{SHA256: sha, Files: []string{}, Usages: []Usage{}, Attention: []Reason{}}
		if len(e.files) > 0 {
			e.facts = *e.files[0].Certificate
		} else {
			e.facts = e.record.Facts()
		}
		f := e.facts
		c.CommonName, c.CVR, c.NotAfter, c.NotBefore = f.CommonName, f.CVR, f.NotAfter, f.NotBefore
		c.SHA1, c.Email, c.UUID, c.OCES, c.Raw = strings.ToLower(f.SHA1), f.Email, f.UUID, f.OCES, f.Raw
		c.Status, c.DaysLeft = certs.JudgeDates(f.NotBefore, f.NotAfter, in.Now, in.WarnDays)
		c.Revocation = revocationOf(sha, f, in.Revocations)
		allInvalid := len(e.files) > 0
		revoked := false
		for _, file := range e.files {
			c.Files = append(c.Files, file.Path)
			allInvalid = allInvalid && file.Status == certs.StatusInvalid
			revoked = revoked || file.Status == certs.StatusRevoked
		}
		// The CA's answer on a file (the revocation check) holds for the
		// certificate, wherever else it is; the dates can't see it.
		if revoked && c.Status != certs.StatusExpired {
			c.Status = certs.StatusRevoked
		}
		if r := e.record; r != nil {
			c.InPortal = true
			id := r.ID
			c.PortalID = &id
			at := r.InstalledAt
			c.InstalledAt, c.InstalledBy = &at, r.InstalledBy
			for _, u := range r.Usages {
				c.Usages = append(c.Usages, Usage{IntegrationID: u.IntegrationID, Kind: u.Kind, Name: u.Name})
			}
			if len(c.Raw) == 0 {
				c.Raw = r.Certificate
			}
		} else if allInvalid {
			c.Status = certs.StatusInvalid
		}
		if c.Revocation.Status == certs.RevocationRevoked && c.Status != certs.StatusInvalid {
			c.Status = certs.StatusRevoked
		}
		if c.OCES == "oces2" {
			c.Attention = append(c.Attention, ReasonOCES2)
		}
		c.Operation = ops.certificateOperation(sha, c.PortalID)
		e.out = c
	}

	// The certificates in use, for the renewals not yet installed.
	var inUse []*entry
	for _, i := range in.Integrations {
		if e := byID[i.ActiveID()]; e != nil {
			inUse = append(inUse, e)
			if at := i.ActivatedAt; at != nil && (e.activatedAt.IsZero() || at.Before(e.activatedAt)) {
				e.activatedAt = *at
			}
		}
	}
	markReplaced(order, byKey, inUse)
	for _, sha := range order {
		e := byKey[sha]
		if e.record != nil || !e.usable() || !e.installable() || e.replacedBy != nil {
			continue
		}
		for _, old := range inUse {
			if _, ok := renews(e, old); ok {
				e.out.Attention = append(e.out.Attention, ReasonNotInstalled)
				break
			}
		}
	}

	for _, i := range in.Integrations {
		out := Integration{ID: i.ID, Kind: i.Kind, Name: i.Name, Version: i.Version, State: StateNoCertificate}
		// An active certificate missing from the copy (a sync cut short)
		// is no certificate known.
		active := byID[i.ActiveID()]
		var succ *entry
		if active != nil {
			a := active.out
			out.Certificate = &Active{SHA256: a.SHA256, CommonName: a.CommonName, NotAfter: a.NotAfter, DaysLeft: a.DaysLeft, PortalID: *a.PortalID}
			switch a.Status {
			case certs.StatusValid:
				out.State = StateOK
			case certs.StatusExpiring:
				out.State = StateExpiring
			case certs.StatusRevoked:
				out.State = StateRevoked
			default: // expired; not yet valid can't be activated, and works no better
				out.State = StateExpired
			}
			succ = successor(i, active, byKey, order)
		}
		if succ != nil {
			s := succ.out
			out.Successor = &Successor{SHA256: s.SHA256, InPortal: s.InPortal, Files: s.Files, PortalID: s.PortalID,
				CommonName: s.CommonName, NotAfter: s.NotAfter, DaysLeft: s.DaysLeft}
		}
		out.NextStep = nextStep(i, out, succ, ops, in.EntraRegistered)
		if n, ok := in.EntraNotes[i.ID]; ok && i.Kind == portal.KindExchangeOnline {
			out.EntraNote = &n
		}
		if succ == nil && stops(out.State) {
			if !slices.Contains(active.out.Attention, ReasonNoSuccessor) {
				active.out.Attention = append(active.out.Attention, ReasonNoSuccessor)
			}
		}
		ov.Integrations = append(ov.Integrations, out)
	}
	slices.SortStableFunc(ov.Integrations, func(a, b Integration) int {
		if c := cmp.Compare(urgency(a.State), urgency(b.State)); c != 0 || a.Certificate == nil || b.Certificate == nil {
			return c
		}
		return a.Certificate.NotAfter.Compare(b.Certificate.NotAfter)
	})

	for _, sha := range order {
		c := byKey[sha].out
		if c.ReplacedBy != nil {
			ov.Tiles.Replaced++
			ov.Certificates = append(ov.Certificates, *c)
			continue
		}
		switch c.Status {
		case certs.StatusValid:
			ov.Tiles.Valid++
		case certs.StatusExpiring:
			ov.Tiles.Expiring++
		default:
			ov.Tiles.Invalid++
		}
		if len(c.Attention) > 0 {
			ov.Tiles.Attention++
		}
		ov.Certificates = append(ov.Certificates, *c)
	}
	ov.Tiles.Attention += len(ov.Files)
	slices.SortFunc(ov.Certificates, func(a, b Certificate) int {
		return cmp.Or(a.NotAfter.Compare(b.NotAfter), strings.Compare(a.SHA256, b.SHA256))
	})
	return ov
}

// stops says whether an integration in state s stops within the warning
// window, or has stopped.
func stops(s State) bool {
	return s == StateExpiring || s == StateExpired || s == StateRevoked
}

// revocationOf is the CA's answer for the certificate sha: the cache's,
// else the one a file carries, else not_checked.
func revocationOf(sha string, f certs.Certificate, cached map[string]certs.Revocation) certs.Revocation {
	if r, ok := cached[sha]; ok {
		return r
	}
	if f.Revocation != nil {
		return *f.Revocation
	}
	return certs.Revocation{Status: certs.RevocationNotChecked}
}

func urgency(s State) int {
	switch s {
	case StateExpired, StateRevoked:
		return 0
	case StateExpiring:
		return 1
	case StateOK:
		return 2
	}
	return 3
}

// successor finds the renewal of an integration's active certificate:
// portal.Renews (same OCES UUID, e-mail or name, a later notAfter), valid
// now, of the same organisation, and either in DPG or in a file the portal
// would take. A certificate that another integration of the same kind
// uses is that one's, not a renewal (one certificate per Digital Post
// environment, often with the same name). The strongest match wins, then
// one already in DPG (one step less), then the latest notAfter.
func successor(in portal.Integration, active *entry, byKey map[string]*entry, order []string) *entry {
	var best *entry
	bestRank := 0
	for _, sha := range order {
		e := byKey[sha]
		if e == active || !e.usable() || (e.record == nil && !e.installable()) || usedByOther(e, in) || e.replacedBy != nil {
			continue
		}
		rank, ok := renews(e, active)
		if !ok {
			continue
		}
		if best == nil || cmp.Or(cmp.Compare(rank, bestRank), cmp.Compare(notInPortal(e), notInPortal(best)),
			best.facts.NotAfter.Compare(e.facts.NotAfter)) < 0 {
			best, bestRank = e, rank
		}
	}
	return best
}

// usedByOther says whether another integration of in's kind uses e.
func usedByOther(e *entry, in portal.Integration) bool {
	if e.record == nil {
		return false
	}
	for _, u := range e.record.Usages {
		if u.IntegrationID != in.ID && u.Kind == in.Kind {
			return true
		}
	}
	return false
}

// renews applies portal.Renews to old (in DPG, or a file's certificate),
// within one organisation: DPG takes no other CVR.
func renews(e, old *entry) (int, bool) {
	if e.facts.CVR != "" && old.facts.CVR != "" && e.facts.CVR != old.facts.CVR {
		return -1, false
	}
	if old.record != nil {
		return portal.Renews(e.facts, *old.record)
	}
	f := old.facts
	return portal.Renews(e.facts, portal.Certificate{SHA256: f.SHA256, CommonName: f.CommonName, Email: f.Email,
		CVR: f.CVR, UUID: f.UUID, NotBefore: f.NotBefore, NotAfter: f.NotAfter})
}

// markReplaced finds the replaced certificates: those no integration uses
// that a renewal (renews) has taken over from, the renewal being in use by
// an integration, or in DPG and valid. Of the renewals, the strongest match
// wins, then one in use, then the latest; a chain of renewals ends at its
// newest, so every generation before it is replaced by that one.
func markReplaced(order []string, byKey map[string]*entry, inUse []*entry) {
	for _, e := range inUse {
		e.used = true
	}
	// The renewals that can replace, by what pairs them, latest first: a
	// certificate meets only the few that share its UUID, e-mail or name.
	takers := map[string][]*entry{}
	for _, sha := range order {
		e := byKey[sha]
		if e.record != nil && len(e.record.Usages) > 0 {
			e.used = true
		}
		if !e.used && (e.record == nil || !e.usable()) {
			continue
		}
		for _, k := range pairKeys(e.facts) {
			takers[k] = append(takers[k], e)
		}
	}
	for _, list := range takers {
		slices.SortFunc(list, func(a, b *entry) int { return b.facts.NotAfter.Compare(a.facts.NotAfter) })
	}
	for _, sha := range order {
		old := byKey[sha]
		if old.used {
			continue
		}
		// pairKeys is in portal.Renews' order of strength.
		for _, k := range pairKeys(old.facts) {
			var best *entry
			for _, e := range takers[k] {
				if !e.facts.NotAfter.After(old.facts.NotAfter) {
					break // the rest are older still
				}
				if _, ok := renews(e, old); ok && (best == nil || e.used && !best.used) {
					best = e
				}
			}
			if best != nil {
				old.replacedBy = best
				break
			}
		}
	}
	replaces := map[*entry]bool{}
	for _, sha := range order {
		old := byKey[sha]
		if old.replacedBy == nil {
			continue
		}
		// notAfter grows along the chain: it ends.
		last := old.replacedBy
		for last.replacedBy != nil {
			last = last.replacedBy
		}
		replaces[old.replacedBy], replaces[last] = true, true
		c, s := old.out, last.out
		by, at := s.SHA256, last.activatedAt
		if at.IsZero() {
			at = s.NotBefore
		}
		c.ReplacedBy, c.ReplacedAt, c.ReplacedByName = &by, &at, s.CommonName
		// History needs no attention.
		c.Attention = []Reason{}
	}
	for _, sha := range order {
		e := byKey[sha]
		e.out.NotInUse = e.record != nil && !e.used && e.replacedBy == nil && !replaces[e]
	}
}

// pairKeys are what portal.Renews pairs a certificate by, strongest first.
func pairKeys(f certs.Certificate) []string {
	var keys []string
	for _, k := range []struct{ kind, v string }{{"uuid:", f.UUID}, {"email:", f.Email}, {"name:", f.CommonName}} {
		if k.v != "" {
			keys = append(keys, k.kind+strings.ToLower(k.v))
		}
	}
	return keys
}

func notInPortal(e *entry) int {
	if e.record != nil {
		return 0
	}
	return 1
}

func underway(o portal.Operation) bool {
	return o.State == portal.StatePending || o.State == portal.StateNeedsPassword
}

// newestFirst orders operations by id, newest first (ids only grow).
func newestFirst(ops []portal.Operation) []portal.Operation {
	ops = slices.Clone(ops)
	slices.SortFunc(ops, func(a, b portal.Operation) int { return cmp.Compare(b.ID, a.ID) })
	return ops
}

// opIndex finds the operations of a certificate or an integration without
// a pass over the whole outbox for each (bulk installs leave thousands).
type opIndex struct {
	installs    map[string][]portal.Operation // by the certificate's SHA-256
	activations map[string][]portal.Operation // by the certificate's id, or its SHA256Ref
	integration map[string][]portal.Operation // activations, by integration id
}

func indexOps(ops []portal.Operation) opIndex {
	x := opIndex{installs: map[string][]portal.Operation{}, activations: map[string][]portal.Operation{},
		integration: map[string][]portal.Operation{}}
	for _, o := range ops {
		switch o.Kind {
		case "install":
			if o.CertificateSHA256 != "" {
				sha := strings.ToLower(o.CertificateSHA256)
				x.installs[sha] = append(x.installs[sha], o)
			}
		case "activate":
			x.activations[o.CertificateID] = append(x.activations[o.CertificateID], o)
			x.integration[o.IntegrationID] = append(x.integration[o.IntegrationID], o)
		}
	}
	return x
}

// certificateOperation is the certificate's operation under way, else its
// newest one when that failed: installs of it, activations of it (by id, or
// by SHA-256 while its install is in the outbox).
func (x opIndex) certificateOperation(sha string, portalID *string) *Operation {
	mine := slices.Concat(x.installs[sha], x.activations[portal.SHA256Ref(sha)])
	if portalID != nil {
		mine = append(mine, x.activations[*portalID]...)
	}
	o, ok := pick(mine, time.Time{})
	if !ok {
		return nil
	}
	return &Operation{Kind: o.Kind, State: o.State, ID: o.ID, ErrorCode: o.ErrorCode}
}

// pick is the newest operation under way, else the newest one if it failed
// after since (a change that came later makes the failure history).
func pick(ops []portal.Operation, since time.Time) (portal.Operation, bool) {
	ops = newestFirst(ops)
	for _, o := range ops {
		if underway(o) {
			return o, true
		}
	}
	if len(ops) > 0 && ops[0].State == portal.StateFailed {
		ended := ops[0].FinishedAt
		if ended.IsZero() {
			ended = ops[0].CreatedAt
		}
		if since.IsZero() || ended.After(since) {
			return ops[0], true
		}
	}
	return portal.Operation{}, false
}

// nextStep applies the order of Step.
func nextStep(i portal.Integration, out Integration, succ *entry, ops opIndex, entra map[string]bool) Step {
	mine := ops.integration[i.ID]
	if succ != nil {
		mine = slices.Concat(mine, ops.installs[succ.out.SHA256])
	}
	var since time.Time
	if i.ActivatedAt != nil {
		since = *i.ActivatedAt
	}
	if o, ok := pick(mine, since); ok {
		if underway(o) {
			return StepWait
		}
		return StepFix
	}
	switch {
	case succ != nil && succ.record != nil && i.Kind == portal.KindExchangeOnline && !entra[strings.ToLower(succ.out.SHA256)]:
		return StepRegisterEntra
	case succ != nil && succ.record != nil:
		return StepActivate
	case succ != nil:
		return StepInstallAndActivate
	case stops(out.State):
		return StepRenew
	}
	return StepNone
}
