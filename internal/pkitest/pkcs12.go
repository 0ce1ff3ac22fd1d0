package pkitest

// A PKCS#12 writer for the variants that neither Go nor OpenSSL's command
// line write: PBKDF2 with SHA-1, root-first order, certificate-only stores,
// BER as Windows and Java write it, the unterminated empty password, the
// bytes OpenSSL 1.x made of a non-ASCII password, and so on. It shares the
// KDF and RC2 with the reader (internal/pkcs12kdf, internal/rc2), but none
// of the reader's parsing.

import (
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
	"slices"

	"dpgcerts/internal/pkcs12kdf"
	"dpgcerts/internal/pkcs12oid"
	"dpgcerts/internal/rc2"
)

// The parameters as the writer encodes them (RFC 8018, RFC 7292).
type (
	pbeParamsOut struct {
		Salt       []byte
		Iterations int
	}
	pbes2ParamsOut  struct{ KDF, Encryption pkix.AlgorithmIdentifier }
	pbkdf2ParamsOut struct {
		Salt       asn1.RawValue
		Iterations int
		PRF        pkix.AlgorithmIdentifier
	}
	digestInfoOut struct {
		Algorithm pkix.AlgorithmIdentifier
		Digest    []byte
	}
	macDataOut struct {
		Mac        digestInfoOut
		MacSalt    []byte
		Iterations int
	}
)

// Enc is how a part of a PKCS#12 file is encrypted.
type Enc struct {
	scheme string // "pbes2", "3des", "rc2-40"
	prf    asn1.ObjectIdentifier
	prfNew func() hash.Hash
	aesLen int
	iter   int
}

// The schemes BuildP12 can encrypt with.
var (
	PBES2SHA1AES128   = &Enc{scheme: "pbes2", prf: asn1.ObjectIdentifier{1, 2, 840, 113549, 2, 7}, prfNew: sha1.New, aesLen: 16, iter: 2048}
	PBES2SHA1AES256   = &Enc{scheme: "pbes2", prf: asn1.ObjectIdentifier{1, 2, 840, 113549, 2, 7}, prfNew: sha1.New, aesLen: 32, iter: 2048}
	PBES2SHA256AES192 = &Enc{scheme: "pbes2", prf: asn1.ObjectIdentifier{1, 2, 840, 113549, 2, 9}, prfNew: sha256.New, aesLen: 24, iter: 2048}
	PBES2SHA256AES256 = &Enc{scheme: "pbes2", prf: asn1.ObjectIdentifier{1, 2, 840, 113549, 2, 9}, prfNew: sha256.New, aesLen: 32, iter: 2048}
	PKCS12TripleDES   = &Enc{scheme: "3des", iter: 2048}
	PKCS12RC240       = &Enc{scheme: "rc2-40", iter: 2048}
)

// P12Spec describes a PKCS#12 file for BuildP12.
type P12Spec struct {
	Password    string
	BMPPassword []byte // the MAC and legacy password bytes; nil means standard BMP
	MAC         string // "sha1", "sha256", "sha512" or "" for none
	CertEnc     *Enc
	KeyEnc      *Enc
	KeyFirst    bool
	Certs       [][]byte
	Key         []byte // PKCS#8; nil for a certificate-only store
	BER         bool   // BER at every level, as Windows writes
	MACIter     int    // 2048 when zero
}

func pad(b []byte, n int) []byte {
	p := n - len(b)%n
	out := append([]byte{}, b...)
	for i := 0; i < p; i++ {
		out = append(out, byte(p))
	}
	return out
}

