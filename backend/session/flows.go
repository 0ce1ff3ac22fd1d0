package session

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"dpgcerts/backend/certs"
	"dpgcerts/backend/errs"
	"dpgcerts/backend/portal"
	"dpgcerts/backend/scan"
)

// Results of an operation, as the window and the CLI report them.
const (
	ResultInstalled     = "installed"
	ResultAlready       = "already" // the portal had the certificate: a success
	ResultActivated     = "activated"
	ResultFailed        = "failed"
	ResultNeedsPassword = "needs_password"
	ResultPending       = "pending"
)

// ResultOf is an operation's result: the one mapping from the outbox's
// states to what the admin is told.
func ResultOf(o portal.Operation) string {
	switch o.State {
	case portal.StateDone:
		switch {
		case o.Kind != "install":
			return ResultActivated
		case o.AlreadyInstalled:
			return ResultAlready
		}
		return ResultInstalled
	case portal.StateFailed:
		return ResultFailed
	case portal.StateNeedsPassword:
		return ResultNeedsPassword
	}
	return ResultPending
}

// InstallResult is one file of an install.
type InstallResult struct {
	Path        string `json:"path"`
	Result      string `json:"result"`
	Code        string `json:"code,omitempty"`
	OperationID int64  `json:"operationId,omitempty"`
	// Operation is the outbox's record; nil when the file was never
	// recorded (it could not be read).
	Operation *portal.Operation `json:"-"`
	// Message says why a file could not be read (English, for the CLI).
	Message string `json:"-"`
}

func resultOf(path string, o portal.Operation) InstallResult {
	r := InstallResult{Path: path, Result: ResultOf(o), OperationID: o.ID, Code: o.ErrorCode, Operation: &o}
	switch r.Result {
	case ResultInstalled, ResultAlready:
		r.Code = ""
	case ResultFailed:
		if r.Code == "" {
			r.Code = errs.Internal
		}
	}
	return r
}

// Install installs the files at paths in the portal, each on its own: one
// bad file never stops the others, and a certificate the portal already
// has is a success. Each is recorded in the outbox before it is sent; what
// the portal hasn't answered within opts.GiveUpAfter stays pending for the
// background sync. The results are in the order of paths.
func (s *Session) Install(ctx context.Context, paths []string, opts SendOptions) ([]InstallResult, portal.SyncResult, error) {
	svc, err := s.signedInService()
	if err != nil {
		return nil, portal.SyncResult{}, err
	}
	results := make([]InstallResult, len(paths))
	var files []portal.InstallFile
	var at []int
	candidates := s.opts.Passwords.List()
	orgCVR := ""
	if me, _, err := svc.Me(ctx); err == nil && me != nil {
		orgCVR = me.Organization.CVR
	}
	for i, path := range paths {
		results[i] = InstallResult{Path: path}
		abs, err := filepath.Abs(path)
		if err != nil {
			abs = path
		}
		// What the overview already knows the portal would refuse is refused
		// here, before a password is asked for.
		if f, err := s.opts.Files.File(abs); err == nil && f.Certificate != nil {
			if e := refusal(*f.Certificate, s.opts.Runtime.Now(), orgCVR); e != nil {
				results[i].Result, results[i].Code, results[i].Message = ResultFailed, e.Code, e.Message
				continue
			}
		}
		data, err := scan.ReadFile(abs)
		if err != nil {
			results[i].Result, results[i].Code = ResultFailed, errs.FileUnreadable
			results[i].Message = "can't read the file: " + errMessage(err)
			continue
		}
		files = append(files, portal.InstallFile{Name: filepath.Base(path), Path: abs, Data: data, Passwords: candidates})
		at = append(at, i)
	}
	if len(files) == 0 {
		return results, portal.SyncResult{}, nil
	}
	ops, err := svc.Install(ctx, files)
	if err != nil {
		return nil, portal.SyncResult{}, err
	}
	for _, o := range ops {
		s.opts.OnProgress(portal.Progress{Event: "queued", Operation: o, Total: len(ops)})
	}
	res, err := s.Send(ctx, opts)
	if isAccount(err) || ctx.Err() != nil {
		return nil, res, err
	}
	for j, o := range ops {
		cur, err := svc.Operation(ctx, o.ID)
		if err != nil {
			cur = o
		}
		cur.Duplicate = o.Duplicate
		results[at[j]] = resultOf(paths[at[j]], cur)
	}
	return results, res, nil
}

