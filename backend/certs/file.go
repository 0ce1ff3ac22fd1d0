// Package certs reads certificate files (PKCS#12, PEM, DER) and judges the
// certificates in them. It is pure: no disk, no clock, no globals, so the
// scanner, the CLI, the window and the fuzzer all call the same code.
package certs

import (
	"time"

	"dpgcerts/backend/errs"
)

// Status is the verdict on a file. The values are part of the CLI contract.
type Status string

const (
	StatusValid       Status = "valid"
	StatusExpiring    Status = "expiring"
	StatusExpired     Status = "expired"
	StatusNotYetValid Status = "not_yet_valid"
	StatusInvalid     Status = "invalid"
	StatusLocked      Status = "locked"
	StatusUnreadable  Status = "unreadable"
	// StatusRevoked is never the reader's verdict (it does no I/O): package
	// revocation sets it when the CA says the certificate is revoked.
	StatusRevoked Status = "revoked"
)

// Format is how the file was encoded, decided by content.
type Format string

const (
	FormatPKCS12 Format = "pkcs12"
	FormatPEM    Format = "pem"
	FormatDER    Format = "der"
)

// MaxFileSize is the most the reader accepts; certificate files are a few KiB.
const MaxFileSize = 4 << 20

// ReaderVersion changes whenever the reader's verdicts change, so that
// results cached by an older reader are read again even in builds without
// version control stamping.
const ReaderVersion = 1

// DefaultWarnDays is the default warning window before expiry.
const DefaultWarnDays = 30

// Certificate holds the facts about one X.509 certificate.
type Certificate struct {
	Subject            string    `json:"subject"`
	CommonName         string    `json:"commonName"`
	Organization       string    `json:"organization"`
	CVR                string    `json:"cvr"`
	UUID               string    `json:"uuid"`
	Email              string    `json:"email"`
	Issuer             string    `json:"issuer"`
	SerialNumber       string    `json:"serialNumber"`
	NotBefore          time.Time `json:"notBefore"`
	NotAfter           time.Time `json:"notAfter"`
	DaysLeft           int       `json:"daysLeft"`
	SHA1               string    `json:"sha1"`
	SHA256             string    `json:"sha256"`
	KeyAlgorithm       string    `json:"keyAlgorithm"`
	SignatureAlgorithm string    `json:"signatureAlgorithm"`
	IsCA               bool      `json:"isCA"`
	// OCES is the OCES generation ("oces3", "oces2") or "" for other certificates.
	OCES string `json:"oces"`
	// Revocation is what the CA said when asked; nil when nobody asked.
	// The reader never sets it: package revocation does.
	Revocation *Revocation `json:"revocation,omitempty"`
	// Raw is the DER encoding, kept for export (.cer) and not printed.
	Raw []byte `json:"-"`
}

// File is everything the reader learned about one file.
type File struct {
	Path                  string        `json:"path"`
	Format                Format        `json:"format,omitempty"`
	Status                Status        `json:"status"`
	Error                 *errs.Error   `json:"error,omitempty"`
	Encryption            string        `json:"encryption,omitempty"`
	HasPrivateKey         bool          `json:"hasPrivateKey"`
	KeyMatchesCertificate bool          `json:"keyMatchesCertificate"`
	Certificate           *Certificate  `json:"certificate,omitempty"`
	Chain                 []Certificate `json:"chain"`
	// PasswordIndex is the index of the candidate password that opened the
	// file, or -1. It lets the scanner try a likely password first.
	PasswordIndex int `json:"-"`
}

// Options are the reader's inputs besides the bytes.
type Options struct {
	Passwords []string
	Now       time.Time
	WarnDays  int
	// Memory, when set, is asked for the bytes of a large key derivation
	// (scrypt: up to 128 MiB) before it runs. Readers that share one stay
	// within its budget together.
	Memory Memory
}

// Memory is a budget of bytes shared by concurrent reads. Acquire blocks
// until n bytes are free; Release gives them back.
type Memory interface {
	Acquire(n int64)
	Release(n int64)
}

// RevocationStatus is the answer of a revocation check. The values are part
// of the CLI contract.
type RevocationStatus string

const (
	RevocationGood       RevocationStatus = "good"
	RevocationRevoked    RevocationStatus = "revoked"
	RevocationUnknown    RevocationStatus = "unknown"
	RevocationNotChecked RevocationStatus = "not_checked"
)

// Revocation is the outcome of asking the CA (OCSP, or the CRL) whether a
// certificate is revoked. It is plain data, so the reader's types carry it
// without the reader doing I/O.
type Revocation struct {
	Status    RevocationStatus `json:"status"`
	CheckedAt time.Time        `json:"checkedAt,omitzero"`
	// Source is "ocsp" or "crl": where the answer came from.
	Source    string     `json:"source,omitempty"`
	RevokedAt *time.Time `json:"revokedAt,omitempty"`
	// Reason is the RFC 5280 CRLReason name (keyCompromise, superseded,
	// cessationOfOperation...) of a revoked certificate.
	Reason string `json:"reason,omitempty"`
	// Error says why the status is unknown or not_checked.
	Error *errs.Error `json:"error,omitempty"`
	// NextUpdate is when the CA promises newer information; zero if it
	// didn't say.
	NextUpdate time.Time `json:"nextUpdate,omitzero"`
	// Stale: a fresh check failed (offline, responder down), so this is the
	// last answer, as old as CheckedAt says.
	Stale bool `json:"stale,omitempty"`
}
