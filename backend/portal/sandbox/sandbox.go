// Package sandbox is the project's reference Customer Portal: it implements
// the whole contract of portal/API.md over net/http with its own SQLite
// database, for developers, tests and demos. It checks every upload itself
// with the app's certificate reader, enforces idempotency keys (also under
// concurrent duplicates) and If-Match, keeps the audit trail, and can inject
// faults (dropped answers after commit, 503, 429, latency).
//
// It never keeps a password, a private key or the uploaded file: only the
// certificate's public facts and whether its key was present and matching.
// Tokens are kept as their SHA-256.
package sandbox

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log"
	"math/rand/v2"
	"net"
	"net/http"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"

	_ "github.com/mattn/go-sqlite3" // registers the "sqlite3" driver

	"dpgcerts/backend/certs"
	"dpgcerts/backend/errs"
	"dpgcerts/backend/portal"
	"dpgcerts/backend/store"
)

// The seeded users' fixed tokens.
const (
	TokenAdmin        = "sandbox-admin"
	TokenUnregistered = "sandbox-unregistered"
	TokenOldPortal    = "sandbox-old-portal"
)

// The seeded organisation.
const (
	OrgCVR  = "29189889"
	OrgName = "Testkommune Nord"
)

// Seeded integration ids.
const (
	IntegrationExchangeOnline = "int-exchange-online"
	IntegrationDigitalPost    = "int-digital-post"
	IntegrationMitDK          = "int-mit-dk"
	IntegrationSecureMail     = "int-secure-mail-1"
)

// Limits.
const (
	// DefaultMaxBody is the request body limit (413 above it).
	DefaultMaxBody = 4 << 20
	// DefaultEventsLimit and MaxEventsLimit bound a page of GET /events.
	DefaultEventsLimit = 100
	MaxEventsLimit     = 500
	// MaxKeyLength bounds an Idempotency-Key.
	MaxKeyLength = 255
	// checkMemory bounds the key-derivation memory of the upload checks
	// that run at once: two of scrypt's largest tables.
	checkMemory = 256 << 20
)

// Options configure a sandbox.
type Options struct {
	// DB is the database file; "" or ":memory:" keeps everything in memory.
	DB string
	// Now is the clock (time.Now when nil). Uploads are judged at Now.
	Now func() time.Time
	// ChaosDrop is the probability of dropping the connection after the
	// request was handled (and committed), without an answer.
	ChaosDrop float64
	// Chaos5xx is the probability of answering 503 before doing anything.
	Chaos5xx float64
	// Chaos429 is the probability of answering 429 (Retry-After: 1) before
	// doing anything.
	Chaos429 float64
	// ChaosLatency delays every answer, after the work is done.
	ChaosLatency time.Duration
	// MaxBody is the request body limit; DefaultMaxBody when 0.
	MaxBody int64
	// Log receives one line per request (method, path, status, time); never
	// a header or a body. Nil logs nothing.
	Log io.Writer
	// ChaosSeed seeds the random numbers that decide each fault, so a
	// failing run can be replayed with the same seed (the same draws; with
	// requests that run at once, the order they draw in may still differ).
	// 0 picks a seed at random; Server.ChaosSeed reports it, and the log
	// shows it whenever a fault rate is set.
	ChaosSeed uint64
	// ReadTimeout bounds reading one request, body included; WriteTimeout
	// writing its answer (after ChaosLatency); IdleTimeout a kept-alive
	// connection between requests. Defaults when 0: 30 s, 60 s and 120 s.
	ReadTimeout, WriteTimeout, IdleTimeout time.Duration
	// MaxChecks bounds the uploads that the reader checks at once (each may
	// cost seconds of key derivation and scrypt's memory); GOMAXPROCS when 0.
	MaxChecks int
}

// Server is an open sandbox. Its Handler serves /api/v1.
type Server struct {
	opts   Options
	db     *sql.DB
	orgID  int64
	orgCVR string
	logger *log.Logger

	chaosMu  sync.Mutex
	chaosRNG *rand.Rand // guarded by chaosMu

	keyMu sync.Mutex
	keys  map[string]*keyLock

	checks    chan struct{} // a slot per upload check that may run
	memory    certs.Memory  // scrypt's tables of the checks, together
	checkHook func()        // tests: called inside each check's slot
}

//go:embed migrations/*.sql
var embedded embed.FS

