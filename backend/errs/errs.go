// Package errs is the app's one error vocabulary: an Error with a stable
// code, and the list of codes. The window shows each code through its
// translated text errors.<code>; scripts read the codes in the CLI's JSON.
// Every package returns these codes, so each is defined here and only here.
package errs

import (
	"errors"
	"fmt"
)

// The codes, grouped by where they arise. They are stable: scripts and the
// translations depend on them.
const (
	// Anything unexpected; the details go to the log, not to the screen.
	Internal = "internal"

	// Reading a certificate file (backend/certs).
	PasswordRequired      = "password_required"
	UnsupportedEncryption = "unsupported_encryption"
	Malformed             = "malformed"
	NotACertificate       = "not_a_certificate"
	EmptyFile             = "empty_file"
	TooLarge              = "too_large"
	KeyMismatch           = "key_mismatch"
	NoCertificate         = "no_certificate"

	// Opening a file on disk (backend/scan).
	FileNotFound     = "file_not_found"
	PermissionDenied = "permission_denied"
	NotAFile         = "not_a_file"
	IOError          = "io_error"
	// OnlineOnly is a file whose content is in the cloud only (OneDrive or
	// SharePoint Files-On-Demand): reading it would download it.
	OnlineOnly = "online_only"

	// The portal's answers (backend/portal/API.md, "Errors").
	BadRequest             = "bad_request"
	PayloadTooLarge        = "payload_too_large"
	Unauthenticated        = "unauthenticated"
	NotRegistered          = "not_registered"
	MigrationRequired      = "migration_required"
	InvalidPKCS12          = "invalid_pkcs12"
	WrongPassword          = "wrong_password"
	NoPrivateKey           = "no_private_key"
	CertificateExpired     = "certificate_expired"
	CertificateNotYetValid = "certificate_not_yet_valid"
	CVRMismatch            = "cvr_mismatch"
	NotFound               = "not_found" // a portal record (integration, certificate) is missing
	PreconditionFailed     = "precondition_failed"
	RateLimited            = "rate_limited"
	Unavailable            = "unavailable"

	// The portal client's own: no usable answer, or refused before sending.
	Network        = "network"         // no connection, dropped connection, timeout
	InsecureURL    = "insecure_url"    // http:// to a host that isn't loopback
	InvalidURL     = "invalid_url"     // not an http(s) address
	NoToken        = "no_token"        // no access token in the environment or the keychain
	FileUnreadable = "file_unreadable" // an install's file could not be read from disk
	// An install's password is in the keychain, which can't be reached for
	// now: the install stays pending and is tried again later.
	KeychainLocked = "keychain_locked"
	Cancelled      = "cancelled"       // the user cancelled the operation
	OperationEnded = "operation_ended" // Cancel of an operation that has ended

	// The keychain (backend/secrets).
	KeychainUnavailable = "keychain_unavailable"

	// Revocation checks (backend/revocation): why an answer is unknown or
	// not_checked.
	// RevocationNoAddress: the certificate names no OCSP responder and no CRL.
	RevocationNoAddress = "revocation_no_address"
	// RevocationNoIssuer: the issuer is neither in the file nor at its AIA address.
	RevocationNoIssuer = "revocation_no_issuer"
	// RevocationUnreachable: the responder or the CRL could not be fetched.
	RevocationUnreachable = "revocation_unreachable"
	// RevocationMalformed: the answer is not an OCSP response or a CRL.
	RevocationMalformed = "revocation_malformed"
	// RevocationResponderError: the responder answered with an error status.
	RevocationResponderError = "revocation_responder_error"
	// RevocationBadSignature: the answer is not signed by the issuer or by a
	// responder the issuer delegated.
	RevocationBadSignature = "revocation_bad_signature"
	// RevocationWrongCertificate: the answer is about another certificate.
	RevocationWrongCertificate = "revocation_wrong_certificate"
	// RevocationNotCurrent: the answer is out of date, or dated in the future.
	RevocationNotCurrent = "revocation_not_current"
	// RevocationNonceMismatch: the responder echoed another nonce than the one sent
	// (a replayed answer).
	RevocationNonceMismatch = "revocation_nonce_mismatch"
	// RevocationUnknownToCA: the responder doesn't know the certificate.
	RevocationUnknownToCA = "revocation_unknown_to_ca"
	// RevocationDisabled: revocation checking is turned off in the settings.
	RevocationDisabled = "revocation_disabled"
	// RevocationExpired: an expired certificate is not checked; CAs stop
	// answering for them.
	RevocationExpired = "revocation_expired"

	// A certificate or an integration named on the command line or by the
	// window: not a SHA-256 in hex; a prefix that matches more than one
	// certificate; a kind that more than one integration has.
	InvalidThumbprint    = "invalid_thumbprint"
	AmbiguousThumbprint  = "ambiguous_thumbprint"
	AmbiguousIntegration = "ambiguous_integration"

	// Exchange Online's renewal (backend/session): the thumbprint pasted
	// from Entra is another certificate's; an activation asked for before
	// the registration in Entra was confirmed (or explicitly skipped).
	EntraThumbprintMismatch = "entra_thumbprint_mismatch"
	EntraNotRegistered      = "entra_not_registered"

	// The window's own.
	NotInOverview = "not_in_overview"
	// CertificateGone: a row's certificate is no longer in the overview
	// (its files were removed, or DPG no longer has it).
	CertificateGone     = "certificate_gone"
	GuideMissing        = "guide_missing"
	WriteFailed         = "write_failed"
	UnsupportedLanguage = "unsupported_language"

	// Reminders: a time of day that is not HH:MM; the OS scheduler
	// refused the reminder's task (the message says what it answered).
	InvalidTime    = "invalid_time"
	ScheduleFailed = "schedule_failed"

	// Reminders to the team (backend/channels): the mail server could not
	// be reached, refused the message or the login, or offers no TLS; the
	// webhook kept failing after its retries, or refused for good (a 4xx
	// other than 429); a secret file others can read; a setting that is
	// not valid (an address, a lead time).
	MailFailed      = "mail_failed"
	MailRefused     = "mail_refused"
	MailAuthFailed  = "mail_auth_failed"
	MailTLSRequired = "mail_tls_required"
	WebhookFailed   = "webhook_failed"
	WebhookRefused  = "webhook_refused"
	SecretFileOpen  = "secret_file_open"
	InvalidSetting  = "invalid_setting"
)

