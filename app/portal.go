package app

import (
	"context"
	"errors"
	"log"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"dpgcerts/backend/certs"
	"dpgcerts/backend/portal"
	"dpgcerts/backend/portal/sandbox"
	"dpgcerts/backend/secrets"
	"dpgcerts/backend/store"
)

// DefaultPortalURL is the Customer Portal's address.
const DefaultPortalURL = "https://portal.timengodpg.com"

// Events of the portal. Each carries one JSON object.
const (
	EventSyncStatus      = "sync:status"      // PortalStatus
	EventPortalOperation = "portal:operation" // portal.Progress
)

// portalURLSetting is the portal address of the last sign-in.
var portalURLSetting = store.StringSetting{Key: "portal_url", Default: ""}

// installWait is how long Install and Activate wait for the portal's answer
// before they report what is still pending (the background sync goes on).
var installWait = 20 * time.Second

// PortalStatus is what the header shows: who is signed in where, the
// outbox counts and when the offline copy was synced.
type PortalStatus struct {
	portal.Status
	SignedIn bool `json:"signedIn"`
	// Account is the last account error (unauthenticated, not_registered,
	// migration_required), "" when none.
	Account      string `json:"account,omitempty"`
	Organization string `json:"organization,omitempty"`
	CVR          string `json:"cvr,omitempty"`
	User         string `json:"user,omitempty"`
	// Sandbox: the window runs against an in-process sandbox (--sandbox).
	Sandbox bool `json:"sandbox"`
	// RegisterURL and MigrateURL are the web forms for the Access Denied and
	// migration screens.
	RegisterURL string `json:"registerUrl"`
	MigrateURL  string `json:"migrateUrl"`
}

// InstallResult is one file of an install: installed, already (the portal
// had it), failed (with Code), needs_password or pending.
type InstallResult struct {
	Path        string `json:"path"`
	Result      string `json:"result"`
	Code        string `json:"code,omitempty"`
	OperationID int64  `json:"operationId,omitempty"`
}

// Install results.
const (
	ResultInstalled     = "installed"
	ResultAlready       = "already"
	ResultFailed        = "failed"
	ResultNeedsPassword = "needs_password"
	ResultPending       = "pending"
)

// CertFacts are the facts the activation's confirmation shows side by side.
type CertFacts struct {
	ID         string    `json:"id,omitempty"`
	CommonName string    `json:"commonName"`
	Subject    string    `json:"subject,omitempty"`
	NotAfter   time.Time `json:"notAfter"`
	SHA1       string    `json:"sha1"`
	SHA256     string    `json:"sha256"`
}

// IntegrationView is an integration with its active certificate's facts.
type IntegrationView struct {
	portal.Integration
	Active *CertFacts `json:"active,omitempty"`
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
}

// Successor is a renewal pairing offer: the file renews Predecessor, which
// Integration uses.
type Successor struct {
	Predecessor CertFacts    `json:"predecessor"`
	Integration portal.Usage `json:"integration"`
}

// Portal is the window's side of the Customer Portal: sign-in, the outbox
// (installs and activations), the background sync and the offline copy.
type Portal struct {
	ctx    context.Context
	core   *core
	certs  *Certificates
	getenv func(string) string

	sandbox     bool
	sandboxURL  string
	sandboxStop func()
	// sandboxStore keeps the sandbox session's outbox and offline copy in
	// memory, out of the user's cache.
	sandboxStore *store.Store

	// running serialises starting and stopping the background sync, so two
	// sign-ins close together can't leave a second loop running.
	running sync.Mutex

	mu sync.Mutex
	// tried is the address of the last sign-in attempt this session, so
	// that the Access Denied screen links to that portal's forms.
	tried     string
	svc       *portal.Service
	signedIn  bool
	account   string
	runCancel context.CancelFunc
	runDone   chan struct{}
}

