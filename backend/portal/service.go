package portal

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"

	"dpgcerts/backend/certs"
	"dpgcerts/backend/errs"
	"dpgcerts/backend/secrets"
	"dpgcerts/backend/store"
)

// Operation states (the outbox's).
const (
	StatePending       = string(store.OpPending)
	StateNeedsPassword = string(store.OpNeedsPassword)
	StateDone          = string(store.OpDone)
	StateFailed        = string(store.OpFailed)
)

// SHA256Ref refers, in Activate, to a certificate by its SHA-256: one that
// an install in the outbox is still sending ("Install and activate as the
// successor of ..."). The outbox resolves it once the install is done.
func SHA256Ref(sha256Hex string) string { return "sha256:" + strings.ToLower(sha256Hex) }

// MaxFileBytes is the largest file the outbox takes: base64 makes it 4/3 as
// large, which must stay under the portal's body limit (4 MiB). Certificate
// files are a few KiB.
const MaxFileBytes = 3 << 20

// Options configure a Service.
type Options struct {
	// Keychain keeps the passwords of pending installs; NoKeychain when nil.
	Keychain Keychain
	// Backoff for transient failures; DefaultBackoff when zero.
	Backoff Backoff
	// Workers is how many installs are sent at once (4 when 0).
	Workers int
	// Log receives a line per attempt that failed; never a secret. Nil logs
	// nothing.
	Log io.Writer
	// Now is the clock for judging files (time.Now when nil).
	Now func() time.Time
	// RefreshPatience is how long a refresh retries one request that keeps
	// failing transiently (DefaultRefreshPatience when 0).
	RefreshPatience time.Duration
}

// Service is the app's side of the portal for one portal address: the
// outbox of installs and activations, the sync, and the offline copy of
// the portal's records. The window and the CLI use it alike. Its methods
// are safe for concurrent use; one Sync runs at a time.
type Service struct {
	st     *store.Store
	portal string
	opts   Options
	logger *log.Logger

	mu        sync.Mutex
	client    *Client
	passwords map[string]string // by idempotency key, for this process's life
	syncing   bool

	syncMu sync.Mutex
	kick   chan struct{}
}

