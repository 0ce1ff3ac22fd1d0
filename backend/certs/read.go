package certs

import (
	"bytes"
	"crypto/x509"
	"encoding/asn1"
	"encoding/pem"
	"errors"
	"iter"
	"slices"
	"time"

	"dpgcerts/backend/errs"
	"dpgcerts/internal/pkcs12oid"
)

// Read reads one certificate file. It decides the format by content, tries
// the candidate passwords (and the empty password), and judges the primary
// certificate at opts.Now. It never panics: every failure is in the result.
func Read(data []byte, opts Options) (f File) {
	f = File{Chain: []Certificate{}, PasswordIndex: -1}
	defer func() {
		if p := recover(); p != nil {
			f = File{Chain: []Certificate{}, PasswordIndex: -1, Status: StatusUnreadable,
				Error: readError(errs.Internal, "The file could not be read because of an error in this app.")}
		}
	}()
	switch {
	case len(data) == 0:
		return unreadable(f, readError(errs.EmptyFile, "The file is empty. Copy or download it again."))
	case len(data) > MaxFileSize:
		return unreadable(f, readError(errs.TooLarge,
			"The file is larger than %d MiB, far larger than any certificate file. Check that it is the right file.", MaxFileSize>>20))
	}

	passwords := opts.Passwords
	implicitEmpty := !slices.Contains(passwords, "")
	if implicitEmpty {
		passwords = append(passwords[:len(passwords):len(passwords)], "")
	}
	c, err := decode(data, passwords, opts.Memory)
	f.Format = c.format
	f.Encryption = c.encryption
	if c.passwordIndex >= 0 && !(implicitEmpty && c.passwordIndex == len(passwords)-1) {
		f.PasswordIndex = c.passwordIndex
	}
	if err != nil && err.Code == errs.PasswordRequired && implicitEmpty && !c.exhausted {
		err = passwordRequired(len(opts.Passwords))
	}
	return assemble(f, c, err, opts.Now, opts.WarnDays)
}

func unreadable(f File, err *errs.Error) File {
	f.Status = StatusUnreadable
	f.Error = err
	return f
}

var pemStart = []byte("-----BEGIN ")

// decode finds the format and takes the container apart.
func decode(data []byte, passwords []string, memory Memory) (contents, *errs.Error) {
	if bytes.Contains(data, pemStart) {
		return readPEM(data, passwords, memory)
	}
	if data[0] != 0x30 {
		return contents{}, notACertificate()
	}
	return readDER(data, passwords, memory)
}

func notACertificate() *errs.Error {
	return readError(errs.NotACertificate, "This is not a certificate file (PKCS#12, PEM or DER).")
}

// derKind tells what a DER structure is from the shape of its first
// elements, without a password.
func derKind(data []byte) string {
	var top asn1.RawValue
	if _, err := asn1.Unmarshal(data, &top); err != nil {
		return ""
	}
	if !top.IsCompound || top.Tag != asn1.TagSequence || top.Class != asn1.ClassUniversal {
		return ""
	}
	var err error
	var kids []asn1.RawValue
	rest := top.Bytes
	for len(rest) > 0 && len(kids) < 3 {
		var k asn1.RawValue
		rest, err = asn1.Unmarshal(rest, &k)
		if err != nil {
			return ""
		}
		kids = append(kids, k)
	}
	is := func(i int, class, tag int) bool {
		return i < len(kids) && kids[i].Class == class && kids[i].Tag == tag
	}
	u := asn1.ClassUniversal
	switch {
	case is(0, u, asn1.TagInteger) && is(1, u, asn1.TagSequence) && !is(2, u, asn1.TagOctetString):
		return "pkcs12"
	case is(0, u, asn1.TagSequence) && is(1, u, asn1.TagSequence) && is(2, u, asn1.TagBitString):
		return "certificate"
	case is(0, u, asn1.TagOID):
		return "pkcs7"
	case is(0, u, asn1.TagInteger) && is(1, u, asn1.TagSequence) && is(2, u, asn1.TagOctetString):
		return "pkcs8"
	case is(0, u, asn1.TagSequence) && is(1, u, asn1.TagOctetString):
		return "encrypted-pkcs8"
	case is(0, u, asn1.TagInteger) && is(1, u, asn1.TagInteger):
		return "pkcs1"
	case is(0, u, asn1.TagInteger) && is(1, u, asn1.TagOctetString):
		return "sec1"
	}
	return ""
}

