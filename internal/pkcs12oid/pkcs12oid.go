// Package pkcs12oid holds the object identifiers of PKCS#12 and the
// PKCS#7/PKCS#5 structures in it (RFC 7292, RFC 8018): backend/certs reads
// them and the test kit writes them, so both speak of the same ones.
package pkcs12oid

import "encoding/asn1"

var (
	Data            = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 7, 1}
	SignedData      = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 7, 2}
	EncryptedData   = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 7, 6}
	KeyBag          = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 12, 10, 1, 1}
	ShroudedKeyBag  = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 12, 10, 1, 2}
	CertBag         = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 12, 10, 1, 3}
	SafeContentsBag = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 12, 10, 1, 6}
	X509Certificate = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 22, 1}
	// PKCS12PBE is the arc of PKCS#12's own password-based encryption.
	PKCS12PBE = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 12, 1}
	PBES2     = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 5, 13}
	PBKDF2    = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 5, 12}
)