func mustMarshal(t TB, v any) []byte {
	t.Helper()
	b, err := asn1.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func rawOf(t TB, der []byte) asn1.RawValue {
	return asn1.RawValue{FullBytes: der}
}

// encrypt encrypts plain by spec and returns the AlgorithmIdentifier.
func (s *Enc) encrypt(t TB, password string, bmp []byte, plain []byte) (pkix.AlgorithmIdentifier, []byte) {
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
		kdfParams := mustMarshal(t, pbkdf2ParamsOut{Salt: rawOf(t, mustMarshal(t, salt)), Iterations: s.iter,
			PRF: pkix.AlgorithmIdentifier{Algorithm: s.prf, Parameters: asn1.NullRawValue}})
		params := mustMarshal(t, pbes2ParamsOut{
			KDF:        pkix.AlgorithmIdentifier{Algorithm: pkcs12oid.PBKDF2, Parameters: rawOf(t, kdfParams)},
			Encryption: pkix.AlgorithmIdentifier{Algorithm: aesOID, Parameters: rawOf(t, mustMarshal(t, iv))},
		})
		return pkix.AlgorithmIdentifier{Algorithm: pkcs12oid.PBES2, Parameters: rawOf(t, params)}, ct
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
		params := mustMarshal(t, pbeParamsOut{Salt: salt, Iterations: s.iter})
		return pkix.AlgorithmIdentifier{Algorithm: append(pkcs12oid.PKCS12PBE[:7:7], id), Parameters: rawOf(t, params)}, ct
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
	MacData  macDataOut `asn1:"optional"`
}

type encryptedPrivateKeyInfoOut struct {
	Algorithm pkix.AlgorithmIdentifier
	Data      []byte
}

// LockedPFX is a PKCS#12 file with one encrypted part: ciphertext under
// alg, which may be any AlgorithmIdentifier (the reader's limits tests
// give hostile ones), and macData, any value asn1 encodes as a MacData
// (nil for none).
func LockedPFX(t TB, alg pkix.AlgorithmIdentifier, ciphertext []byte, macData any) []byte {
	t.Helper()
	ed := mustMarshal(t, encryptedDataOut{Info: encryptedContentInfoOut{ContentType: pkcs12oid.Data, Algorithm: alg, Content: ciphertext}})
	authSafe := mustMarshal(t, []contentInfoOut{{ContentType: pkcs12oid.EncryptedData, Content: explicit0(ed)}})
	pfx := struct {
		Version  int
		AuthSafe contentInfoOut
		MacData  asn1.RawValue `asn1:"optional"`
	}{Version: 3, AuthSafe: contentInfoOut{ContentType: pkcs12oid.Data, Content: explicit0(mustMarshal(t, authSafe))}}
	if macData != nil {
		pfx.MacData = rawOf(t, mustMarshal(t, macData))
	}
	return mustMarshal(t, pfx)
}

// BuildP12 writes a PKCS#12 file as the spec says.
func BuildP12(t TB, s P12Spec) []byte {
	t.Helper()
	bmp := s.BMPPassword
	if bmp == nil {
		bmp = pkcs12kdf.BMP(s.Password)
	}
	var certBags []safeBagOut
	for _, c := range s.Certs {
		certBags = append(certBags, safeBagOut{ID: pkcs12oid.CertBag, Value: explicit0(mustMarshal(t, certBagOut{ID: pkcs12oid.X509Certificate, Data: c}))})
	}
	dataCI := func(b []byte) contentInfoOut {
		return contentInfoOut{ContentType: pkcs12oid.Data, Content: explicit0(mustMarshal(t, b))}
	}
	safe := func(bags []safeBagOut, enc *Enc) contentInfoOut {
		plain := mustMarshal(t, bags)
		if s.BER {
			plain = DERToBER(t, plain)
		}
		if enc == nil {
			return dataCI(plain)
		}
		alg, ct := enc.encrypt(t, s.Password, bmp, plain)
		ed := mustMarshal(t, encryptedDataOut{Info: encryptedContentInfoOut{ContentType: pkcs12oid.Data, Algorithm: alg, Content: ct}})
		return contentInfoOut{ContentType: pkcs12oid.EncryptedData, Content: explicit0(ed)}
	}
	var safes []contentInfoOut
	if len(certBags) > 0 {
		safes = append(safes, safe(certBags, s.CertEnc))
	}
	if s.Key != nil {
		var bag safeBagOut
		if s.KeyEnc == nil {
			bag = safeBagOut{ID: pkcs12oid.KeyBag, Value: explicit0(s.Key)}
		} else {
			alg, ct := s.KeyEnc.encrypt(t, s.Password, bmp, s.Key)
			bag = safeBagOut{ID: pkcs12oid.ShroudedKeyBag, Value: explicit0(mustMarshal(t, encryptedPrivateKeyInfoOut{alg, ct}))}
		}
		keySafe := safe([]safeBagOut{bag}, nil)
		if s.KeyFirst {
			safes = append([]contentInfoOut{keySafe}, safes...)
		} else {
			safes = append(safes, keySafe)
		}
	}
	authSafe := mustMarshal(t, safes)
	if s.BER {
		authSafe = DERToBER(t, authSafe)
	}
	pfx := pfxOut{Version: 3, AuthSafe: dataCI(authSafe)}
	if s.MAC != "" {
		d := map[string]struct {
			oid asn1.ObjectIdentifier
			h   func() hash.Hash
		}{
			"sha1":   {asn1.ObjectIdentifier{1, 3, 14, 3, 2, 26}, sha1.New},
			"sha256": {asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 2, 1}, sha256.New},
			"sha512": {asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 2, 3}, sha512.New},
		}[s.MAC]
		salt := make([]byte, 8)
		rand.Read(salt)
		iter := s.MACIter
		if iter == 0 {
			iter = 2048
		}
		key := pkcs12kdf.Derive(d.h, pkcs12kdf.MAC, bmp, salt, iter, d.h().Size())
		m := hmac.New(d.h, key)
		m.Write(authSafe)
		pfx.MacData = macDataOut{Mac: digestInfoOut{Algorithm: pkix.AlgorithmIdentifier{Algorithm: d.oid, Parameters: asn1.NullRawValue}, Digest: m.Sum(nil)}, MacSalt: salt, Iterations: iter}
	}
	out := mustMarshal(t, pfx)
	if s.BER {
		out = DERToBER(t, out)
	}
	return out
}