// asDER is data's first element as DER: as it is when it is DER already,
// else converted from BER once here, so no later step builds the tree again.
func asDER(data []byte) ([]byte, error) {
	var v asn1.RawValue
	if rest, err := asn1.Unmarshal(data, &v); err == nil {
		return data[:len(data)-len(rest)], nil
	}
	return toDER(data)
}

func readDER(data []byte, passwords []string, memory Memory) (contents, *errs.Error) {
	c := contents{format: FormatDER, passwordIndex: -1}
	der, err := asDER(data)
	if err != nil {
		return c, damaged(data)
	}
	data = der
	switch derKind(data) {
	case "pkcs12":
		return readPKCS12(data, passwords, memory)
	case "certificate":
		c.certs = [][]byte{firstElement(data)}
	case "pkcs7":
		certs, err := pkcs7Certificates(data)
		if err != nil {
			return c, err
		}
		c.certs = certs
	case "pkcs8", "pkcs1", "sec1":
		return c, noCertificate()
	case "encrypted-pkcs8":
		return c, noCertificate()
	default:
		// Well-formed ASN.1 all the way down is another kind of file;
		// anything else is a damaged one.
		if _, err := toDER(data); err == nil {
			return c, notACertificate()
		}
		return c, damaged(data)
	}
	return c, nil
}

// firstElement is the first DER element of data, so trailing bytes don't
// change a certificate's thumbprint.
func firstElement(data []byte) []byte {
	var v asn1.RawValue
	if _, err := asn1.Unmarshal(data, &v); err != nil {
		return data
	}
	return v.FullBytes
}

func noCertificate() *errs.Error {
	return readError(errs.NoCertificate, "The file holds a private key but no certificate. Use the .p12 file that came with the key.")
}

type signedData struct {
	Version      int
	Digests      asn1.RawValue
	Content      asn1.RawValue
	Certificates asn1.RawValue `asn1:"optional,tag:0"`
}

// pkcs7Certificates reads the certificates of a PKCS#7 (.p7b/.p7c) bundle.
func pkcs7Certificates(data []byte) ([][]byte, *errs.Error) {
	var ci contentInfo
	if err := unmarshalBER(data, &ci); err != nil {
		return nil, damaged(data)
	}
	if !ci.ContentType.Equal(pkcs12oid.SignedData) {
		return nil, notACertificate()
	}
	var sd signedData
	if err := unmarshalBER(ci.Content.Bytes, &sd); err != nil {
		return nil, damaged(data)
	}
	var out [][]byte
	rest := sd.Certificates.Bytes
	for len(rest) > 0 {
		var v asn1.RawValue
		var err error
		rest, err = asn1.Unmarshal(rest, &v)
		if err != nil {
			return nil, damaged(data)
		}
		if v.Class == asn1.ClassUniversal && v.Tag == asn1.TagSequence {
			out = append(out, v.FullBytes)
		}
	}
	return out, nil
}

// PEMBlocks yields the PEM blocks in data in order, skipping the text
// around them.
func PEMBlocks(data []byte) iter.Seq[*pem.Block] {
	return func(yield func(*pem.Block) bool) {
		for rest := data; ; {
			var b *pem.Block
			b, rest = pem.Decode(rest)
			if b == nil || !yield(b) {
				return
			}
		}
	}
}

