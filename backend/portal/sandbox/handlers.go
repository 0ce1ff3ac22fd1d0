package sandbox

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"path"
	"strconv"
	"strings"

	"github.com/google/uuid"

	"dpgcerts/backend/certs"
	"dpgcerts/backend/errs"
	"dpgcerts/backend/portal"
)

// user is the authenticated caller.
type user struct {
	id    int64
	email string
	name  string
}

// answer is a complete response, kept for idempotent replays.
type answer struct {
	status int
	body   []byte
}

func jsonAnswer(status int, v any) answer {
	b, err := json.Marshal(v)
	if err != nil {
		return errAnswer(errs.Internal, "encode the answer")
	}
	return answer{status: status, body: b}
}

func errAnswer(code, format string, a ...any) answer {
	var eb portal.ErrorBody
	eb.Error.Code = code
	eb.Error.Message = fmt.Sprintf(format, a...)
	b, _ := json.Marshal(eb)
	return answer{status: portal.StatusOf(code), body: b}
}

func (a answer) write(w http.ResponseWriter, replayed bool) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	if replayed {
		w.Header().Set("Idempotent-Replayed", "true")
	}
	w.WriteHeader(a.status)
	w.Write(a.body)
}

// Handler serves the API under /api/v1, with the chaos options applied.
func (s *Server) Handler() http.Handler {
	api := s.routes()
	return s.chaos(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { s.serve(api, w, r) }))
}

// userKey holds the authenticated user in a request's context.
type userKey struct{}

// routes are the API's, under /api/v1. They run after authentication, with
// the user in the request's context.
func (s *Server) routes() *http.ServeMux {
	mux := http.NewServeMux()
	handle := func(method, path string, h func(w http.ResponseWriter, r *http.Request, u user)) {
		mux.HandleFunc(method+" "+portal.APIPath+path, func(w http.ResponseWriter, r *http.Request) {
			h(w, r, r.Context().Value(userKey{}).(user))
		})
	}
	handle(http.MethodGet, "/me", func(w http.ResponseWriter, r *http.Request, u user) {
		s.me(r.Context(), u).write(w, false)
	})
	handle(http.MethodGet, "/certificates", func(w http.ResponseWriter, r *http.Request, u user) {
		s.certificates(r.Context()).write(w, false)
	})
	handle(http.MethodPost, "/certificates", func(w http.ResponseWriter, r *http.Request, u user) {
		s.idempotent(w, r, u, s.install)
	})
	handle(http.MethodGet, "/integrations", func(w http.ResponseWriter, r *http.Request, u user) {
		s.integrations(r.Context()).write(w, false)
	})
	handle(http.MethodPut, "/integrations/{id}/certificate", func(w http.ResponseWriter, r *http.Request, u user) {
		id := r.PathValue("id")
		s.idempotent(w, r, u, func(ctx context.Context, tx *sql.Tx, u user, req parsed) answer {
			return s.activate(ctx, tx, u, id, req)
		})
	})
	handle(http.MethodGet, "/events", func(w http.ResponseWriter, r *http.Request, u user) {
		s.events(r.Context(), r).write(w, false)
	})
	return mux
}

// muxAnswer keeps the status and headers of ServeMux's own answer to an
// unknown route (404) or a wrong method (405, with Allow), and drops its
// plain-text body: the API answers in JSON.
type muxAnswer struct {
	header http.Header
	status int
}

func (m *muxAnswer) Header() http.Header         { return m.header }
func (m *muxAnswer) Write(b []byte) (int, error) { return len(b), nil }
func (m *muxAnswer) WriteHeader(status int)      { m.status = status }

