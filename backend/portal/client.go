package portal

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"dpgcerts/backend/errs"
	"dpgcerts/backend/secrets"
)

// APIPath is appended to the portal's address.
const APIPath = "/api/v1"

// EnvToken overrides the keychain's token, for scripts.
const EnvToken = "DPGCERTS_TOKEN"

// DefaultTimeout bounds one request, answer included.
const DefaultTimeout = 30 * time.Second

// maxAnswer bounds what the client reads of an answer.
const maxAnswer = 16 << 20

// NormalizeURL checks a portal address and returns it without a trailing
// slash (and without /api/v1, if the user pasted it). Plain http:// is
// refused unless the host is a loopback address.
func NormalizeURL(raw string) (string, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
		return "", &errs.Error{Code: errs.InvalidURL, Message: "the portal address must be an https:// address"}
	}
	if u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return "", &errs.Error{Code: errs.InvalidURL, Message: "the portal address must not hold a user, a query or a fragment"}
	}
	if u.Scheme == "http" && !IsLoopback(u.Hostname()) {
		return "", &errs.Error{Code: errs.InsecureURL, Message: "plain http:// is only allowed to a loopback address; use https://"}
	}
	u.Scheme = strings.ToLower(u.Scheme)
	u.Host = strings.ToLower(u.Host)
	u.Path = strings.TrimSuffix(strings.TrimRight(u.Path, "/"), APIPath)
	u.RawPath = ""
	return strings.TrimRight(u.String(), "/"), nil
}

// IsLoopback says whether host (a name or an IP, without port) is this machine.
func IsLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// TokenFor returns the access token for the portal: $DPGCERTS_TOKEN when set,
// else the keychain's (skipped when useKeychain is false). No token is
// ErrNoToken.
func TokenFor(portalURL string, getenv func(string) string, useKeychain bool) (string, error) {
	if t := strings.TrimSpace(getenv(EnvToken)); t != "" {
		return t, nil
	}
	if useKeychain {
		t, err := secrets.Token(portalURL)
		if err == nil && t != "" {
			return t, nil
		}
	}
	return "", &errs.Error{Code: errs.NoToken, Message: "no access token: set " + EnvToken + " or sign in in the window"}
}

// Client calls the portal's API. It is safe for concurrent use.
type Client struct {
	base  string // the portal's address + /api/v1
	token string
	http  *http.Client
}

// NewClient makes a client for the portal at portalURL (without /api/v1).
func NewClient(portalURL, token string) (*Client, error) {
	u, err := NormalizeURL(portalURL)
	if err != nil {
		return nil, err
	}
	if token == "" {
		return nil, &errs.Error{Code: errs.NoToken, Message: "no access token"}
	}
	// No automatic redirects: they could carry the token elsewhere.
	hc := &http.Client{
		Timeout: DefaultTimeout,
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
	}
	return &Client{base: u + APIPath, token: token, http: hc}, nil
}

// SetTimeout changes the per-request timeout.
func (c *Client) SetTimeout(d time.Duration) { c.http.Timeout = d }

// URL is the portal's address the client was made with (without /api/v1).
func (c *Client) URL() string { return strings.TrimSuffix(c.base, APIPath) }

// Me is GET /me.
func (c *Client) Me(ctx context.Context) (Me, error) {
	var me Me
	_, err := c.do(ctx, http.MethodGet, "/me", nil, nil, &me)
	return me, err
}

// Certificates is GET /certificates.
func (c *Client) Certificates(ctx context.Context) ([]Certificate, error) {
	var list []Certificate
	_, err := c.do(ctx, http.MethodGet, "/certificates", nil, nil, &list)
	for i := range list {
		if list[i].Usages == nil {
			list[i].Usages = []Usage{}
		}
	}
	return list, err
}

// Integrations is GET /integrations.
func (c *Client) Integrations(ctx context.Context) ([]Integration, error) {
	var list []Integration
	_, err := c.do(ctx, http.MethodGet, "/integrations", nil, nil, &list)
	return list, err
}

// Events is GET /events?after=cursor&limit=n; "" starts at the beginning and
// limit 0 takes the server's default.
func (c *Client) Events(ctx context.Context, after string, limit int) (EventPage, error) {
	q := url.Values{}
	if after != "" {
		q.Set("after", after)
	}
	if limit > 0 {
		q.Set("limit", strconv.Itoa(limit))
	}
	path := "/events"
	if len(q) > 0 {
		path += "?" + q.Encode()
	}
	var page EventPage
	_, err := c.do(ctx, http.MethodGet, path, nil, nil, &page)
	if page.Events == nil {
		page.Events = []Event{}
	}
	return page, err
}

