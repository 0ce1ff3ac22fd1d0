package revocation

import (
	"bytes"
	"encoding/asn1"
	"math/big"
	"testing"
	"time"

	"golang.org/x/crypto/ocsp"

	"dpgcerts/backend/revocation/revocationtest"
)

// signedTBS is the signed part of an OCSP response, or nil.
func signedTBS(data []byte) []byte {
	var outer responseASN1
	if _, err := asn1.Unmarshal(data, &outer); err != nil {
		return nil
	}
	var basic basicResponse
	if _, err := asn1.Unmarshal(outer.Response.Response, &basic); err != nil {
		return nil
	}
	return basic.TBSResponseData.FullBytes
}

// FuzzVerifyOCSP: whatever a responder sends, the checker doesn't panic,
// and it says good or revoked only for the very bytes the CA signed.
func FuzzVerifyOCSP(f *testing.F) {
	p := revocationtest.New(f)
	leaf := p.Leaf(revocationtest.LeafOptions{Name: "fuzz@example.dk"})
	now := time.Now()
	var signed [][]byte
	for _, tc := range []struct {
		signer *revocationtest.Cert
		status int
	}{{&p.CA, ocsp.Good}, {&p.Responder, ocsp.Revoked}, {&p.Rogue, ocsp.Good}} {
		der, err := ocsp.CreateResponse(p.CA.Cert, tc.signer.Cert, ocsp.Response{
			Status: tc.status, SerialNumber: leaf.Cert.SerialNumber, ThisUpdate: now.Add(-time.Minute),
			NextUpdate: now.Add(time.Hour), RevokedAt: now.Add(-time.Hour), RevocationReason: ocsp.KeyCompromise,
		}, tc.signer.Key)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(der)
		if tc.signer != &p.Rogue {
			signed = append(signed, signedTBS(der))
		}
	}
	other, _ := ocsp.CreateResponse(p.CA.Cert, p.CA.Cert, ocsp.Response{Status: ocsp.Good, SerialNumber: big.NewInt(7),
		ThisUpdate: now, NextUpdate: now.Add(time.Hour)}, p.CA.Key)
	f.Add(other)
	f.Add([]byte{0x30, 0x03, 0x0A, 0x01, 0x03})
	c := New(Options{Now: func() time.Time { return now }})
	issuer, cert := p.CA.Cert, leaf.Cert
	f.Fuzz(func(t *testing.T, data []byte) {
		r, fl := c.verifyOCSP(data, nil, cert, issuer)
		if fl != nil {
			if fl.Code == "" || fl.Message == "" {
				t.Fatalf("a failure without code or message: %+v", fl)
			}
			return
		}
		tbs := signedTBS(data)
		for _, s := range signed {
			if bytes.Equal(tbs, s) {
				return
			}
		}
		t.Fatalf("%s for bytes the CA did not sign", r.Status)
	})
}
