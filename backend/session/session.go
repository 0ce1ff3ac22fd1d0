// Package session is the signed-in portal session and every flow on it:
// sign-in and sign-out, one portal.Service per address, the background
// sync, installs, activations and the questions the overview asks of the
// offline copy. The window (app/) and the CLI both call it; neither
// implements a flow of its own.
package session

import (
	"context"
	"io"
	"log"
	"slices"
	"strings"
	"sync"
	"time"

	"dpgcerts/backend/certs"
	"dpgcerts/backend/config"
	"dpgcerts/backend/errs"
	"dpgcerts/backend/overview"
	"dpgcerts/backend/passwords"
	"dpgcerts/backend/portal"
	"dpgcerts/backend/revocation"
	"dpgcerts/backend/secrets"
	"dpgcerts/backend/store"
)

// DefaultPortalURL is the Customer Portal's address.
const DefaultPortalURL = "https://portal.timengodpg.com"

// Files is the overview of local certificate files the flows start from:
// the window's collection, or the cache for the CLI.
type Files interface {
	// File is one file of the overview, judged now.
	File(path string) (certs.File, error)
	// Files is every file of the overview, judged now, with its chain.
	Files() ([]certs.File, error)
}

// Options configure a Session.
type Options struct {
	Store     *store.Store
	Runtime   config.Runtime
	Passwords *passwords.Source
	// Files is the local overview; nil means the cache's files.
	Files Files
	// Pinned is an address sign-in can't change (the window's in-process
	// sandbox). Its tokens are never kept in the keychain, and it is never
	// remembered as the last portal.
	Pinned string
	// Log receives the service's lines (retries, failures; never a secret).
	Log io.Writer
	// Backoff for transient failures; portal.DefaultBackoff when zero.
	Backoff portal.Backoff
	// OnProgress hears about each operation as the outbox sends it, and
	// OnChange whenever the sign-in, the counts or the offline copy may
	// have changed (the window turns both into events).
	OnProgress func(portal.Progress)
	OnChange   func()
	// OnSynced hears about each background sync that refreshed the offline
	// copy (the window then asks the CAs about the certificates).
	OnSynced func()
}

// Session is the app's side of the Customer Portal for one user. Its
// methods are safe for concurrent use.
type Session struct {
	opts Options

	// svcMu makes finding-or-replacing the service one step, so two callers
	// can't both build one.
	svcMu sync.Mutex
	// running serialises starting and stopping the background sync, so two
	// sign-ins close together can't leave a second loop running.
	running sync.Mutex
	// signMu serialises Resume and SignIn: the window's startup (Resume)
	// can run after the first calls from the page, and must not then swap
	// the service of a sign-in that came first for the remembered portal's.
	signMu sync.Mutex

	mu       sync.Mutex
	svc      *portal.Service
	signedIn bool
	// account is the last account error (unauthenticated, not_registered,
	// migration_required), "" when none.
	account string
	// tried is the address of the last sign-in attempt, so that the Access
	// Denied screen links to that portal's forms.
	tried     string
	runCancel context.CancelFunc
	runDone   chan struct{}

	// sent is the list the window last got, for ListChanges.
	sent overview.Sent
}

// New makes a session; nothing is signed in yet.
func New(opts Options) *Session {
	if opts.Passwords == nil {
		opts.Passwords = passwords.New(opts.Runtime.Keychain)
	}
	if opts.Runtime.Now == nil {
		opts.Runtime.Now = func() time.Time { return time.Now().UTC() }
	}
	if opts.Files == nil {
		opts.Files = &storeFiles{st: opts.Store, now: opts.Runtime.Now}
	}
	if opts.OnProgress == nil {
		opts.OnProgress = func(portal.Progress) {}
	}
	if opts.OnChange == nil {
		opts.OnChange = func() {}
	}
	if opts.OnSynced == nil {
		opts.OnSynced = func() {}
	}
	return &Session{opts: opts}
}

