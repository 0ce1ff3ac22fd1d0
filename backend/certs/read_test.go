package certs

import (
	"bytes"
	"crypto/x509"
	"strings"
	"testing"
	"time"

	gopkcs12 "software.sslmate.com/src/go-pkcs12"

	"dpgcerts/backend/errs"
	"dpgcerts/internal/pkcs12kdf"
	"dpgcerts/internal/pkitest"
)

type readCase struct {
	name       string
	data       func(t *testing.T, pki testPKI) []byte
	passwords  []string
	status     Status
	code       string
	format     Format
	encryption string // substring of File.Encryption
	noLeaf     bool   // no primary certificate expected
	keyMatch   bool
	chainLen   int
}

const pw = "Hemmelig-12!"

func TestReadVariants(t *testing.T) {
	pki := pkitest.DefaultOrg(t)
	leafDER := pki.Leaf.Cert.Raw
	chain := [][]byte{leafDER, pki.CA.Cert.Raw, pki.Root.Cert.Raw}
	rootFirst := [][]byte{pki.Root.Cert.Raw, pki.CA.Cert.Raw, leafDER}
	key := pkitest.PKCS8(t, pki.Leaf.Key)
	ossl := func(password string, args ...string) func(*testing.T, testPKI) []byte {
		return func(t *testing.T, p testPKI) []byte { return pkitest.OpenSSLP12(t, p, password, args...) }
	}
	built := func(s pkitest.P12Spec) func(*testing.T, testPKI) []byte {
		return func(t *testing.T, _ testPKI) []byte {
			if s.Certs == nil {
				s.Certs = chain
			}
			return pkitest.BuildP12(t, s)
		}
	}
	goEnc := func(enc *gopkcs12.Encoder, password string) func(*testing.T, testPKI) []byte {
		return func(t *testing.T, p testPKI) []byte {
			return pkitest.P12(t, enc, p.Leaf.Key, p.Leaf.Cert, []*x509.Certificate{p.CA.Cert, p.Root.Cert}, password)
		}
	}
	ok := func(name string, data func(*testing.T, testPKI) []byte, passwords []string, enc string) readCase {
		return readCase{name: name, data: data, passwords: passwords, status: StatusValid, format: FormatPKCS12,
			encryption: enc, keyMatch: true, chainLen: 2}
	}
	cases := []readCase{
		ok("openssl default AES-256 PBKDF2-SHA256 MAC SHA-256", ossl(pw), []string{pw}, "PBES2 PBKDF2-HMAC-SHA256 AES-256-CBC; MAC HMAC-SHA256"),
		ok("openssl AES-128", ossl(pw, "-certpbe", "AES-128-CBC", "-keypbe", "AES-128-CBC"), []string{pw}, "AES-128-CBC"),
		ok("openssl AES-192", ossl(pw, "-certpbe", "AES-192-CBC", "-keypbe", "AES-192-CBC"), []string{pw}, "AES-192-CBC"),
		ok("openssl legacy RC2-40 and 3DES, MAC SHA-1", ossl(pw, "-legacy"), []string{pw}, "PKCS#12 PBE SHA-1 RC2-40-CBC + PKCS#12 PBE SHA-1 3DES-CBC; MAC HMAC-SHA1"),
		ok("openssl 3DES certificates", ossl(pw, "-descert"), []string{pw}, "PKCS#12 PBE SHA-1 3DES-CBC"),
		ok("openssl MAC SHA-512", ossl(pw, "-macalg", "sha512"), []string{pw}, "MAC HMAC-SHA512"),
		ok("openssl MAC SHA-1", ossl(pw, "-macalg", "sha1"), []string{pw}, "MAC HMAC-SHA1"),
		ok("openssl without MAC", ossl(pw, "-nomac"), []string{pw}, "no MAC"),
		ok("openssl without encryption", ossl(pw, "-keypbe", "NONE", "-certpbe", "NONE"), []string{pw}, "no encryption"),
		ok("openssl without encryption or MAC", ossl("", "-keypbe", "NONE", "-certpbe", "NONE", "-nomac"), nil, "no encryption; no MAC"),
		ok("openssl empty password", ossl(""), nil, "PBES2"),
		ok("openssl legacy empty password", ossl("", "-legacy"), nil, "RC2-40"),
		ok("openssl Danish password", ossl("Blåbærgrød-æøå"), []string{"Blåbærgrød-æøå"}, "PBES2"),
		ok("openssl legacy Danish password", ossl("Blåbærgrød-æøå", "-legacy"), []string{"Blåbærgrød-æøå"}, "RC2-40"),
		ok("right password after wrong ones", ossl(pw), []string{"wrong", "also wrong", pw}, "PBES2"),
		ok("go-pkcs12 Modern2023", goEnc(gopkcs12.Modern2023, pw), []string{pw}, "PBES2"),
		ok("go-pkcs12 LegacyRC2", goEnc(gopkcs12.LegacyRC2, pw), []string{pw}, "RC2-40"),
		ok("go-pkcs12 LegacyDES", goEnc(gopkcs12.LegacyDES, pw), []string{pw}, "3DES"),
		ok("go-pkcs12 Modern2026 PBMAC1", goEnc(gopkcs12.Modern2026, pw), []string{pw}, "PBMAC1"),
		ok("PBKDF2-SHA1 AES-128", built(pkitest.P12Spec{Password: pw, MAC: "sha256", CertEnc: pkitest.PBES2SHA1AES128, KeyEnc: pkitest.PBES2SHA1AES128, Key: key}), []string{pw}, "PBES2 PBKDF2-HMAC-SHA1 AES-128-CBC"),
		ok("PBKDF2-SHA1 AES-256", built(pkitest.P12Spec{Password: pw, MAC: "sha1", CertEnc: pkitest.PBES2SHA1AES256, KeyEnc: pkitest.PBES2SHA1AES256, Key: key}), []string{pw}, "PBKDF2-HMAC-SHA1 AES-256-CBC"),
		ok("PBKDF2-SHA256 AES-192, MAC SHA-512", built(pkitest.P12Spec{Password: pw, MAC: "sha512", CertEnc: pkitest.PBES2SHA256AES192, KeyEnc: pkitest.PBES2SHA256AES192, Key: key}), []string{pw}, "AES-192-CBC; MAC HMAC-SHA512"),
		ok("BER at every level (Windows)", built(pkitest.P12Spec{Password: pw, MAC: "sha1", CertEnc: pkitest.PKCS12RC240, KeyEnc: pkitest.PKCS12TripleDES, Key: key, BER: true}), []string{pw}, "RC2-40"),
		ok("BER with AES", built(pkitest.P12Spec{Password: pw, MAC: "sha256", CertEnc: pkitest.PBES2SHA256AES256, KeyEnc: pkitest.PBES2SHA256AES256, Key: key, BER: true}), []string{pw}, "AES-256"),
		ok("root first (Azure Key Vault)", built(pkitest.P12Spec{Password: pw, MAC: "sha256", CertEnc: pkitest.PBES2SHA256AES256, KeyEnc: pkitest.PBES2SHA256AES256, Key: key, Certs: rootFirst}), []string{pw}, "AES-256"),
		ok("key before certificates", built(pkitest.P12Spec{Password: pw, MAC: "sha256", CertEnc: pkitest.PBES2SHA256AES256, KeyEnc: pkitest.PBES2SHA256AES256, Key: key, KeyFirst: true}), []string{pw}, "AES-256"),
		ok("empty password without terminator", built(pkitest.P12Spec{Password: "", BMPPassword: []byte{}, MAC: "sha1", CertEnc: pkitest.PKCS12TripleDES, KeyEnc: pkitest.PKCS12TripleDES, Key: key}), nil, "3DES"),
		ok("Danish password as OpenSSL 1.x bytes", built(pkitest.P12Spec{Password: "æøå-Åse", BMPPassword: pkcs12kdf.BytewiseBMP("æøå-Åse"), MAC: "sha1", CertEnc: pkitest.PKCS12RC240, KeyEnc: pkitest.PKCS12TripleDES, Key: key}), []string{"æøå-Åse"}, "RC2-40"),
		ok("plain key bag", built(pkitest.P12Spec{Password: pw, MAC: "sha256", CertEnc: pkitest.PBES2SHA256AES256, Key: key}), []string{pw}, "AES-256"),
		{name: "certificate-only store", data: built(pkitest.P12Spec{Password: pw, MAC: "sha256", CertEnc: pkitest.PBES2SHA256AES256}), passwords: []string{pw},
			status: StatusValid, format: FormatPKCS12, encryption: "AES-256", chainLen: 2},
		{name: "wrong password", data: ossl(pw), passwords: []string{"nope"}, status: StatusLocked, code: errs.PasswordRequired,
			format: FormatPKCS12, encryption: "PBES2 PBKDF2-HMAC-SHA256 AES-256-CBC", noLeaf: true},
		{name: "no password given", data: ossl(pw, "-legacy"), status: StatusLocked, code: errs.PasswordRequired,
			format: FormatPKCS12, encryption: "RC2-40", noLeaf: true},
		{name: "locked, certificates readable", data: ossl(pw, "-certpbe", "NONE"), passwords: []string{"nope"}, status: StatusLocked,
			code: errs.PasswordRequired, format: FormatPKCS12, chainLen: 2},
		{name: "key of another certificate", data: func(t *testing.T, p testPKI) []byte {
			return pkitest.BuildP12(t, pkitest.P12Spec{Password: pw, MAC: "sha256", CertEnc: pkitest.PBES2SHA256AES256, KeyEnc: pkitest.PBES2SHA256AES256,
				Key: pkitest.PKCS8(t, pkitest.RSAKey(t, 3)), Certs: [][]byte{leafDER}})
		}, passwords: []string{pw}, status: StatusInvalid, code: errs.KeyMismatch, format: FormatPKCS12},
		{name: "key without certificate", data: func(t *testing.T, p testPKI) []byte {
			return pkitest.BuildP12(t, pkitest.P12Spec{Password: pw, MAC: "sha256", KeyEnc: pkitest.PBES2SHA256AES256, Key: key, Certs: [][]byte{}})
		}, passwords: []string{pw}, status: StatusInvalid, code: errs.NoCertificate, format: FormatPKCS12, noLeaf: true},
		{name: "truncated", data: func(t *testing.T, p testPKI) []byte { b := pkitest.OpenSSLP12(t, p, pw); return b[:len(b)/2] },
			passwords: []string{pw}, status: StatusUnreadable, code: errs.Malformed, noLeaf: true},
		{name: "empty", data: func(*testing.T, testPKI) []byte { return nil }, status: StatusUnreadable, code: errs.EmptyFile, noLeaf: true},
		{name: "too large", data: func(*testing.T, testPKI) []byte { return make([]byte, MaxFileSize+1) },
			status: StatusUnreadable, code: errs.TooLarge, noLeaf: true},
		{name: "text", data: func(*testing.T, testPKI) []byte { return []byte("Husk at forny certifikatet i marts.\n") },
			status: StatusUnreadable, code: errs.NotACertificate, noLeaf: true},
		{name: "PEM certificate", data: func(t *testing.T, p testPKI) []byte { return pkitest.PEM("CERTIFICATE", leafDER) },
			status: StatusValid, format: FormatPEM},
		{name: "PEM chain with key, root first", data: func(t *testing.T, p testPKI) []byte {
			return bytes.Join([][]byte{pkitest.PEM("CERTIFICATE", p.Root.Cert.Raw), pkitest.PEM("CERTIFICATE", p.CA.Cert.Raw),
				pkitest.PEM("PRIVATE KEY", key), []byte("junk between blocks\r\n"), pkitest.PEM("CERTIFICATE", leafDER)}, nil)
		}, status: StatusValid, format: FormatPEM, keyMatch: true, chainLen: 2},
		{name: "PEM key only", data: func(t *testing.T, p testPKI) []byte { return pkitest.PEM("PRIVATE KEY", key) },
			status: StatusInvalid, code: errs.NoCertificate, format: FormatPEM, noLeaf: true},
		{name: "DER certificate", data: func(t *testing.T, p testPKI) []byte { return leafDER },
			status: StatusValid, format: FormatDER},
		{name: "DER certificate with trailing bytes", data: func(t *testing.T, p testPKI) []byte { return append(append([]byte{}, leafDER...), "\r\n"...) },
			status: StatusValid, format: FormatDER},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := Read(tc.data(t, pki), Options{Passwords: tc.passwords, Now: testNow, WarnDays: 30})
			if f.Status != tc.status {
				t.Fatalf("status = %s (%v), want %s", f.Status, f.Error, tc.status)
			}
			code := ""
			if f.Error != nil {
				code = f.Error.Code
				if f.Error.Message == "" {
					t.Error("error without a message")
				}
			}
			if code != tc.code {
				t.Errorf("code = %q (%v), want %q", code, f.Error, tc.code)
			}
			if tc.format != "" && f.Format != tc.format {
				t.Errorf("format = %q, want %q", f.Format, tc.format)
			}
			if !strings.Contains(f.Encryption, tc.encryption) {
				t.Errorf("encryption = %q, want it to contain %q", f.Encryption, tc.encryption)
			}
			if tc.noLeaf {
				if f.Certificate != nil {
					t.Errorf("unexpected certificate %s", f.Certificate.Subject)
				}
			} else if f.Certificate == nil || f.Certificate.SHA256 != facts(pki.Leaf.Cert, testNow).SHA256 {
				t.Errorf("primary certificate is not the organisation certificate: %+v", f.Certificate)
			}
			if f.KeyMatchesCertificate != tc.keyMatch {
				t.Errorf("keyMatchesCertificate = %v, want %v", f.KeyMatchesCertificate, tc.keyMatch)
			}
			if tc.chainLen > 0 && len(f.Chain) != tc.chainLen {
				t.Errorf("chain has %d certificates, want %d", len(f.Chain), tc.chainLen)
			}
			if len(f.Chain) == 2 && f.Chain[0].CommonName != "Den Danske Stat OCES udstedende-CA 1" {
				t.Errorf("chain not ordered leaf to root: %s, %s", f.Chain[0].CommonName, f.Chain[1].CommonName)
			}
			for _, p := range tc.passwords {
				if p != "" && f.Error != nil && strings.Contains(f.Error.Message, p) {
					t.Errorf("error message holds a password")
				}
			}
		})
	}
}