// refusal is why the portal would refuse to install c (API.md): expired,
// not yet valid, or another organisation's; nil when it wouldn't.
func refusal(c certs.Certificate, now time.Time, orgCVR string) *errs.Error {
	switch {
	case now.After(c.NotAfter):
		return errs.New(errs.CertificateExpired, "The certificate has expired; DPG takes only valid certificates.")
	case now.Before(c.NotBefore):
		return errs.New(errs.CertificateNotYetValid, "The certificate is not valid yet.")
	case orgCVR != "" && c.CVR != "" && c.CVR != orgCVR:
		return errs.Newf(errs.CVRMismatch, "The certificate belongs to CVR %s, not to the organisation's CVR %s.", c.CVR, orgCVR)
	}
	return nil
}

func errMessage(err error) string {
	var e *errs.Error
	if errors.As(err, &e) && e.Message != "" {
		return e.Message
	}
	return err.Error()
}

// Missing lists the overview's files (with a certificate and a key, valid
// now, not locked) whose certificate the portal lacks, by the offline copy:
// the "Upload existing certificates" offer. One file per certificate.
func (s *Session) Missing(ctx context.Context) ([]string, error) {
	svc := s.current()
	if svc == nil {
		return []string{}, nil
	}
	installed, _, err := svc.Certificates(ctx)
	if err != nil {
		return nil, err
	}
	files, err := s.opts.Files.Files()
	if err != nil {
		return nil, err
	}
	slices.SortFunc(files, func(a, b certs.File) int { return strings.Compare(a.Path, b.Path) })
	now := s.opts.Runtime.Now()
	var shas []string
	pathOf := map[string]string{}
	for _, f := range files {
		c := f.Certificate
		if c == nil || !f.HasPrivateKey || f.Status == certs.StatusLocked || now.After(c.NotAfter) || now.Before(c.NotBefore) {
			continue
		}
		sha := strings.ToLower(c.SHA256)
		if _, ok := pathOf[sha]; !ok {
			pathOf[sha] = f.Path // the first file, by path
		}
		shas = append(shas, sha)
	}
	out := []string{}
	for _, sha := range portal.Missing(shas, installed) {
		out = append(out, pathOf[sha])
	}
	return out, nil
}

// UploadExisting installs every file that Missing lists, each on its own:
// the "Upload existing certificates" flow. Nothing missing is no results.
func (s *Session) UploadExisting(ctx context.Context, opts SendOptions) ([]InstallResult, error) {
	paths, err := s.Missing(ctx)
	if err != nil || len(paths) == 0 {
		return []InstallResult{}, err
	}
	res, _, err := s.Install(ctx, paths, opts)
	return res, err
}

// CertFacts are the facts the activation's confirmation shows side by side.
type CertFacts struct {
	ID         string    `json:"id,omitempty"`
	CommonName string    `json:"commonName"`
	Subject    string    `json:"subject,omitempty"`
	NotAfter   time.Time `json:"notAfter"`
	SHA1       string    `json:"sha1"`
	SHA256     string    `json:"sha256"`
}

func facts(c portal.Certificate) *CertFacts {
	return &CertFacts{ID: c.ID, CommonName: c.CommonName, Subject: c.Subject, NotAfter: c.NotAfter, SHA1: c.SHA1, SHA256: c.SHA256}
}

// IntegrationView is an integration with its active certificate's facts.
type IntegrationView struct {
	portal.Integration
	Active *CertFacts `json:"active,omitempty"`
}

// Integrations lists the integrations with their active certificates;
// refresh asks the portal first (else, or when it can't be reached, the
// offline copy).
func (s *Session) Integrations(ctx context.Context, refresh bool) ([]IntegrationView, error) {
	if refresh {
		if err := s.Refresh(ctx); isAccount(err) {
			return nil, err
		}
	}
	svc := s.current()
	if svc == nil {
		return []IntegrationView{}, nil
	}
	ins, _, err := svc.Integrations(ctx)
	if err != nil {
		return nil, err
	}
	list, _, err := svc.Certificates(ctx)
	if err != nil {
		return nil, err
	}
	byID := map[string]portal.Certificate{}
	for _, c := range list {
		byID[c.ID] = c
	}
	out := make([]IntegrationView, 0, len(ins))
	for _, in := range ins {
		v := IntegrationView{Integration: in}
		if c, ok := byID[in.ActiveID()]; ok {
			v.Active = facts(c)
		}
		out = append(out, v)
	}
	return out, nil
}

