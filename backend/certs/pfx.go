package certs

import (
	"crypto/hmac"
	"crypto/x509/pkix"
	"encoding/asn1"
	"errors"
	"fmt"
	"slices"
	"strings"

	"dpgcerts/backend/errs"
	"dpgcerts/internal/pkcs12kdf"
	"dpgcerts/internal/pkcs12oid"
)

// maxSafeContentsDepth bounds the nesting of SafeContents bags.
const maxSafeContentsDepth = 8

type pfxPDU struct {
	Version  int
	AuthSafe contentInfo
	MacData  macData `asn1:"optional"`
}

type contentInfo struct {
	ContentType asn1.ObjectIdentifier
	Content     asn1.RawValue `asn1:"tag:0,explicit,optional"`
}

type macData struct {
	Mac        digestInfo
	MacSalt    []byte
	Iterations int `asn1:"optional,default:1"`
}

type digestInfo struct {
	Algorithm pkix.AlgorithmIdentifier
	Digest    []byte
}

type encryptedData struct {
	Version int
	Info    encryptedContentInfo
}

type encryptedContentInfo struct {
	ContentType asn1.ObjectIdentifier
	Algorithm   pkix.AlgorithmIdentifier
	Content     asn1.RawValue `asn1:"tag:0,optional"`
}

type safeBag struct {
	ID         asn1.ObjectIdentifier
	Value      asn1.RawValue `asn1:"tag:0,explicit"`
	Attributes asn1.RawValue `asn1:"optional"`
}

type certBag struct {
	ID   asn1.ObjectIdentifier
	Data asn1.RawValue `asn1:"tag:0,explicit"`
}

type encryptedPrivateKeyInfo struct {
	Algorithm pkix.AlgorithmIdentifier
	Data      asn1.RawValue
}

// contents is what a container held, before judging.
type contents struct {
	format        Format
	certs         [][]byte // DER, in file order
	keys          [][]byte // PKCS#8 DER, or PKCS#1 / SEC 1 DER (keyForm says)
	keyForms      []string
	locked        bool // some part needs a password none of the candidates gives
	exhausted     bool // the work budget ran out before every password was tried
	encryption    string
	passwordIndex int
}

