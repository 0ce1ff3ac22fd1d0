package store

import (
	"context"
	"reflect"
	"testing"
	"time"

	"dpgcerts/backend/certs"
	"dpgcerts/backend/errs"
)

func TestRevocationRoundTrip(t *testing.T) {
	s := openMemory(t)
	ctx := context.Background()
	if _, ok, err := s.Revocation(ctx, "aa"); ok || err != nil {
		t.Fatalf("empty store: ok %v, err %v", ok, err)
	}
	at := time.Date(2026, 11, 2, 10, 30, 0, 0, time.UTC)
	revoked := certs.Revocation{Status: certs.RevocationRevoked, CheckedAt: at.Add(time.Hour), Source: "ocsp",
		RevokedAt: &at, Reason: "keyCompromise", NextUpdate: at.Add(5 * time.Hour)}
	unknown := certs.Revocation{Status: certs.RevocationUnknown, CheckedAt: at, Source: "crl",
		Error: &errs.Error{Code: "revocation_bad_signature", Message: "forged"}}
	if err := s.PutRevocation(ctx, "aa", unknown); err != nil {
		t.Fatal(err)
	}
	if err := s.PutRevocation(ctx, "bb", unknown); err != nil {
		t.Fatal(err)
	}
	// Replaced by the newer answer; Stale is not kept.
	stale := revoked
	stale.Stale = true
	if err := s.PutRevocation(ctx, "aa", stale); err != nil {
		t.Fatal(err)
	}
	got, ok, err := s.Revocation(ctx, "aa")
	if !ok || err != nil || !reflect.DeepEqual(got, revoked) {
		t.Errorf("Revocation = %+v, %v, %v; want %+v", got, ok, err, revoked)
	}
	all, err := s.Revocations(ctx)
	if err != nil || len(all) != 2 || !reflect.DeepEqual(all["bb"], unknown) || !reflect.DeepEqual(all["aa"], revoked) {
		t.Errorf("Revocations = %+v, %v", all, err)
	}
	if err := s.PutRevocation(ctx, "", revoked); err == nil {
		t.Error("an answer without a SHA-256 was stored")
	}
}

func TestIssuerCache(t *testing.T) {
	s := openMemory(t)
	ctx := context.Background()
	u := "http://127.0.0.1:1/issuing.cer"
	if _, ok, err := s.Issuer(ctx, u); ok || err != nil {
		t.Fatalf("empty: %v %v", ok, err)
	}
	for _, der := range [][]byte{{1, 2, 3}, {4, 5}} {
		if err := s.PutIssuer(ctx, u, der); err != nil {
			t.Fatal(err)
		}
		if got, ok, err := s.Issuer(ctx, u); !ok || err != nil || !reflect.DeepEqual(got, der) {
			t.Errorf("Issuer = %v, %v, %v; want %v", got, ok, err, der)
		}
	}
}

func TestRevocationSetting(t *testing.T) {
	s := openMemory(t)
	ctx := context.Background()
	if !s.RevocationEnabled(ctx) {
		t.Error("revocation checks are off by default")
	}
	if err := s.SetString(ctx, RevocationCheck, "off"); err != nil {
		t.Fatal(err)
	}
	if s.RevocationEnabled(ctx) {
		t.Error("still on after off")
	}
	if err := s.SetString(ctx, RevocationCheck, "maybe"); err == nil {
		t.Error("a value outside on/off was stored")
	}
	s.Set(ctx, RevocationCheck.Key, "garbage")
	if !s.RevocationEnabled(ctx) {
		t.Error("a damaged value doesn't read as the default")
	}
}