// All lists every code, for the test that each has a text in both
// languages; that test also parses this file, so a code missing here fails.
var All = []string{
	Internal,
	PasswordRequired, UnsupportedEncryption, Malformed, NotACertificate, EmptyFile, TooLarge, KeyMismatch, NoCertificate,
	FileNotFound, PermissionDenied, NotAFile, IOError, OnlineOnly,
	BadRequest, PayloadTooLarge, Unauthenticated, NotRegistered, MigrationRequired, InvalidPKCS12, WrongPassword,
	NoPrivateKey, CertificateExpired, CertificateNotYetValid, CVRMismatch, NotFound, PreconditionFailed, RateLimited, Unavailable,
	Network, InsecureURL, InvalidURL, NoToken, FileUnreadable, KeychainLocked, Cancelled, OperationEnded,
	KeychainUnavailable,
	InvalidThumbprint, AmbiguousThumbprint, AmbiguousIntegration, EntraThumbprintMismatch, EntraNotRegistered,
	RevocationNoAddress, RevocationNoIssuer, RevocationUnreachable, RevocationMalformed, RevocationResponderError, RevocationBadSignature, RevocationWrongCertificate, RevocationNotCurrent, RevocationNonceMismatch, RevocationUnknownToCA, RevocationDisabled, RevocationExpired,
	NotInOverview, CertificateGone, GuideMissing, WriteFailed, UnsupportedLanguage,
	InvalidTime, ScheduleFailed,
	MailFailed, MailRefused, MailAuthFailed, MailTLSRequired, WebhookFailed, WebhookRefused, SecretFileOpen, InvalidSetting,
}

// Error is a failure with a stable code and an English message for logs and
// scripts; the UI translates Code instead. Neither ever holds a password or
// a token. Err is the cause, if any, for errors.Is/As and the log.
type Error struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	Err     error  `json:"-"`
}

// New is an Error with a code and a message.
func New(code, message string) *Error { return &Error{Code: code, Message: message} }

// Newf is New with a formatted message.
func Newf(code, format string, a ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, a...)}
}

func (e *Error) Error() string {
	if e.Message == "" {
		return e.Code
	}
	return e.Code + ": " + e.Message
}

func (e *Error) Unwrap() error { return e.Err }

// Is matches by code, so errors.Is(err, errs.New(errs.NotFound, "")) holds
// for any not_found.
func (e *Error) Is(target error) bool {
	var t *Error
	return errors.As(target, &t) && t.Code == e.Code
}

// Code is err's stable code: its own for an *Error anywhere in its chain,
// Internal otherwise (and "" for nil).
func Code(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return Internal
}

// InternalMessage is what a person is told about anything unexpected; the
// details go to the log.
const InternalMessage = "Something unexpected went wrong. The details are in the log."

// Shown is err as a person sees it: its code and message, or internal with
// InternalMessage for an error without a code.
func Shown(err error) Error {
	var e *Error
	if errors.As(err, &e) && e.Code != Internal {
		return Error{Code: e.Code, Message: e.Message}
	}
	return Error{Code: Internal, Message: InternalMessage}
}
