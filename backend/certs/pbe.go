package certs

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/des"
	"crypto/md5"
	"crypto/pbkdf2"
	"crypto/rc4"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"crypto/x509/pkix"
	"encoding/asn1"
	"errors"
	"fmt"
	"hash"
	"math/big"

	"golang.org/x/crypto/scrypt"

	"dpgcerts/internal/pkcs12kdf"
	"dpgcerts/internal/pkcs12oid"
	"dpgcerts/internal/rc2"
)

// Limits that keep a hostile file from hanging a scan. Real files use at most
// a few hundred thousand PBKDF2 rounds. A variable so the fuzzer can lower it.
var maxIterations = 1 << 22

const maxScryptBytes = 128 << 20

var (
	oidPBES1    = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 5}
	oidPBMAC1   = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 5, 14}
	oidScrypt   = asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 11591, 4, 11}
	oidHMACSHA1 = asn1.ObjectIdentifier{1, 2, 840, 113549, 2, 7}
)

// digest describes a hash function by OID.
type digest struct {
	name string
	new  func() hash.Hash
}

// digests maps the digest OIDs PKCS#12 MACs use.
var digests = map[string]digest{
	"1.3.14.3.2.26":          {"SHA-1", sha1.New},
	"2.16.840.1.101.3.4.2.4": {"SHA-224", sha256.New224},
	"2.16.840.1.101.3.4.2.1": {"SHA-256", sha256.New},
	"2.16.840.1.101.3.4.2.2": {"SHA-384", sha512.New384},
	"2.16.840.1.101.3.4.2.3": {"SHA-512", sha512.New},
	"2.16.840.1.101.3.4.2.5": {"SHA-512/224", sha512.New512_224},
	"2.16.840.1.101.3.4.2.6": {"SHA-512/256", sha512.New512_256},
	"1.2.840.113549.2.5":     {"MD5", md5.New},
}

// hmacs maps the HMAC OIDs used as PBKDF2 PRFs and PBMAC1 MACs.
var hmacs = map[string]digest{
	"1.2.840.113549.2.7":  {"HMAC-SHA1", sha1.New},
	"1.2.840.113549.2.8":  {"HMAC-SHA224", sha256.New224},
	"1.2.840.113549.2.9":  {"HMAC-SHA256", sha256.New},
	"1.2.840.113549.2.10": {"HMAC-SHA384", sha512.New384},
	"1.2.840.113549.2.11": {"HMAC-SHA512", sha512.New},
	"1.2.840.113549.2.12": {"HMAC-SHA512/224", sha512.New512_224},
	"1.2.840.113549.2.13": {"HMAC-SHA512/256", sha512.New512_256},
}

// knownNames names schemes the reader recognises but can't decrypt, so the
// admin is told what the file uses instead of a bare OID.
var knownNames = map[string]string{
	"1.2.840.113549.1.5.1":         "PBES1 MD2 DES-CBC",
	"1.2.840.113549.1.5.4":         "PBES1 MD2 RC2-64-CBC",
	"2.16.840.1.101.3.4.1.6":       "AES-128-GCM",
	"2.16.840.1.101.3.4.1.26":      "AES-192-GCM",
	"2.16.840.1.101.3.4.1.46":      "AES-256-GCM",
	"1.2.392.200011.61.1.1.1.2":    "Camellia-128-CBC",
	"1.2.392.200011.61.1.1.1.3":    "Camellia-192-CBC",
	"1.2.392.200011.61.1.1.1.4":    "Camellia-256-CBC",
	"1.2.156.10197.1.104.2":        "SM4-CBC",
	"1.2.643.7.1.1.2.2":            "GOST R 34.11-2012 (256 bit)",
	"1.2.643.7.1.1.2.3":            "GOST R 34.11-2012 (512 bit)",
	"1.2.643.2.2.9":                "GOST R 34.11-94",
	"1.2.840.113549.2.2":           "MD2",
	"1.2.840.113549.1.7.3":         "public-key privacy mode (envelopedData)",
	"1.2.840.113549.1.7.2":         "public-key integrity mode (signedData)",
	"1.2.840.113549.1.9.16.3.9":    "PWRI-KEK",
	"1.2.840.113549.1.12.10.1.6.1": "unknown",
}