func newPortal(c *core, certificates *Certificates, getenv func(string) string, useSandbox bool) *Portal {
	return &Portal{core: c, certs: certificates, getenv: getenv, sandbox: useSandbox}
}

func (p *Portal) startup(ctx context.Context) {
	p.ctx = ctx
	if p.sandbox {
		if err := p.startSandbox(); err != nil {
			log.Printf("dpgcerts: the sandbox did not start: %v", err)
		}
	}
	url := p.address()
	if _, err := p.service(url); err != nil {
		log.Printf("dpgcerts: portal %s: %v", url, err)
		return
	}
	token, err := portal.TokenFor(url, p.getenv, p.core.keychain && !p.sandbox)
	if err != nil {
		return // not signed in: the header offers the sign-in
	}
	client, err := portal.NewClient(url, token)
	if err != nil {
		log.Printf("dpgcerts: portal %s: %v", url, err)
		return
	}
	p.connect(client)
}

func (p *Portal) shutdown(context.Context) {
	p.stopRun()
	p.mu.Lock()
	stop := p.sandboxStop
	p.sandboxStop = nil
	p.mu.Unlock()
	if stop != nil {
		stop()
	}
}

func (p *Portal) context() context.Context {
	if p.ctx == nil {
		return context.Background()
	}
	return p.ctx
}

// startSandbox serves an in-memory sandbox on a random loopback port, with
// an in-memory store for its session: its operations and records would be
// orphaned in the user's cache once the window closes.
func (p *Portal) startSandbox() error {
	st, err := store.Open(store.Memory)
	if err != nil {
		return err
	}
	srv, err := sandbox.Open(sandbox.Options{})
	if err != nil {
		st.Close()
		return err
	}
	url, stop, err := srv.Start()
	if err != nil {
		srv.Close()
		st.Close()
		return err
	}
	p.mu.Lock()
	p.sandboxURL, p.sandboxStore = url, st
	p.sandboxStop = func() { stop(); srv.Close(); st.Close() }
	p.mu.Unlock()
	return nil
}

// address is the portal's address: the sandbox's, else the last sign-in's,
// else the default.
func (p *Portal) address() string {
	p.mu.Lock()
	sb, tried := p.sandboxURL, p.tried
	p.mu.Unlock()
	if sb != "" {
		return sb
	}
	if tried != "" {
		return tried
	}
	if u, err := p.core.st.String(context.Background(), portalURLSetting); err == nil && u != "" {
		return u
	}
	return DefaultPortalURL
}

// service returns the service for url, making a new one when the address
// changed.
func (p *Portal) service(url string) (*portal.Service, error) {
	norm, err := portal.NormalizeURL(url)
	if err != nil {
		return nil, err
	}
	p.mu.Lock()
	svc := p.svc
	p.mu.Unlock()
	if svc != nil && svc.Portal() == norm {
		return svc, nil
	}
	p.stopRun()
	p.mu.Lock()
	st := p.sandboxStore
	p.mu.Unlock()
	kc := portal.NoKeychain()
	if p.core.keychain && st == nil {
		kc = portal.SystemKeychain()
	}
	if st == nil {
		st = p.core.st
	}
	svc, err = portal.NewService(st, norm, nil, portal.Options{Keychain: kc, Log: log.Writer(), Now: p.core.now})
	if err != nil {
		return nil, err
	}
	p.mu.Lock()
	p.svc = svc
	p.signedIn = false
	p.mu.Unlock()
	return svc, nil
}

func (p *Portal) current() *portal.Service {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.svc
}