// fileCert is the certificate of an overview file.
func (s *Session) fileCert(path string) (certs.File, error) {
	f, err := s.opts.Files.File(path)
	if err != nil {
		return f, err
	}
	if f.Certificate == nil {
		return f, errs.New(errs.NoCertificate, "The file holds no certificate.")
	}
	return f, nil
}

// ActivationPlan is what the confirmation shows: the integration, the
// version seen (sent as If-Match), the old and the new certificate.
type ActivationPlan struct {
	Integration portal.Integration `json:"integration"`
	Old         *CertFacts         `json:"old,omitempty"`
	New         CertFacts          `json:"new"`
	// NeedsInstall: the new certificate is not in the portal yet; Activate
	// installs it first (renewal pairing, in one step).
	NeedsInstall bool   `json:"needsInstall"`
	Path         string `json:"path"`
	// NeedsEntra: the integration is Exchange Online and nobody has
	// confirmed that Entra has the new certificate (CheckEntra): Activate
	// refuses until then, unless told to skip the check.
	NeedsEntra bool `json:"needsEntra"`

	target target
}

// PrepareActivation fetches the integration's current state (asked of the
// portal first) and returns what the confirmation shows for ref's
// certificate: a file's, or one in DPG by its SHA-256.
func (s *Session) PrepareActivation(ctx context.Context, integrationID string, ref Ref) (ActivationPlan, error) {
	ins, err := s.Integrations(ctx, true)
	if err != nil {
		return ActivationPlan{}, err
	}
	return s.plan(ctx, ins, integrationID, ref)
}

// plan is the activation of ref's certificate for the integration among ins.
func (s *Session) plan(ctx context.Context, ins []IntegrationView, integrationID string, ref Ref) (ActivationPlan, error) {
	_, t, err := s.inDPG(ctx, ref)
	if err != nil {
		return ActivationPlan{}, err
	}
	plan := ActivationPlan{Path: ref.Path, New: t.facts, NeedsInstall: t.file != nil && t.record == nil, target: t}
	for _, in := range ins {
		if in.ID == integrationID {
			plan.Integration, plan.Old = in.Integration, in.Active
			if in.Kind == portal.KindExchangeOnline {
				registered, err := s.entraRegistered(ctx, t.facts.SHA256)
				if err != nil {
					return ActivationPlan{}, err
				}
				plan.NeedsEntra = !registered
			}
			return plan, nil
		}
	}
	return ActivationPlan{}, errs.New(errs.NotFound, "no such integration")
}

// ActivateOptions are SendOptions and the escape hatch of Exchange Online.
type ActivateOptions struct {
	SendOptions
	// SkipEntraCheck activates for Exchange Online a certificate whose
	// registration in Entra nobody confirmed: the admin chose to, knowing
	// that Exchange Online stops until Entra has it. It goes into the log.
	SkipEntraCheck bool
	// KeepFailed leaves a failed activation in the outbox (the CLI: sync
	// and status list it until it is dismissed); the window drops it, as
	// its dialog shows why.
	KeepFailed bool
}

// Results of an activation besides those of ResultOf.
const (
	// ResultUnchanged: the integration used the certificate already;
	// nothing was sent.
	ResultUnchanged = "unchanged"
)

// Activation is the one outcome of an activation, which the window and
// the CLI only show: Result is activated, unchanged, pending (the outbox
// sends it later), needs_password (the new file's install waits for its
// password; nothing was activated) or failed, with Code (such as
// precondition_failed: someone changed the integration meanwhile; ask
// again).
type Activation struct {
	Result  string `json:"result"`
	Code    string `json:"code,omitempty"`
	Message string `json:"message,omitempty"`
	// Integration is the integration as the confirmation showed it.
	Integration portal.Integration `json:"integration"`
	// Old and New are the certificates before and after (New: the one asked for).
	Old *CertFacts `json:"old,omitempty"`
	New CertFacts  `json:"new"`
	// Operation is the outbox's record; nil when none was sent.
	Operation *portal.Operation `json:"operation,omitempty"`

	sync portal.SyncResult
}

// Sync is the outbox's run that sent the activation (the CLI's JSON shows it).
func (a Activation) Sync() portal.SyncResult { return a.sync }