// schemeName is a readable name for an algorithm OID.
func schemeName(oid asn1.ObjectIdentifier) string {
	if n, ok := knownNames[oid.String()]; ok {
		return n
	}
	return "unknown scheme " + oid.String()
}

// unsupportedError says which scheme the reader can't handle.
type unsupportedError struct{ scheme string }

func (e *unsupportedError) Error() string { return "unsupported: " + e.scheme }

// errWrongKey means the decryption produced garbage: most likely the wrong password.
var errWrongKey = errors.New("decryption failed")

// pbe is one parsed password-based encryption scheme.
type pbe struct {
	name string
	// cost is the key derivation's work per try, in hash iterations.
	cost int
	// memory is what one try allocates beyond the ordinary (scrypt's table).
	memory int64
	// forms turns a password into the byte strings to try, most likely first.
	forms func(password string) [][]byte
	// decrypt decrypts with one password form.
	decrypt func(pw, ciphertext []byte) ([]byte, error)
}

// bmpForms are the password encodings of the PKCS#12 PBE schemes and MAC.
func bmpForms(password string) [][]byte {
	forms := [][]byte{pkcs12kdf.BMP(password)}
	if password == "" {
		forms = append(forms, nil)
	}
	if !isASCII(password) {
		forms = append(forms, pkcs12kdf.BytewiseBMP(password))
	}
	return forms
}

// byteForms are the password encodings of PBES1, PBES2 and PBMAC1.
func byteForms(password string) [][]byte {
	forms := [][]byte{[]byte(password)}
	if !isASCII(password) {
		if l := latin1Password(password); l != nil {
			forms = append(forms, l)
		}
	}
	return forms
}

type pbeParams struct {
	Salt       []byte
	Iterations int
}

// parsePBE recognises the encryption scheme of an AlgorithmIdentifier.
func parsePBE(alg pkix.AlgorithmIdentifier) (*pbe, error) {
	oid := alg.Algorithm
	switch {
	case len(oid) == 8 && oid[:7].Equal(pkcs12oid.PKCS12PBE):
		return parsePKCS12PBE(oid[7], alg.Parameters.FullBytes)
	case oid.Equal(pkcs12oid.PBES2):
		return parsePBES2(alg.Parameters.FullBytes)
	case len(oid) == 7 && oid[:6].Equal(oidPBES1):
		return parsePBES1(oid[6], alg.Parameters.FullBytes)
	}
	return nil, &unsupportedError{schemeName(oid)}
}

func parseIterations(n int) error {
	if n < 1 {
		return errBER
	}
	if n > maxIterations {
		return &unsupportedError{fmt.Sprintf("%d iterations (more than the %d this reader allows)", n, maxIterations)}
	}
	return nil
}