// serve checks a request in the order API.md gives: a path outside the API,
// the token, then the route.
func (s *Server) serve(api *http.ServeMux, w http.ResponseWriter, r *http.Request) {
	if r.ContentLength > s.opts.MaxBody {
		s.refuseBody(w, r)
		return
	}
	if page, ok := formPages[r.URL.Path]; ok && r.Method == http.MethodGet {
		// The web forms the app links to (API.md, "Web forms").
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write([]byte(page))
		return
	}
	if !strings.HasPrefix(r.URL.Path, portal.APIPath+"/") {
		errAnswer(errs.NotFound, "no such resource: the API is under %s", portal.APIPath).write(w, false)
		return
	}
	u, a := s.authenticate(r)
	if a != nil {
		a.write(w, false)
		return
	}
	// An unclean path would be redirected to its clean form; the client
	// follows no redirects, so it is an unknown route.
	if h, pattern := api.Handler(r); pattern == "" || path.Clean(r.URL.Path) != r.URL.Path {
		m := &muxAnswer{header: http.Header{}, status: http.StatusNotFound}
		if pattern == "" {
			h.ServeHTTP(m, r)
		}
		if allow := m.header.Get("Allow"); m.status == http.StatusMethodNotAllowed && allow != "" {
			w.Header().Set("Allow", allow)
			a := errAnswer(errs.BadRequest, "method %s is not allowed here; use %s", r.Method, allow)
			a.status = http.StatusMethodNotAllowed
			a.write(w, false)
			return
		}
		errAnswer(errs.NotFound, "no such resource").write(w, false)
		return
	}
	api.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), userKey{}, u)))
}

// authenticate checks the bearer token.
func (s *Server) authenticate(r *http.Request) (user, *answer) {
	fail := func(code, msg string) (user, *answer) {
		a := errAnswer(code, "%s", msg)
		return user{}, &a
	}
	h := r.Header.Get("Authorization")
	scheme, token, ok := strings.Cut(h, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(token) == "" {
		return fail(errs.Unauthenticated, "an Authorization: Bearer token is required")
	}
	var u user
	var status string
	err := s.db.QueryRowContext(r.Context(),
		`SELECT id, email, name, status FROM users WHERE token_sha256 = ? AND organization_id = ?`,
		tokenHash(strings.TrimSpace(token)), s.orgID).Scan(&u.id, &u.email, &u.name, &status)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return fail(errs.Unauthenticated, "the access token is unknown or has expired")
	case err != nil:
		return fail(errs.Internal, "the user could not be looked up")
	case status == errs.NotRegistered:
		return fail(errs.NotRegistered, "you are not registered for the Customer Portal; register through the registration form")
	case status == errs.MigrationRequired:
		return fail(errs.MigrationRequired, "you are still on the old portal; ask for migration through the migration form")
	}
	return u, nil
}

func (s *Server) me(ctx context.Context, u user) answer {
	var me portal.Me
	me.User = portal.User{Email: u.email, Name: u.name}
	if err := s.db.QueryRowContext(ctx, `SELECT cvr, name FROM organizations WHERE id = ?`, s.orgID).
		Scan(&me.Organization.CVR, &me.Organization.Name); err != nil {
		return errAnswer(errs.Internal, "the organisation could not be read")
	}
	return jsonAnswer(http.StatusOK, me)
}

type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

const certColumns = `id, sha256, sha1, subject, common_name, email, cvr, uuid, not_before, not_after, installed_at, installed_by, der`

func scanCert(sc interface{ Scan(...any) error }) (portal.Certificate, error) {
	var c portal.Certificate
	var nb, na, ia string
	err := sc.Scan(&c.ID, &c.SHA256, &c.SHA1, &c.Subject, &c.CommonName, &c.Email, &c.CVR, &c.UUID, &nb, &na, &ia, &c.InstalledBy, &c.Certificate)
	c.NotBefore, c.NotAfter, c.InstalledAt = parseTime(nb), parseTime(na), parseTime(ia)
	if len(c.Certificate) == 0 {
		c.Certificate = nil // installed before the column existed
	}
	c.Usages = []portal.Usage{}
	return c, err
}

// usages returns the usages by certificate id.
func (s *Server) usages(ctx context.Context, q querier) (map[string][]portal.Usage, error) {
	rows, err := q.QueryContext(ctx, `SELECT active_certificate_id, id, kind, name FROM integrations
		WHERE organization_id = ? AND active_certificate_id IS NOT NULL ORDER BY position`, s.orgID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string][]portal.Usage{}
	for rows.Next() {
		var cid string
		var u portal.Usage
		if err := rows.Scan(&cid, &u.IntegrationID, &u.Kind, &u.Name); err != nil {
			return nil, err
		}
		out[cid] = append(out[cid], u)
	}
	return out, rows.Err()
}

func (s *Server) certificates(ctx context.Context) answer {
	list, err := s.listCertificates(ctx, s.db)
	if err != nil {
		return errAnswer(errs.Internal, "the certificates could not be read")
	}
	return jsonAnswer(http.StatusOK, list)
}