// Address is the portal's address: the pinned one, else the last sign-in
// attempt's, else the last signed-in one, else the last synced one, else
// the default.
func (s *Session) Address() string {
	if s.opts.Pinned != "" {
		return s.opts.Pinned
	}
	s.mu.Lock()
	tried := s.tried
	s.mu.Unlock()
	if tried != "" {
		return tried
	}
	ctx := context.Background()
	if u, err := s.opts.Store.String(ctx, store.PortalURL); err == nil && u != "" {
		return u
	}
	if u, err := s.opts.Store.LastSyncedPortal(ctx); err == nil && u != "" {
		return u
	}
	return DefaultPortalURL
}

// UsePortal makes url the portal whose offline copy and outbox the flows
// use, without signing in (the CLI's --portal for commands that work
// offline).
func (s *Session) UsePortal(url string) error {
	_, err := s.service(url)
	return err
}

// service returns the service for url, making a new one (and stopping the
// old one's sync) when the address changed.
func (s *Session) service(url string) (*portal.Service, error) {
	norm, err := portal.NormalizeURL(url)
	if err != nil {
		return nil, err
	}
	s.svcMu.Lock()
	defer s.svcMu.Unlock()
	if svc := s.current(); svc != nil && svc.Portal() == norm {
		return svc, nil
	}
	s.Stop()
	svc, err := portal.NewService(s.opts.Store, norm, nil, portal.Options{
		Keychain: s.opts.Runtime.PortalKeychain(), Log: s.opts.Log, Now: s.opts.Runtime.Now, Backoff: s.opts.Backoff})
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	s.svc, s.signedIn = svc, false
	s.mu.Unlock()
	return svc, nil
}

func (s *Session) current() *portal.Service {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.svc
}

// offline is the current service, or the one for Address: the offline copy
// and the outbox work without a sign-in.
func (s *Session) offline() (*portal.Service, error) {
	if svc := s.current(); svc != nil {
		return svc, nil
	}
	return s.service(s.Address())
}

// signedInService is the service when there is a client and no account error.
func (s *Session) signedInService() (*portal.Service, error) {
	s.mu.Lock()
	svc, ok, account := s.svc, s.signedIn, s.account
	s.mu.Unlock()
	if svc == nil || !ok {
		return nil, portal.ErrNoToken
	}
	if account != "" {
		return nil, errs.New(account, "the portal refused the sign-in")
	}
	return svc, nil
}

// Connect signs in with a token without checking it first, as the CLI does:
// the first call answers for it. It does not start the background sync.
func (s *Session) Connect(url, token string) error {
	client, err := portal.NewClient(url, token)
	if err != nil {
		return err
	}
	svc, err := s.service(client.URL())
	if err != nil {
		return err
	}
	svc.SetClient(client)
	s.mu.Lock()
	s.signedIn, s.account = true, ""
	s.mu.Unlock()
	return nil
}

// Resume signs in at start with the token from the environment or the
// keychain, if there is one, and starts the background sync. Without a
// token it is not an error: the window offers the sign-in.
func (s *Session) Resume() error {
	s.signMu.Lock()
	defer s.signMu.Unlock()
	s.mu.Lock()
	tried := s.tried
	s.mu.Unlock()
	if tried != "" {
		return nil // a sign-in came first: it chose the portal
	}
	url := s.Address()
	if _, err := s.service(url); err != nil {
		return err
	}
	rt := s.opts.Runtime
	rt.Keychain = rt.Keychain && s.opts.Pinned == ""
	token, err := rt.Token(url)
	if err != nil {
		return nil
	}
	if err := s.Connect(url, token); err != nil {
		return err
	}
	s.start()
	return nil
}