// Activate makes the integration use ref's certificate, with If-Match
// version (the one the confirmation showed). A file's certificate not yet
// in the portal is installed first, in the same step. The offline copy
// decides what is sent (PrepareActivation refreshed it); If-Match guards
// against anything newer. Errors are what stopped the flow before anything
// was sent (the sign-in, an unknown certificate); what the portal answered
// is the Activation.
//
// For Exchange Online the certificate's registration in Entra must be
// confirmed first (CheckEntra), or opts.SkipEntraCheck given: otherwise it
// is entra_not_registered, and nothing is installed or sent.
func (s *Session) Activate(ctx context.Context, integrationID string, ref Ref, version string, opts ActivateOptions) (Activation, error) {
	svc, err := s.signedInService()
	if err != nil {
		return Activation{}, err
	}
	ins, err := s.Integrations(ctx, false)
	if err != nil {
		return Activation{}, err
	}
	plan, err := s.plan(ctx, ins, integrationID, ref)
	if err != nil {
		return Activation{}, err
	}
	out := Activation{Integration: plan.Integration, Old: plan.Old, New: plan.New}
	t := plan.target
	if t.record != nil && plan.Old != nil && plan.Old.ID == t.record.ID && plan.Integration.Version == version {
		out.Result = ResultUnchanged
		return out, nil
	}
	if plan.NeedsEntra {
		if !opts.SkipEntraCheck {
			return Activation{}, errs.New(errs.EntraNotRegistered,
				"confirm first that the Entra app registration has the new certificate: Exchange Online stops until it does")
		}
		s.logf("activating %s (SHA-1 %s) for Exchange Online (%s) without checking Entra, as the user chose",
			plan.New.CommonName, strings.ToUpper(plan.New.SHA1), plan.Integration.Name)
	}
	if plan.NeedsInstall {
		res, _, err := s.Install(ctx, []string{ref.Path}, opts.SendOptions)
		if err != nil {
			return Activation{}, err
		}
		switch r := res[0]; r.Result {
		case ResultFailed:
			out.Result, out.Code, out.Message = ResultFailed, r.Code, "the certificate could not be installed"
			return out, nil
		case ResultNeedsPassword:
			// Nothing is activated until the file's password is given.
			out.Result, out.Code, out.Message = ResultNeedsPassword, errs.PasswordRequired, "the install waits for the file's password"
			return out, nil
		}
	}
	op, err := svc.Activate(ctx, integrationID, t.activationRef(), version)
	if err != nil {
		return Activation{}, err
	}
	out.sync, err = s.Send(ctx, opts.SendOptions)
	if isAccount(err) || ctx.Err() != nil {
		return out, err
	}
	if cur, err := svc.Operation(ctx, op.ID); err == nil {
		op = cur
	}
	out.Operation, out.Result = &op, ResultOf(op)
	if out.Result == ResultFailed {
		out.Code, out.Message = op.ErrorCode, op.ErrorMessage
		// Ended: drop it from the outbox's list; the outcome says why.
		if !opts.KeepFailed {
			if err := svc.Dismiss(ctx, op.ID); err != nil {
				s.logf("%v", err)
			}
		}
	}
	if out.Result == ResultActivated {
		s.factsOf(ctx, op.CertificateID, &out.New)
		if op.PreviousCertificateID == "" {
			out.Old = nil
		} else if out.Old == nil || out.Old.ID != op.PreviousCertificateID {
			out.Old = &CertFacts{ID: op.PreviousCertificateID}
			s.factsOf(ctx, op.PreviousCertificateID, out.Old)
		}
		s.noteOldInEntra(ctx, out)
	}
	return out, nil
}

// factsOf fills f with the offline copy's facts of the certificate id.
func (s *Session) factsOf(ctx context.Context, id string, f *CertFacts) {
	svc := s.current()
	if svc == nil || id == "" {
		return
	}
	list, _, err := svc.Certificates(ctx)
	if err != nil {
		return
	}
	for _, c := range list {
		if c.ID == id {
			*f = *facts(c)
		}
	}
}

// Successor is a renewal pairing offer: the file renews Predecessor, which
// Integration uses.
type Successor struct {
	Predecessor CertFacts    `json:"predecessor"`
	Integration portal.Usage `json:"integration"`
}