// DERToBER rewrites DER as Windows and Java write BER: every constructed
// element with an indefinite length, and every OCTET STRING (also [0]
// IMPLICIT content) longer than 8 bytes cut into chunks of 7.
func DERToBER(t TB, der []byte) []byte {
	t.Helper()
	var out []byte
	for rest := der; len(rest) > 0; {
		var v asn1.RawValue
		var err error
		if rest, err = asn1.Unmarshal(rest, &v); err != nil {
			t.Fatal(err)
		}
		out = appendBER(t, out, v)
	}
	return out
}

func appendBER(t TB, out []byte, v asn1.RawValue) []byte {
	t.Helper()
	if v.Tag >= 31 {
		t.Fatal("pkitest: a multi-byte tag", v.Tag)
	}
	tag := byte(v.Class<<6 | v.Tag)
	if v.IsCompound {
		return append(append(append(out, tag|0x20, 0x80), DERToBER(t, v.Bytes)...), 0, 0)
	}
	if (tag == 0x04 || tag == 0x80) && len(v.Bytes) > 8 {
		// Chunked OCTET STRING.
		out = append(out, tag|0x20, 0x80)
		for chunk := range slices.Chunk(v.Bytes, 7) {
			out = append(appendLength(append(out, 0x04), len(chunk)), chunk...)
		}
		return append(out, 0, 0)
	}
	return append(appendLength(append(out, tag), len(v.Bytes)), v.Bytes...)
}

// appendLength appends a definite length in DER's shortest form.
func appendLength(out []byte, n int) []byte {
	if n < 0x80 {
		return append(out, byte(n))
	}
	var b []byte
	for ; n > 0; n >>= 8 {
		b = append([]byte{byte(n)}, b...)
	}
	return append(append(out, 0x80|byte(len(b))), b...)
}