// connect gives the service its client and starts the background sync.
func (p *Portal) connect(c *portal.Client) {
	svc := p.current()
	if svc == nil {
		return
	}
	p.running.Lock()
	defer p.running.Unlock()
	p.stopRunLocked()
	svc.SetClient(c)
	ctx, cancel := context.WithCancel(context.WithoutCancel(p.context()))
	done := make(chan struct{})
	p.mu.Lock()
	p.signedIn = true
	p.account = ""
	p.runCancel, p.runDone = cancel, done
	p.mu.Unlock()
	go func() {
		defer close(done)
		svc.Run(ctx, portal.RunOptions{
			Progress: func(pr portal.Progress) {
				p.core.emit(p.ctx, EventPortalOperation, pr)
				p.emitStatus() // the counts and "syncing" as they change
			},
			After: func(_ portal.Status, err error) {
				p.noteAccount(err)
				p.emitStatus()
			},
		})
	}()
}

// noteAccount keeps the last account error for the screens.
func (p *Portal) noteAccount(err error) {
	code := ""
	if err != nil && portal.Classify(err) == portal.Account {
		code = portal.CodeOf(err)
	}
	p.mu.Lock()
	p.account = code
	p.mu.Unlock()
}

func (p *Portal) stopRun() {
	p.running.Lock()
	defer p.running.Unlock()
	p.stopRunLocked()
}

// stopRunLocked stops the background sync; the caller holds p.running.
func (p *Portal) stopRunLocked() {
	p.mu.Lock()
	cancel, done := p.runCancel, p.runDone
	p.runCancel, p.runDone = nil, nil
	p.mu.Unlock()
	if cancel != nil {
		cancel()
		<-done
	}
}

func (p *Portal) emitStatus() {
	if st, err := p.Status(); err == nil {
		p.core.emit(p.ctx, EventSyncStatus, st)
	}
}

// Status reports the sign-in, the outbox counts and the sync times.
func (p *Portal) Status() (PortalStatus, error) {
	// The current service: Status never replaces it (the background sync
	// reports through here).
	svc := p.current()
	if svc == nil {
		var err error
		if svc, err = p.service(p.address()); err != nil {
			return PortalStatus{}, err
		}
	}
	st, err := svc.Status(context.Background())
	if err != nil {
		return PortalStatus{}, err
	}
	p.mu.Lock()
	out := PortalStatus{Status: st, SignedIn: p.signedIn, Account: p.account, Sandbox: p.sandboxURL != ""}
	p.mu.Unlock()
	out.RegisterURL, out.MigrateURL = portal.RegisterURL(svc.Portal()), portal.MigrateURL(svc.Portal())
	if me, _, err := svc.Me(context.Background()); err == nil && me != nil {
		out.Organization, out.CVR, out.User = me.Organization.Name, me.Organization.CVR, me.User.Email
	}
	return out, nil
}

