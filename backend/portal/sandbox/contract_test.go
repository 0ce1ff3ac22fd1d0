package sandbox_test

// An independent client of the sandbox: raw HTTP and JSON, written from
// portal-api.md alone (no types or code from backend/portal), to prove the
// sandbox keeps the contract.

import (
	"bytes"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"dpgcerts/backend/portal/portaltest"
	"dpgcerts/backend/portal/sandbox"
)

type raw struct {
	t    *testing.T
	base string
}

type reply struct {
	status int
	header http.Header
	body   []byte
	json   any
}

func (r reply) obj() map[string]any {
	m, _ := r.json.(map[string]any)
	return m
}

func (r reply) list() []any {
	l, _ := r.json.([]any)
	return l
}

func (c raw) do(method, path, token string, headers map[string]string, body any) reply {
	c.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case []byte:
		rd = bytes.NewReader(b)
	default:
		data, err := json.Marshal(b)
		if err != nil {
			c.t.Fatal(err)
		}
		rd = bytes.NewReader(data)
	}
	req, err := http.NewRequest(method, c.base+"/api/v1"+path, rd)
	if err != nil {
		c.t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	r := reply{status: resp.StatusCode, header: resp.Header, body: data}
	if err := json.Unmarshal(data, &r.json); err != nil {
		c.t.Fatalf("%s %s: the answer is not JSON: %q", method, path, data)
	}
	if !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
		c.t.Fatalf("%s %s: Content-Type %q", method, path, resp.Header.Get("Content-Type"))
	}
	return r
}

// wantError checks the error shape {"error": {"code", "message"}} and status.
func wantError(t *testing.T, r reply, status int, code string) {
	t.Helper()
	if r.status != status {
		t.Fatalf("HTTP %d, want %d: %s", r.status, status, r.body)
	}
	e, ok := r.obj()["error"].(map[string]any)
	if !ok || len(r.obj()) != 1 {
		t.Fatalf("not an error object: %s", r.body)
	}
	if e["code"] != code {
		t.Fatalf("code %v, want %s", e["code"], code)
	}
	if msg, ok := e["message"].(string); !ok || msg == "" {
		t.Fatalf("no message: %s", r.body)
	}
}

