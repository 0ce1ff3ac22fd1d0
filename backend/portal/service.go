package portal

import (
	"context"
	"io"
	"log"
	"sync"
	"time"
)

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
	st     Storage
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

// NewService makes the service for the portal at portalURL, keeping its
// outbox and offline copy in st (the app's *store.Store). client may be
// nil (not signed in): the offline copy and the outbox still work, and
// Sync answers ErrNoToken until SetClient.
func NewService(st Storage, portalURL string, client *Client, opts Options) (*Service, error) {
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
	return Status{Portal: s.portal, Pending: counts[StatePending], NeedsPassword: counts[StateNeedsPassword],
		Failed: counts[StateFailed], Done: counts[StateDone], Syncing: syncing,
		MeSyncedAt: ps.MeAt, CertificatesSyncedAt: ps.CertificatesAt, IntegrationsSyncedAt: ps.IntegrationsAt,
		EventsSyncedAt: ps.EventsAt, LastErrorCode: ps.LastErrorCode}, nil
}