// SignIn checks the token at the portal and starts the background sync.
// With remember the token goes into the keychain. The errors keep their
// codes: not_registered, migration_required, unauthenticated, insecure_url...
func (s *Session) SignIn(ctx context.Context, url, token string, remember bool) error {
	s.signMu.Lock()
	defer s.signMu.Unlock()
	url = strings.TrimSpace(url)
	if url == "" || s.opts.Pinned != "" {
		url = s.Address()
	}
	norm, err := portal.NormalizeURL(url)
	if err != nil {
		return err
	}
	if _, err := s.service(norm); err != nil {
		return err
	}
	s.mu.Lock()
	s.tried = norm
	s.mu.Unlock()
	token = strings.TrimSpace(token)
	if token == "" {
		return errs.New(errs.NoToken, "no access token given")
	}
	keep := remember && s.opts.Runtime.Keychain && s.opts.Pinned == ""
	client, _, err := portal.SignIn(ctx, norm, token, keep)
	if err != nil && client == nil {
		s.noteAccount(err)
		return err
	}
	if err != nil {
		log.Printf("dpgcerts: %v", err) // signed in; only the keychain failed
	}
	if err := s.Connect(client.URL(), token); err != nil {
		return err
	}
	if s.opts.Pinned == "" {
		if err := s.opts.Store.SetString(ctx, store.PortalURL, client.URL()); err != nil {
			log.Printf("dpgcerts: the portal address was not kept: %v", err)
		}
	}
	s.start()
	// The first refresh fills the organisation's name before the answer.
	if err := s.current().Refresh(ctx); err != nil {
		log.Printf("dpgcerts: the first refresh after sign-in: %v", err)
	}
	return nil
}

// SignOut stops the sync and forgets the token (the outbox stays).
func (s *Session) SignOut() {
	s.Stop()
	if svc := s.current(); svc != nil {
		svc.SetClient(nil)
		if s.opts.Runtime.Keychain && s.opts.Pinned == "" {
			if err := secrets.DeleteToken(svc.Portal()); err != nil {
				log.Printf("dpgcerts: the token was not removed from the keychain: %v", err)
			}
		}
	}
	s.mu.Lock()
	s.signedIn, s.account = false, ""
	s.mu.Unlock()
}

// noteAccount keeps the last account error for the screens; any other
// error leaves it.
func (s *Session) noteAccount(err error) {
	if err != nil && portal.Classify(err) != portal.Account {
		return
	}
	s.mu.Lock()
	s.account = errs.Code(err)
	s.mu.Unlock()
}

// start runs the background sync until Stop or the next start.
func (s *Session) start() {
	svc := s.current()
	if svc == nil {
		return
	}
	s.running.Lock()
	defer s.running.Unlock()
	s.stopLocked()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	s.mu.Lock()
	s.runCancel, s.runDone = cancel, done
	s.mu.Unlock()
	go func() {
		defer close(done)
		svc.Run(ctx, portal.RunOptions{
			Progress: func(pr portal.Progress) {
				s.opts.OnProgress(pr)
				s.opts.OnChange() // the counts and "syncing" as they change
			},
			After: func(_ portal.Status, err error) {
				s.noteAccount(err)
				s.opts.OnChange()
				if err == nil {
					s.opts.OnSynced()
				}
			},
		})
	}()
}

// Stop stops the background sync and waits for it.
func (s *Session) Stop() {
	s.running.Lock()
	defer s.running.Unlock()
	s.stopLocked()
}

func (s *Session) stopLocked() {
	s.mu.Lock()
	cancel, done := s.runCancel, s.runDone
	s.runCancel, s.runDone = nil, nil
	s.mu.Unlock()
	if cancel != nil {
		cancel()
		<-done
	}
}

// Passwords are the candidate passwords of this session.
func (s *Session) Passwords() []string { return s.opts.Passwords.List() }

// Kick asks the background sync to run now.
func (s *Session) Kick() {
	if svc := s.current(); svc != nil {
		svc.Kick()
	}
}