func (s *Server) listCertificates(ctx context.Context, q querier) ([]portal.Certificate, error) {
	usages, err := s.usages(ctx, q)
	if err != nil {
		return nil, err
	}
	rows, err := q.QueryContext(ctx, `SELECT `+certColumns+` FROM certificates WHERE organization_id = ? ORDER BY rowid`, s.orgID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	list := []portal.Certificate{}
	for rows.Next() {
		c, err := scanCert(rows)
		if err != nil {
			return nil, err
		}
		if u := usages[c.ID]; u != nil {
			c.Usages = u
		}
		list = append(list, c)
	}
	return list, rows.Err()
}

func (s *Server) certificate(ctx context.Context, q querier, where string, arg any) (portal.Certificate, error) {
	c, err := scanCert(q.QueryRowContext(ctx, `SELECT `+certColumns+` FROM certificates WHERE organization_id = ? AND `+where, s.orgID, arg))
	if err != nil {
		return c, err
	}
	usages, err := s.usages(ctx, q)
	if u := usages[c.ID]; u != nil {
		c.Usages = u
	}
	return c, err
}

const integrationColumns = `id, kind, name, revision, active_certificate_id, activated_at, activated_by`

func scanIntegration(sc interface{ Scan(...any) error }) (portal.Integration, error) {
	var in portal.Integration
	var rev int64
	var active, at, by sql.NullString
	err := sc.Scan(&in.ID, &in.Kind, &in.Name, &rev, &active, &at, &by)
	in.Version = version(in.ID, rev)
	if active.Valid {
		in.ActiveCertificateID = &active.String
	}
	if at.Valid {
		t := parseTime(at.String)
		in.ActivatedAt = &t
	}
	if by.Valid {
		in.ActivatedBy = &by.String
	}
	return in, err
}

// version is the opaque version of an integration: it changes with every
// change and differs between integrations.
func version(id string, rev int64) string {
	h := sha256.Sum256([]byte(id + "\x00" + strconv.FormatInt(rev, 10)))
	return strconv.FormatInt(rev, 10) + "-" + hex.EncodeToString(h[:4])
}

func (s *Server) integrations(ctx context.Context) answer {
	rows, err := s.db.QueryContext(ctx, `SELECT `+integrationColumns+` FROM integrations WHERE organization_id = ? ORDER BY position`, s.orgID)
	if err != nil {
		return errAnswer(errs.Internal, "the integrations could not be read")
	}
	defer rows.Close()
	list := []portal.Integration{}
	for rows.Next() {
		in, err := scanIntegration(rows)
		if err != nil {
			return errAnswer(errs.Internal, "the integrations could not be read")
		}
		list = append(list, in)
	}
	if rows.Err() != nil {
		return errAnswer(errs.Internal, "the integrations could not be read")
	}
	return jsonAnswer(http.StatusOK, list)
}

func (s *Server) events(ctx context.Context, r *http.Request) answer {
	q := r.URL.Query()
	after := int64(0)
	if v := q.Get("after"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 0 {
			return errAnswer(errs.BadRequest, "after must be a cursor from an earlier answer")
		}
		after = n
	}
	limit := DefaultEventsLimit
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > MaxEventsLimit {
			return errAnswer(errs.BadRequest, "limit must be between 1 and %d", MaxEventsLimit)
		}
		limit = n
	}
	rows, err := s.db.QueryContext(ctx, `SELECT seq, at, actor, action, certificate_id, integration_id, details
		FROM events WHERE organization_id = ? AND seq > ? ORDER BY seq LIMIT ?`, s.orgID, after, limit+1)
	if err != nil {
		return errAnswer(errs.Internal, "the events could not be read")
	}
	defer rows.Close()
	page := portal.EventPage{Events: []portal.Event{}, Next: q.Get("after")}
	for rows.Next() {
		var seq int64
		var at, details string
		var cid, iid sql.NullString
		var e portal.Event
		if err := rows.Scan(&seq, &at, &e.Actor, &e.Action, &cid, &iid, &details); err != nil {
			return errAnswer(errs.Internal, "the events could not be read")
		}
		if len(page.Events) == limit {
			page.HasMore = true
			break
		}
		e.ID, e.At, e.CertificateID, e.IntegrationID = itoa(seq), parseTime(at), cid.String, iid.String
		if json.Unmarshal([]byte(details), &e.Details) != nil || e.Details == nil {
			e.Details = map[string]any{}
		}
		page.Events = append(page.Events, e)
		page.Next = e.ID
	}
	if rows.Err() != nil {
		return errAnswer(errs.Internal, "the events could not be read")
	}
	return jsonAnswer(http.StatusOK, page)
}

