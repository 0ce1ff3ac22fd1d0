package portal

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// Operation kinds.
const (
	OpInstall  = "install"
	OpActivate = "activate"
)

// Operation states (the outbox's). pending and needs_password are active;
// done and failed have ended.
const (
	StatePending       = "pending"
	StateNeedsPassword = "needs_password"
	StateDone          = "done"
	StateFailed        = "failed"
)

// Where an install's password waits until it is sent (Operation.PasswordIn).
const (
	PasswordNowhere  = ""
	PasswordKeychain = "keychain"
	PasswordEmpty    = "empty"
	PasswordMemory   = "memory"
)

// Operation is one install or activation the user asked for: a record of
// the outbox, as the outbox storage keeps it and as the window and the CLI
// show it. It never holds a password. The fields without JSON are the
// outbox's own.
type Operation struct {
	ID    int64  `json:"id"`
	Kind  string `json:"kind"`  // OpInstall, OpActivate
	State string `json:"state"` // StatePending, StateNeedsPassword, StateDone, StateFailed
	// Portal is the address of the portal the operation is for.
	Portal string `json:"-"`
	// Key is the Idempotency-Key sent with every attempt.
	Key string `json:"-"`

	// Install.
	Filename          string `json:"filename,omitempty"`
	Path              string `json:"path,omitempty"`
	CertificateSHA256 string `json:"certificateSha256,omitempty"`
	// FileSHA256 is the file's: the same bytes asked for twice are one install.
	FileSHA256 string `json:"-"`
	// PKCS12 is the file as it was given (still encrypted by its password),
	// on its way into the outbox (AddOps); OutboxStore.OpFile reads it back
	// until the operation ends.
	PKCS12 []byte `json:"-"`
	// PasswordIn says where the password waits (Password*), never what it is.
	PasswordIn string `json:"-"`

	// Activate.
	IntegrationID string `json:"integrationId,omitempty"`
	IfMatch       string `json:"ifMatch,omitempty"`
	// CertificateID is the installed certificate (install: once done;
	// activate: the one to activate, or SHA256Ref of one an install in the
	// outbox is still sending).
	CertificateID string `json:"certificateId,omitempty"`
	// PreviousCertificateID is what the integration used before (activate,
	// once done).
	PreviousCertificateID string `json:"previousCertificateId,omitempty"`
	// AlreadyInstalled: the portal had the certificate already (install, done).
	AlreadyInstalled bool `json:"alreadyInstalled,omitempty"`

	Attempts      int       `json:"attempts"`
	NextAttemptAt time.Time `json:"nextAttemptAt,omitzero"`
	// ErrorCode is the last error's stable code: the reason a failed
	// operation ended, or why a pending one is waiting.
	ErrorCode    string    `json:"errorCode,omitempty"`
	ErrorMessage string    `json:"errorMessage,omitempty"`
	CreatedAt    time.Time `json:"createdAt"`
	UpdatedAt    time.Time `json:"-"`
	FinishedAt   time.Time `json:"finishedAt,omitzero"`
	// Version counts the updates: OutboxStore.UpdateOp writes only over the
	// version it was given, and advances it.
	Version int64 `json:"-"`
	// Duplicate: Install or Activate found this operation already asked for
	// and returned it instead of adding another.
	Duplicate bool `json:"duplicate,omitempty"`
}

// Active says whether the operation has yet to end.
func (o Operation) Active() bool { return IsActive(o.State) }

// IsActive says whether an operation in state has yet to end.
func IsActive(state string) bool { return state == StatePending || state == StateNeedsPassword }

// name is how the log names the operation.
func (o Operation) name() string {
	if o.Kind == OpInstall {
		return o.Filename
	}
	return o.IntegrationID
}

// SHA256Ref refers, in Activate, to a certificate by its SHA-256: one that
// an install in the outbox is still sending ("Install and activate as the
// successor of ..."). The outbox resolves it once the install is done.
func SHA256Ref(sha256Hex string) string { return "sha256:" + strings.ToLower(sha256Hex) }

// OpFilter selects operations of one portal.
type OpFilter struct {
	Portal string
	States []string // any state when empty
	Kind   string   // any kind when ""
	IDs    []int64  // any id when empty
}

// The outbox storage's answers about one operation.
var (
	// ErrNoOp means there is no such operation.
	ErrNoOp = errors.New("portal: no such operation")
	// ErrOpEnded means the operation has ended (done, failed or cancelled),
	// perhaps in another process: there is nothing left to write. It is
	// also an ErrNoOp. (Cancel tells the user ErrEnded.)
	ErrOpEnded = fmt.Errorf("%w: it has ended", ErrNoOp)
	// ErrStale means the operation changed since the copy was read: reload
	// it and decide again.
	ErrStale = errors.New("portal: the operation changed since it was read")
)