// Status is what the header shows: who is signed in where, the outbox
// counts and when the offline copy was synced.
type Status struct {
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

// Status reports the sign-in, the outbox counts and the sync times. It
// never replaces the service (the background sync reports through here).
func (s *Session) Status(ctx context.Context) (Status, error) {
	svc, err := s.offline()
	if err != nil {
		return Status{}, err
	}
	st, err := svc.Status(ctx)
	if err != nil {
		return Status{}, err
	}
	s.mu.Lock()
	out := Status{Status: st, SignedIn: s.signedIn, Account: s.account, Sandbox: s.opts.Pinned != ""}
	s.mu.Unlock()
	out.RegisterURL, out.MigrateURL = portal.RegisterURL(svc.Portal()), portal.MigrateURL(svc.Portal())
	if me, _, err := svc.Me(ctx); err == nil && me != nil {
		out.Organization, out.CVR, out.User = me.Organization.Name, me.Organization.CVR, me.User.Email
	}
	return out, nil
}

// SendOptions say how long a flow waits for the portal's answer before it
// reports what is still pending (the outbox keeps it).
type SendOptions struct {
	GiveUpAfter time.Duration
	Progress    func(portal.Progress)
}

// Send runs the outbox now. An account error is noted for the screens and
// returned; other failures leave the operations pending for the next sync.
func (s *Session) Send(ctx context.Context, opts SendOptions) (portal.SyncResult, error) {
	svc, err := s.signedInService()
	if err != nil {
		return portal.SyncResult{}, err
	}
	progress := opts.Progress
	if progress == nil {
		progress = s.opts.OnProgress
	}
	res, err := svc.Sync(ctx, portal.SyncOptions{GiveUpAfter: opts.GiveUpAfter, Progress: progress})
	s.noteAccount(err)
	s.opts.OnChange()
	return res, err
}

// Refresh updates the offline copy. An account error is noted and returned.
func (s *Session) Refresh(ctx context.Context) error {
	svc, err := s.signedInService()
	if err != nil {
		return err
	}
	err = svc.Refresh(ctx)
	if err != nil && portal.Classify(err) == portal.Account {
		s.noteAccount(err)
		s.opts.OnChange()
	}
	return err
}

// storeFiles is the cache's overview, for the CLI: Files reads it once,
// since a command is short-lived; File reads just the one file.
type storeFiles struct {
	st  *store.Store
	now func() time.Time

	once   sync.Once
	byPath map[string]certs.File
	err    error
}

func (f *storeFiles) load() {
	ctx := context.Background()
	entries, err := f.st.LoadFiles(ctx)
	if err != nil {
		f.err = err
		return
	}
	warn, _ := f.st.Int(ctx, store.WarnDays)
	f.byPath = make(map[string]certs.File, len(entries))
	for p, e := range entries {
		file := e.File
		file.Path = p
		certs.Judge(&file, f.now(), warn)
		f.byPath[p] = file
	}
}

func (f *storeFiles) Files() ([]certs.File, error) {
	f.once.Do(f.load)
	out := make([]certs.File, 0, len(f.byPath))
	for _, file := range f.byPath {
		out = append(out, file)
	}
	return out, f.err
}

func (f *storeFiles) File(path string) (certs.File, error) {
	ctx := context.Background()
	e, ok, err := f.st.File(ctx, path)
	if err != nil {
		return certs.File{}, err
	}
	if !ok {
		return certs.File{}, errs.New(errs.NotInOverview, "The file is not in the overview.")
	}
	warn, _ := f.st.Int(ctx, store.WarnDays)
	file := e.File
	certs.Judge(&file, f.now(), warn)
	return file, nil
}

// isAccount says whether err refuses the whole session.
func isAccount(err error) bool { return err != nil && portal.Classify(err) == portal.Account }

// Overview is the overview of the organisation's certificates and
// integrations: the local files merged with the portal's offline copy,
// judged now with the warning window warnDays (the setting when 0).
func (s *Session) Overview(ctx context.Context, warnDays int) (overview.Overview, error) {
	return s.overview(ctx, warnDays, true)
}

// List is the window's list (overview.ListOf) of the overview as the
// session stands: signed in, the local files merged with the offline copy
// (the cached state when the portal can't be reached); signed out, the
// local certificates only, as if there were no portal.
func (s *Session) List(ctx context.Context) (overview.List, error) {
	signedIn := s.isSignedIn()
	in, err := s.input(ctx, 0, signedIn)
	if err != nil && signedIn {
		// The offline copy can't be read: the local certificates still show.
		log.Printf("dpgcerts: the list without DPG's copy: %v", err)
		in, err = s.input(ctx, 0, false)
	}
	if err != nil {
		return overview.List{}, err
	}
	return overview.ListOf(overview.Build(in), in.Files), nil
}

// ListChanges is the list as what changed since the one of generation
// since, which the window holds (0: none): the rows that are new or changed
// and the keys of those gone, or all of it when since is not the last one
// sent.
func (s *Session) ListChanges(ctx context.Context, since uint64) (overview.Changes, error) {
	l, err := s.List(ctx)
	if err != nil {
		return overview.Changes{}, err
	}
	return s.sent.Next(l, since), nil
}

// Entry is one certificate of the overview as List sees it, by SHA-256:
// what a row's details show.
func (s *Session) Entry(ctx context.Context, sha256 string) (overview.Certificate, error) {
	in, err := s.input(ctx, 0, s.isSignedIn())
	if err != nil {
		return overview.Certificate{}, err
	}
	ov := overview.Build(in)
	want := Thumbprint(sha256)
	i := slices.IndexFunc(ov.Certificates, func(c overview.Certificate) bool { return strings.ToLower(c.SHA256) == want })
	if i < 0 {
		return overview.Certificate{}, errs.New(errs.CertificateGone, "The certificate is not in the overview.")
	}
	return ov.Certificates[i], nil
}

func (s *Session) isSignedIn() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.signedIn
}

