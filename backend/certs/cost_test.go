package certs

import (
	"crypto/x509/pkix"
	"encoding/asn1"
	"testing"

	"dpgcerts/internal/pkcs12oid"
)

// The work budget must charge what a derivation really costs: every PBKDF2
// block, every PKCS#12 KDF round. A file that costs more than it is charged
// can take minutes instead of seconds at each scan.

var (
	oidAES256CBC  = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 1, 42}
	oidHMACSHA256 = asn1.ObjectIdentifier{1, 2, 840, 113549, 2, 9}
)

func pbkdf2Alg(t *testing.T, iter, keyLen int, prf asn1.ObjectIdentifier) pkix.AlgorithmIdentifier {
	t.Helper()
	p := struct {
		Salt       asn1.RawValue
		Iterations int
		KeyLength  int `asn1:"optional"`
		PRF        pkix.AlgorithmIdentifier
	}{asn1.RawValue{Tag: asn1.TagOctetString, Bytes: make([]byte, 8)}, iter, keyLen, pkix.AlgorithmIdentifier{Algorithm: prf, Parameters: asn1.NullRawValue}}
	return pkix.AlgorithmIdentifier{Algorithm: pkcs12oid.PBKDF2, Parameters: asn1.RawValue{FullBytes: mustMarshal(t, p)}}
}

func TestKDFCostCountsEveryBlock(t *testing.T) {
	const iter = 10000
	pbes2 := func(prf asn1.ObjectIdentifier) pkix.AlgorithmIdentifier {
		p := struct {
			KDF, Enc pkix.AlgorithmIdentifier
		}{pbkdf2Alg(t, iter, 0, prf), pkix.AlgorithmIdentifier{Algorithm: oidAES256CBC,
			Parameters: asn1.RawValue{FullBytes: mustMarshal(t, make([]byte, 16))}}}
		return pkix.AlgorithmIdentifier{Algorithm: pkcs12oid.PBES2, Parameters: asn1.RawValue{FullBytes: mustMarshal(t, p)}}
	}
	pkcs12 := func(id int) pkix.AlgorithmIdentifier {
		return pkix.AlgorithmIdentifier{Algorithm: append(pkcs12oid.PKCS12PBE[:7:7], id),
			Parameters: asn1.RawValue{FullBytes: mustMarshal(t, pbeParams{Salt: make([]byte, 8), Iterations: iter})}}
	}
	for _, tc := range []struct {
		name string
		alg  pkix.AlgorithmIdentifier
		want int
	}{
		// 32 bytes of key from 20-byte SHA-1 blocks: two blocks of two hashes.
		{"PBES2 HMAC-SHA1 AES-256", pbes2(oidHMACSHA1), 2 * 2 * iter},
		{"PBES2 HMAC-SHA256 AES-256", pbes2(oidHMACSHA256), 2 * iter},
		// 24 bytes of key (two rounds) and 8 of IV (one).
		{"PKCS#12 3DES", pkcs12(3), 3 * iter},
		{"PKCS#12 RC2-40", pkcs12(6), 2 * iter},
		{"PKCS#12 RC4-128", pkcs12(1), iter},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := parsePBE(tc.alg)
			if err != nil {
				t.Fatal(err)
			}
			if s.cost != tc.want {
				t.Fatalf("cost = %d, want %d", s.cost, tc.want)
			}
		})
	}
}

func pbmac1Data(t *testing.T, iter, keyLen int) *macData {
	t.Helper()
	p := struct{ KDF, MAC pkix.AlgorithmIdentifier }{pbkdf2Alg(t, iter, keyLen, oidHMACSHA1),
		pkix.AlgorithmIdentifier{Algorithm: oidHMACSHA1, Parameters: asn1.NullRawValue}}
	return &macData{Mac: digestInfo{Algorithm: pkix.AlgorithmIdentifier{Algorithm: oidPBMAC1,
		Parameters: asn1.RawValue{FullBytes: mustMarshal(t, p)}}}, MacSalt: []byte("NOT USED"), Iterations: 1}
}

func TestPBMAC1KeyLengthIsChargedAndCapped(t *testing.T) {
	const iter = 10000
	m, err := parseMAC(pbmac1Data(t, iter, 64))
	if err != nil {
		t.Fatal(err)
	}
	// 64 bytes from HMAC-SHA1 are four PBKDF2 blocks.
	if m.cost != 4*2*iter {
		t.Fatalf("cost = %d, want %d", m.cost, 4*2*iter)
	}
	for _, n := range []int{65, 1024} {
		if _, err := parseMAC(pbmac1Data(t, iter, n)); err == nil {
			t.Fatalf("a %d-byte PBMAC1 key was accepted", n)
		}
	}
}
