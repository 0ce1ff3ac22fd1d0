package certs

import (
	"crypto"
	"crypto/aes"
	"crypto/cipher"
	"crypto/des"
	"crypto/hmac"
	"crypto/pbkdf2"
	"crypto/rand"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"crypto/x509/pkix"
	"encoding/asn1"
	"hash"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"dpgcerts/internal/pkcs12kdf"
	"dpgcerts/internal/pkitest"
	"dpgcerts/internal/rc2"
)

// Test certificates are made on each run and dated from this fixed clock.
var testNow = pkitest.Now

// testPKI is a root, an issuing CA and an organisation certificate.
type testPKI struct {
	root, ca, leaf pkitest.Issued
}

// newPKI makes the OCES-like test CAs (RSA, from the kit's shared keys) and
// an organisation certificate of Testkommune Nord with the key. The issuing
// CA is in Testkommune Nord's organisation too, as the golden files have it.
func newPKI(t testing.TB, leafKey crypto.Signer, s pkitest.Spec) testPKI {
	t.Helper()
	p := pkitest.NewPKI(t, pkitest.PKIOptions{Now: testNow, RootKey: pkitest.RSAKey(t, 0), CAKey: pkitest.RSAKey(t, 1),
		CAOrg: "Testkommune Nord"})
	if s.CN == "" {
		s.CN = "postkasse@testkommune.dk"
	}
	s.Country, s.Org, s.Key = "DK", "Testkommune Nord", leafKey
	return testPKI{p.Root, p.CA, p.Issue(t, s)}
}

func defaultPKI(t testing.TB) testPKI {
	t.Helper()
	return newPKI(t, pkitest.RSAKey(t, 2), pkitest.Spec{CVR: "29189889", UUID: "2b0a1d3e-4f5a-4b6c-8d7e-9f0a1b2c3d4e", Email: "postkasse@testkommune.dk"})
}