// Install is POST /certificates with the idempotency key. created is true
// for 201 (new), false for 200 (already installed, or a replay of an
// earlier 200).
func (c *Client) Install(ctx context.Context, idempotencyKey string, req InstallRequest) (cert Certificate, created bool, err error) {
	if req.Password == nil {
		empty := ""
		req.Password = &empty
	}
	status, err := c.do(ctx, http.MethodPost, "/certificates",
		map[string]string{"Idempotency-Key": idempotencyKey}, req, &cert)
	if cert.Usages == nil {
		cert.Usages = []Usage{}
	}
	return cert, status == http.StatusCreated, err
}

// Activate is PUT /integrations/{id}/certificate with If-Match and the
// idempotency key. The answer holds previousCertificateId.
func (c *Client) Activate(ctx context.Context, idempotencyKey, integrationID, certificateID, ifMatch string) (Integration, error) {
	var in Integration
	_, err := c.do(ctx, http.MethodPut, "/integrations/"+url.PathEscape(integrationID)+"/certificate",
		map[string]string{"Idempotency-Key": idempotencyKey, "If-Match": ifMatch},
		ActivateRequest{CertificateID: certificateID}, &in)
	return in, err
}

// do sends one request and decodes a 2xx answer into out. Every failure is
// a *errs.Error.
func (c *Client) do(ctx context.Context, method, path string, headers map[string]string, body, out any) (int, error) {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return 0, &errs.Error{Code: errs.Internal, Message: "encode the request: " + err.Error()}
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, rd)
	if err != nil {
		return 0, &errs.Error{Code: errs.Internal, Message: "make the request: " + err.Error()}
	}
	req.Header.Set("Authorization", "Bearer "+c.token)
	req.Header.Set("Accept", "application/json")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return 0, &errs.Error{Code: errs.Network, Message: "cancelled", Err: ctx.Err()}
		}
		// url.Error quotes the URL, which holds no secret; the token is in a
		// header and never in an error.
		return 0, &errs.Error{Code: errs.Network, Message: err.Error(), Err: err}
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxAnswer))
	if err != nil {
		return resp.StatusCode, &errs.Error{Code: errs.Network, Message: "read the answer: " + err.Error(), Err: errors.Join(&answer{status: resp.StatusCode}, err)}
	}
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		if out != nil {
			if err := json.Unmarshal(data, out); err != nil {
				return resp.StatusCode, &errs.Error{Code: errs.Internal, Err: &answer{status: resp.StatusCode},
					Message: fmt.Sprintf("%s %s: the answer is not the expected JSON: %v", method, path, err)}
			}
		}
		return resp.StatusCode, nil
	}
	return resp.StatusCode, answerError(resp, data)
}

// answerError turns an error answer into a *errs.Error.
func answerError(resp *http.Response, data []byte) *errs.Error {
	var eb ErrorBody
	e := &errs.Error{Err: &answer{status: resp.StatusCode, retryAfter: retryAfter(resp.Header.Get("Retry-After"), time.Now())}}
	if json.Unmarshal(data, &eb) == nil && eb.Error.Code != "" {
		e.Code = knownCode(eb.Error.Code, resp.StatusCode)
		e.Message = eb.Error.Message
		if e.Code != eb.Error.Code {
			e.Message = fmt.Sprintf("unknown code %q (HTTP %d): %s", eb.Error.Code, resp.StatusCode, eb.Error.Message)
		}
		return e
	}
	e.Code = knownCode("", resp.StatusCode)
	e.Message = fmt.Sprintf("HTTP %d without an error body", resp.StatusCode)
	return e
}

// retryAfter reads Retry-After: seconds or an HTTP date.
func retryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if s, err := strconv.Atoi(v); err == nil {
		if s < 0 {
			return 0
		}
		return time.Duration(s) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil {
		if d := t.Sub(now); d > 0 {
			return d
		}
	}
	return 0
}

// IsNetwork says whether err is a network failure (no answer).
func IsNetwork(err error) bool {
	var e *errs.Error
	return errors.As(err, &e) && e.Code == errs.Network
}

// RegisterURL is the portal's registration form, for a user who is not
// registered (not_registered): the portal's address plus /register.
func RegisterURL(portalURL string) string { return strings.TrimSuffix(portalURL, "/") + "/register" }

// MigrateURL is the portal's migration form, for a user still on the old
// portal (migration_required): the portal's address plus /migrate.
func MigrateURL(portalURL string) string { return strings.TrimSuffix(portalURL, "/") + "/migrate" }

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
