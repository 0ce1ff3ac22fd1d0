package scan

import (
	"math/big"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"software.sslmate.com/src/go-pkcs12"

	"dpgcerts/backend/certs"
	"dpgcerts/backend/errs"
	"dpgcerts/backend/store"
	"dpgcerts/backend/store/storetest"
	"dpgcerts/internal/pkitest"
)

// Tests are dated from this fixed clock.
var t0 = time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)

// fakeReader stands in for certs.Read, so tests can count reads and see
// the password order. It understands three contents:
//
//	CERT <days>              a certificate that expires <days> after t0
//	LOCKED <password> <days> the same, behind a password
//	anything else            not a certificate
type fakeReader struct {
	calls atomic.Int64
	mu    sync.Mutex
	seen  [][]string // candidate lists, in call order
	sizes []int
	hook  func() // called on each read, e.g. to cancel
}

func (r *fakeReader) read(data []byte, opts certs.Options) certs.File {
	r.calls.Add(1)
	r.mu.Lock()
	r.seen = append(r.seen, slices.Clone(opts.Passwords))
	r.sizes = append(r.sizes, len(data))
	hook := r.hook
	r.mu.Unlock()
	if hook != nil {
		hook()
	}
	f := certs.File{Chain: []certs.Certificate{}, PasswordIndex: -1}
	var fields []string
	if len(data) < 100 {
		fields = strings.Fields(string(data))
	}
	days := func(s string) int {
		n := 0
		for _, c := range s {
			n = n*10 + int(c-'0')
		}
		return n
	}
	switch {
	case len(fields) == 2 && fields[0] == "CERT":
		f.Format = certs.FormatPEM
		f.Certificate = &certs.Certificate{CommonName: "c", NotBefore: t0.AddDate(-1, 0, 0),
			NotAfter: t0.AddDate(0, 0, days(fields[1])), Raw: []byte{0x30, 0}}
		f.Status = certs.StatusValid
		certs.Judge(&f, opts.Now, opts.WarnDays)
	case len(fields) == 3 && fields[0] == "LOCKED":
		f.Format = certs.FormatPKCS12
		i := slices.Index(opts.Passwords, fields[1])
		if i < 0 {
			f.Status = certs.StatusLocked
			f.Error = &errs.Error{Code: errs.PasswordRequired, Message: "m"}
			return f
		}
		f.PasswordIndex = i
		f.Certificate = &certs.Certificate{CommonName: "c", NotBefore: t0.AddDate(-1, 0, 0),
			NotAfter: t0.AddDate(0, 0, days(fields[2])), Raw: []byte{0x30, 0}}
		f.Status = certs.StatusValid
		certs.Judge(&f, opts.Now, opts.WarnDays)
	default:
		f.Status = certs.StatusUnreadable
		f.Error = &errs.Error{Code: errs.NotACertificate, Message: "m"}
	}
	return f
}

func (r *fakeReader) options(o Options) Options {
	o.read = r.read
	if o.Now.IsZero() {
		o.Now = t0
	}
	return o
}

// tree writes files (name -> content) under a new temp dir and returns it.
func tree(t testing.TB, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		write(t, filepath.Join(dir, name), content)
	}
	return dir
}

func write(t testing.TB, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func symlink(t testing.TB, target, link string) {
	t.Helper()
	if err := os.Symlink(target, link); err != nil {
		t.Skip("no symbolic links here:", err)
	}
}

func openStore(t testing.TB) *store.Store {
	t.Helper()
	s := storetest.Open(t, filepath.Join(t.TempDir(), "cache.db"))
	return s
}

// outcome is what a test checks of one File: path relative to the test
// dir, status and error code.
type outcome struct {
	Path   string
	Status certs.Status
	Code   string
}

func outcomes(t testing.TB, dir string, files []certs.File) []outcome {
	t.Helper()
	out := []outcome{}
	for _, f := range files {
		rel, err := filepath.Rel(dir, f.Path)
		if err != nil || !filepath.IsAbs(f.Path) {
			t.Errorf("path %q is not absolute under %q", f.Path, dir)
		}
		o := outcome{Path: filepath.ToSlash(rel), Status: f.Status}
		if f.Error != nil {
			o.Code = f.Error.Code
		}
		out = append(out, o)
	}
	return out
}

// realP12 makes a self-signed certificate valid for days after t0 and its
// PKCS#12 file under password, and the certificate as PEM.
func realP12(t testing.TB, password string, days int) (p12, pemCert []byte) {
	t.Helper()
	c := pkitest.SelfSigned(t, pkitest.Spec{CN: "Test Org - Scan", Org: "Test Org", Serial: big.NewInt(1),
		NotBefore: t0.AddDate(-1, 0, 0), NotAfter: t0.AddDate(0, 0, days)})
	return pkitest.P12(t, pkcs12.Modern, c.Key, c.Cert, nil, password), pkitest.PEM("CERTIFICATE", c.Cert.Raw)
}