func parsePKCS12PBE(id int, params []byte) (*pbe, error) {
	var p pbeParams
	if err := unmarshalBER(params, &p); err != nil {
		return nil, err
	}
	if err := parseIterations(p.Iterations); err != nil {
		return nil, err
	}
	kdf := func(pw []byte, purpose byte, n int) []byte {
		return pkcs12kdf.Derive(sha1.New, purpose, pw, p.Salt, p.Iterations, n)
	}
	// Each derivation costs one round per SHA-1 output (20 bytes) it yields:
	// 3DES's 24-byte key takes two, its IV one more.
	rounds := func(n int) int { return (n + sha1.Size - 1) / sha1.Size }
	block := func(name string, keyLen int, newBlock func(key []byte) (cipher.Block, error)) *pbe {
		return &pbe{
			name:  "PKCS#12 PBE SHA-1 " + name,
			cost:  (rounds(keyLen) + rounds(8)) * p.Iterations,
			forms: bmpForms,
			decrypt: func(pw, ct []byte) ([]byte, error) {
				b, err := newBlock(kdf(pw, pkcs12kdf.Key, keyLen))
				if err != nil {
					return nil, err
				}
				return cbcDecrypt(b, kdf(pw, pkcs12kdf.IV, b.BlockSize()), ct)
			},
		}
	}
	stream := func(name string, keyLen int) *pbe {
		return &pbe{
			name:  "PKCS#12 PBE SHA-1 " + name,
			cost:  rounds(keyLen) * p.Iterations,
			forms: bmpForms,
			decrypt: func(pw, ct []byte) ([]byte, error) {
				c, err := rc4.NewCipher(kdf(pw, pkcs12kdf.Key, keyLen))
				if err != nil {
					return nil, err
				}
				out := make([]byte, len(ct))
				c.XORKeyStream(out, ct)
				return out, nil
			},
		}
	}
	switch id {
	case 1:
		return stream("RC4-128", 16), nil
	case 2:
		return stream("RC4-40", 5), nil
	case 3:
		return block("3DES-CBC", 24, des.NewTripleDESCipher), nil
	case 4:
		return block("2-key 3DES-CBC", 16, func(k []byte) (cipher.Block, error) {
			return des.NewTripleDESCipher(append(k[:16:16], k[:8]...))
		}), nil
	case 5:
		return block("RC2-128-CBC", 16, func(k []byte) (cipher.Block, error) { return rc2.New(k, 128), nil }), nil
	case 6:
		return block("RC2-40-CBC", 5, func(k []byte) (cipher.Block, error) { return rc2.New(k, 40), nil }), nil
	}
	return nil, &unsupportedError{"PKCS#12 PBE " + pkcs12oid.PKCS12PBE.String() + fmt.Sprintf(".%d", id)}
}

func parsePBES1(id int, params []byte) (*pbe, error) {
	var p pbeParams
	if err := unmarshalBER(params, &p); err != nil {
		return nil, err
	}
	if err := parseIterations(p.Iterations); err != nil {
		return nil, err
	}
	var (
		h       func() hash.Hash
		name    string
		newBloc func(k []byte) (cipher.Block, error)
	)
	desBlock := func(k []byte) (cipher.Block, error) { return des.NewCipher(k) }
	rc2Block := func(k []byte) (cipher.Block, error) { return rc2.New(k, 64), nil }
	switch id {
	case 3:
		h, name, newBloc = md5.New, "PBES1 MD5 DES-CBC", desBlock
	case 6:
		h, name, newBloc = md5.New, "PBES1 MD5 RC2-64-CBC", rc2Block
	case 10:
		h, name, newBloc = sha1.New, "PBES1 SHA-1 DES-CBC", desBlock
	case 11:
		h, name, newBloc = sha1.New, "PBES1 SHA-1 RC2-64-CBC", rc2Block
	default:
		return nil, &unsupportedError{schemeName(append(oidPBES1[:6:6], id))}
	}
	return &pbe{
		name:  name,
		cost:  p.Iterations,
		forms: byteForms,
		decrypt: func(pw, ct []byte) ([]byte, error) {
			dk := pbkdf1(h, pw, p.Salt, p.Iterations)
			b, err := newBloc(dk[:8])
			if err != nil {
				return nil, err
			}
			return cbcDecrypt(b, dk[8:16], ct)
		},
	}, nil
}

type pbes2Params struct {
	KDF        pkix.AlgorithmIdentifier
	Encryption pkix.AlgorithmIdentifier
}

type pbkdf2Params struct {
	Salt       asn1.RawValue
	Iterations int
	KeyLength  int                      `asn1:"optional"`
	PRF        pkix.AlgorithmIdentifier `asn1:"optional"`
}