// opensslP12 exports the PKI as PKCS#12 with openssl pkcs12 -export and the
// extra arguments; the password is passed through the environment.
func opensslP12(t testing.TB, pki testPKI, password string, args ...string) []byte {
	t.Helper()
	openssl := requireOpenSSL(t)
	dir := t.TempDir()
	leaf := pkitest.WriteFile(t, dir, "leaf.pem", pkitest.PEM("CERTIFICATE", pki.leaf.Cert.Raw))
	key := pkitest.WriteFile(t, dir, "key.pem", pkitest.PEM("PRIVATE KEY", pkitest.PKCS8(t, pki.leaf.Key)))
	chain := pkitest.WriteFile(t, dir, "chain.pem", append(pkitest.PEM("CERTIFICATE", pki.ca.Cert.Raw), pkitest.PEM("CERTIFICATE", pki.root.Cert.Raw)...))
	out := filepath.Join(dir, "out.p12")
	full := append([]string{"pkcs12", "-export", "-in", leaf, "-inkey", key, "-certfile", chain,
		"-passout", "env:P12PASS", "-out", out}, args...)
	cmd := exec.Command(openssl, full...)
	cmd.Env = append(os.Environ(), "P12PASS="+password)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("openssl %v: %v\n%s", args, err, b)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// The test-only PKCS#12 writer below makes the variants that neither Go nor
// OpenSSL's command line write: PBKDF2 with SHA-1, root-first order,
// certificate-only stores, the unterminated empty password, and so on.

type encSpec struct {
	scheme string // "pbes2", "3des", "rc2-40"
	prf    asn1.ObjectIdentifier
	prfNew func() hash.Hash
	aesLen int
	iter   int
}

var (
	pbes2SHA1AES128   = &encSpec{scheme: "pbes2", prf: asn1.ObjectIdentifier{1, 2, 840, 113549, 2, 7}, prfNew: sha1.New, aesLen: 16, iter: 2048}
	pbes2SHA1AES256   = &encSpec{scheme: "pbes2", prf: asn1.ObjectIdentifier{1, 2, 840, 113549, 2, 7}, prfNew: sha1.New, aesLen: 32, iter: 2048}
	pbes2SHA256AES192 = &encSpec{scheme: "pbes2", prf: asn1.ObjectIdentifier{1, 2, 840, 113549, 2, 9}, prfNew: sha256.New, aesLen: 24, iter: 2048}
	pbes2SHA256AES256 = &encSpec{scheme: "pbes2", prf: asn1.ObjectIdentifier{1, 2, 840, 113549, 2, 9}, prfNew: sha256.New, aesLen: 32, iter: 2048}
	pkcs12TripleDES   = &encSpec{scheme: "3des", iter: 2048}
	pkcs12RC240       = &encSpec{scheme: "rc2-40", iter: 2048}
)

type p12Spec struct {
	password    string
	bmpPassword []byte // the MAC and legacy password bytes; nil means standard BMP
	mac         string // "sha1", "sha256", "sha512" or "" for none
	certEnc     *encSpec
	keyEnc      *encSpec
	keyFirst    bool
	certs       [][]byte
	key         []byte // PKCS#8; nil for a certificate-only store
	ber         bool   // BER at every level, as Windows writes
	macIter     int    // 2048 when zero
}

func pad(b []byte, n int) []byte {
	p := n - len(b)%n
	out := append([]byte{}, b...)
	for i := 0; i < p; i++ {
		out = append(out, byte(p))
	}
	return out
}

func mustMarshal(t testing.TB, v any) []byte {
	t.Helper()
	b, err := asn1.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func rawOf(t testing.TB, der []byte) asn1.RawValue {
	return asn1.RawValue{FullBytes: der}
}

// encrypt encrypts plain by spec and returns the AlgorithmIdentifier.
func (s *encSpec) encrypt(t testing.TB, password string, bmp []byte, plain []byte) (pkix.AlgorithmIdentifier, []byte) {
	t.Helper()
	salt := make([]byte, 16)
	rand.Read(salt)
	switch s.scheme {
	case "pbes2":
		iv := make([]byte, 16)
		rand.Read(iv)
		key, _ := pbkdf2.Key(s.prfNew, password, salt, s.iter, s.aesLen)
		block, _ := aes.NewCipher(key)
		ct := pad(plain, 16)
		cipher.NewCBCEncrypter(block, iv).CryptBlocks(ct, ct)
		aesOID := map[int]asn1.ObjectIdentifier{16: {2, 16, 840, 1, 101, 3, 4, 1, 2}, 24: {2, 16, 840, 1, 101, 3, 4, 1, 22}, 32: {2, 16, 840, 1, 101, 3, 4, 1, 42}}[s.aesLen]
		kdfParams := mustMarshal(t, pbkdf2Params{Salt: rawOf(t, mustMarshal(t, salt)), Iterations: s.iter,
			PRF: pkix.AlgorithmIdentifier{Algorithm: s.prf, Parameters: asn1.NullRawValue}})
		params := mustMarshal(t, pbes2Params{
			KDF:        pkix.AlgorithmIdentifier{Algorithm: oidPBKDF2, Parameters: rawOf(t, kdfParams)},
			Encryption: pkix.AlgorithmIdentifier{Algorithm: aesOID, Parameters: rawOf(t, mustMarshal(t, iv))},
		})
		return pkix.AlgorithmIdentifier{Algorithm: oidPBES2, Parameters: rawOf(t, params)}, ct
	default:
		var id int
		var block cipher.Block
		kdf := func(purpose byte, n int) []byte { return pkcs12kdf.Derive(sha1.New, purpose, bmp, salt, s.iter, n) }
		if s.scheme == "3des" {
			id = 3
			block, _ = des.NewTripleDESCipher(kdf(pkcs12kdf.Key, 24))
		} else {
			id = 6
			block = rc2.New(kdf(pkcs12kdf.Key, 5), 40)
		}
		ct := pad(plain, 8)
		cipher.NewCBCEncrypter(block, kdf(pkcs12kdf.IV, 8)).CryptBlocks(ct, ct)
		params := mustMarshal(t, pbeParams{Salt: salt, Iterations: s.iter})
		return pkix.AlgorithmIdentifier{Algorithm: append(oidPKCS12PBE[:7:7], id), Parameters: rawOf(t, params)}, ct
	}
}

type safeBagOut struct {
	ID    asn1.ObjectIdentifier
	Value asn1.RawValue // explicit0
}

// explicit0 wraps DER in a [0] EXPLICIT tag; encoding/asn1 writes a
// RawValue's FullBytes as they are, ignoring the field's tag.
func explicit0(der []byte) asn1.RawValue {
	return asn1.RawValue{Class: asn1.ClassContextSpecific, Tag: 0, IsCompound: true, Bytes: der}
}

type certBagOut struct {
	ID   asn1.ObjectIdentifier
	Data []byte `asn1:"tag:0,explicit"`
}

type encryptedDataOut struct {
	Version int
	Info    encryptedContentInfoOut
}

type encryptedContentInfoOut struct {
	ContentType asn1.ObjectIdentifier
	Algorithm   pkix.AlgorithmIdentifier
	Content     []byte `asn1:"tag:0,optional"`
}

type contentInfoOut struct {
	ContentType asn1.ObjectIdentifier
	Content     asn1.RawValue // explicit0
}

type pfxOut struct {
	Version  int
	AuthSafe contentInfoOut
	MacData  macData `asn1:"optional"`
}

type encryptedPrivateKeyInfoOut struct {
	Algorithm pkix.AlgorithmIdentifier
	Data      []byte
}

func buildP12(t testing.TB, s p12Spec) []byte {
	t.Helper()
	bmp := s.bmpPassword
	if bmp == nil {
		bmp = pkcs12kdf.BMP(s.password)
	}
	var certBags []safeBagOut
	for _, c := range s.certs {
		certBags = append(certBags, safeBagOut{ID: oidCertBag, Value: explicit0(mustMarshal(t, certBagOut{ID: oidX509Certificate, Data: c}))})
	}
	dataCI := func(b []byte) contentInfoOut {
		return contentInfoOut{ContentType: oidData, Content: explicit0(mustMarshal(t, b))}
	}
	safe := func(bags []safeBagOut, enc *encSpec) contentInfoOut {
		plain := mustMarshal(t, bags)
		if s.ber {
			plain = derToBER(t, plain)
		}
		if enc == nil {
			return dataCI(plain)
		}
		alg, ct := enc.encrypt(t, s.password, bmp, plain)
		ed := mustMarshal(t, encryptedDataOut{Info: encryptedContentInfoOut{ContentType: oidData, Algorithm: alg, Content: ct}})
		return contentInfoOut{ContentType: oidEncryptedData, Content: explicit0(ed)}
	}
	var safes []contentInfoOut
	if len(certBags) > 0 {
		safes = append(safes, safe(certBags, s.certEnc))
	}
	if s.key != nil {
		var bag safeBagOut
		if s.keyEnc == nil {
			bag = safeBagOut{ID: oidKeyBag, Value: explicit0(s.key)}
		} else {
			alg, ct := s.keyEnc.encrypt(t, s.password, bmp, s.key)
			bag = safeBagOut{ID: oidShroudedKeyBag, Value: explicit0(mustMarshal(t, encryptedPrivateKeyInfoOut{alg, ct}))}
		}
		keySafe := safe([]safeBagOut{bag}, nil)
		if s.keyFirst {
			safes = append([]contentInfoOut{keySafe}, safes...)
		} else {
			safes = append(safes, keySafe)
		}
	}
	authSafe := mustMarshal(t, safes)
	if s.ber {
		authSafe = derToBER(t, authSafe)
	}
	pfx := pfxOut{Version: 3, AuthSafe: dataCI(authSafe)}
	if s.mac != "" {
		d := map[string]struct {
			oid asn1.ObjectIdentifier
			h   func() hash.Hash
		}{
			"sha1":   {asn1.ObjectIdentifier{1, 3, 14, 3, 2, 26}, sha1.New},
			"sha256": {asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 2, 1}, sha256.New},
			"sha512": {asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 2, 3}, sha512.New},
		}[s.mac]
		salt := make([]byte, 8)
		rand.Read(salt)
		iter := s.macIter
		if iter == 0 {
			iter = 2048
		}
		key := pkcs12kdf.Derive(d.h, pkcs12kdf.MAC, bmp, salt, iter, d.h().Size())
		m := hmac.New(d.h, key)
		m.Write(authSafe)
		pfx.MacData = macData{Mac: digestInfo{Algorithm: pkix.AlgorithmIdentifier{Algorithm: d.oid, Parameters: asn1.NullRawValue}, Digest: m.Sum(nil)}, MacSalt: salt, Iterations: iter}
	}
	out := mustMarshal(t, pfx)
	if s.ber {
		out = derToBER(t, out)
	}
	return out
}