func (s *Session) overview(ctx context.Context, warnDays int, withPortal bool) (overview.Overview, error) {
	in, err := s.input(ctx, warnDays, withPortal)
	if err != nil {
		return overview.Overview{}, err
	}
	return overview.Build(in), nil
}

// input is what the overview is built from: the local files, judged now
// with warnDays (the setting when 0), and, withPortal, the offline copy.
func (s *Session) input(ctx context.Context, warnDays int, withPortal bool) (overview.Input, error) {
	if warnDays == 0 {
		warnDays, _ = s.opts.Store.Int(ctx, store.WarnDays)
	}
	in := overview.Input{Now: s.opts.Runtime.Now(), WarnDays: warnDays, Revocations: map[string]certs.Revocation{}}
	files, err := s.opts.Files.Files()
	if err != nil {
		return in, err
	}
	revs, err := s.opts.Store.Revocations(ctx)
	if err != nil {
		return in, err
	}
	for sha, r := range revs {
		in.Revocations[strings.ToLower(sha)] = revocation.Aged(r, in.Now)
	}
	for _, f := range files {
		certs.Judge(&f, in.Now, warnDays)
		in.Files = append(in.Files, f)
	}
	if !withPortal {
		return in, nil
	}
	if in.EntraRegistered, err = s.opts.Store.EntraRegistered(ctx); err != nil {
		return in, err
	}
	notes, err := s.opts.Store.EntraNotes(ctx)
	if err != nil {
		return in, err
	}
	in.EntraNotes = map[string]overview.EntraNote{}
	for id, n := range notes {
		in.EntraNotes[id] = overview.EntraNote{OldSHA1: strings.ToUpper(n.OldSHA1), OldCommonName: n.OldName, At: n.At}
	}
	svc, err := s.offline()
	if err != nil {
		return in, err
	}
	if in.Certificates, in.SyncedAt, err = svc.Certificates(ctx); err != nil {
		return in, err
	}
	if in.Integrations, _, err = svc.Integrations(ctx); err != nil {
		return in, err
	}
	if in.Operations, err = svc.Operations(ctx); err != nil {
		return in, err
	}
	in.Me, _, err = svc.Me(ctx)
	return in, err
}

// RevocationTargets are the certificates to ask the CAs about: the local
// files (with their chains), and, from the public certificate in the
// portal's record, those only in DPG (their issuers come from AIA).
func (s *Session) RevocationTargets(ctx context.Context) ([]certs.File, error) {
	files, err := s.opts.Files.Files()
	if err != nil {
		return nil, err
	}
	local := map[string]bool{}
	for _, f := range files {
		if f.Certificate != nil {
			local[strings.ToLower(f.Certificate.SHA256)] = true
		}
	}
	svc, err := s.offline()
	if err != nil {
		return nil, err
	}
	list, _, err := svc.Certificates(ctx)
	if err != nil {
		return nil, err
	}
	now := s.opts.Runtime.Now()
	for _, c := range list {
		if local[strings.ToLower(c.SHA256)] || len(c.Certificate) == 0 {
			continue
		}
		f := certs.Read(c.Certificate, certs.Options{Now: now})
		if f.Certificate != nil && strings.EqualFold(f.Certificate.SHA256, c.SHA256) {
			f.Path = ""
			files = append(files, f)
		}
	}
	return files, nil
}