var (
	hexRe  = regexp.MustCompile(`^[0-9a-f]+$`)
	timeRe = regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$`)
)

func wantFields(t *testing.T, what string, m map[string]any, fields ...string) {
	t.Helper()
	for _, f := range fields {
		if _, ok := m[f]; !ok {
			t.Fatalf("%s has no %q: %v", what, f, m)
		}
	}
}

func wantTime(t *testing.T, what string, v any) {
	t.Helper()
	s, ok := v.(string)
	if !ok || !timeRe.MatchString(s) {
		t.Fatalf("%s = %v, want an RFC 3339 UTC time", what, v)
	}
}

func checkCertificate(t *testing.T, c map[string]any) {
	t.Helper()
	wantFields(t, "certificate", c, "id", "sha256", "sha1", "subject", "commonName", "email", "cvr", "uuid",
		"notBefore", "notAfter", "installedAt", "installedBy", "certificate", "usages")
	for _, f := range []string{"sha256", "sha1"} {
		if s, _ := c[f].(string); !hexRe.MatchString(s) {
			t.Fatalf("%s = %v, want lower-case hex", f, c[f])
		}
	}
	for _, f := range []string{"notBefore", "notAfter", "installedAt"} {
		wantTime(t, f, c[f])
	}
	if _, ok := c["usages"].([]any); !ok {
		t.Fatalf("usages = %v, want a list", c["usages"])
	}
	// The public certificate: base64 DER whose SHA-256 is the thumbprint.
	b64, _ := c["certificate"].(string)
	der, err := base64.StdEncoding.DecodeString(b64)
	if err != nil || len(der) == 0 {
		t.Fatalf("certificate = %.40q, want base64 DER (%v)", b64, err)
	}
	if _, err := x509.ParseCertificate(der); err != nil {
		t.Fatalf("certificate is not a DER certificate: %v", err)
	}
	if sum := sha256.Sum256(der); hex.EncodeToString(sum[:]) != c["sha256"] {
		t.Fatalf("the certificate's SHA-256 is not %v", c["sha256"])
	}
}

func TestContractRaw(t *testing.T) {
	url, _ := portaltest.Sandbox(t, sandbox.Options{MaxBody: 256 << 10})
	c := raw{t: t, base: url}
	admin := sandbox.TokenAdmin
	pki := portaltest.NewPKI(t)
	const password = "Æble-grød!12"
	upload := func(filename string, p12 []byte, password string) map[string]any {
		return map[string]any{"filename": filename, "pkcs12": base64.StdEncoding.EncodeToString(p12), "password": password}
	}
	key := func(i int) map[string]string {
		return map[string]string{"Idempotency-Key": fmt.Sprintf("00000000-0000-4000-8000-%012d", i)}
	}

	t.Run("authentication", func(t *testing.T) {
		wantError(t, c.do("GET", "/me", "", nil, nil), 401, "unauthenticated")
		wantError(t, c.do("GET", "/me", "wrong", nil, nil), 401, "unauthenticated")
		wantError(t, c.do("GET", "/certificates", sandbox.TokenUnregistered, nil, nil), 403, "not_registered")
		wantError(t, c.do("GET", "/integrations", sandbox.TokenOldPortal, nil, nil), 403, "migration_required")
	})

	t.Run("me", func(t *testing.T) {
		r := c.do("GET", "/me", admin, nil, nil)
		if r.status != 200 {
			t.Fatalf("HTTP %d", r.status)
		}
		user, _ := r.obj()["user"].(map[string]any)
		org, _ := r.obj()["organization"].(map[string]any)
		wantFields(t, "user", user, "email", "name")
		if org["cvr"] != "29189889" || org["name"] != "Testkommune Nord" {
			t.Fatalf("organization = %v", org)
		}
	})

	var integrations []any
	t.Run("integrations", func(t *testing.T) {
		r := c.do("GET", "/integrations", admin, nil, nil)
		integrations = r.list()
		if r.status != 200 || len(integrations) != 4 {
			t.Fatalf("HTTP %d: %s", r.status, r.body)
		}
		kinds := map[any]bool{}
		for _, v := range integrations {
			in := v.(map[string]any)
			wantFields(t, "integration", in, "id", "kind", "name", "version", "activeCertificateId", "activatedAt", "activatedBy")
			kinds[in["kind"]] = true
		}
		for _, k := range []string{"exchange_online", "digital_post", "mit_dk", "secure_mail"} {
			if !kinds[k] {
				t.Fatalf("no %s integration", k)
			}
		}
	})

	good := pki.P12(t, pki.Issue(t, portaltest.Leaf{}), password)
	var first map[string]any
	t.Run("install", func(t *testing.T) {
		r := c.do("POST", "/certificates", admin, key(1), upload("good.p12", good, password))
		if r.status != 201 {
			t.Fatalf("HTTP %d: %s", r.status, r.body)
		}
		first = r.obj()
		checkCertificate(t, first)
		// The same key: the first answer again.
		again := c.do("POST", "/certificates", admin, key(1), upload("good.p12", good, password))
		if again.status != 201 || !bytes.Equal(again.body, r.body) {
			t.Fatalf("replay: HTTP %d %s", again.status, again.body)
		}
		// Already installed: 200 with the existing record.
		dup := c.do("POST", "/certificates", admin, key(2), upload("copy.p12", good, password))
		if dup.status != 200 || dup.obj()["id"] != first["id"] {
			t.Fatalf("already installed: HTTP %d %s", dup.status, dup.body)
		}
		list := c.do("GET", "/certificates", admin, nil, nil).list()
		if len(list) != 1 {
			t.Fatalf("%d certificates", len(list))
		}
		checkCertificate(t, list[0].(map[string]any))
	})

	t.Run("concurrent duplicates", func(t *testing.T) {
		p12 := pki.P12(t, pki.Issue(t, portaltest.Leaf{}), password)
		var wg sync.WaitGroup
		bodies := make([]string, 8)
		for i := range bodies {
			wg.Go(func() {
				r := c.do("POST", "/certificates", admin, key(3), upload("same.p12", p12, password))
				bodies[i] = fmt.Sprint(r.status, string(r.body))
			})
		}
		wg.Wait()
		for _, b := range bodies {
			if b != bodies[0] || !strings.HasPrefix(b, "201") {
				t.Fatalf("answers differ: %v", bodies)
			}
		}
	})

	t.Run("refused uploads", func(t *testing.T) {
		other := pki.Issue(t, portaltest.Leaf{})
		for i, tc := range []struct {
			name string
			body any
			code string
		}{
			{"not pkcs12", upload("x.p12", []byte("hello"), password), "invalid_pkcs12"},
			{"wrong password", upload("x.p12", pki.P12(t, other, password), "nope"), "wrong_password"},
			{"no key", upload("x.p12", pki.P12NoKey(t, other, password), password), "no_private_key"},
			{"foreign", upload("x.p12", pki.P12(t, pki.Issue(t, portaltest.Leaf{CVR: "87654321"}), password), password), "cvr_mismatch"},
			{"expired", upload("x.p12", pki.P12(t, pki.Issue(t, portaltest.Leaf{NotAfter: time.Now().Add(-time.Hour)}), password), password), "certificate_expired"},
			{"not yet valid", upload("x.p12", pki.P12(t, pki.Issue(t, portaltest.Leaf{NotBefore: time.Now().Add(time.Hour)}), password), password), "certificate_not_yet_valid"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				wantError(t, c.do("POST", "/certificates", admin, key(100+i), tc.body), 422, tc.code)
			})
		}
		wantError(t, c.do("POST", "/certificates", admin, nil, upload("x.p12", good, password)), 400, "bad_request")
		wantError(t, c.do("POST", "/certificates", admin, key(200), []byte("{not json")), 400, "bad_request")
		wantError(t, c.do("POST", "/certificates", admin, key(201), map[string]any{"filename": "x.p12"}), 400, "bad_request")
		wantError(t, c.do("POST", "/certificates", admin, key(202), upload("big.p12", bytes.Repeat([]byte("A"), 300<<10), password)), 413, "payload_too_large")
	})

	t.Run("activate", func(t *testing.T) {
		exo := integrations[0].(map[string]any)
		path := "/integrations/" + exo["id"].(string) + "/certificate"
		body := map[string]any{"certificateId": first["id"]}
		wantError(t, c.do("PUT", path, admin, map[string]string{"Idempotency-Key": "k-a0"}, body), 400, "bad_request")
		h := map[string]string{"Idempotency-Key": "k-a1", "If-Match": exo["version"].(string)}
		r := c.do("PUT", path, admin, h, body)
		if r.status != 200 {
			t.Fatalf("HTTP %d: %s", r.status, r.body)
		}
		wantFields(t, "activation", r.obj(), "id", "kind", "name", "version", "activeCertificateId", "activatedAt", "activatedBy", "previousCertificateId")
		if r.obj()["activeCertificateId"] != first["id"] || r.obj()["previousCertificateId"] != nil || r.obj()["version"] == exo["version"] {
			t.Fatalf("activation: %s", r.body)
		}
		wantTime(t, "activatedAt", r.obj()["activatedAt"])
		if again := c.do("PUT", path, admin, h, body); again.status != 200 || !bytes.Equal(again.body, r.body) {
			t.Fatalf("replay: %d %s", again.status, again.body)
		}
		stale := map[string]string{"Idempotency-Key": "k-a2", "If-Match": exo["version"].(string)}
		wantError(t, c.do("PUT", path, admin, stale, body), 412, "precondition_failed")
		wantError(t, c.do("PUT", "/integrations/nope/certificate", admin, map[string]string{"Idempotency-Key": "k-a3", "If-Match": "1"}, body), 404, "not_found")
		fresh := map[string]string{"Idempotency-Key": "k-a4", "If-Match": r.obj()["version"].(string)}
		wantError(t, c.do("PUT", path, admin, fresh, map[string]any{"certificateId": "nope"}), 404, "not_found")
		// The usage shows on the certificate.
		for _, v := range c.do("GET", "/certificates", admin, nil, nil).list() {
			cert := v.(map[string]any)
			if cert["id"] != first["id"] {
				continue
			}
			usages := cert["usages"].([]any)
			if len(usages) != 1 {
				t.Fatalf("usages = %v", usages)
			}
			wantFields(t, "usage", usages[0].(map[string]any), "integrationId", "kind", "name")
		}
	})

	t.Run("events", func(t *testing.T) {
		var all []map[string]any
		after := ""
		for range 20 {
			path := "/events"
			if after != "" {
				path += "?after=" + after
			}
			r := c.do("GET", path, admin, nil, nil)
			if r.status != 200 {
				t.Fatalf("HTTP %d", r.status)
			}
			wantFields(t, "events page", r.obj(), "events", "next")
			evs := r.obj()["events"].([]any)
			for _, v := range evs {
				all = append(all, v.(map[string]any))
			}
			if len(evs) == 0 {
				break
			}
			after = r.obj()["next"].(string)
		}
		counts := map[string]int{}
		for _, e := range all {
			wantFields(t, "event", e, "id", "at", "actor", "action", "details")
			wantTime(t, "at", e["at"])
			counts[e["action"].(string)]++
			if strings.HasSuffix(e["action"].(string), "_failed") {
				if d, _ := e["details"].(map[string]any); d["code"] == nil {
					t.Fatalf("a failure without its code: %v", e)
				}
			}
		}
		// Two installs (replays and the duplicate add none), six refused
		// uploads, one activation, two refused activations (412 and the
		// unknown certificate).
		want := map[string]int{"certificate.installed": 2, "certificate.install_failed": 6,
			"integration.activated": 1, "integration.activation_failed": 2}
		for k, v := range want {
			if counts[k] != v {
				t.Fatalf("events %v, want %v", counts, want)
			}
		}
	})

	t.Run("unknown", func(t *testing.T) {
		wantError(t, c.do("GET", "/nothing", admin, nil, nil), 404, "not_found")
		for _, p := range []string{"/me/", "//me", "/integrations//certificate", "/integrations/x/certificate/more", ""} {
			wantError(t, c.do("GET", p, admin, nil, nil), 404, "not_found")
		}
	})

	t.Run("wrong method", func(t *testing.T) {
		for _, tt := range []struct{ method, path, allow string }{
			{"DELETE", "/me", "GET"},
			{"PATCH", "/certificates", "GET, POST"},
			{"POST", "/integrations", "GET"},
			{"GET", "/integrations/x/certificate", "PUT"},
			{"POST", "/events", "GET"},
		} {
			r := c.do(tt.method, tt.path, admin, nil, nil)
			wantError(t, r, 405, "bad_request")
			for _, m := range strings.Split(tt.allow, ", ") {
				if !slices.Contains(strings.Split(r.header.Get("Allow"), ", "), m) {
					t.Errorf("%s %s: Allow %q, want %s in it", tt.method, tt.path, r.header.Get("Allow"), m)
				}
			}
		}
		// The token is checked before the route.
		wantError(t, c.do("DELETE", "/me", "", nil, nil), 401, "unauthenticated")
		wantError(t, c.do("GET", "/nothing", "", nil, nil), 401, "unauthenticated")
	})
}

func TestCheckLoopback(t *testing.T) {
	for addr, ok := range map[string]bool{
		"127.0.0.1:8787": true, "localhost:8787": true, "[::1]:0": true,
		":8787": false, "0.0.0.0:8787": false, "192.168.1.5:8787": false,
	} {
		if err := sandbox.CheckLoopback(addr); (err == nil) != ok {
			t.Errorf("%s: %v", addr, err)
		}
	}
}

func TestSeedOnce(t *testing.T) {
	db := t.TempDir() + "/sandbox.db"
	for range 2 {
		srv, err := sandbox.Open(sandbox.Options{DB: db})
		if err != nil {
			t.Fatal(err)
		}
		var users, integrations int
		srv.DB().QueryRow(`SELECT COUNT(*) FROM users`).Scan(&users)
		srv.DB().QueryRow(`SELECT COUNT(*) FROM integrations`).Scan(&integrations)
		srv.Close()
		if users != 3 || integrations != 4 {
			t.Fatalf("%d users, %d integrations", users, integrations)
		}
	}
}

func TestMemoryDatabase(t *testing.T) {
	srv, err := sandbox.Open(sandbox.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	url, stop, err := srv.Start()
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	c := raw{t: t, base: url}
	pki := portaltest.NewPKI(t)
	var wg sync.WaitGroup
	for i := range 6 {
		p12 := pki.P12(t, pki.Issue(t, portaltest.Leaf{}), "pw")
		wg.Go(func() {
			r := c.do("POST", "/certificates", sandbox.TokenAdmin, map[string]string{"Idempotency-Key": fmt.Sprint("m", i%3)},
				map[string]any{"filename": "m.p12", "pkcs12": base64.StdEncoding.EncodeToString(p12), "password": "pw"})
			if r.status != 201 && r.status != 400 {
				t.Errorf("HTTP %d: %s", r.status, r.body)
			}
		})
	}
	wg.Wait()
	if n := len(c.do("GET", "/certificates", sandbox.TokenAdmin, nil, nil).list()); n != 3 {
		t.Fatalf("%d certificates, want 3 (one per key)", n)
	}
}