// migrations are the sandbox's own schema, applied by the app's migrator.
var migrations = func() fs.FS {
	sub, err := fs.Sub(embedded, "migrations")
	if err != nil {
		panic(err) // the directory is embedded above
	}
	return sub
}()

// Open opens (creating and seeding if empty) the sandbox's database.
func Open(opts Options) (*Server, error) {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.MaxBody <= 0 {
		opts.MaxBody = DefaultMaxBody
	}
	for opts.ChaosSeed == 0 {
		opts.ChaosSeed = rand.Uint64()
	}
	if opts.ReadTimeout <= 0 {
		opts.ReadTimeout = 30 * time.Second
	}
	if opts.WriteTimeout <= 0 {
		opts.WriteTimeout = 60 * time.Second
	}
	if opts.IdleTimeout <= 0 {
		opts.IdleTimeout = 120 * time.Second
	}
	if opts.MaxChecks <= 0 {
		opts.MaxChecks = runtime.GOMAXPROCS(0)
	}
	for _, p := range []float64{opts.ChaosDrop, opts.Chaos5xx, opts.Chaos429} {
		if p < 0 || p > 1 {
			return nil, fmt.Errorf("sandbox: a chaos probability must be between 0 and 1, not %v", p)
		}
	}
	memory := opts.DB == "" || opts.DB == ":memory:"
	dsn := opts.DB
	if memory {
		// A named shared in-memory database, so all connections see it.
		dsn = fmt.Sprintf("file:sandbox-%d?mode=memory&cache=shared&", rand.Int64())
	} else {
		if strings.ContainsRune(dsn, '?') {
			return nil, fmt.Errorf("sandbox: database path %q must not contain '?'", dsn)
		}
		// It names the organisation's certificates and its users: 0600, as
		// the app's own database.
		if err := store.CreatePrivate(dsn); err != nil {
			return nil, err
		}
		dsn += "?"
	}
	dsn += "_journal_mode=WAL&_foreign_keys=on&_busy_timeout=10000&_txlock=immediate"
	db, err := sql.Open("sqlite3", dsn)
	if err != nil {
		return nil, fmt.Errorf("sandbox: open %s: %w", opts.DB, err)
	}
	if memory {
		db.SetMaxOpenConns(1)
		db.SetConnMaxIdleTime(0)
		db.SetMaxIdleConns(1)
	}
	s := &Server{opts: opts, db: db, keys: map[string]*keyLock{}, checks: make(chan struct{}, opts.MaxChecks),
		memory: certs.NewMemoryBudget(checkMemory), chaosRNG: rand.New(rand.NewPCG(opts.ChaosSeed, opts.ChaosSeed))}
	if opts.Log != nil {
		s.logger = log.New(opts.Log, "sandbox: ", log.LstdFlags|log.LUTC)
	}
	s.logChaos(s.currentChaos())
	ctx := context.Background()
	if err := store.Migrate(ctx, db, migrations); err != nil {
		db.Close()
		return nil, err
	}
	if err := s.seed(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return s, nil
}

// Close closes the database.
func (s *Server) Close() error { return s.db.Close() }

// DB is the sandbox's database, for tests that check its records.
func (s *Server) DB() *sql.DB { return s.db }

// seed fills an empty database with the organisation, its integrations and
// the three users.
func (s *Server) seed(ctx context.Context) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	s.orgCVR = OrgCVR
	err = tx.QueryRowContext(ctx, `SELECT id FROM organizations WHERE cvr = ?`, OrgCVR).Scan(&s.orgID)
	if err == nil {
		return tx.Commit()
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("sandbox: seed: %w", err)
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO organizations (cvr, name) VALUES (?, ?)`, OrgCVR, OrgName)
	if err != nil {
		return fmt.Errorf("sandbox: seed: %w", err)
	}
	s.orgID, _ = res.LastInsertId()
	users := []struct{ email, name, token, status string }{
		{"admin@testkommune-nord.dk", "Anna Admin", TokenAdmin, "registered"},
		{"ny.bruger@testkommune-nord.dk", "Niels Ny", TokenUnregistered, errs.NotRegistered},
		{"gammel.bruger@testkommune-nord.dk", "Grethe Gammel", TokenOldPortal, errs.MigrationRequired},
	}
	for _, u := range users {
		if _, err := tx.ExecContext(ctx,
			`INSERT INTO users (organization_id, email, name, token_sha256, status) VALUES (?, ?, ?, ?, ?)`,
			s.orgID, u.email, u.name, tokenHash(u.token), u.status); err != nil {
			return fmt.Errorf("sandbox: seed: %w", err)
		}
	}
	integrations := []struct{ id, kind, name string }{
		{IntegrationExchangeOnline, portal.KindExchangeOnline, "testkommunenord.onmicrosoft.com"},
		{IntegrationDigitalPost, portal.KindDigitalPost, "Digital Post (NgDP)"},
		{IntegrationMitDK, portal.KindMitDK, "mit.dk"},
		{IntegrationSecureMail, portal.KindSecureMail, "sikkerpost@testkommune-nord.dk"},
	}
	for i, in := range integrations {
		if _, err := tx.ExecContext(ctx,
			`INSERT INTO integrations (id, organization_id, kind, name, position) VALUES (?, ?, ?, ?, ?)`,
			in.id, s.orgID, in.kind, in.name, i); err != nil {
			return fmt.Errorf("sandbox: seed: %w", err)
		}
	}
	return tx.Commit()
}

func tokenHash(token string) string {
	h := sha256.Sum256([]byte(token))
	return hex.EncodeToString(h[:])
}

// keyLock serialises the requests that carry the same idempotency key, so a
// concurrent duplicate waits for the first and then replays its answer.
type keyLock struct {
	mu   sync.Mutex
	refs int
}

func (s *Server) lockKey(k string) func() {
	s.keyMu.Lock()
	l := s.keys[k]
	if l == nil {
		l = &keyLock{}
		s.keys[k] = l
	}
	l.refs++
	s.keyMu.Unlock()
	l.mu.Lock()
	return func() {
		l.mu.Unlock()
		s.keyMu.Lock()
		l.refs--
		if l.refs == 0 {
			delete(s.keys, k)
		}
		s.keyMu.Unlock()
	}
}

// Listen serves the sandbox on addr until ctx ends. It refuses an address
// that isn't loopback unless allowRemote. ready, when not nil, receives the
// base URL (http://host:port) once it is listening.
func (s *Server) Listen(ctx context.Context, addr string, allowRemote bool, ready func(url string)) error {
	if !allowRemote {
		if err := CheckLoopback(addr); err != nil {
			return err
		}
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("sandbox: %w", err)
	}
	srv := s.httpServer()
	if ready != nil {
		ready("http://" + ln.Addr().String())
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		srv.Shutdown(sctx)
		return nil
	}
}

// httpServer serves the handler with timeouts, so a slow or idle client
// can't hold a connection (and its goroutine) for ever.
func (s *Server) httpServer() *http.Server {
	return &http.Server{Handler: s.Handler(), ReadHeaderTimeout: min(10*time.Second, s.opts.ReadTimeout),
		ReadTimeout: s.opts.ReadTimeout, WriteTimeout: s.opts.WriteTimeout + s.opts.ChaosLatency,
		IdleTimeout: s.opts.IdleTimeout}
}

// CheckLoopback refuses a listen address whose host isn't a loopback
// address ("" and 0.0.0.0 mean every interface).
func CheckLoopback(addr string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("sandbox: address %q: %w", addr, err)
	}
	if !portal.IsLoopback(host) {
		return fmt.Errorf("sandbox: %q is not a loopback address; use --allow-remote to listen on it", addr)
	}
	return nil
}

// Serve opens a sandbox and serves it as Start does; stop also closes it.
// The window's --sandbox.
func Serve(opts Options) (url string, stop func(), err error) {
	srv, err := Open(opts)
	if err != nil {
		return "", nil, err
	}
	url, stopServing, err := srv.Start()
	if err != nil {
		srv.Close()
		return "", nil, err
	}
	return url, func() { stopServing(); srv.Close() }, nil
}

// Start serves the sandbox on a free loopback port in the background and
// returns its base URL and a function that stops it. For tests and for the
// window's --sandbox.
func (s *Server) Start() (url string, stop func(), err error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, fmt.Errorf("sandbox: %w", err)
	}
	srv := s.httpServer()
	done := make(chan struct{})
	go func() {
		defer close(done)
		srv.Serve(ln)
	}()
	return "http://" + ln.Addr().String(), func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if srv.Shutdown(ctx) != nil {
			srv.Close()
		}
		<-done
	}, nil
}

// formatTime is how times are stored and sent.
func formatTime(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }

func parseTime(s string) time.Time {
	t, _ := time.Parse(time.RFC3339Nano, s)
	return t
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
