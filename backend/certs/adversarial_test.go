package certs

import (
	"bytes"
	"crypto/rand"
	"crypto/x509/pkix"
	"encoding/asn1"
	"os"
	"path/filepath"
	"testing"

	"dpgcerts/internal/pkcs12oid"
	"dpgcerts/internal/pkitest"
)

// The adversarial files of `make bench` (scripts/bench.sh): each one is as
// costly as this reader lets a file be, in one way. They are locked to the
// candidate passwords, so every candidate is tried until the work budget
// says stop. TestWriteAdversarialFiles writes them into ADVERSARIAL_DIR,
// with an OpenSSL-default file to compare them with.

// lockedPFX is a PKCS#12 file with one encrypted part under alg, random
// ciphertext, and mac (none when nil).
func lockedPFX(t testing.TB, alg pkix.AlgorithmIdentifier, mac *macData) []byte {
	t.Helper()
	var m any // a nil *macData would still be a MacData
	if mac != nil {
		m = *mac
	}
	return pkitest.LockedPFX(t, alg, randomBytes(2048), m)
}

func randomBytes(n int) []byte {
	b := make([]byte, n)
	rand.Read(b)
	return b
}

func adversarialFiles(t testing.TB) map[string][]byte {
	t.Helper()
	const iter = 1 << 22 // maxIterations
	aes256 := func(kdf pkix.AlgorithmIdentifier) pkix.AlgorithmIdentifier {
		p := struct{ KDF, Enc pkix.AlgorithmIdentifier }{kdf, pkix.AlgorithmIdentifier{Algorithm: oidAES256CBC,
			Parameters: asn1.RawValue{FullBytes: mustMarshal(t, randomBytes(16))}}}
		return pkix.AlgorithmIdentifier{Algorithm: pkcs12oid.PBES2, Parameters: asn1.RawValue{FullBytes: mustMarshal(t, p)}}
	}
	pbkdf2SHA1 := func(keyLen int) pkix.AlgorithmIdentifier {
		p := struct {
			Salt       asn1.RawValue
			Iterations int
			KeyLength  int `asn1:"optional"`
			PRF        pkix.AlgorithmIdentifier
		}{asn1.RawValue{Tag: asn1.TagOctetString, Bytes: randomBytes(16)}, iter, keyLen,
			pkix.AlgorithmIdentifier{Algorithm: oidHMACSHA1, Parameters: asn1.NullRawValue}}
		return pkix.AlgorithmIdentifier{Algorithm: pkcs12oid.PBKDF2, Parameters: asn1.RawValue{FullBytes: mustMarshal(t, p)}}
	}
	scryptMax := func() pkix.AlgorithmIdentifier {
		p := scryptParams{Salt: randomBytes(16), N: maxScryptBytes / 128, R: 1, P: 1, KeyLength: 32}
		return pkix.AlgorithmIdentifier{Algorithm: oidScrypt, Parameters: asn1.RawValue{FullBytes: mustMarshal(t, p)}}
	}
	pkcs12 := func(id int) pkix.AlgorithmIdentifier {
		return pkix.AlgorithmIdentifier{Algorithm: append(pkcs12oid.PKCS12PBE[:7:7], id),
			Parameters: asn1.RawValue{FullBytes: mustMarshal(t, pbeParams{Salt: randomBytes(8), Iterations: iter})}}
	}
	hmacSHA1 := &macData{Mac: digestInfo{Algorithm: pkix.AlgorithmIdentifier{Algorithm: asn1.ObjectIdentifier{1, 3, 14, 3, 2, 26},
		Parameters: asn1.NullRawValue}, Digest: randomBytes(20)}, MacSalt: randomBytes(8), Iterations: iter}
	pbmac1 := func() *macData {
		p := struct{ KDF, MAC pkix.AlgorithmIdentifier }{pbkdf2SHA1(maxMACKeyLength),
			pkix.AlgorithmIdentifier{Algorithm: oidHMACSHA1, Parameters: asn1.NullRawValue}}
		return &macData{Mac: digestInfo{Algorithm: pkix.AlgorithmIdentifier{Algorithm: oidPBMAC1,
			Parameters: asn1.RawValue{FullBytes: mustMarshal(t, p)}}, Digest: randomBytes(20)}, MacSalt: []byte("NOT USED"), Iterations: 1}
	}

	files := map[string][]byte{
		"pbmac1-sha1-64byte-key-4M-iterations.p12": lockedPFX(t, aes256(pbkdf2SHA1(0)), pbmac1()),
		"pbes2-sha1-aes256-4M-iterations.p12":      lockedPFX(t, aes256(pbkdf2SHA1(0)), nil),
		"pkcs12-3des-4M-iterations-mac.p12":        lockedPFX(t, pkcs12(3), hmacSHA1),
		"scrypt-128MiB.p12":                        lockedPFX(t, aes256(scryptMax()), nil),
	}
	// BER: 4 MiB of NULLs in one indefinite SEQUENCE (two million elements),
	// and a structure right at the element bound.
	files["ber-2M-nulls.p12"] = hugeBER()
	atBound := []byte{0x30, 0x80}
	for range maxBERElements - 2 {
		atBound = append(atBound, 0x05, 0x00)
	}
	files["ber-64k-elements.p12"] = append(atBound, 0x00, 0x00)
	// BER nested as deep as allowed, with chunked strings at the bottom.
	var deep []byte
	for range maxBERDepth - 1 {
		deep = append(deep, 0x30, 0x80)
	}
	for range 1000 {
		deep = append(deep, 0x24, 0x80, 0x04, 0x01, 0x41, 0x00, 0x00)
	}
	for range maxBERDepth - 1 {
		deep = append(deep, 0x00, 0x00)
	}
	files["ber-48-deep.p12"] = deep
	// PEM: 4 MiB of small damaged certificate blocks.
	var pem bytes.Buffer
	for pem.Len() < MaxFileSize-100 {
		pem.WriteString("-----BEGIN CERTIFICATE-----\nMAMCAQU=\n-----END CERTIFICATE-----\n")
	}
	files["pem-100k-blocks.pem"] = pem.Bytes()
	return files
}

func TestWriteAdversarialFiles(t *testing.T) {
	dir := os.Getenv("ADVERSARIAL_DIR")
	if dir == "" {
		t.Skip("ADVERSARIAL_DIR is not set (scripts/bench.sh sets it)")
	}
	files := adversarialFiles(t)
	files["normal-openssl-default.p12"] = pkitest.OpenSSLP12(t, pkitest.DefaultOrg(t), os.Getenv("BENCH_PASSWORD"))
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
}

// Every adversarial file is read to an answer within the budget (checked
// with a lowered budget, so the test is quick).
func TestAdversarialFilesAreAnswered(t *testing.T) {
	defer func(b int) { workBudget = b }(workBudget)
	workBudget = 1 << 16
	for name, data := range adversarialFiles(t) {
		if name == "scrypt-128MiB.p12" && testing.Short() {
			continue
		}
		t.Run(name, func(t *testing.T) {
			f := Read(data, Options{Passwords: []string{"a", "b", "c"}, Now: testNow})
			if f.Status != StatusLocked && f.Status != StatusUnreadable && f.Status != StatusInvalid {
				t.Fatalf("status %s", f.Status)
			}
		})
	}
}

// The encoders of the files above: the reader's own parameter types
// (macData, pbeParams, scryptParams); the PKCS#12 around them is
// pkitest's.

func mustMarshal(t testing.TB, v any) []byte {
	t.Helper()
	b, err := asn1.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