func TestReadOCESFacts(t *testing.T) {
	pki := pkitest.DefaultOrg(t)
	f := Read(pkitest.PEM("CERTIFICATE", pki.Leaf.Cert.Raw), Options{Now: testNow, WarnDays: 30})
	c := f.Certificate
	want := map[string]string{
		"cvr": c.CVR, "uuid": c.UUID, "email": c.Email, "oces": c.OCES, "org": c.Organization,
		"sig": c.SignatureAlgorithm, "key": c.KeyAlgorithm,
	}
	expect := map[string]string{
		"cvr": "29189889", "uuid": "2b0a1d3e-4f5a-4b6c-8d7e-9f0a1b2c3d4e", "email": "postkasse@testkommune.dk",
		"oces": "oces3", "org": "Testkommune Nord", "sig": "RSASSA-PSS SHA-256", "key": "RSA 2048",
	}
	for k, v := range expect {
		if want[k] != v {
			t.Errorf("%s = %q, want %q", k, want[k], v)
		}
	}
	if !strings.HasPrefix(c.Subject, "C=DK, O=Testkommune Nord") || !strings.Contains(c.Subject, "organizationIdentifier=NTRDK-29189889") ||
		!strings.Contains(c.Subject, "serialNumber=UI:DK-O:G:") {
		t.Errorf("subject = %q", c.Subject)
	}
	if c.Issuer != "C=DK, O=Testkommune Nord, CN=Den Danske Stat OCES udstedende-CA 1" {
		t.Errorf("issuer = %q", c.Issuer)
	}
	if len(c.SHA1) != 40 || len(c.SHA256) != 64 || strings.ToLower(c.SHA1) != c.SHA1 {
		t.Errorf("thumbprints %q %q", c.SHA1, c.SHA256)
	}
	if c.DaysLeft != daysLeft(pki.Leaf.Cert.NotAfter, testNow) || c.DaysLeft < 700 {
		t.Errorf("daysLeft = %d", c.DaysLeft)
	}
}

