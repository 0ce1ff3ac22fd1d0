package certs

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/hex"
	"fmt"
	"math"
	"math/big"
	"regexp"
	"strings"
	"time"
)

// attributeNames are the short names OpenSSL uses, so subjects read the same
// in this app as in openssl's output and in MitID Erhverv's documentation.
var attributeNames = map[string]string{
	"2.5.4.3":                    "CN",
	"2.5.4.4":                    "SN",
	"2.5.4.5":                    "serialNumber",
	"2.5.4.6":                    "C",
	"2.5.4.7":                    "L",
	"2.5.4.8":                    "ST",
	"2.5.4.9":                    "street",
	"2.5.4.10":                   "O",
	"2.5.4.11":                   "OU",
	"2.5.4.12":                   "title",
	"2.5.4.17":                   "postalCode",
	"2.5.4.42":                   "GN",
	"2.5.4.97":                   "organizationIdentifier",
	"1.2.840.113549.1.9.1":       "emailAddress",
	"0.9.2342.19200300.100.1.1":  "UID",
	"0.9.2342.19200300.100.1.25": "DC",
}

var oidOrganizationIdentifier = "2.5.4.97"

// formatName prints a distinguished name in encoding order, as OpenSSL does
// ("C=DK, organizationIdentifier=NTRDK-12345678, O=..., CN=...").
func formatName(n pkix.Name) string {
	var b strings.Builder
	for i, av := range n.Names {
		if i > 0 {
			b.WriteString(", ")
		}
		name, ok := attributeNames[av.Type.String()]
		if !ok {
			name = av.Type.String()
		}
		b.WriteString(name)
		b.WriteByte('=')
		b.WriteString(escapeValue(fmt.Sprint(av.Value)))
	}
	return b.String()
}