// readPEM reads every block: certificates, keys (plain or encrypted), PKCS#7.
func readPEM(data []byte, passwords []string, memory Memory) (contents, *errs.Error) {
	c := contents{format: FormatPEM, passwordIndex: -1}
	var schemes []string
	locked := false
	found := false
	for b := range PEMBlocks(data) {
		found = true
		switch b.Type {
		case "CERTIFICATE", "X509 CERTIFICATE", "TRUSTED CERTIFICATE":
			c.certs = append(c.certs, firstElement(b.Bytes))
		case "PKCS7", "CERTIFICATE CHAIN":
			certs, err := pkcs7Certificates(b.Bytes)
			if err != nil {
				return c, err
			}
			c.certs = append(c.certs, certs...)
		case "PRIVATE KEY":
			c.keys, c.keyForms = append(c.keys, b.Bytes), append(c.keyForms, "pkcs8")
		case "RSA PRIVATE KEY", "EC PRIVATE KEY":
			form := map[string]string{"RSA PRIVATE KEY": "pkcs1", "EC PRIVATE KEY": "sec1"}[b.Type]
			if _, ok := b.Headers["DEK-Info"]; ok {
				der, idx, name, err := decryptLegacyPEM(b, passwords)
				schemes = append(schemes, name)
				if err != nil {
					if err.Code == errs.PasswordRequired {
						locked = true
						continue
					}
					return c, err
				}
				c.passwordIndex = idx
				b.Bytes = der
			}
			c.keys, c.keyForms = append(c.keys, b.Bytes), append(c.keyForms, form)
		case "ENCRYPTED PRIVATE KEY":
			r := &pfxReader{passwords: passwords, known: c.passwordIndex, memory: memory}
			key, err := r.shroudedKey(b.Bytes)
			schemes = append(schemes, r.schemes...)
			if err != nil {
				if err.Code == errs.PasswordRequired {
					locked = true
					continue
				}
				return c, err
			}
			c.passwordIndex = r.known
			c.keys, c.keyForms = append(c.keys, key), append(c.keyForms, "pkcs8")
		case "PKCS12":
			return readPKCS12(b.Bytes, passwords, memory)
		}
	}
	if len(schemes) > 0 {
		c.encryption = schemes[0]
	}
	if !found {
		return c, readError(errs.Malformed, "The file looks like PEM, but no block in it can be read. Copy or download it again.")
	}
	if locked {
		c.locked = true
		return c, passwordRequired(len(passwords))
	}
	if len(c.certs) == 0 && len(c.keys) == 0 {
		return c, notACertificate()
	}
	return c, nil
}

// decryptLegacyPEM opens an OpenSSL "Proc-Type: 4,ENCRYPTED" key.
func decryptLegacyPEM(b *pem.Block, passwords []string) ([]byte, int, string, *errs.Error) {
	name := "PEM " + b.Headers["DEK-Info"]
	for i, pw := range passwords {
		//lint:ignore SA1019 legacy PEM encryption is what these files use.
		der, err := x509.DecryptPEMBlock(b, []byte(pw)) //nolint:staticcheck
		if err != nil {
			if errors.Is(err, x509.IncorrectPasswordError) {
				continue
			}
			return nil, -1, name, readError(errs.UnsupportedEncryption,
				"The key is protected with %s, which this app can't decrypt.", b.Headers["DEK-Info"])
		}
		var v asn1.RawValue
		if _, err := asn1.Unmarshal(der, &v); err != nil {
			continue
		}
		return der, i, name, nil
	}
	return nil, -1, name, passwordRequired(len(passwords))
}

// assemble picks the primary certificate, orders the chain and judges.
func assemble(f File, c contents, err *errs.Error, now time.Time, warnDays int) File {
	if err != nil && err.Code != errs.PasswordRequired {
		return unreadable(f, err)
	}
	var parsed []*x509.Certificate
	for _, der := range c.certs {
		cert, perr := x509.ParseCertificate(der)
		if perr != nil {
			return unreadable(f, readError(errs.Malformed, "A certificate in the file is damaged: %s.", certProblem(perr)))
		}
		parsed = append(parsed, cert)
	}
	var keys []publicKey
	for i, der := range c.keys {
		k, kerr := publicOfKey(der, c.keyForms[i])
		if kerr != nil {
			return unreadable(f, readError(errs.Malformed, "The private key in the file is damaged or of an unknown type."))
		}
		keys = append(keys, k)
	}
	f.HasPrivateKey = len(keys) > 0 || c.locked

	primary := -1
	for _, k := range keys {
		for i, cert := range parsed {
			if k.matches(cert) {
				primary = i
				break
			}
		}
		if primary >= 0 {
			f.KeyMatchesCertificate = true
			break
		}
	}
	if primary < 0 {
		primary = fallbackPrimary(parsed)
	}
	if primary >= 0 {
		leaf := facts(parsed[primary], now)
		f.Certificate = &leaf
		for _, i := range chainOrder(parsed, primary) {
			f.Chain = append(f.Chain, facts(parsed[i], now))
		}
	}

	switch {
	case err != nil: // password required
		f.Status, f.Error = StatusLocked, err
	case len(parsed) == 0:
		f.Status, f.Error = StatusInvalid, noCertificateErr(len(keys) > 0)
	case len(keys) > 0 && !f.KeyMatchesCertificate:
		f.Status, f.Error = StatusInvalid, readError(errs.KeyMismatch,
			"The private key in the file doesn't belong to any certificate in it. Export the certificate again together with its own key.")
	default:
		f.Status = dateStatus(f.Certificate, now, warnDays)
	}
	return f
}

