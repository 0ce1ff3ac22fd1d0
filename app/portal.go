package app

import (
	"context"
	"log"
	"time"

	"dpgcerts/backend/i18n"
	"dpgcerts/backend/local"
	"dpgcerts/backend/overview"
	"dpgcerts/backend/pace"
	"dpgcerts/backend/portal"
	"dpgcerts/backend/session"
)

// Events of the portal. Each carries one JSON object.
const (
	EventSyncStatus      = "sync:status"      // session.Status
	EventPortalOperation = "portal:operation" // portal.Progress
)

// installWait is how long Install and Activate wait for the portal's answer
// before they report what is still pending (the background sync goes on).
var installWait = 20 * time.Second

// Portal binds the portal session to the window: it adds the Wails
// context, turns the session's news into events, and runs the in-process
// sandbox of --sandbox. Every flow is the session's.
type Portal struct {
	ctx         context.Context
	core        *core
	ses         *session.Session
	sandboxStop func()
}

func newPortal(c *core, files *local.Collection, useSandbox bool) *Portal {
	p := &Portal{core: c}
	opts := session.Options{
		Store: c.st, Runtime: c.rt, Passwords: c.passwords, Files: files, Log: log.Writer(),
		OnProgress: func(pr portal.Progress) { c.emit(p.ctx, EventPortalOperation, pr) },
		OnChange:   p.emitStatus,
		// After a sync, the CAs are asked about DPG's certificates too.
		OnSynced: func() {
			if targets, err := p.ses.RevocationTargets(context.Background()); err == nil {
				files.CheckInBackground(files.WorkContext(), targets)
			}
		},
	}
	if useSandbox {
		var err error
		if opts, p.sandboxStop, err = session.WithSandbox(opts); err != nil {
			log.Printf("dpgcerts: the sandbox did not start: %v", err)
		}
	}
	p.ses = session.New(opts)
	return p
}

func (p *Portal) startup(ctx context.Context) {
	p.ctx = ctx
	if err := p.ses.Resume(); err != nil {
		log.Printf("dpgcerts: portal %s: %v", p.ses.Address(), err)
	}
}

func (p *Portal) shutdown(context.Context) {
	p.ses.Stop()
	if p.sandboxStop != nil {
		p.sandboxStop()
	}
}

func (p *Portal) emitStatus() {
	if st, err := p.Status(); err == nil {
		p.core.emit(p.ctx, EventSyncStatus, st)
	}
}

// sendWait is how long a window flow waits for the portal.
func sendWait() session.SendOptions { return session.SendOptions{GiveUpAfter: installWait} }

// waitCtx bounds a flow that sends: the wait plus time to write down the answer.
func waitCtx() (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), installWait+10*time.Second)
}

// Status reports the sign-in, the outbox counts and the sync times.
func (p *Portal) Status() (session.Status, error) {
	return p.ses.Status(context.Background())
}

// SignIn checks the token at the portal and starts the background sync.
func (p *Portal) SignIn(url, token string, remember bool) (session.Status, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := p.ses.SignIn(ctx, url, token, remember); err != nil {
		return session.Status{}, err
	}
	st, err := p.Status()
	p.core.emit(p.ctx, EventSyncStatus, st)
	return st, err
}

// SignOut stops the sync and forgets the token (the outbox stays).
func (p *Portal) SignOut() (session.Status, error) {
	p.ses.SignOut()
	st, err := p.Status()
	p.core.emit(p.ctx, EventSyncStatus, st)
	return st, err
}

// Sync asks the background sync to run now.
func (p *Portal) Sync() { p.ses.Kick() }

// Install installs the files at paths in the portal, each on its own.
func (p *Portal) Install(paths []string) ([]session.InstallResult, error) {
	ctx, cancel := waitCtx()
	defer cancel()
	res, _, err := p.ses.Install(ctx, paths, sendWait())
	return res, err
}

// Missing lists the files whose certificate the portal lacks.
func (p *Portal) Missing() ([]string, error) { return p.ses.Missing(context.Background()) }

// UploadExisting installs every file that Missing lists.
func (p *Portal) UploadExisting() ([]session.InstallResult, error) {
	ctx, cancel := waitCtx()
	defer cancel()
	return p.ses.UploadExisting(ctx, sendWait())
}