type scryptParams struct {
	Salt      []byte
	N         int
	R         int
	P         int
	KeyLength int `asn1:"optional"`
}

type rc2CBCParams struct {
	Version int `asn1:"optional"`
	IV      []byte
}

// keyDeriver derives keyLen bytes from the password bytes.
type keyDeriver struct {
	name      string
	keyLength int // fixed by the parameters, or 0
	// cost is the work of deriving keyLen bytes, in hash iterations.
	cost   func(keyLen int) int
	memory int64 // bytes one derivation allocates (scrypt), or 0
	derive func(pw []byte, keyLen int) ([]byte, error)
}

// parseKDF parses the key derivation of PBES2 and PBMAC1.
func parseKDF(alg pkix.AlgorithmIdentifier) (*keyDeriver, error) {
	switch {
	case alg.Algorithm.Equal(pkcs12oid.PBKDF2):
		var p pbkdf2Params
		if err := unmarshalBER(alg.Parameters.FullBytes, &p); err != nil {
			return nil, err
		}
		if p.Salt.Tag != asn1.TagOctetString || p.Salt.Class != asn1.ClassUniversal {
			return nil, &unsupportedError{"PBKDF2 with a salt from another source"}
		}
		salt, err := octets(p.Salt)
		if err != nil {
			return nil, err
		}
		if err := parseIterations(p.Iterations); err != nil {
			return nil, err
		}
		prf := p.PRF.Algorithm
		if len(prf) == 0 {
			prf = oidHMACSHA1
		}
		h, ok := hmacs[prf.String()]
		if !ok {
			return nil, &unsupportedError{"PBKDF2 with " + schemeName(prf)}
		}
		if p.KeyLength < 0 || p.KeyLength > 1024 {
			return nil, errBER
		}
		hLen := h.new().Size()
		return &keyDeriver{
			name:      "PBKDF2-" + h.name,
			keyLength: p.KeyLength,
			// Every hLen bytes of key are a PBKDF2 block of their own, each
			// two hashes per iteration (HMAC's inner and outer).
			cost: func(keyLen int) int { return 2 * p.Iterations * max(1, (keyLen+hLen-1)/hLen) },
			derive: func(pw []byte, keyLen int) ([]byte, error) {
				return pbkdf2.Key(h.new, string(pw), salt, p.Iterations, keyLen)
			},
		}, nil
	case alg.Algorithm.Equal(oidScrypt):
		var p scryptParams
		if err := unmarshalBER(alg.Parameters.FullBytes, &p); err != nil {
			return nil, err
		}
		if p.N < 2 || p.R < 1 || p.P < 1 || p.KeyLength < 0 || p.KeyLength > 1024 {
			return nil, errBER
		}
		if p.N > maxScryptBytes/128/p.R || p.P > maxIterations/p.N/p.R {
			return nil, &unsupportedError{fmt.Sprintf("scrypt with N=%d, r=%d, p=%d (beyond this reader's limits)", p.N, p.R, p.P)}
		}
		return &keyDeriver{
			name:      "scrypt",
			keyLength: p.KeyLength,
			cost:      func(int) int { return p.N * p.R * p.P * 8 },
			memory:    int64(128*p.R) * int64(p.N+p.P+2),
			derive: func(pw []byte, keyLen int) ([]byte, error) {
				return scrypt.Key(pw, p.Salt, p.N, p.R, p.P, keyLen)
			},
		}, nil
	}
	return nil, &unsupportedError{"key derivation " + schemeName(alg.Algorithm)}
}