// parsed is a validated request body with its fingerprint.
type parsed struct {
	fingerprint string
	install     *installBody
	activate    *activateBody
	ifMatch     string
}

type installBody struct {
	filename string
	pkcs12   []byte
	password string
	check    checked
}

type activateBody struct {
	certificateID string
}

// idempotent runs a state-changing request under its Idempotency-Key: it
// checks the key, reads and parses the body, replays the first answer to a
// known key, and otherwise runs do in one transaction that also records the
// answer. Requests with the same key run one after the other.
func (s *Server) idempotent(w http.ResponseWriter, r *http.Request, u user,
	do func(ctx context.Context, tx *sql.Tx, u user, req parsed) answer) {
	key := r.Header.Get("Idempotency-Key")
	if key == "" || len(key) > MaxKeyLength || strings.IndexFunc(key, func(c rune) bool { return c <= ' ' || c > '~' }) >= 0 {
		errAnswer(errs.BadRequest, "an Idempotency-Key header (1 to %d visible ASCII characters, a UUID is best) is required", MaxKeyLength).write(w, false)
		return
	}
	body, a := s.readBody(w, r)
	if a != nil {
		a.write(w, false)
		return
	}
	var req parsed
	if r.Method == http.MethodPost {
		req, a = parseInstall(body)
	} else {
		req, a = parseActivate(r, body)
	}
	if a != nil {
		a.write(w, false)
		return
	}
	req.fingerprint = r.Method + " " + r.URL.Path + "\n" + req.fingerprint

	unlock := s.lockKey(itoa(u.id) + "\x00" + key)
	defer unlock()
	ctx := r.Context()
	if a, found, replayed := s.replay(ctx, s.db, u, key, req.fingerprint); found {
		a.write(w, replayed)
		return
	}
	// The reader's work (key derivation) runs outside the transaction.
	if req.install != nil {
		req.install.check = s.checkBounded(ctx, req.install)
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		errAnswer(errs.Unavailable, "the database is busy").write(w, false)
		return
	}
	defer tx.Rollback()
	// Another process on the same database may have answered meanwhile.
	if a, found, replayed := s.replay(ctx, tx, u, key, req.fingerprint); found {
		tx.Rollback()
		a.write(w, replayed)
		return
	}
	ans := do(ctx, tx, u, req)
	if ans.status >= 500 {
		// A server fault has no effect and isn't remembered: a retry with
		// the same key runs again.
		tx.Rollback()
		ans.write(w, false)
		return
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO idempotency (user_id, key, fingerprint, status, body, created_at)
		VALUES (?, ?, ?, ?, ?, ?)`, u.id, key, req.fingerprint, ans.status, ans.body, formatTime(s.opts.Now())); err != nil {
		errAnswer(errs.Internal, "the answer could not be recorded").write(w, false)
		return
	}
	if err := tx.Commit(); err != nil {
		errAnswer(errs.Unavailable, "the change could not be saved").write(w, false)
		return
	}
	ans.write(w, false)
}

// replay returns the recorded answer to key (found and replayed). The same
// key with a different request is a client defect: 400, and nothing
// happens (found, not replayed); so is a database failure (503).
func (s *Server) replay(ctx context.Context, q querier, u user, key, fingerprint string) (a answer, found, replayed bool) {
	var fp string
	err := q.QueryRowContext(ctx, `SELECT fingerprint, status, body FROM idempotency WHERE user_id = ? AND key = ?`,
		u.id, key).Scan(&fp, &a.status, &a.body)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return answer{}, false, false
	case err != nil:
		return errAnswer(errs.Unavailable, "the database is busy"), true, false
	case fp != fingerprint:
		return errAnswer(errs.BadRequest, "this Idempotency-Key was already used for a different request"), true, false
	}
	return a, true, true
}

// maxDrain is how much of a refused body is read and thrown away so that
// the client, still sending, reads the 413 instead of a reset: closing a
// connection with unread data makes TCP reset it, and the reset discards
// the answer on its way. Past this, the connection is closed anyway.
const maxDrain = 64 << 20

// refuseBody answers 413 from the Content-Length alone, before reading any
// of the body, then drains what the client still sends (bounded by
// maxDrain and the read timeout) and closes the connection.
func (s *Server) refuseBody(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Connection", "close")
	rc := http.NewResponseController(w)
	_ = rc.EnableFullDuplex() // read the body after answering (HTTP/1.1)
	errAnswer(errs.PayloadTooLarge, "the request body is larger than %d bytes", s.opts.MaxBody).write(w, false)
	_ = rc.Flush()
	if r.ContentLength <= maxDrain {
		_, _ = io.Copy(io.Discard, io.LimitReader(r.Body, maxDrain))
	}
}

// readBody reads the body up to the limit.
func (s *Server) readBody(w http.ResponseWriter, r *http.Request) ([]byte, *answer) {
	if r.ContentLength > s.opts.MaxBody {
		a := errAnswer(errs.PayloadTooLarge, "the request body is larger than %d bytes", s.opts.MaxBody)
		return nil, &a
	}
	var buf bytes.Buffer
	_, err := buf.ReadFrom(http.MaxBytesReader(w, r.Body, s.opts.MaxBody))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			a := errAnswer(errs.PayloadTooLarge, "the request body is larger than %d bytes", s.opts.MaxBody)
			return nil, &a
		}
		a := errAnswer(errs.BadRequest, "the request body could not be read")
		return nil, &a
	}
	return buf.Bytes(), nil
}

func parseInstall(body []byte) (parsed, *answer) {
	var in struct {
		Filename *string `json:"filename"`
		PKCS12   *string `json:"pkcs12"`
		Password *string `json:"password"`
	}
	bad := func(msg string) (parsed, *answer) {
		a := errAnswer(errs.BadRequest, "%s", msg)
		return parsed{}, &a
	}
	if json.Unmarshal(body, &in) != nil {
		return bad("the body must be a JSON object {filename, pkcs12, password}")
	}
	switch {
	case in.Filename == nil || strings.TrimSpace(*in.Filename) == "":
		return bad("filename is required")
	case len(*in.Filename) > 255:
		return bad("filename is longer than 255 bytes")
	case in.PKCS12 == nil || *in.PKCS12 == "":
		return bad("pkcs12 is required (the file, base64)")
	case in.Password == nil:
		return bad(`password is required ("" for a file without one)`)
	}
	data, err := base64.StdEncoding.DecodeString(*in.PKCS12)
	if err != nil {
		return bad("pkcs12 is not base64 (standard alphabet, with padding)")
	}
	sum := sha256.Sum256(data)
	// The fingerprint leaves the password out: the database never holds it,
	// not even hashed.
	return parsed{
		fingerprint: *in.Filename + "\n" + hex.EncodeToString(sum[:]),
		install:     &installBody{filename: *in.Filename, pkcs12: data, password: *in.Password},
	}, nil
}

func parseActivate(r *http.Request, body []byte) (parsed, *answer) {
	bad := func(msg string) (parsed, *answer) {
		a := errAnswer(errs.BadRequest, "%s", msg)
		return parsed{}, &a
	}
	ifMatch := strings.TrimSpace(r.Header.Get("If-Match"))
	ifMatch = strings.TrimPrefix(ifMatch, "W/")
	ifMatch = strings.Trim(ifMatch, `"`)
	if ifMatch == "" {
		return bad("an If-Match header with the integration's version is required")
	}
	var in struct {
		CertificateID *string `json:"certificateId"`
	}
	if json.Unmarshal(body, &in) != nil {
		return bad("the body must be a JSON object {certificateId}")
	}
	if in.CertificateID == nil || *in.CertificateID == "" {
		return bad("certificateId is required")
	}
	return parsed{
		fingerprint: *in.CertificateID + "\n" + ifMatch,
		activate:    &activateBody{certificateID: *in.CertificateID},
		ifMatch:     ifMatch,
	}, nil
}

// checked is the verdict on an upload: the facts, or an error code.
type checked struct {
	code, message string
	cert          *certs.Certificate
}

// checkBounded runs check in one of MaxChecks slots, waiting for one; a
// client that gives up meanwhile gets unavailable.
func (s *Server) checkBounded(ctx context.Context, in *installBody) checked {
	select {
	case s.checks <- struct{}{}:
	case <-ctx.Done():
		return checked{code: errs.Unavailable, message: "the portal is busy checking other uploads"}
	}
	defer func() { <-s.checks }()
	if s.checkHook != nil {
		s.checkHook()
		return checked{code: errs.InvalidPKCS12, message: "test"}
	}
	return s.check(in)
}

// check judges an upload with the app's reader: a readable PKCS#12, the
// password right, a private key that matches the certificate, the
// organisation's CVR, valid now.
func (s *Server) check(in *installBody) checked {
	f := certs.Read(in.pkcs12, certs.Options{Passwords: []string{in.password}, Now: s.opts.Now(), WarnDays: 1, Memory: s.memory})
	fail := func(code, msg string) checked { return checked{code: code, message: msg} }
	switch {
	case f.Status == certs.StatusUnreadable || f.Format != certs.FormatPKCS12:
		msg := "the file is not a readable PKCS#12 file"
		if f.Error != nil && f.Error.Code == errs.UnsupportedEncryption {
			msg = "the file's encryption is not supported: " + f.Error.Message
		}
		return fail(errs.InvalidPKCS12, msg)
	case f.Status == certs.StatusLocked:
		return fail(errs.WrongPassword, "the password doesn't open the file")
	case in.password != "" && f.PasswordIndex != 0 && f.Encryption != "":
		// Opened by the empty password, not by the one given.
		return fail(errs.WrongPassword, "the password doesn't open the file")
	case f.Certificate == nil:
		return fail(errs.InvalidPKCS12, "the file holds no certificate")
	case !f.HasPrivateKey:
		return fail(errs.NoPrivateKey, "the file has no private key")
	case !f.KeyMatchesCertificate:
		return fail(errs.NoPrivateKey, "the file's private key doesn't belong to its certificate")
	}
	c := f.Certificate
	now := s.opts.Now()
	switch {
	case c.CVR != s.orgCVR:
		return fail(errs.CVRMismatch, "the certificate belongs to another organisation")
	case now.Before(c.NotBefore):
		return fail(errs.CertificateNotYetValid, "the certificate is not valid yet")
	case now.After(c.NotAfter):
		return fail(errs.CertificateExpired, "the certificate has expired")
	}
	return checked{cert: c}
}

func (s *Server) addEvent(ctx context.Context, tx *sql.Tx, u user, action, certID, integrationID string, details map[string]any) error {
	d, _ := json.Marshal(details)
	null := func(s string) any {
		if s == "" {
			return nil
		}
		return s
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO events (organization_id, at, actor, action, certificate_id, integration_id, details)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, s.orgID, formatTime(s.opts.Now()), u.email, action, null(certID), null(integrationID), string(d))
	return err
}

// install is POST /certificates, inside the idempotency transaction.
func (s *Server) install(ctx context.Context, tx *sql.Tx, u user, req parsed) answer {
	in := req.install
	v := in.check
	if v.code != "" {
		if err := s.addEvent(ctx, tx, u, portal.ActionCertificateInstallFail, "", "",
			map[string]any{"code": v.code, "filename": in.filename}); err != nil {
			return errAnswer(errs.Internal, "the event could not be recorded")
		}
		return errAnswer(v.code, "%s", v.message)
	}
	c := v.cert
	existing, err := s.certificate(ctx, tx, "sha256 = ?", c.SHA256)
	if err == nil {
		return jsonAnswer(http.StatusOK, existing)
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return errAnswer(errs.Internal, "the certificates could not be read")
	}
	id := uuid.NewString()
	now := s.opts.Now()
	if _, err := tx.ExecContext(ctx, `INSERT INTO certificates (id, organization_id, sha256, sha1, subject, common_name,
		email, cvr, uuid, not_before, not_after, has_private_key, filename, installed_at, installed_by, der)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?, ?)`,
		id, s.orgID, c.SHA256, c.SHA1, c.Subject, c.CommonName, c.Email, c.CVR, c.UUID,
		formatTime(c.NotBefore), formatTime(c.NotAfter), in.filename, formatTime(now), u.email, c.Raw); err != nil {
		return errAnswer(errs.Internal, "the certificate could not be saved")
	}
	if err := s.addEvent(ctx, tx, u, portal.ActionCertificateInstalled, id, "",
		map[string]any{"filename": in.filename, "sha256": c.SHA256}); err != nil {
		return errAnswer(errs.Internal, "the event could not be recorded")
	}
	rec, err := s.certificate(ctx, tx, "id = ?", id)
	if err != nil {
		return errAnswer(errs.Internal, "the certificate could not be read")
	}
	return jsonAnswer(http.StatusCreated, rec)
}

// activate is PUT /integrations/{id}/certificate, inside the idempotency
// transaction.
func (s *Server) activate(ctx context.Context, tx *sql.Tx, u user, integrationID string, req parsed) answer {
	in, err := scanIntegration(tx.QueryRowContext(ctx, `SELECT `+integrationColumns+` FROM integrations
		WHERE organization_id = ? AND id = ?`, s.orgID, integrationID))
	if errors.Is(err, sql.ErrNoRows) {
		return errAnswer(errs.NotFound, "no integration with this id")
	}
	if err != nil {
		return errAnswer(errs.Internal, "the integration could not be read")
	}
	certID := req.activate.certificateID
	failed := func(code, format string, a ...any) answer {
		if err := s.addEvent(ctx, tx, u, portal.ActionIntegrationActivateErr, certID, integrationID,
			map[string]any{"code": code}); err != nil {
			return errAnswer(errs.Internal, "the event could not be recorded")
		}
		return errAnswer(code, format, a...)
	}
	if req.ifMatch != in.Version {
		return failed(errs.PreconditionFailed, "the integration has changed since version %s; reload it", req.ifMatch)
	}
	var nb, na, cvr string
	var hasKey bool
	err = tx.QueryRowContext(ctx, `SELECT not_before, not_after, cvr, has_private_key FROM certificates
		WHERE organization_id = ? AND id = ?`, s.orgID, certID).Scan(&nb, &na, &cvr, &hasKey)
	if errors.Is(err, sql.ErrNoRows) {
		return failed(errs.NotFound, "no installed certificate with this id")
	}
	if err != nil {
		return errAnswer(errs.Internal, "the certificate could not be read")
	}
	now := s.opts.Now()
	switch {
	case now.Before(parseTime(nb)):
		return failed(errs.CertificateNotYetValid, "the certificate is not valid yet")
	case now.After(parseTime(na)):
		return failed(errs.CertificateExpired, "the certificate has expired")
	case !hasKey:
		return failed(errs.NoPrivateKey, "the certificate was installed without a private key")
	case cvr != s.orgCVR:
		return failed(errs.CVRMismatch, "the certificate belongs to another organisation")
	}
	previous := in.ActiveCertificateID
	if in.ActiveID() != certID {
		if _, err := tx.ExecContext(ctx, `UPDATE integrations SET active_certificate_id = ?, activated_at = ?,
			activated_by = ?, revision = revision + 1 WHERE id = ?`, certID, formatTime(now), u.email, integrationID); err != nil {
			return errAnswer(errs.Internal, "the integration could not be changed")
		}
		details := map[string]any{"previousCertificateId": nil}
		if previous != nil {
			details["previousCertificateId"] = *previous
		}
		if err := s.addEvent(ctx, tx, u, portal.ActionIntegrationActivated, certID, integrationID, details); err != nil {
			return errAnswer(errs.Internal, "the event could not be recorded")
		}
		in, err = scanIntegration(tx.QueryRowContext(ctx, `SELECT `+integrationColumns+` FROM integrations
			WHERE id = ?`, integrationID))
		if err != nil {
			return errAnswer(errs.Internal, "the integration could not be read")
		}
	}
	// Activating the certificate that is already active changes nothing
	// and adds no event.
	return jsonAnswer(http.StatusOK, activated{Integration: in, PreviousCertificateID: previous})
}

// activated is the answer to an activation: the integration and the
// certificate it used before (null for none).
type activated struct {
	portal.Integration
	PreviousCertificateID *string `json:"previousCertificateId"`
}

// formPages stand in for the portal's web forms: registration for a user
// who is not registered, migration for one still on the old portal.
var formPages = map[string]string{
	"/register": formPage("Register for the Customer Portal", "This sandbox stands in for the registration form. In production, the form asks for your name, e-mail and organisation (CVR), and DPG registers you."),
	"/migrate":  formPage("Move to the new Customer Portal", "This sandbox stands in for the migration form. In production, the form moves your user from the old portal to the new one."),
}

func formPage(title, text string) string {
	return "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>" + title +
		"</title></head><body style=\"font-family: sans-serif; max-width: 40rem; margin: 3rem auto\"><h1>" + title +
		"</h1><p>" + text + "</p></body></html>\n"
}