// Successors offers "Install and activate as the successor of ...": the
// certificates in use that ref's certificate renews, one offer per
// integration; none without the offline copy, or for a certificate the
// app doesn't know.
func (s *Session) Successors(ctx context.Context, ref Ref) ([]Successor, error) {
	out := []Successor{}
	svc, t, ok, err := s.resolveKnown(ctx, ref)
	if !ok || err != nil {
		return out, err
	}
	var cert certs.Certificate
	switch {
	case t.file != nil:
		cert = *t.file.Certificate
	case t.record != nil:
		cert = t.record.Facts()
	default:
		return out, nil
	}
	list, _, err := svc.Certificates(ctx)
	if err != nil {
		return nil, err
	}
	for _, p := range portal.Predecessors(cert, list) {
		for _, u := range p.Usages {
			out = append(out, Successor{Predecessor: *facts(p), Integration: u})
		}
	}
	return out, nil
}

// Operations lists the outbox's operations in states, by default the
// pending, waiting and failed ones (those the window lists).
func (s *Session) Operations(ctx context.Context, states ...string) ([]portal.Operation, error) {
	svc := s.current()
	if svc == nil {
		return []portal.Operation{}, nil
	}
	if len(states) == 0 {
		states = []string{portal.StatePending, portal.StateNeedsPassword, portal.StateFailed}
	}
	ops, err := svc.Operations(ctx, states...)
	if ops == nil {
		ops = []portal.Operation{}
	}
	return ops, err
}

// Operation is one operation of the outbox, by id.
func (s *Session) Operation(ctx context.Context, id int64) (portal.Operation, error) {
	svc, err := s.offline()
	if err != nil {
		return portal.Operation{}, err
	}
	return svc.Operation(ctx, id)
}

// Portal is the address of the portal the session works with.
func (s *Session) Portal() string {
	if svc := s.current(); svc != nil {
		return svc.Portal()
	}
	return s.Address()
}

// SupplyPassword gives a needs_password install its password; a password
// that doesn't open the file is wrong_password.
func (s *Session) SupplyPassword(ctx context.Context, id int64, password string) error {
	svc := s.current()
	if svc == nil {
		return portal.ErrNoToken
	}
	ok, err := svc.SetPassword(ctx, id, password)
	if err != nil {
		return err
	}
	if !ok {
		return errs.New(errs.WrongPassword, "The password does not open the file.")
	}
	svc.Kick()
	return nil
}

// InstallWithPassword gives the installs that wait for a password one more
// candidate (often every file of a batch has the same one), sends what it
// opens and returns the results of the operations ids, in their order. A
// password that opens none of them is wrong_password. The password is a
// candidate for the rest of the session.
func (s *Session) InstallWithPassword(ctx context.Context, ids []int64, password string, opts SendOptions) ([]InstallResult, error) {
	svc, err := s.signedInService()
	if err != nil {
		return nil, err
	}
	n, err := svc.SupplyPasswords(ctx, []string{password})
	if err != nil {
		return nil, err
	}
	if n == 0 {
		return nil, errs.New(errs.WrongPassword, "The password opens none of the waiting files.")
	}
	s.opts.Passwords.Add(password)
	if _, err := s.Send(ctx, opts); isAccount(err) {
		return nil, err
	}
	out := make([]InstallResult, 0, len(ids))
	for _, id := range ids {
		o, err := svc.Operation(ctx, id)
		if err != nil {
			return nil, err
		}
		out = append(out, resultOf(o.Path, o))
	}
	return out, nil
}

// SupplyPasswords gives every waiting install the candidates (the CLI's
// sync --passwords) and returns how many it opened.
func (s *Session) SupplyPasswords(ctx context.Context, candidates []string) (int, error) {
	svc, err := s.offline()
	if err != nil {
		return 0, err
	}
	return svc.SupplyPasswords(ctx, candidates)
}

// Cancel gives up a pending, waiting or needs_password operation: its
// keychain entry and stored file go; an ended one is operation_ended.
func (s *Session) Cancel(ctx context.Context, id int64) error {
	svc, err := s.offline()
	if err != nil {
		return err
	}
	err = svc.Cancel(ctx, id)
	s.opts.OnChange()
	return err
}

// Dismiss removes an ended operation from the list.
func (s *Session) Dismiss(ctx context.Context, id int64) error {
	svc := s.current()
	if svc == nil {
		return nil
	}
	return svc.Dismiss(ctx, id)
}

func (s *Session) logf(format string, a ...any) {
	if s.opts.Log != nil {
		fmt.Fprintf(s.opts.Log, "dpgcerts: "+format+"\n", a...)
	}
}