var valueEscaper = strings.NewReplacer(`\`, `\\`, ",", `\,`, "+", `\+`)

func escapeValue(v string) string {
	if !strings.ContainsAny(v, `\,+`) {
		return v
	}
	return valueEscaper.Replace(v)
}

// nameValues returns every value of one attribute type, in order.
func nameValues(n pkix.Name, oid string) []string {
	var out []string
	for _, av := range n.Names {
		if av.Type.String() == oid {
			out = append(out, fmt.Sprint(av.Value))
		}
	}
	return out
}

var (
	// OCES3: organizationIdentifier NTRDK-<CVR>, serialNumber UI:DK-O:G:<UUID>
	// (UI:DK-E:G: for employees).
	reNTRDK    = regexp.MustCompile(`^NTRDK-(\d{8})$`)
	reOCES3UID = regexp.MustCompile(`^UI:DK-[OE]:G:([0-9a-fA-F-]{36})$`)
	// OCES2: serialNumber CVR:<CVR>-UID:/RID:/FID:<number>.
	reOCES2 = regexp.MustCompile(`^CVR:(\d{8})-(UID|RID|FID):`)
)

// facts extracts what the app shows about a certificate.
func facts(c *x509.Certificate, now time.Time) Certificate {
	s1 := sha1.Sum(c.Raw)
	s256 := sha256.Sum256(c.Raw)
	out := Certificate{
		Subject:            formatName(c.Subject),
		CommonName:         c.Subject.CommonName,
		Issuer:             formatName(c.Issuer),
		SerialNumber:       serialHex(c),
		NotBefore:          c.NotBefore.UTC(),
		NotAfter:           c.NotAfter.UTC(),
		SHA1:               hex.EncodeToString(s1[:]),
		SHA256:             hex.EncodeToString(s256[:]),
		KeyAlgorithm:       keyAlgorithm(c),
		SignatureAlgorithm: signatureAlgorithm(c),
		IsCA:               c.IsCA,
		Raw:                c.Raw,
	}
	out.DaysLeft = daysLeft(out.NotAfter, now)
	if len(c.Subject.Organization) > 0 {
		out.Organization = c.Subject.Organization[0]
	}
	for _, v := range nameValues(c.Subject, oidOrganizationIdentifier) {
		if m := reNTRDK.FindStringSubmatch(v); m != nil {
			out.CVR = m[1]
		}
	}
	for _, v := range nameValues(c.Subject, "2.5.4.5") {
		if m := reOCES3UID.FindStringSubmatch(v); m != nil {
			out.UUID = strings.ToLower(m[1])
			out.OCES = "oces3"
		}
		if m := reOCES2.FindStringSubmatch(v); m != nil {
			if out.CVR == "" {
				out.CVR = m[1]
			}
			out.OCES = "oces2"
		}
	}
	if out.OCES == "" {
		out.OCES = ocesFromIssuer(c)
	}
	if len(c.EmailAddresses) > 0 {
		out.Email = c.EmailAddresses[0]
	} else if v := nameValues(c.Subject, "1.2.840.113549.1.9.1"); len(v) > 0 {
		out.Email = v[0]
	}
	return out
}

// ocesFromIssuer tells the OCES generation of CA certificates and of
// certificates whose subject doesn't carry the OCES serial number.
func ocesFromIssuer(c *x509.Certificate) string {
	names := strings.Join(append(append([]string{}, c.Issuer.Organization...), c.Issuer.CommonName, c.Subject.CommonName), " ")
	switch {
	case strings.Contains(names, "Den Danske Stat") && strings.Contains(names, "OCES"):
		return "oces3"
	case strings.Contains(names, "TRUST2408"):
		return "oces2"
	}
	return ""
}

func serialHex(c *x509.Certificate) string {
	if c.SerialNumber == nil {
		return ""
	}
	if c.SerialNumber.Sign() < 0 {
		return "-" + hex.EncodeToString(new(big.Int).Neg(c.SerialNumber).Bytes())
	}
	b := c.SerialNumber.Bytes()
	if len(b) == 0 {
		return "00"
	}
	return hex.EncodeToString(b)
}

func keyAlgorithm(c *x509.Certificate) string {
	switch k := c.PublicKey.(type) {
	case *ecdsa.PublicKey:
		return "ECDSA " + k.Curve.Params().Name
	case ed25519.PublicKey:
		return "Ed25519"
	}
	if n, _, ok := certRSAPublic(c); ok {
		var s spki
		if _, err := asn1.Unmarshal(c.RawSubjectPublicKeyInfo, &s); err == nil && s.Algorithm.Algorithm.Equal(oidRSAPSS) {
			return fmt.Sprintf("RSA-PSS %d", bigLen(n))
		}
		return fmt.Sprintf("RSA %d", bigLen(n))
	}
	var s spki
	if _, err := asn1.Unmarshal(c.RawSubjectPublicKeyInfo, &s); err == nil {
		return s.Algorithm.Algorithm.String()
	}
	return "unknown"
}

var signatureNames = map[x509.SignatureAlgorithm]string{
	x509.SHA256WithRSAPSS: "RSASSA-PSS SHA-256",
	x509.SHA384WithRSAPSS: "RSASSA-PSS SHA-384",
	x509.SHA512WithRSAPSS: "RSASSA-PSS SHA-512",
	x509.SHA1WithRSA:      "RSA SHA-1",
	x509.SHA256WithRSA:    "RSA SHA-256",
	x509.SHA384WithRSA:    "RSA SHA-384",
	x509.SHA512WithRSA:    "RSA SHA-512",
	x509.MD5WithRSA:       "RSA MD5",
	x509.ECDSAWithSHA1:    "ECDSA SHA-1",
	x509.ECDSAWithSHA256:  "ECDSA SHA-256",
	x509.ECDSAWithSHA384:  "ECDSA SHA-384",
	x509.ECDSAWithSHA512:  "ECDSA SHA-512",
	x509.PureEd25519:      "Ed25519",
}

type certificateOuter struct {
	TBS       asn1.RawValue
	Algorithm pkix.AlgorithmIdentifier
}

func signatureAlgorithm(c *x509.Certificate) string {
	if n, ok := signatureNames[c.SignatureAlgorithm]; ok {
		return n
	}
	var outer certificateOuter
	if _, err := asn1.Unmarshal(c.Raw, &outer); err == nil {
		if outer.Algorithm.Algorithm.Equal(oidRSAPSS) {
			return "RSASSA-PSS"
		}
		return outer.Algorithm.Algorithm.String()
	}
	return c.SignatureAlgorithm.String()
}

// daysLeft counts whole days until notAfter; negative once expired.
func daysLeft(notAfter, now time.Time) int {
	return int(math.Floor(notAfter.Sub(now).Hours() / 24))
}