// derToBER rewrites DER as Windows and Java write BER: every constructed
// element with an indefinite length, and every OCTET STRING cut into chunks.
func derToBER(t testing.TB, der []byte) []byte {
	t.Helper()
	el, _, err := parseBER(der, 0)
	if err != nil {
		t.Fatal(err)
	}
	return appendBER(nil, el)
}

func appendBER(out []byte, el berElement) []byte {
	if !el.constructed {
		if len(el.tag) == 1 && (el.tag[0] == 0x04 || el.tag[0] == 0x80) && len(el.content) > 8 {
			// Chunked OCTET STRING (also [0] IMPLICIT content).
			out = append(out, el.tag[0]|0x20, 0x80)
			for i := 0; i < len(el.content); i += 7 {
				end := min(i+7, len(el.content))
				out = appendLength(append(out, 0x04), end-i)
				out = append(out, el.content[i:end]...)
			}
			return append(out, 0, 0)
		}
		out = appendLength(append(out, el.tag...), len(el.content))
		return append(out, el.content...)
	}
	out = append(out, el.tag...)
	out = append(out, 0x80)
	for _, c := range el.children {
		out = appendBER(out, c)
	}
	return append(out, 0, 0)
}

// opensslRun runs openssl with args in dir and returns the named output file.
func opensslRun(t testing.TB, dir, out string, args ...string) []byte {
	t.Helper()
	cmd := exec.Command(requireOpenSSL(t), args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "P12PASS="+pw)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("openssl %v: %v\n%s", args, err, b)
	}
	data, err := os.ReadFile(filepath.Join(dir, out))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// pkiDir writes the PKI's certificates and key as PEM into a new folder.
func pkiDir(t testing.TB, pki testPKI) string {
	dir := t.TempDir()
	pkitest.WriteFile(t, dir, "leaf.pem", pkitest.PEM("CERTIFICATE", pki.leaf.Cert.Raw))
	pkitest.WriteFile(t, dir, "chain.pem", append(pkitest.PEM("CERTIFICATE", pki.ca.Cert.Raw), pkitest.PEM("CERTIFICATE", pki.root.Cert.Raw)...))
	pkitest.WriteFile(t, dir, "key.pem", pkitest.PEM("PRIVATE KEY", pkitest.PKCS8(t, pki.leaf.Key)))
	return dir
}