func TestStatusByDate(t *testing.T) {
	tests := []struct {
		name      string
		nb, na    time.Time
		wantState Status
	}{
		{"valid", testNow.AddDate(-1, 0, 0), testNow.AddDate(0, 0, 31), StatusValid},
		{"expiring at 30 days", testNow.AddDate(-1, 0, 0), testNow.AddDate(0, 0, 30), StatusExpiring},
		{"expiring tomorrow", testNow.AddDate(-1, 0, 0), testNow.Add(time.Hour), StatusExpiring},
		{"expired", testNow.AddDate(-3, 0, 0), testNow.Add(-time.Second), StatusExpired},
		{"not yet valid", testNow.Add(time.Hour), testNow.AddDate(3, 0, 0), StatusNotYetValid},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pki := pkitest.NewOrg(t, pkitest.RSAKey(t, 2+i%2), pkitest.Spec{CVR: "29189889", NotBefore: tt.nb, NotAfter: tt.na})
			f := Read(pki.Leaf.Cert.Raw, Options{Now: testNow, WarnDays: 30})
			if f.Status != tt.wantState {
				t.Fatalf("status = %s, want %s", f.Status, tt.wantState)
			}
			// A certificate known by its dates only is judged the same.
			if st, days := JudgeDates(tt.nb, tt.na, testNow, 30); st != f.Status || days != f.Certificate.DaysLeft {
				t.Errorf("JudgeDates = %s, %d; Read gave %s, %d", st, days, f.Status, f.Certificate.DaysLeft)
			}
			// Judge agrees with Read at another time.
			later := testNow.AddDate(5, 0, 0)
			Judge(&f, later, 30)
			if f.Status != StatusExpired && tt.na.Before(later) {
				t.Errorf("after Judge: %s", f.Status)
			}
		})
	}
}