// SignIn checks the token at the portal and starts the background sync.
// With remember the token goes into the keychain. The errors keep their
// codes: not_registered, migration_required, unauthenticated, insecure_url...
func (p *Portal) SignIn(url, token string, remember bool) (PortalStatus, error) {
	url = strings.TrimSpace(url)
	if url == "" {
		url = p.address()
	}
	norm, err := portal.NormalizeURL(url)
	if err != nil {
		return PortalStatus{}, err
	}
	if p.sandbox {
		norm = p.address()
	}
	if _, err := p.service(norm); err != nil {
		return PortalStatus{}, err
	}
	p.mu.Lock()
	p.tried = norm
	p.mu.Unlock()
	url = norm
	token = strings.TrimSpace(token)
	if token == "" {
		return PortalStatus{}, &portal.Error{Code: portal.CodeNoToken, Message: "no access token given"}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	keep := remember && p.core.keychain && !p.sandbox
	client, _, err := portal.SignIn(ctx, url, token, keep)
	if err != nil && client == nil {
		var pe *portal.Error
		if errors.As(err, &pe) && portal.Classify(err) == portal.Account {
			p.mu.Lock()
			p.account = pe.Code
			p.mu.Unlock()
		}
		return PortalStatus{}, err
	}
	if err != nil {
		log.Printf("dpgcerts: %v", err) // signed in; only the keychain failed
	}
	if _, err := p.service(client.URL()); err != nil {
		return PortalStatus{}, err
	}
	if !p.sandbox {
		if err := p.core.st.SetString(context.Background(), portalURLSetting, client.URL()); err != nil {
			log.Printf("dpgcerts: the portal address was not kept: %v", err)
		}
	}
	p.connect(client)
	// The first refresh fills the organisation's name before the answer.
	if err := p.current().Refresh(ctx); err != nil {
		log.Printf("dpgcerts: the first refresh after sign-in: %v", err)
	}
	st, err := p.Status()
	p.core.emit(p.ctx, EventSyncStatus, st)
	return st, err
}

// SignOut stops the sync and forgets the token (the outbox stays).
func (p *Portal) SignOut() (PortalStatus, error) {
	p.stopRun()
	if svc := p.current(); svc != nil {
		svc.SetClient(nil)
		if p.core.keychain && !p.sandbox {
			if err := secrets.DeleteToken(svc.Portal()); err != nil {
				log.Printf("dpgcerts: the token was not removed from the keychain: %v", err)
			}
		}
	}
	p.mu.Lock()
	p.signedIn, p.account = false, ""
	p.mu.Unlock()
	st, err := p.Status()
	p.core.emit(p.ctx, EventSyncStatus, st)
	return st, err
}

// Sync asks the background sync to run now.
func (p *Portal) Sync() {
	if svc := p.current(); svc != nil {
		svc.Kick()
	}
}

// signedInService is the service when there is a client.
func (p *Portal) signedInService() (*portal.Service, error) {
	p.mu.Lock()
	svc, ok, account := p.svc, p.signedIn, p.account
	p.mu.Unlock()
	if svc == nil || !ok {
		return nil, portal.ErrNoToken
	}
	if account != "" {
		return nil, &portal.Error{Code: account}
	}
	return svc, nil
}

// send runs the outbox now, for an answer to show, and reports account
// errors. The background sync carries on with what is still pending.
func (p *Portal) send(svc *portal.Service) error {
	ctx, cancel := context.WithTimeout(context.Background(), installWait+10*time.Second)
	defer cancel()
	_, err := svc.Sync(ctx, portal.SyncOptions{GiveUpAfter: installWait, Progress: func(pr portal.Progress) {
		p.core.emit(p.ctx, EventPortalOperation, pr)
	}})
	if err != nil && portal.Classify(err) == portal.Account {
		p.noteAccount(err)
		p.emitStatus()
		return err
	}
	if err != nil && ctx.Err() == nil {
		log.Printf("dpgcerts: portal sync: %v", err)
	}
	p.emitStatus()
	return nil
}

// Install installs the files at paths in the portal, each on its own: one
// bad file never stops the others, and a certificate the portal has
// already is a success. The results are in the order of paths.
func (p *Portal) Install(paths []string) ([]InstallResult, error) {
	svc, err := p.signedInService()
	if err != nil {
		return nil, err
	}
	results := make([]InstallResult, len(paths))
	var files []portal.InstallFile
	var at []int
	candidates := p.certs.passwords()
	for i, path := range paths {
		results[i] = InstallResult{Path: path}
		data, err := os.ReadFile(path)
		if err != nil {
			results[i].Result, results[i].Code = ResultFailed, portal.CodeFileUnreadable
			continue
		}
		files = append(files, portal.InstallFile{Name: filepath.Base(path), Path: path, Data: data, Passwords: candidates})
		at = append(at, i)
	}
	if len(files) == 0 {
		return results, nil
	}
	ops, err := svc.Install(context.Background(), files)
	if err != nil {
		return nil, err
	}
	for _, o := range ops {
		p.core.emit(p.ctx, EventPortalOperation, portal.Progress{Event: "queued", Operation: o, Total: len(ops)})
	}
	if err := p.send(svc); err != nil {
		return nil, err
	}
	for j, o := range ops {
		cur, err := svc.Operation(context.Background(), o.ID)
		if err != nil {
			cur = o
		}
		results[at[j]] = installResult(paths[at[j]], cur)
	}
	return results, nil
}

func installResult(path string, o portal.Operation) InstallResult {
	r := InstallResult{Path: path, OperationID: o.ID, Code: o.ErrorCode}
	switch o.State {
	case portal.StateDone:
		r.Result, r.Code = ResultInstalled, ""
		if o.AlreadyInstalled {
			r.Result = ResultAlready
		}
	case portal.StateFailed:
		r.Result = ResultFailed
		if r.Code == "" {
			r.Code = portal.CodeInternal
		}
	case portal.StateNeedsPassword:
		r.Result = ResultNeedsPassword
	default:
		r.Result = ResultPending
	}
	return r
}

// localFiles are the overview's files with a certificate, by SHA-256.
func (p *Portal) localFiles() ([]certs.File, error) {
	return p.certs.sorted(true)
}

// Missing lists the overview's files (with a certificate and a key) whose
// certificate the portal lacks, by the offline copy: the "Upload existing
// certificates" offer.
func (p *Portal) Missing() ([]string, error) {
	svc := p.current()
	if svc == nil {
		return []string{}, nil
	}
	installed, _, err := svc.Certificates(context.Background())
	if err != nil {
		return nil, err
	}
	files, err := p.localFiles()
	if err != nil {
		return nil, err
	}
	var shas []string
	byHash := map[string]string{}
	now := p.core.now()
	for _, f := range files {
		c := f.Certificate
		if c == nil || !f.HasPrivateKey || f.Status == certs.StatusLocked || now.After(c.NotAfter) || now.Before(c.NotBefore) {
			continue
		}
		sha := strings.ToLower(c.SHA256)
		if _, ok := byHash[sha]; !ok {
			byHash[sha] = f.Path
			shas = append(shas, sha)
		}
	}
	out := []string{}
	for _, sha := range portal.Missing(shas, installed) {
		out = append(out, byHash[sha])
	}
	return out, nil
}

// UploadExisting installs every file that Missing lists.
func (p *Portal) UploadExisting() ([]InstallResult, error) {
	paths, err := p.Missing()
	if err != nil {
		return nil, err
	}
	if len(paths) == 0 {
		return []InstallResult{}, nil
	}
	return p.Install(paths)
}

// Usages maps each cached portal certificate's SHA-256 to the kinds of the
// integrations that use it: the overview's usage badges, offline.
func (p *Portal) Usages() (map[string][]string, error) {
	out := map[string][]string{}
	svc := p.current()
	if svc == nil {
		return out, nil
	}
	list, _, err := svc.Certificates(context.Background())
	if err != nil {
		return nil, err
	}
	for _, c := range list {
		var kinds []string
		for _, u := range c.Usages {
			if !slices.Contains(kinds, u.Kind) {
				kinds = append(kinds, u.Kind)
			}
		}
		if len(kinds) > 0 {
			out[strings.ToLower(c.SHA256)] = kinds
		}
	}
	return out, nil
}

func facts(c portal.Certificate) *CertFacts {
	return &CertFacts{ID: c.ID, CommonName: c.CommonName, Subject: c.Subject, NotAfter: c.NotAfter, SHA1: c.SHA1, SHA256: c.SHA256}
}

// refresh updates the offline copy when signed in; a network failure
// leaves the cached copy, an account error is returned.
func (p *Portal) refresh() error {
	svc, err := p.signedInService()
	if err != nil {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := svc.Refresh(ctx); err != nil {
		if portal.Classify(err) == portal.Account {
			p.noteAccount(err)
			p.emitStatus()
			return err
		}
		log.Printf("dpgcerts: portal refresh: %v", err)
	}
	return nil
}

// Integrations lists the integrations with their active certificates;
// refresh asks the portal first (else the offline copy).
func (p *Portal) Integrations(refresh bool) ([]IntegrationView, error) {
	if refresh {
		if err := p.refresh(); err != nil {
			return nil, err
		}
	}
	svc := p.current()
	if svc == nil {
		return []IntegrationView{}, nil
	}
	ctx := context.Background()
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
func (p *Portal) fileCert(path string) (certs.File, error) {
	f, err := p.certs.Details(path)
	if err != nil {
		return f, err
	}
	if f.Certificate == nil {
		return f, newError(CodeNoCertificate, "The file holds no certificate.")
	}
	return f, nil
}

// fileAndPortalCerts is a file's certificate and the cached portal
// certificates, for the questions the details panel asks offline. svc is nil
// when there is no portal; a file without a certificate has no answers.
func (p *Portal) fileAndPortalCerts(path string) (svc *portal.Service, f certs.File, list []portal.Certificate, err error) {
	svc = p.current()
	if svc == nil {
		return nil, f, nil, nil
	}
	if f, err = p.fileCert(path); err != nil {
		return nil, f, nil, nil
	}
	list, _, err = svc.Certificates(context.Background())
	return svc, f, list, err
}

// PrepareActivation fetches the integration's current state and returns
// what the confirmation shows: the old and the new certificate.
func (p *Portal) PrepareActivation(integrationID, path string) (ActivationPlan, error) {
	f, err := p.fileCert(path)
	if err != nil {
		return ActivationPlan{}, err
	}
	ins, err := p.Integrations(true)
	if err != nil {
		return ActivationPlan{}, err
	}
	c := f.Certificate
	plan := ActivationPlan{Path: path, New: CertFacts{CommonName: c.CommonName, Subject: c.Subject, NotAfter: c.NotAfter, SHA1: c.SHA1, SHA256: c.SHA256}}
	found := false
	for _, in := range ins {
		if in.ID == integrationID {
			plan.Integration, plan.Old, found = in.Integration, in.Active, true
		}
	}
	if !found {
		return ActivationPlan{}, &portal.Error{Code: portal.CodeNotFound, Message: "no such integration"}
	}
	plan.NeedsInstall = true
	if list, _, err := p.current().Certificates(context.Background()); err == nil {
		for _, pc := range list {
			if strings.EqualFold(pc.SHA256, c.SHA256) {
				plan.New.ID, plan.NeedsInstall = pc.ID, false
			}
		}
	}
	return plan, nil
}

// Activate makes the integration use the file's certificate, with If-Match
// version (the one the confirmation showed). A certificate not yet in the
// portal is installed first, in the same step. A changed integration is
// the error precondition_failed: the window reloads and asks again.
func (p *Portal) Activate(integrationID, path, version string) (portal.Operation, error) {
	svc, err := p.signedInService()
	if err != nil {
		return portal.Operation{}, err
	}
	plan, err := p.PrepareActivation(integrationID, path)
	if err != nil {
		return portal.Operation{}, err
	}
	ref := plan.New.ID
	if plan.NeedsInstall {
		res, err := p.Install([]string{path})
		if err != nil {
			return portal.Operation{}, err
		}
		switch r := res[0]; r.Result {
		case ResultFailed:
			return portal.Operation{}, &portal.Error{Code: r.Code, Message: "the certificate could not be installed"}
		case ResultNeedsPassword:
			// Nothing is activated until the file's password is given.
			return portal.Operation{}, &portal.Error{Code: portal.CodePasswordRequired, Message: "the install waits for the file's password"}
		}
		ref = portal.SHA256Ref(plan.New.SHA256)
	}
	op, err := svc.Activate(context.Background(), integrationID, ref, version)
	if err != nil {
		return portal.Operation{}, err
	}
	if err := p.send(svc); err != nil {
		return portal.Operation{}, err
	}
	cur, err := svc.Operation(context.Background(), op.ID)
	if err != nil {
		return portal.Operation{}, err
	}
	if cur.State == portal.StateFailed {
		// Ended: drop it from the outbox's list, the error goes to the window.
		if err := svc.Dismiss(context.Background(), cur.ID); err != nil {
			log.Printf("dpgcerts: %v", err)
		}
		return cur, &portal.Error{Code: cur.ErrorCode, Message: cur.ErrorMessage}
	}
	return cur, nil
}

// Successors offers "Install and activate as the successor of ...": the
// certificates in use that the file renews, one offer per integration.
func (p *Portal) Successors(path string) ([]Successor, error) {
	out := []Successor{}
	svc, f, list, err := p.fileAndPortalCerts(path)
	if svc == nil || err != nil {
		return out, err
	}
	for _, c := range portal.Predecessors(*f.Certificate, list) {
		for _, u := range c.Usages {
			out = append(out, Successor{Predecessor: *facts(c), Integration: u})
		}
	}
	return out, nil
}

// Events is the offline audit trail of the file's certificate, oldest first.
func (p *Portal) Events(path string) ([]portal.Event, error) {
	out := []portal.Event{}
	svc, f, list, err := p.fileAndPortalCerts(path)
	if svc == nil || err != nil {
		return out, err
	}
	for _, c := range list {
		if strings.EqualFold(c.SHA256, f.Certificate.SHA256) {
			evs, _, err := svc.Events(context.Background(), portal.EventQuery{CertificateID: c.ID})
			if err != nil {
				return nil, err
			}
			return append(out, evs...), nil
		}
	}
	return out, nil
}

// Operations lists the outbox: the pending, waiting and failed operations
// first, as the window shows them.
func (p *Portal) Operations() ([]portal.Operation, error) {
	svc := p.current()
	if svc == nil {
		return []portal.Operation{}, nil
	}
	ops, err := svc.Operations(context.Background(), portal.StatePending, portal.StateNeedsPassword, portal.StateFailed)
	if ops == nil {
		ops = []portal.Operation{}
	}
	return ops, err
}

// SupplyPassword gives a needs_password install its password; a password
// that doesn't open the file is wrong_password.
func (p *Portal) SupplyPassword(id int64, password string) error {
	svc := p.current()
	if svc == nil {
		return portal.ErrNoToken
	}
	ok, err := svc.SetPassword(context.Background(), id, password)
	if err != nil {
		return err
	}
	if !ok {
		return newError(CodeWrongPassword, "The password does not open the file.")
	}
	svc.Kick()
	return nil
}

// InstallWithPassword gives the installs that wait for a password one
// more candidate (often every file of a batch has the same one), sends
// what it opens and returns the results of the operations ids, in their
// order. A password that opens none of them is wrong_password. The password
// is also tried on later installs in this session.
func (p *Portal) InstallWithPassword(ids []int64, password string) ([]InstallResult, error) {
	svc, err := p.signedInService()
	if err != nil {
		return nil, err
	}
	n, err := svc.SupplyPasswords(context.Background(), []string{password})
	if err != nil {
		return nil, err
	}
	if n == 0 {
		return nil, newError(CodeWrongPassword, "The password opens none of the waiting files.")
	}
	p.certs.mu.Lock()
	if !slices.Contains(p.certs.session, password) {
		p.certs.session = append(p.certs.session, password)
	}
	p.certs.mu.Unlock()
	if err := p.send(svc); err != nil {
		return nil, err
	}
	out := make([]InstallResult, 0, len(ids))
	for _, id := range ids {
		o, err := svc.Operation(context.Background(), id)
		if err != nil {
			return nil, err
		}
		out = append(out, installResult(o.Path, o))
	}
	return out, nil
}

// Cancel ends a pending or waiting operation (its file and kept password
// are removed).
func (p *Portal) Cancel(id int64) error {
	svc := p.current()
	if svc == nil {
		return nil
	}
	return svc.Cancel(context.Background(), id)
}

// Dismiss removes an ended operation from the list.
func (p *Portal) Dismiss(id int64) error {
	svc := p.current()
	if svc == nil {
		return nil
	}
	return svc.Dismiss(context.Background(), id)
}