// NewService makes the service for the portal at portalURL. client may be
// nil (not signed in): the offline copy and the outbox still work, and
// Sync answers ErrNoToken until SetClient.
func NewService(st *store.Store, portalURL string, client *Client, opts Options) (*Service, error) {
	u, err := NormalizeURL(portalURL)
	if err != nil {
		return nil, err
	}
	if opts.Keychain == nil {
		opts.Keychain = NoKeychain()
	}
	if opts.Backoff.Base <= 0 {
		opts.Backoff = DefaultBackoff
	}
	if opts.Workers <= 0 {
		opts.Workers = 4
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.RefreshPatience <= 0 {
		opts.RefreshPatience = DefaultRefreshPatience
	}
	s := &Service{st: st, portal: u, opts: opts, client: client, passwords: map[string]string{}, kick: make(chan struct{}, 1)}
	if opts.Log != nil {
		s.logger = log.New(opts.Log, "portal: ", log.LstdFlags|log.LUTC)
	}
	return s, nil
}

// Portal is the portal's address (normalised, without /api/v1).
func (s *Service) Portal() string { return s.portal }

// SetClient sets the client after a sign-in (or nil after a sign-out).
func (s *Service) SetClient(c *Client) {
	s.mu.Lock()
	s.client = c
	s.mu.Unlock()
	s.Kick()
}

func (s *Service) getClient() *Client {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.client
}

func (s *Service) logf(format string, a ...any) {
	if s.logger != nil {
		s.logger.Printf(format, a...)
	}
}

// SignIn checks the token with GET /me and, when keep is true, keeps it in
// the OS keychain for the portal. It returns the typed errors of /me:
// ErrUnauthenticated, ErrNotRegistered, ErrMigrationRequired...
func SignIn(ctx context.Context, portalURL, token string, keep bool) (*Client, Me, error) {
	c, err := NewClient(portalURL, token)
	if err != nil {
		return nil, Me{}, err
	}
	me, err := c.Me(ctx)
	if err != nil {
		return nil, Me{}, err
	}
	if keep {
		if err := secrets.SetToken(c.URL(), token); err != nil {
			return c, me, fmt.Errorf("portal: signed in, but the token could not be kept: %w", err)
		}
	}
	return c, me, nil
}

// Operation is one install or activation the user asked for, as the window
// and the CLI show it.
type Operation struct {
	ID    int64  `json:"id"`
	Kind  string `json:"kind"`  // install, activate
	State string `json:"state"` // pending, needs_password, done, failed
	// Install.
	Filename          string `json:"filename,omitempty"`
	Path              string `json:"path,omitempty"`
	CertificateSHA256 string `json:"certificateSha256,omitempty"`
	// Activate.
	IntegrationID string `json:"integrationId,omitempty"`
	IfMatch       string `json:"ifMatch,omitempty"`
	// CertificateID is the installed certificate (install: once done;
	// activate: the one activated).
	CertificateID string `json:"certificateId,omitempty"`
	// PreviousCertificateID is what the integration used before (activate).
	PreviousCertificateID string `json:"previousCertificateId,omitempty"`
	// AlreadyInstalled: the portal had the certificate already (install, done).
	AlreadyInstalled bool      `json:"alreadyInstalled,omitempty"`
	Attempts         int       `json:"attempts"`
	NextAttemptAt    time.Time `json:"nextAttemptAt,omitzero"`
	// ErrorCode is the last error's stable code: the reason a failed
	// operation ended, or why a pending one is waiting.
	ErrorCode    string    `json:"errorCode,omitempty"`
	ErrorMessage string    `json:"errorMessage,omitempty"`
	CreatedAt    time.Time `json:"createdAt"`
	FinishedAt   time.Time `json:"finishedAt,omitzero"`
	// Duplicate: Install or Activate found this operation already asked for
	// and returned it instead of adding another.
	Duplicate bool `json:"duplicate,omitempty"`
}

func view(o store.Op) Operation {
	v := Operation{ID: o.ID, Kind: string(o.Kind), State: string(o.State), Filename: o.Filename, Path: o.Path,
		CertificateSHA256: o.CertSHA256, IntegrationID: o.IntegrationID, IfMatch: o.IfMatch,
		Attempts: o.Attempts, NextAttemptAt: o.NextAttemptAt, ErrorCode: o.ErrorCode, ErrorMessage: o.ErrorMessage,
		CreatedAt: o.CreatedAt, FinishedAt: o.FinishedAt}
	switch o.Kind {
	case store.OpInstall:
		if o.State == store.OpDone {
			v.CertificateID = o.ResultID
			v.AlreadyInstalled = !o.Created
		}
	case store.OpActivate:
		v.CertificateID = o.CertificateID
		if o.State == store.OpDone {
			v.PreviousCertificateID = o.ResultID
		}
	}
	return v
}

// InstallFile is one file to install.
type InstallFile struct {
	// Name is sent as the filename; Path is where it came from (shown only).
	Name, Path string
	// Data is the file as it is: it is kept, still encrypted, until sent.
	Data []byte
	// Passwords are candidates: the one that opens the file is used. None
	// that opens it leaves the install waiting as needs_password.
	Passwords []string
}

// Install records the installs in the outbox, each with its idempotency
// key, in one transaction, before anything is sent; Sync sends them. A
// file that is already waiting in the outbox is not added twice (the
// existing operation comes back with Duplicate set). The results are in
// the order of files.
func (s *Service) Install(ctx context.Context, files []InstallFile) ([]Operation, error) {
	ops := make([]store.Op, len(files))
	pws := make([]*string, len(files))
	for i, f := range files {
		sum := sha256.Sum256(f.Data)
		o := store.Op{Portal: s.portal, Kind: store.OpInstall, Key: uuid.NewString(), State: store.OpPending,
			Filename: f.Name, Path: f.Path, FileSHA256: hex.EncodeToString(sum[:]), PKCS12: f.Data}
		if o.Filename == "" {
			o.Filename = "certificate.p12"
		}
		if len(f.Data) > MaxFileBytes {
			o.State, o.ErrorCode = store.OpFailed, errs.PayloadTooLarge
			o.ErrorMessage = fmt.Sprintf("the file is larger than %d MiB, far larger than a certificate file", MaxFileBytes>>20)
			ops[i] = o
			continue
		}
		pw, sha, ok := s.openWith(f.Data, f.Passwords)
		o.CertSHA256 = sha
		switch {
		case !ok:
			o.State, o.ErrorCode = store.OpNeedsPassword, errs.PasswordRequired
			o.ErrorMessage = "no known password opens the file"
		case pw == "":
			o.PasswordIn = store.PasswordEmpty
		default:
			o.PasswordIn = store.PasswordMemory
			pws[i] = &pw
		}
		ops[i] = o
	}
	stored, dup, err := s.st.AddOps(ctx, ops)
	if err != nil {
		return nil, err
	}
	out := make([]Operation, len(stored))
	for i, o := range stored {
		switch {
		case pws[i] == nil:
		case !dup[i]:
			o = s.keepPassword(ctx, o, *pws[i])
		default:
			// A double submit brings the password an earlier intent may
			// have lost (no keychain, another process).
			if _, ok, _ := s.password(o); !ok {
				o = s.keepPassword(ctx, o, *pws[i])
			}
		}
		out[i] = view(o)
		out[i].Duplicate = dup[i]
	}
	s.Kick()
	return out, nil
}

// openWith finds the candidate that opens a file: the password, the
// certificate's SHA-256 when it could be read, and ok false when the file
// is locked to every candidate. A file the reader can't make sense of gets
// none of the candidates (they may be other files' passwords): ok is false
// and the user is asked, unless there are no candidates to withhold.
func (s *Service) openWith(data []byte, candidates []string) (password, certSHA256 string, ok bool) {
	f := certs.Read(data, certs.Options{Passwords: candidates, Now: s.opts.Now(), WarnDays: 1})
	if f.Certificate != nil && f.Status != certs.StatusLocked {
		certSHA256 = f.Certificate.SHA256
	}
	switch {
	case f.Status == certs.StatusLocked:
		return "", certSHA256, false
	case f.PasswordIndex >= 0:
		return candidates[f.PasswordIndex], certSHA256, true
	case f.Status == certs.StatusUnreadable && len(candidates) > 0:
		return "", certSHA256, false
	}
	return "", certSHA256, true
}

// save writes o after applying change, reloading and applying it again
// when another writer (a goroutine, another process) got there first.
// change sees the freshest copy and says false when there is nothing to
// write any more. An operation that has ended meanwhile is no error: it was
// handled elsewhere (sent, cancelled), and wrote is false.
func (s *Service) save(ctx context.Context, o *store.Op, change func(*store.Op) bool) (wrote bool, err error) {
	err = s.st.UpdateOpWith(ctx, o, func(f *store.Op) bool {
		wrote = f.State.Active() && change(f)
		return wrote
	})
	if errors.Is(err, store.ErrEnded) {
		return false, nil
	}
	return wrote && err == nil, err
}

// remember keeps pw for key in memory and, when there is one, in the
// keychain, and returns where (a PasswordIn value).
func (s *Service) remember(key, pw string) string {
	s.mu.Lock()
	s.passwords[key] = pw
	s.mu.Unlock()
	err := s.opts.Keychain.SetOperationPassword(key, pw)
	if err == nil {
		return store.PasswordKeychain
	}
	if !errors.Is(err, secrets.ErrUnavailable) {
		s.logf("the keychain can't keep an install's password: %v", err)
	}
	return store.PasswordMemory
}

// forgetKey drops the password kept for key, in memory and the keychain.
func (s *Service) forgetKey(key string) {
	s.mu.Lock()
	delete(s.passwords, key)
	s.mu.Unlock()
	if err := s.opts.Keychain.DeleteOperationPassword(key); err != nil && !errors.Is(err, secrets.ErrUnavailable) {
		s.logf("an install's keychain entry could not be removed: %v", err)
	}
}

// keepPassword keeps an install's password in memory and, when there is
// one, in the keychain under the operation's entry, and makes the install
// pending. The database learns only where the password is. A password
// other than the one an install was sent with gets a new key: the portal
// keeps the old key's answer, which was about the old password.
func (s *Service) keepPassword(ctx context.Context, o store.Op, pw string) store.Op {
	var drop []string // entries that the final write doesn't use
	_, err := s.save(ctx, &o, func(f *store.Op) bool {
		if f.Attempts > 0 {
			if cur, ok, _ := s.password(*f); ok && cur != pw {
				drop = append(drop, f.Key)
				f.Key = newKey()
			}
		}
		f.PasswordIn = s.remember(f.Key, pw)
		drop = append(drop, f.Key)
		if f.State == store.OpNeedsPassword {
			f.State, f.ErrorCode, f.ErrorMessage = store.OpPending, "", ""
		}
		return true
	})
	if err != nil {
		s.logf("%v", err)
	}
	for _, k := range drop {
		if k != o.Key || !o.State.Active() {
			s.forgetKey(k)
		}
	}
	return o
}

// password finds an install's password: this process's memory, then the
// keychain. err is the keychain's failure, if it failed.
func (s *Service) password(o store.Op) (pw string, ok bool, err error) {
	if o.PasswordIn == store.PasswordEmpty {
		return "", true, nil
	}
	s.mu.Lock()
	pw, ok = s.passwords[o.Key]
	s.mu.Unlock()
	if ok {
		return pw, true, nil
	}
	pw, ok, err = s.opts.Keychain.OperationPassword(o.Key)
	if err == nil && ok {
		s.mu.Lock()
		s.passwords[o.Key] = pw
		s.mu.Unlock()
		return pw, true, nil
	}
	return "", false, err
}

// keychainDown says whether a missing password may be only for now: it is
// in the keychain, and the keychain failed (locked, not started yet, as for
// a scheduled sync before the login keyring is unlocked).
func (s *Service) keychainDown(o store.Op, err error) bool {
	_, none := s.opts.Keychain.(noKeychain)
	return o.PasswordIn == store.PasswordKeychain && err != nil && !none
}

// unblock makes a needs_password install pending again when its password
// is found after all (the keychain is back, another process kept it).
func (s *Service) unblock(ctx context.Context, o store.Op) (bool, error) {
	return s.save(ctx, &o, func(f *store.Op) bool {
		if f.State != store.OpNeedsPassword {
			return false
		}
		if _, ok, _ := s.password(*f); !ok {
			return false
		}
		f.State, f.ErrorCode, f.ErrorMessage = store.OpPending, "", ""
		return true
	})
}

// unblockAll runs unblock over the installs that wait for a password, and
// lets the activations waiting for them go on when one was unblocked.
func (s *Service) unblockAll(ctx context.Context) error {
	ops, err := s.st.Ops(ctx, store.OpFilter{Portal: s.portal, Kind: store.OpInstall, States: []store.OpState{store.OpNeedsPassword}})
	if err != nil {
		return err
	}
	n := 0
	for _, o := range ops {
		if o.PasswordIn == store.PasswordNowhere {
			continue
		}
		ok, err := s.unblock(ctx, o)
		if err != nil {
			return err
		}
		if ok {
			n++
		}
	}
	if n > 0 {
		return s.resumeActivations(ctx)
	}
	return nil
}

// SupplyPasswords gives candidate passwords to the installs that wait for
// one (and to pending ones whose password this process doesn't have). It
// returns how many installs it unlocked.
func (s *Service) SupplyPasswords(ctx context.Context, candidates []string) (int, error) {
	if err := s.unblockAll(ctx); err != nil {
		return 0, err
	}
	if len(candidates) == 0 {
		return 0, nil
	}
	ops, err := s.st.Ops(ctx, store.OpFilter{Portal: s.portal, Kind: store.OpInstall,
		States: []store.OpState{store.OpPending, store.OpNeedsPassword}})
	if err != nil {
		return 0, err
	}
	n := 0
	for _, o := range ops {
		if o.PasswordIn == store.PasswordEmpty {
			continue
		}
		if _, ok, _ := s.password(o); ok {
			continue
		}
		data, err := s.st.OpFile(ctx, o.ID)
		if err != nil {
			if errors.Is(err, store.ErrNoOp) {
				continue
			}
			return n, err
		}
		pw, sha, ok := s.openWith(data, candidates)
		if !ok {
			continue
		}
		if pw == "" {
			wrote, err := s.save(ctx, &o, func(f *store.Op) bool {
				if f.CertSHA256 == "" {
					f.CertSHA256 = sha
				}
				f.PasswordIn = store.PasswordEmpty
				if f.State == store.OpNeedsPassword {
					f.State, f.ErrorCode, f.ErrorMessage = store.OpPending, "", ""
				}
				return true
			})
			if err != nil {
				return n, err
			}
			if !wrote {
				continue
			}
		} else {
			if o.CertSHA256 == "" {
				o.CertSHA256 = sha
			}
			s.keepPassword(ctx, o, pw)
		}
		n++
	}
	return n, s.resumeActivations(ctx)
}

// resumeActivations lets the activations that waited for an install's
// password go on once a password has been given.
func (s *Service) resumeActivations(ctx context.Context) error {
	acts, err := s.st.Ops(ctx, store.OpFilter{Portal: s.portal, Kind: store.OpActivate, States: []store.OpState{store.OpNeedsPassword}})
	if err != nil {
		return err
	}
	for _, o := range acts {
		if _, err := s.save(ctx, &o, func(f *store.Op) bool {
			if f.State != store.OpNeedsPassword {
				return false
			}
			f.State, f.ErrorCode, f.ErrorMessage = store.OpPending, "", ""
			return true
		}); err != nil {
			return err
		}
	}
	return nil
}

// SetPassword gives one install its password (the window's password
// prompt). ok is false when the password doesn't open the file.
func (s *Service) SetPassword(ctx context.Context, id int64, password string) (ok bool, err error) {
	o, err := s.st.Op(ctx, id)
	if err != nil {
		return false, err
	}
	if o.Kind != store.OpInstall || !o.State.Active() {
		return false, fmt.Errorf("portal: operation %d doesn't wait for a password", id)
	}
	data, err := s.st.OpFile(ctx, id)
	if err != nil {
		return false, err
	}
	f := certs.Read(data, certs.Options{Passwords: []string{password}, Now: s.opts.Now(), WarnDays: 1})
	if f.Status == certs.StatusLocked {
		return false, nil
	}
	s.keepPassword(ctx, o, password)
	return true, s.resumeActivations(ctx)
}

// ErrEnded answers Cancel for an operation that has ended already.
var ErrEnded = &errs.Error{Code: errs.OperationEnded, Message: "the operation has ended already"}

// Cancel ends a pending or waiting operation at the user's request: it
// fails with the code cancelled, and an install's file and keychain entry
// are removed. A send already in flight may still reach the portal; its
// answer then finds the operation ended and changes nothing here.
func (s *Service) Cancel(ctx context.Context, id int64) error {
	o, err := s.st.CancelOp(ctx, id)
	switch {
	case errors.Is(err, store.ErrEnded):
		return ErrEnded
	case errors.Is(err, store.ErrNoOp):
		return &errs.Error{Code: errs.NotFound, Message: "no such operation"}
	case err != nil:
		return err
	}
	if o.Kind == store.OpInstall && o.PasswordIn != store.PasswordNowhere && o.PasswordIn != store.PasswordEmpty {
		s.forgetKey(o.Key)
		if err := s.st.ForgetOpPassword(ctx, id); err != nil {
			s.logf("%v", err)
		}
	}
	s.logf("%s %s cancelled", o.Kind, opName(o))
	return nil
}

// Activate records an activation in the outbox: the integration shall use
// the certificate (its id, or SHA256Ref of one still being installed).
// ifMatch is the integration's version the user saw when confirming.
func (s *Service) Activate(ctx context.Context, integrationID, certificateID, ifMatch string) (Operation, error) {
	if integrationID == "" || certificateID == "" || ifMatch == "" {
		return Operation{}, &errs.Error{Code: errs.BadRequest, Message: "an activation needs an integration, a certificate and the version seen"}
	}
	// The duplicate check compares certificates: a reference by SHA-256 is
	// resolved first where the offline copy knows it, and each activation
	// records its certificate's SHA-256 so both forms meet.
	certificateID, sha, err := s.resolveRef(ctx, certificateID)
	if err != nil {
		return Operation{}, err
	}
	stored, dup, err := s.st.AddOps(ctx, []store.Op{{Portal: s.portal, Kind: store.OpActivate, Key: uuid.NewString(),
		State: store.OpPending, IntegrationID: integrationID, CertificateID: certificateID, CertSHA256: sha, IfMatch: ifMatch}})
	if err != nil {
		return Operation{}, err
	}
	v := view(stored[0])
	v.Duplicate = dup[0]
	s.Kick()
	return v, nil
}

// resolveRef turns a SHA256Ref into the certificate's id when the offline
// copy has it, and finds the SHA-256 of an id.
func (s *Service) resolveRef(ctx context.Context, ref string) (id, sha string, err error) {
	sha, isRef := strings.CutPrefix(ref, "sha256:")
	list, err := s.st.PortalCertificates(ctx, s.portal)
	if err != nil {
		return "", "", err
	}
	for _, r := range list {
		if isRef && r.SHA256 == sha {
			return r.ID, sha, nil
		}
		if !isRef && r.ID == ref {
			return ref, r.SHA256, nil
		}
	}
	if isRef {
		return ref, sha, nil
	}
	return ref, "", nil
}

// Operations lists the outbox, oldest first; all states when none given.
func (s *Service) Operations(ctx context.Context, states ...string) ([]Operation, error) {
	f := store.OpFilter{Portal: s.portal}
	for _, st := range states {
		f.States = append(f.States, store.OpState(st))
	}
	ops, err := s.st.Ops(ctx, f)
	if err != nil {
		return nil, err
	}
	out := make([]Operation, len(ops))
	for i, o := range ops {
		out[i] = view(o)
	}
	return out, nil
}

// Operation returns one operation.
func (s *Service) Operation(ctx context.Context, id int64) (Operation, error) {
	o, err := s.st.Op(ctx, id)
	if err != nil {
		return Operation{}, err
	}
	return view(o), nil
}

// Dismiss removes an ended operation from the list.
func (s *Service) Dismiss(ctx context.Context, id int64) error { return s.st.DeleteOp(ctx, id) }

// Status is the outbox and the freshness of the offline copy.
type Status struct {
	Portal        string `json:"portal"`
	Pending       int    `json:"pending"`
	NeedsPassword int    `json:"needsPassword"`
	Failed        int    `json:"failed"`
	Done          int    `json:"done"`
	Syncing       bool   `json:"syncing"`
	// The times each part was last synced (zero: never).
	MeSyncedAt           time.Time `json:"meSyncedAt,omitzero"`
	CertificatesSyncedAt time.Time `json:"certificatesSyncedAt,omitzero"`
	IntegrationsSyncedAt time.Time `json:"integrationsSyncedAt,omitzero"`
	EventsSyncedAt       time.Time `json:"eventsSyncedAt,omitzero"`
	// LastErrorCode is the code of the last failed refresh, "" after a good one.
	LastErrorCode string `json:"lastErrorCode,omitempty"`
}

// Status reports the outbox counts and the sync times.
func (s *Service) Status(ctx context.Context) (Status, error) {
	counts, err := s.st.OpCounts(ctx, s.portal)
	if err != nil {
		return Status{}, err
	}
	ps, err := s.st.PortalSyncState(ctx, s.portal)
	if err != nil {
		return Status{}, err
	}
	s.mu.Lock()
	syncing := s.syncing
	s.mu.Unlock()
	return Status{Portal: s.portal, Pending: counts[store.OpPending], NeedsPassword: counts[store.OpNeedsPassword],
		Failed: counts[store.OpFailed], Done: counts[store.OpDone], Syncing: syncing,
		MeSyncedAt: ps.MeAt, CertificatesSyncedAt: ps.CertificatesAt, IntegrationsSyncedAt: ps.IntegrationsAt,
		EventsSyncedAt: ps.EventsAt, LastErrorCode: ps.LastErrorCode}, nil
}

// Me returns the offline copy of GET /me (nil before the first sync) and
// when it was synced.
func (s *Service) Me(ctx context.Context) (*Me, time.Time, error) {
	data, err := s.st.PortalMe(ctx, s.portal)
	if err != nil || data == nil {
		return nil, time.Time{}, err
	}
	var me Me
	if err := json.Unmarshal(data, &me); err != nil {
		return nil, time.Time{}, fmt.Errorf("portal: the kept /me is damaged: %w", err)
	}
	ps, err := s.st.PortalSyncState(ctx, s.portal)
	return &me, ps.MeAt, err
}

// Certificates returns the offline copy of GET /certificates (with their
// usages) and when it was synced.
func (s *Service) Certificates(ctx context.Context) ([]Certificate, time.Time, error) {
	rows, err := s.st.PortalCertificates(ctx, s.portal)
	if err != nil {
		return nil, time.Time{}, err
	}
	out := make([]Certificate, 0, len(rows))
	for _, r := range rows {
		var c Certificate
		if json.Unmarshal(r.Data, &c) != nil {
			continue
		}
		c.Usages = []Usage{}
		for _, u := range r.Usages {
			c.Usages = append(c.Usages, Usage{IntegrationID: u.IntegrationID, Kind: u.Kind, Name: u.Name})
		}
		out = append(out, c)
	}
	ps, err := s.st.PortalSyncState(ctx, s.portal)
	return out, ps.CertificatesAt, err
}

// Integrations returns the offline copy of GET /integrations and when it
// was synced.
func (s *Service) Integrations(ctx context.Context) ([]Integration, time.Time, error) {
	rows, err := s.st.PortalIntegrations(ctx, s.portal)
	if err != nil {
		return nil, time.Time{}, err
	}
	out := make([]Integration, 0, len(rows))
	for _, r := range rows {
		var in Integration
		if json.Unmarshal(r.Data, &in) == nil {
			out = append(out, in)
		}
	}
	ps, err := s.st.PortalSyncState(ctx, s.portal)
	return out, ps.IntegrationsAt, err
}

// EventQuery selects events of the offline audit trail.
type EventQuery struct {
	CertificateID string `json:"certificateId,omitempty"`
	IntegrationID string `json:"integrationId,omitempty"`
	// Limit keeps the newest Limit (all when 0).
	Limit int `json:"limit,omitempty"`
}

// Events returns the offline audit trail, oldest first, and when it was
// synced.
func (s *Service) Events(ctx context.Context, q EventQuery) ([]Event, time.Time, error) {
	rows, err := s.st.PortalEvents(ctx, store.EventFilter{Portal: s.portal, CertificateID: q.CertificateID,
		IntegrationID: q.IntegrationID, Limit: q.Limit})
	if err != nil {
		return nil, time.Time{}, err
	}
	out := make([]Event, 0, len(rows))
	for _, r := range rows {
		var e Event
		if json.Unmarshal(r.Data, &e) == nil {
			out = append(out, e)
		}
	}
	ps, err := s.st.PortalSyncState(ctx, s.portal)
	return out, ps.EventsAt, err
}

func certRecord(c Certificate) store.CachedCertificate {
	data, _ := json.Marshal(c)
	r := store.CachedCertificate{ID: c.ID, SHA256: c.SHA256, Data: data}
	for _, u := range c.Usages {
		r.Usages = append(r.Usages, store.CachedUsage{CertificateID: c.ID, IntegrationID: u.IntegrationID, Kind: u.Kind, Name: u.Name})
	}
	return r
}

func integrationRecord(in Integration) store.CachedRecord {
	in.PreviousCertificateID = nil
	data, _ := json.Marshal(in)
	return store.CachedRecord{ID: in.ID, Kind: in.Kind, Data: data}
}

// DefaultRefreshPatience is how long Refresh keeps retrying one request
// that fails for a transient reason before it gives up.
const DefaultRefreshPatience = 20 * time.Second

// refreshBackoff caps the wait between tries of one GET: every request of
// a refresh is idempotent, and a refresh is what the user waits for.
const refreshBackoff = 2 * time.Second

// Refresh replaces the offline copy with the portal's records: /me, the
// certificates with their usages, the integrations, and the events since
// the last cursor. Each request is retried on its own after a transient
// failure, for up to Options.RefreshPatience, and what has been fetched is kept: a
// failure late in the refresh doesn't start it over, and the events go on
// from the last page read.
func (s *Service) Refresh(ctx context.Context) error {
	return s.refresh(ctx, s.opts.RefreshPatience)
}

// refresh is Refresh with patience for each request.
func (s *Service) refresh(ctx context.Context, patience time.Duration) (err error) {
	c := s.getClient()
	if c == nil {
		return ErrNoToken
	}
	defer func() {
		code := ""
		if err != nil {
			code = errs.Code(err)
		}
		if e := s.st.SetPortalSyncResult(context.WithoutCancel(ctx), s.portal, code, time.Now()); e != nil && err == nil {
			err = e
		}
	}()
	me, err := retryGet(ctx, s, patience, func() (Me, error) { return c.Me(ctx) })
	if err != nil {
		return err
	}
	meData, _ := json.Marshal(me)
	if err := s.st.SetPortalMe(ctx, s.portal, meData, time.Now()); err != nil {
		return err
	}
	list, err := retryGet(ctx, s, patience, func() ([]Certificate, error) { return c.Certificates(ctx) })
	if err != nil {
		return err
	}
	recs := make([]store.CachedCertificate, len(list))
	for i, cert := range list {
		recs[i] = certRecord(cert)
	}
	if err := s.st.ReplacePortalCertificates(ctx, s.portal, recs, time.Now()); err != nil {
		return err
	}
	ins, err := retryGet(ctx, s, patience, func() ([]Integration, error) { return c.Integrations(ctx) })
	if err != nil {
		return err
	}
	irecs := make([]store.CachedRecord, len(ins))
	for i, in := range ins {
		irecs[i] = integrationRecord(in)
	}
	if err := s.st.ReplacePortalIntegrations(ctx, s.portal, irecs, time.Now()); err != nil {
		return err
	}
	ps, err := s.st.PortalSyncState(ctx, s.portal)
	if err != nil {
		return err
	}
	cursor := ps.EventsCursor
	for range 1000 {
		page, err := retryGet(ctx, s, patience, func() (EventPage, error) { return c.Events(ctx, cursor, 500) })
		if err != nil {
			return err
		}
		evs := make([]store.CachedRecord, len(page.Events))
		for i, e := range page.Events {
			data, _ := json.Marshal(e)
			evs[i] = store.CachedRecord{ID: e.ID, CertificateID: e.CertificateID, IntegrationID: e.IntegrationID, Data: data}
		}
		if page.Next != "" {
			cursor = page.Next
		}
		if err := s.st.AddPortalEvents(ctx, s.portal, evs, cursor, time.Now()); err != nil {
			return err
		}
		if !page.HasMore || len(page.Events) == 0 {
			break
		}
	}
	return nil
}

// retryGet calls get until it succeeds, fails for good, or has failed for
// a transient reason for patience.
func retryGet[T any](ctx context.Context, s *Service, patience time.Duration, get func() (T, error)) (T, error) {
	b := Backoff{Base: min(s.opts.Backoff.Base, refreshBackoff), Max: min(s.opts.Backoff.Max, refreshBackoff)}
	until := time.Now().Add(patience)
	for attempt := 1; ; attempt++ {
		v, err := get()
		if err == nil || Classify(err) != Transient || ctx.Err() != nil {
			return v, err
		}
		delay := b.Delay(attempt, RetryAfterOf(err))
		if time.Now().Add(delay).After(until) {
			return v, err
		}
		t := time.NewTimer(delay)
		select {
		case <-ctx.Done():
			t.Stop()
			return v, err
		case <-t.C:
		}
	}
}