// Integrations lists the integrations with their active certificates;
// refresh asks the portal first.
func (p *Portal) Integrations(refresh bool) ([]session.IntegrationView, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	return p.ses.Integrations(ctx, refresh)
}

// PrepareActivation returns what the activation's confirmation shows for
// ref's certificate: a file's, or one in DPG by its SHA-256.
func (p *Portal) PrepareActivation(integrationID string, ref session.Ref) (session.ActivationPlan, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	return p.ses.PrepareActivation(ctx, integrationID, ref)
}

// Activate makes the integration use ref's certificate, with If-Match
// version, and returns the outcome for the window to show. skipEntra is
// Exchange Online's "Activate without checking Entra".
func (p *Portal) Activate(integrationID string, ref session.Ref, version string, skipEntra bool) (session.Activation, error) {
	ctx, cancel := waitCtx()
	defer cancel()
	return p.ses.Activate(ctx, integrationID, ref, version, session.ActivateOptions{SendOptions: sendWait(), SkipEntraCheck: skipEntra})
}

// CheckEntra compares the thumbprint Entra shows with ref's certificate.
func (p *Portal) CheckEntra(ref session.Ref, thumbprint string) (session.EntraCheck, error) {
	return p.ses.CheckEntra(context.Background(), ref, thumbprint)
}

// DismissEntraNote removes the card's note to remove the old certificate from Entra.
func (p *Portal) DismissEntraNote(integrationID string) error {
	return p.ses.DismissEntraNote(context.Background(), integrationID)
}

// Successors offers "Install and activate as the successor of ..." for
// ref's certificate.
func (p *Portal) Successors(ref session.Ref) ([]session.Successor, error) {
	return p.ses.Successors(context.Background(), ref)
}

// Events is the offline audit trail of ref's certificate.
func (p *Portal) Events(ref session.Ref) ([]portal.Event, error) {
	return p.ses.Events(context.Background(), ref)
}

// Operations lists the pending, waiting and failed operations.
func (p *Portal) Operations() ([]portal.Operation, error) {
	return p.ses.Operations(context.Background())
}

// SupplyPassword gives a needs_password install its password.
func (p *Portal) SupplyPassword(id int64, password string) error {
	return p.ses.SupplyPassword(context.Background(), id, password)
}

// InstallWithPassword gives the waiting installs one more candidate password.
func (p *Portal) InstallWithPassword(ids []int64, password string) ([]session.InstallResult, error) {
	ctx, cancel := waitCtx()
	defer cancel()
	return p.ses.InstallWithPassword(ctx, ids, password, sendWait())
}

// Cancel gives up a pending, waiting or needs_password operation; its
// password and stored file are forgotten.
func (p *Portal) Cancel(id int64) error { return p.ses.Cancel(context.Background(), id) }

// Dismiss removes an ended operation from the list.
func (p *Portal) Dismiss(id int64) error { return p.ses.Dismiss(context.Background(), id) }

// List is the window's list of the organisation's certificates and
// integrations: one slim row per certificate, wherever it is (signed out,
// the local ones only), as the changes since the list of generation since
// that the window holds (0 for all of it). Entry and Certificates.Details
// give a row's details.
func (p *Portal) List(since uint64) (overview.Changes, error) {
	defer pace.HeapTrim.Call()
	return p.ses.ListChanges(context.Background(), since)
}

// Entry is the overview's entry of one certificate, by SHA-256: where it
// is, its record in DPG and why it needs attention.
func (p *Portal) Entry(sha256 string) (overview.Certificate, error) {
	defer pace.HeapTrim.Call() // it builds the whole overview, as List does
	return p.ses.Entry(context.Background(), sha256)
}

// ExportCer saves ref's public certificate (.cer, DER), for the Entra app
// registration: from the file, or from DPG's record. It returns the path,
// or "" when the dialog was cancelled.
func (p *Portal) ExportCer(ref session.Ref) (string, error) {
	name, der, err := p.ses.PublicCertificate(context.Background(), ref)
	if err != nil {
		return "", err
	}
	return p.core.saveFile(p.ctx, i18n.T(p.core.lang.Get(), "details.exportCer"), name, der)
}