func parsePBES2(params []byte) (*pbe, error) {
	var p pbes2Params
	if err := unmarshalBER(params, &p); err != nil {
		return nil, err
	}
	kdf, err := parseKDF(p.KDF)
	if err != nil {
		return nil, err
	}
	var (
		cipherName string
		keyLen     int
		iv         []byte
		newBlock   func(k []byte) (cipher.Block, error)
	)
	readIV := func() error {
		if err := unmarshalBER(p.Encryption.Parameters.FullBytes, &iv); err != nil {
			return err
		}
		return nil
	}
	switch enc := p.Encryption.Algorithm.String(); enc {
	case "2.16.840.1.101.3.4.1.2", "2.16.840.1.101.3.4.1.22", "2.16.840.1.101.3.4.1.42":
		keyLen = map[string]int{"2.16.840.1.101.3.4.1.2": 16, "2.16.840.1.101.3.4.1.22": 24, "2.16.840.1.101.3.4.1.42": 32}[enc]
		cipherName = fmt.Sprintf("AES-%d-CBC", keyLen*8)
		newBlock = aes.NewCipher
		err = readIV()
	case "1.2.840.113549.3.7":
		keyLen, cipherName, newBlock = 24, "3DES-CBC", des.NewTripleDESCipher
		err = readIV()
	case "1.3.14.3.2.7":
		keyLen, cipherName, newBlock = 8, "DES-CBC", des.NewCipher
		err = readIV()
	case "1.2.840.113549.3.2":
		var rp rc2CBCParams
		if err = unmarshalBER(p.Encryption.Parameters.FullBytes, &rp); err != nil {
			// Some writers give the IV alone.
			err = readIV()
			rp.IV = iv
		}
		bits := rc2EffectiveBits(rp.Version)
		keyLen = kdf.keyLength
		if keyLen == 0 {
			keyLen = 16
		}
		iv = rp.IV
		cipherName = fmt.Sprintf("RC2-%d-CBC", bits)
		newBlock = func(k []byte) (cipher.Block, error) { return rc2.New(k, bits), nil }
	default:
		return nil, &unsupportedError{"PBES2 with " + schemeName(p.Encryption.Algorithm)}
	}
	if err != nil {
		return nil, err
	}
	if kdf.keyLength != 0 && kdf.keyLength != keyLen {
		return nil, errBER
	}
	return &pbe{
		name:   fmt.Sprintf("PBES2 %s %s", kdf.name, cipherName),
		cost:   kdf.cost(keyLen),
		memory: kdf.memory,
		forms:  byteForms,
		decrypt: func(pw, ct []byte) ([]byte, error) {
			key, err := kdf.derive(pw, keyLen)
			if err != nil {
				return nil, err
			}
			b, err := newBlock(key)
			if err != nil {
				return nil, err
			}
			if len(iv) != b.BlockSize() {
				return nil, errBER
			}
			return cbcDecrypt(b, iv, ct)
		},
	}, nil
}

// rc2EffectiveBits decodes the RC2 parameter version of RFC 8018 B.2.3.
func rc2EffectiveBits(version int) int {
	switch version {
	case 160:
		return 40
	case 120:
		return 64
	case 58, 0:
		return 128
	}
	if version >= 256 && version <= 1024 {
		return version
	}
	return 128
}

// cbcDecrypt decrypts and removes PKCS#7 padding; bad padding means a wrong key.
func cbcDecrypt(b cipher.Block, iv, ct []byte) ([]byte, error) {
	bs := b.BlockSize()
	if len(iv) != bs {
		return nil, errBER
	}
	if len(ct) == 0 || len(ct)%bs != 0 {
		return nil, errWrongKey
	}
	out := make([]byte, len(ct))
	cipherCBCDecrypt(b, iv, out, ct)
	n := int(out[len(out)-1])
	if n == 0 || n > bs {
		return nil, errWrongKey
	}
	for _, c := range out[len(out)-n:] {
		if int(c) != n {
			return nil, errWrongKey
		}
	}
	return out[:len(out)-n], nil
}

// bigLen is the bit length of a big integer, used for key sizes.
func bigLen(n *big.Int) int {
	if n == nil {
		return 0
	}
	return n.BitLen()
}