// readError is a reader failure with its code.
func readError(code, format string, args ...any) *errs.Error {
	return &errs.Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// encrypted is one piece of the file that needs a password.
type encrypted struct {
	scheme *pbe
	data   []byte
	isKey  bool
}

// pfxReader decodes one PKCS#12 file.
type pfxReader struct {
	passwords []string
	out       contents
	schemes   []string
	// known is the candidate that opened the file, -1 until one did.
	known   int
	macDesc string
	// spent is the key-derivation work so far; a file that would need more
	// than workBudget is reported as locked instead of hanging the scan.
	spent     int
	exhausted bool
	memory    Memory
}

// workBudget bounds the key derivations one file may cost, in hash
// iterations: thousands of tries of a normal file, a few of an extreme one.
// A variable so a test can lower it.
var workBudget = 1 << 25

// lockedError explains why no password opened the file.
func (r *pfxReader) lockedError() *errs.Error {
	if r.exhausted {
		return readError(errs.PasswordRequired,
			"The file's key derivation is unusually slow, so not every known password was tried. Enter its password.")
	}
	return passwordRequired(len(r.passwords))
}

// reserve takes n bytes from the shared memory budget until release is called.
func (r *pfxReader) reserve(n int64) (release func()) {
	if r.memory == nil || n <= 0 {
		return func() {}
	}
	r.memory.Acquire(n)
	return func() { r.memory.Release(n) }
}

// spend records one try's work, and says whether it is still allowed.
func (r *pfxReader) spend(cost int) bool {
	if r.spent+cost > workBudget {
		r.exhausted = true
		return false
	}
	r.spent += cost
	return true
}

func readPKCS12(data []byte, passwords []string, memory Memory) (contents, *errs.Error) {
	r := &pfxReader{passwords: passwords, known: -1, memory: memory}
	r.out.format = FormatPKCS12
	r.out.passwordIndex = -1
	err := r.read(data)
	r.out.encryption = r.describe()
	r.out.passwordIndex = r.known
	r.out.exhausted = r.exhausted
	return r.out, err
}

func (r *pfxReader) addScheme(name string) {
	if !slices.Contains(r.schemes, name) {
		r.schemes = append(r.schemes, name)
	}
}

func (r *pfxReader) describe() string {
	enc := "no encryption"
	if len(r.schemes) > 0 {
		enc = strings.Join(r.schemes, " + ")
	}
	return enc + "; " + r.macDesc
}

func (r *pfxReader) read(data []byte) *errs.Error {
	var pfx pfxPDU
	if err := unmarshalBER(data, &pfx); err != nil {
		return damaged(data)
	}
	r.macDesc = "no MAC"
	if !pfx.AuthSafe.ContentType.Equal(pkcs12oid.Data) {
		return readError(errs.UnsupportedEncryption,
			"The file uses PKCS#12 %s, which this app can't open. Export it again with password protection.",
			schemeName(pfx.AuthSafe.ContentType))
	}
	authSafe, err := r.dataContent(pfx.AuthSafe.Content)
	if err != nil {
		return damaged(data)
	}
	var safes []contentInfo
	if err := unmarshalBER(authSafe, &safes); err != nil {
		return damaged(data)
	}

	// Collect the plain bags and the encrypted parts.
	var parts []encrypted
	var plain [][]byte
	var unsupported error
	for _, ci := range safes {
		switch {
		case ci.ContentType.Equal(pkcs12oid.Data):
			b, err := r.dataContent(ci.Content)
			if err != nil {
				return damaged(data)
			}
			plain = append(plain, b)
		case ci.ContentType.Equal(pkcs12oid.EncryptedData):
			var ed encryptedData
			if err := unmarshalBER(ci.Content.Bytes, &ed); err != nil {
				return damaged(data)
			}
			ct, err := octets(ed.Info.Content)
			if err != nil {
				return damaged(data)
			}
			scheme, err := parsePBE(ed.Info.Algorithm)
			if err != nil {
				if !isUnsupported(err) {
					return damaged(data)
				}
				unsupported = err
				continue
			}
			r.addScheme(scheme.name)
			parts = append(parts, encrypted{scheme: scheme, data: ct})
		default:
			unsupported = &unsupportedError{schemeName(ci.ContentType)}
		}
	}
	// Shrouded keys in plain safes are known before any password.
	var bags []safeBag
	for _, b := range plain {
		bs, err := parseSafeContents(b)
		if err != nil {
			return damaged(data)
		}
		bags = append(bags, bs...)
	}
	for _, bag := range bags {
		if bag.ID.Equal(pkcs12oid.ShroudedKeyBag) {
			var info encryptedPrivateKeyInfo
			if err := unmarshalBER(bag.Value.Bytes, &info); err != nil {
				return damaged(data)
			}
			if s, err := parsePBE(info.Algorithm); err == nil {
				r.addScheme(s.name)
			}
		}
	}

	// Which password? The MAC says, when there is one we can check.
	if len(pfx.MacData.Mac.Algorithm.Algorithm) > 0 {
		mac, err := parseMAC(&pfx.MacData)
		switch {
		case err == nil:
			r.macDesc = "MAC " + mac.name
			if !r.verifyMAC(mac, authSafe, pfx.MacData.Mac.Digest) {
				return r.macFailed(parts, bags)
			}
		case isUnsupported(err):
			r.macDesc = "MAC " + err.(*unsupportedError).scheme + " (not checked)"
		default:
			return damaged(data)
		}
	}
	if unsupported != nil {
		return unsupportedErr(unsupported)
	}

	// Decrypt the encrypted safes. Without a checked MAC, the first one that
	// decrypts to well-formed bags tells which password is right.
	for _, p := range parts {
		plainBytes, err := r.decrypt(p.scheme, p.data, validSafeContents)
		if err != nil {
			if errors.Is(err, errWrongKey) {
				r.out.locked = true
				continue
			}
			return unsupportedErr(err)
		}
		bs, err := parseSafeContents(plainBytes)
		if err != nil {
			return damaged(data)
		}
		bags = append(bags, bs...)
	}
	return r.collect(bags, 0)
}

// macFailed decides between a wrong password and a damaged file when no
// candidate matches the MAC: if a candidate decrypts the contents, the
// password is right and the file has been changed since it was made.
func (r *pfxReader) macFailed(parts []encrypted, bags []safeBag) *errs.Error {
	r.known = -1
	var probe func([]byte) bool
	var ct []byte
	var scheme *pbe
	switch {
	case len(parts) > 0:
		scheme, ct, probe = parts[0].scheme, parts[0].data, validSafeContents
	default:
		for _, bag := range bags {
			if !bag.ID.Equal(pkcs12oid.ShroudedKeyBag) {
				continue
			}
			var info encryptedPrivateKeyInfo
			if unmarshalBER(bag.Value.Bytes, &info) != nil {
				continue
			}
			s, err := parsePBE(info.Algorithm)
			if err != nil {
				continue
			}
			b, err := octets(info.Data)
			if err != nil {
				continue
			}
			scheme, ct, probe = s, b, validPKCS8
			break
		}
	}
	if scheme == nil {
		// Nothing is encrypted: the password only guards integrity, and the
		// contents can be shown without it.
		r.macDesc += " (not checked: password unknown)"
		return r.collect(bags, 0)
	}
	if len(r.passwords) > 0 {
		if _, err := r.decrypt(scheme, ct, probe); err == nil {
			r.known = -1
			return readError(errs.Malformed,
				"The file is damaged: the password opens it, but its integrity check (MAC) fails. Get a fresh copy of the file.")
		}
	}
	// Show what can be seen without the password.
	r.out.locked = true
	_ = r.collect(bags, 0)
	return r.lockedError()
}

func passwordRequired(tried int) *errs.Error {
	if tried == 0 {
		return readError(errs.PasswordRequired, "The file is protected by a password. Enter the password that was shown when the certificate was issued.")
	}
	if tried == 1 {
		return readError(errs.PasswordRequired, "The password given doesn't open the file. Enter the password that was shown when the certificate was issued.")
	}
	return readError(errs.PasswordRequired,
		"None of the %d known passwords opens the file. Enter the password that was shown when the certificate was issued.", tried)
}

func unsupportedErr(err error) *errs.Error {
	var u *unsupportedError
	if errors.As(err, &u) {
		return readError(errs.UnsupportedEncryption,
			"The file is protected with %s, which this app can't decrypt. Export it again with AES-256 (PBES2).", u.scheme)
	}
	return readError(errs.Malformed, "The file's encrypted contents are damaged.")
}

func isUnsupported(err error) bool {
	var u *unsupportedError
	return errors.As(err, &u)
}

// damaged explains a structural failure, naming truncation when the file
// declares more bytes than it has.
func damaged(data []byte) *errs.Error {
	if n, ok := declaredLength(data); ok && n > len(data) {
		return readError(errs.Malformed, "The file is cut short: it should be %d bytes but is %d. Copy or download it again.", n, len(data))
	}
	return readError(errs.Malformed, "The file is damaged: its structure can't be read. Copy or download it again.")
}

// declaredLength is the total size the first ASN.1 element claims.
func declaredLength(data []byte) (int, bool) {
	if len(data) < 2 || data[1] == 0x80 {
		return 0, false
	}
	l := int(data[1])
	if l < 0x80 {
		return 2 + l, true
	}
	n := l & 0x7f
	if n > 4 || len(data) < 2+n {
		return 0, false
	}
	l = 0
	for _, b := range data[2 : 2+n] {
		l = l<<8 | int(b)
	}
	return 2 + n + l, true
}

// dataContent unwraps the OCTET STRING inside a data ContentInfo.
func (r *pfxReader) dataContent(v asn1.RawValue) ([]byte, error) {
	var s asn1.RawValue
	if err := unmarshalBER(v.Bytes, &s); err != nil {
		return nil, err
	}
	if s.Class != asn1.ClassUniversal || s.Tag != asn1.TagOctetString {
		return nil, errBER
	}
	return octets(s)
}

func parseSafeContents(b []byte) ([]safeBag, error) {
	var bags []safeBag
	err := unmarshalBER(b, &bags)
	return bags, err
}

func validSafeContents(b []byte) bool {
	_, err := parseSafeContents(b)
	return err == nil
}

func validPKCS8(b []byte) bool {
	var k pkcs8
	return unmarshalBER(b, &k) == nil
}

// decrypt tries the known password first, then every candidate, in each of
// its encodings, until check accepts the plaintext.
func (r *pfxReader) decrypt(s *pbe, ct []byte, check func([]byte) bool) ([]byte, error) {
	order := make([]int, 0, len(r.passwords))
	if r.known >= 0 {
		order = append(order, r.known)
	}
	for i := range r.passwords {
		if i != r.known {
			order = append(order, i)
		}
	}
	for _, i := range order {
		for _, form := range s.forms(r.passwords[i]) {
			if !r.spend(s.cost) {
				return nil, errWrongKey
			}
			release := r.reserve(s.memory)
			out, err := s.decrypt(form, ct)
			release()
			if err != nil {
				if errors.Is(err, errWrongKey) {
					continue
				}
				return nil, err
			}
			if check(out) {
				if r.known < 0 {
					r.known = i
				}
				return out, nil
			}
		}
	}
	return nil, errWrongKey
}

// collect walks the bags: certificates, plain keys, shrouded keys and nested safes.
func (r *pfxReader) collect(bags []safeBag, depth int) *errs.Error {
	if depth > maxSafeContentsDepth {
		return readError(errs.Malformed, "The file is damaged: its bags are nested too deeply.")
	}
	for _, bag := range bags {
		switch {
		case bag.ID.Equal(pkcs12oid.CertBag):
			var cb certBag
			if err := unmarshalBER(bag.Value.Bytes, &cb); err != nil {
				return readError(errs.Malformed, "The file is damaged: a certificate in it can't be read.")
			}
			if !cb.ID.Equal(pkcs12oid.X509Certificate) {
				continue // SDSI certificates: nothing to show
			}
			var der asn1.RawValue
			if err := unmarshalBER(cb.Data.Bytes, &der); err != nil {
				return readError(errs.Malformed, "The file is damaged: a certificate in it can't be read.")
			}
			b, err := octets(der)
			if err != nil {
				return readError(errs.Malformed, "The file is damaged: a certificate in it can't be read.")
			}
			r.out.certs = append(r.out.certs, b)
		case bag.ID.Equal(pkcs12oid.KeyBag):
			r.out.keys = append(r.out.keys, bag.Value.Bytes)
			r.out.keyForms = append(r.out.keyForms, "pkcs8")
		case bag.ID.Equal(pkcs12oid.ShroudedKeyBag):
			if r.out.locked && r.known < 0 {
				continue
			}
			key, err := r.shroudedKey(bag.Value.Bytes)
			if err != nil {
				if err.Code == errs.PasswordRequired {
					r.out.locked = true
					continue
				}
				return err
			}
			r.out.keys = append(r.out.keys, key)
			r.out.keyForms = append(r.out.keyForms, "pkcs8")
		case bag.ID.Equal(pkcs12oid.SafeContentsBag):
			inner, err := parseSafeContents(bag.Value.Bytes)
			if err != nil {
				return readError(errs.Malformed, "The file is damaged: a nested bag can't be read.")
			}
			if e := r.collect(inner, depth+1); e != nil {
				return e
			}
		}
	}
	if r.out.locked {
		return r.lockedError()
	}
	return nil
}

// shroudedKey decrypts a PKCS#8 EncryptedPrivateKeyInfo.
func (r *pfxReader) shroudedKey(b []byte) ([]byte, *errs.Error) {
	var info encryptedPrivateKeyInfo
	if err := unmarshalBER(b, &info); err != nil {
		return nil, readError(errs.Malformed, "The file is damaged: its private key can't be read.")
	}
	s, err := parsePBE(info.Algorithm)
	if err != nil {
		if isUnsupported(err) {
			return nil, unsupportedErr(err)
		}
		return nil, readError(errs.Malformed, "The file is damaged: its private key can't be read.")
	}
	r.addScheme(s.name)
	ct, err := octets(info.Data)
	if err != nil {
		return nil, readError(errs.Malformed, "The file is damaged: its private key can't be read.")
	}
	key, err := r.decrypt(s, ct, validPKCS8)
	if err != nil {
		if errors.Is(err, errWrongKey) {
			return nil, r.lockedError()
		}
		return nil, unsupportedErr(err)
	}
	return key, nil
}

// mac is a parsed MAC algorithm: the key derivation plus HMAC.
type mac struct {
	name    string
	cost    int
	memory  int64
	forms   func(string) [][]byte
	compute func(pw, content []byte) ([]byte, error)
}

// maxMACKeyLength caps PBMAC1's key: HMAC-SHA512 uses 64 bytes.
const maxMACKeyLength = 64

type pbmac1Params struct {
	KDF pkix.AlgorithmIdentifier
	MAC pkix.AlgorithmIdentifier
}

func parseMAC(m *macData) (*mac, error) {
	oid := m.Mac.Algorithm.Algorithm
	if oid.Equal(oidPBMAC1) {
		var p pbmac1Params
		if err := unmarshalBER(m.Mac.Algorithm.Parameters.FullBytes, &p); err != nil {
			return nil, err
		}
		kdf, err := parseKDF(p.KDF)
		if err != nil {
			return nil, err
		}
		h, ok := hmacs[p.MAC.Algorithm.String()]
		if !ok {
			return nil, &unsupportedError{"PBMAC1 with " + schemeName(p.MAC.Algorithm)}
		}
		// RFC 9579 requires the key length; a short one would make the MAC
		// say nothing about the password.
		if kdf.keyLength < 20 {
			return nil, errBER
		}
		// Longer than any HMAC key needs, and each extra PBKDF2 block
		// multiplies the work of every try.
		if kdf.keyLength > maxMACKeyLength {
			return nil, errBER
		}
		return &mac{
			name:   fmt.Sprintf("PBMAC1 %s %s", kdf.name, h.name),
			cost:   kdf.cost(kdf.keyLength),
			memory: kdf.memory,
			forms:  byteForms,
			compute: func(pw, content []byte) ([]byte, error) {
				key, err := kdf.derive(pw, kdf.keyLength)
				if err != nil {
					return nil, err
				}
				hm := hmac.New(h.new, key)
				hm.Write(content)
				return hm.Sum(nil), nil
			},
		}, nil
	}
	d, ok := digests[oid.String()]
	if !ok {
		return nil, &unsupportedError{schemeName(oid)}
	}
	if err := parseIterations(m.Iterations); err != nil {
		return nil, err
	}
	return &mac{
		name:  "HMAC-" + strings.ReplaceAll(d.name, "-", ""),
		cost:  m.Iterations,
		forms: bmpForms,
		compute: func(pw, content []byte) ([]byte, error) {
			key := pkcs12kdf.Derive(d.new, pkcs12kdf.MAC, pw, m.MacSalt, m.Iterations, d.new().Size())
			hm := hmac.New(d.new, key)
			hm.Write(content)
			return hm.Sum(nil), nil
		},
	}, nil
}

// verifyMAC finds the candidate whose MAC matches and remembers it.
func (r *pfxReader) verifyMAC(m *mac, content, want []byte) bool {
	for i, pw := range r.passwords {
		for _, form := range m.forms(pw) {
			if !r.spend(m.cost) {
				return false
			}
			release := r.reserve(m.memory)
			got, err := m.compute(form, content)
			release()
			if err == nil && hmac.Equal(got, want) {
				r.known = i
				return true
			}
		}
	}
	return false
}