func TestReadKeyTypes(t *testing.T) {
	tests := []struct {
		name string
		key  interface {
			Public() any
		}
	}{}
	_ = tests
	for _, kt := range []string{"ecdsa", "ed25519"} {
		t.Run(kt, func(t *testing.T) {
			var pki testPKI
			if kt == "ecdsa" {
				pki = pkitest.NewOrg(t, pkitest.NewECKey(t), pkitest.Spec{CVR: "29189889"})
			} else {
				pki = pkitest.NewOrg(t, pkitest.NewEd25519Key(t), pkitest.Spec{CVR: "29189889"})
			}
			data := pkitest.OpenSSLP12(t, pki, pw)
			f := Read(data, Options{Passwords: []string{pw}, Now: testNow, WarnDays: 30})
			if f.Status != StatusValid || !f.KeyMatchesCertificate {
				t.Fatalf("status %s match %v err %v", f.Status, f.KeyMatchesCertificate, f.Error)
			}
			if !strings.HasPrefix(f.Certificate.KeyAlgorithm, map[string]string{"ecdsa": "ECDSA P-256", "ed25519": "Ed25519"}[kt]) {
				t.Errorf("key algorithm %q", f.Certificate.KeyAlgorithm)
			}
		})
	}
}

// TestReadWorkBudget: a file whose key derivation is extremely slow is
// reported as locked after a bounded amount of work, instead of hanging the
// scan while every candidate password is tried.
func TestReadWorkBudget(t *testing.T) {
	old := workBudget
	workBudget = 1 << 21
	defer func() { workBudget = old }()
	pki := pkitest.DefaultOrg(t)
	data := pkitest.BuildP12(t, pkitest.P12Spec{Password: pw, MAC: "sha256", MACIter: 1 << 19, CertEnc: pkitest.PBES2SHA256AES256,
		KeyEnc: pkitest.PBES2SHA256AES256, Key: pkitest.PKCS8(t, pki.Leaf.Key), Certs: [][]byte{pki.Leaf.Cert.Raw}})
	wrong := make([]string, 50)
	for i := range wrong {
		wrong[i] = "wrong-" + string(rune('a'+i%26)) + string(rune('a'+i/26))
	}
	f := Read(data, Options{Passwords: append(wrong, pw), Now: testNow, WarnDays: 30})
	if f.Status != StatusLocked || !strings.Contains(f.Error.Message, "unusually slow") {
		t.Fatalf("status %s, error %v", f.Status, f.Error)
	}
	// The right password first still opens it.
	f = Read(data, Options{Passwords: []string{pw}, Now: testNow, WarnDays: 30})
	if f.Status != StatusValid {
		t.Fatalf("with the right password first: %s %v", f.Status, f.Error)
	}
}