func noCertificateErr(hasKey bool) *errs.Error {
	if hasKey {
		return noCertificate()
	}
	return readError(errs.NoCertificate, "The file holds no certificate.")
}

func certProblem(err error) string {
	msg := err.Error()
	const prefix = "x509: "
	if len(msg) > len(prefix) && msg[:len(prefix)] == prefix {
		msg = msg[len(prefix):]
	}
	return msg
}

// fallbackPrimary is the only end-entity certificate, else the first.
func fallbackPrimary(certs []*x509.Certificate) int {
	if len(certs) == 0 {
		return -1
	}
	ee := -1
	for i, c := range certs {
		if !c.IsCA {
			if ee >= 0 {
				return 0
			}
			ee = i
		}
	}
	if ee >= 0 {
		return ee
	}
	return 0
}

// chainOrder returns the other certificates, leaf to root where the issuer
// links allow, then the rest in file order.
func chainOrder(certs []*x509.Certificate, primary int) []int {
	used := map[int]bool{primary: true}
	var order []int
	cur := certs[primary]
	for {
		if bytes.Equal(cur.RawIssuer, cur.RawSubject) {
			break
		}
		next := -1
		for i, c := range certs {
			if !used[i] && bytes.Equal(c.RawSubject, cur.RawIssuer) {
				next = i
				break
			}
		}
		if next < 0 {
			break
		}
		used[next] = true
		order = append(order, next)
		cur = certs[next]
	}
	for i := range certs {
		if !used[i] {
			order = append(order, i)
		}
	}
	return order
}

func dateStatus(c *Certificate, now time.Time, warnDays int) Status {
	switch {
	case now.Before(c.NotBefore):
		return StatusNotYetValid
	case now.After(c.NotAfter):
		return StatusExpired
	case c.NotAfter.Sub(now) <= time.Duration(warnDays)*24*time.Hour:
		return StatusExpiring
	}
	return StatusValid
}

// Judge brings a file read earlier up to date for a new "now" and warning
// window: days left, and the status where it depends on the dates.
func Judge(f *File, now time.Time, warnDays int) {
	if f.Certificate != nil {
		f.Certificate.DaysLeft = daysLeft(f.Certificate.NotAfter, now)
	}
	for i := range f.Chain {
		f.Chain[i].DaysLeft = daysLeft(f.Chain[i].NotAfter, now)
	}
	switch f.Status {
	case StatusValid, StatusExpiring, StatusExpired, StatusNotYetValid:
		if f.Certificate != nil {
			f.Status = dateStatus(f.Certificate, now, warnDays)
		}
	}
}

// JudgeDates is the verdict on a certificate known only by its dates, such
// as one the portal holds: the status Judge gives a file with it, and the
// days left. The overview judges portal and local certificates alike with it.
func JudgeDates(notBefore, notAfter, now time.Time, warnDays int) (Status, int) {
	c := Certificate{NotBefore: notBefore, NotAfter: notAfter}
	return dateStatus(&c, now, warnDays), daysLeft(notAfter, now)
}

// Severity orders the statuses for --fail-on: higher is worse.
func Severity(s Status) int {
	switch s {
	case StatusValid:
		return 0
	case StatusExpiring:
		return 1
	case StatusNotYetValid, StatusExpired, StatusRevoked:
		return 2
	case StatusLocked:
		return 3
	case StatusInvalid:
		return 4
	case StatusUnreadable:
		return 5
	}
	return 5
}
