package certs

import (
	"bytes"
	"fmt"
	"runtime"
	"testing"
	"time"

	"dpgcerts/backend/errs"
	"dpgcerts/internal/pkitest"
)

// fuzzSeeds are real files of each kind, so the fuzzer starts from
// structures worth mutating. They use ECDSA keys and no openssl, because
// every fuzz worker makes them again when it starts.
func fuzzSeeds(f *testing.F) [][]byte {
	p := pkitest.NewPKI(f, pkitest.PKIOptions{Now: testNow})
	leaf := p.Issue(f, pkitest.Spec{CN: "postkasse@testkommune.dk", Org: "Testkommune Nord", Country: "DK",
		CVR: "29189889", UUID: "2b0a1d3e-4f5a-4b6c-8d7e-9f0a1b2c3d4e"})
	pki := testPKI{Root: p.Root, CA: p.CA, Leaf: leaf}
	key := pkitest.PKCS8(f, pki.Leaf.Key)
	chain := [][]byte{pki.Leaf.Cert.Raw, pki.CA.Cert.Raw}
	return [][]byte{
		pkitest.BuildP12(f, pkitest.P12Spec{Password: pw, MAC: "sha256", CertEnc: pkitest.PBES2SHA256AES256, KeyEnc: pkitest.PBES2SHA256AES256, Key: key, Certs: chain}),
		pkitest.BuildP12(f, pkitest.P12Spec{Password: pw, MAC: "sha1", CertEnc: pkitest.PKCS12RC240, KeyEnc: pkitest.PKCS12TripleDES, Key: key, Certs: chain}),
		pkitest.BuildP12(f, pkitest.P12Spec{Password: pw, MAC: "sha1", CertEnc: pkitest.PKCS12RC240, KeyEnc: pkitest.PKCS12TripleDES, Key: key, Certs: chain, BER: true}),
		pkitest.BuildP12(f, pkitest.P12Spec{Password: pw, MAC: "sha256", CertEnc: pkitest.PBES2SHA1AES128, KeyEnc: pkitest.PBES2SHA1AES128, Key: key, Certs: chain}),
		pkitest.PEM("CERTIFICATE", pki.Leaf.Cert.Raw),
		append(pkitest.PEM("PRIVATE KEY", key), pkitest.PEM("CERTIFICATE", pki.Leaf.Cert.Raw)...),
		pki.Leaf.Cert.Raw,
		[]byte("not a certificate"),
	}
}

func FuzzRead(f *testing.F) {
	for _, s := range fuzzSeeds(f) {
		f.Add(s)
	}
	// Mutated iteration counts would otherwise make each run take seconds.
	maxIterations = 4096
	f.Fuzz(func(t *testing.T, data []byte) {
		timer := time.AfterFunc(3*time.Second, func() {
			buf := make([]byte, 1<<20)
			n := runtime.Stack(buf, true)
			panic(fmt.Sprintf("Read took over 3s on %x\n%s", data, buf[:n]))
		})
		r := Read(data, Options{Passwords: []string{pw, ""}, Now: testNow, WarnDays: 30})
		timer.Stop()
		if r.Error != nil && r.Error.Code == errs.Internal {
			t.Fatalf("reader panicked on %d bytes", len(data))
		}
		switch r.Status {
		case StatusValid, StatusExpiring, StatusExpired, StatusNotYetValid:
			if r.Certificate == nil || r.Error != nil {
				t.Fatalf("status %s without a certificate or with an error %v", r.Status, r.Error)
			}
		case StatusInvalid, StatusLocked, StatusUnreadable:
			if r.Error == nil || r.Error.Message == "" {
				t.Fatalf("status %s without an error", r.Status)
			}
		default:
			t.Fatalf("unknown status %q", r.Status)
		}
	})
}

func FuzzToDER(f *testing.F) {
	for _, s := range fuzzSeeds(f) {
		f.Add(s)
		if der, err := toDER(s); err == nil {
			f.Add(pkitest.DERToBER(f, der))
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		der, err := toDER(data)
		if err != nil {
			return
		}
		// DER is a fixed point.
		again, err := toDER(der)
		if err != nil {
			t.Fatalf("toDER output is not readable: %v", err)
		}
		if !bytes.Equal(again, der) {
			t.Fatalf("toDER is not idempotent")
		}
	})
}
