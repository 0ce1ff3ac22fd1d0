package portal

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"

	"dpgcerts/backend/errs"
)

// The outbox: installs and activations are recorded, each with its
// idempotency key, before anything is sent (sync.go sends them), and can be
// listed, cancelled and dismissed. An install's password is never kept
// here (passwords.go).

// MaxFileBytes is the largest file the outbox takes: base64 makes it 4/3 as
// large, which must stay under the portal's body limit (4 MiB). Certificate
// files are a few KiB.
const MaxFileBytes = 3 << 20

// InstallFile is one file to install.
type InstallFile struct {
	// Name is sent as the filename; Path is where it came from (shown only).
	Name, Path string
	// Data is the file as it is: it is kept, still encrypted, until sent.
	Data []byte
	// Passwords are candidates: the one that opens the file is used. None
	// that opens it leaves the install waiting as needs_password.
	Passwords []string
}

// Install records the installs in the outbox, each with its idempotency
// key, in one transaction, before anything is sent; Sync sends them. A
// file that is already waiting in the outbox is not added twice (the
// existing operation comes back with Duplicate set). The results are in
// the order of files.
func (s *Service) Install(ctx context.Context, files []InstallFile) ([]Operation, error) {
	ops := make([]Operation, len(files))
	pws := make([]*string, len(files))
	for i, f := range files {
		sum := sha256.Sum256(f.Data)
		o := Operation{Portal: s.portal, Kind: OpInstall, Key: newKey(), State: StatePending,
			Filename: f.Name, Path: f.Path, FileSHA256: hex.EncodeToString(sum[:]), PKCS12: f.Data}
		if o.Filename == "" {
			o.Filename = "certificate.p12"
		}
		if len(f.Data) > MaxFileBytes {
			o.State, o.ErrorCode = StateFailed, errs.PayloadTooLarge
			o.ErrorMessage = fmt.Sprintf("the file is larger than %d MiB, far larger than a certificate file", MaxFileBytes>>20)
			ops[i] = o
			continue
		}
		pw, sha, ok := s.openWith(f.Data, f.Passwords)
		o.CertificateSHA256 = sha
		switch {
		case !ok:
			o.State, o.ErrorCode = StateNeedsPassword, errs.PasswordRequired
			o.ErrorMessage = "no known password opens the file"
		case pw == "":
			o.PasswordIn = PasswordEmpty
		default:
			o.PasswordIn = PasswordMemory
			pws[i] = &pw
		}
		ops[i] = o
	}
	stored, dup, err := s.st.AddOps(ctx, ops)
	if err != nil {
		return nil, err
	}
	out := make([]Operation, len(stored))
	for i, o := range stored {
		switch {
		case pws[i] == nil:
		case !dup[i]:
			o = s.keepPassword(ctx, o, *pws[i])
		default:
			// A double submit brings the password an earlier intent may
			// have lost (no keychain, another process).
			if _, ok, _ := s.password(o); !ok {
				o = s.keepPassword(ctx, o, *pws[i])
			}
		}
		out[i] = o
		out[i].Duplicate = dup[i]
	}
	s.Kick()
	return out, nil
}

// save writes o after applying change, reloading and applying it again
// when another writer (a goroutine, another process) got there first.
// change sees the freshest copy and says false when there is nothing to
// write any more. An operation that has ended meanwhile is no error: it was
// handled elsewhere (sent, cancelled), and wrote is false.
func (s *Service) save(ctx context.Context, o *Operation, change func(*Operation) bool) (wrote bool, err error) {
	err = s.st.UpdateOpWith(ctx, o, func(f *Operation) bool {
		wrote = f.Active() && change(f)
		return wrote
	})
	if errors.Is(err, ErrOpEnded) {
		return false, nil
	}
	return wrote && err == nil, err
}

// ErrEnded answers Cancel for an operation that has ended already.
var ErrEnded = &errs.Error{Code: errs.OperationEnded, Message: "the operation has ended already"}

// errNoSuchOp answers Cancel and SetPassword for an id the outbox doesn't have.
var errNoSuchOp = &errs.Error{Code: errs.NotFound, Message: "no such operation"}

// Cancel ends a pending or waiting operation at the user's request: it
// fails with the code cancelled, and an install's file and keychain entry
// are removed. A send already in flight may still reach the portal; its
// answer then finds the operation ended and changes nothing here.
func (s *Service) Cancel(ctx context.Context, id int64) error {
	o, err := s.st.CancelOp(ctx, id)
	switch {
	case errors.Is(err, ErrOpEnded):
		return ErrEnded
	case errors.Is(err, ErrNoOp):
		return errNoSuchOp
	case err != nil:
		return err
	}
	s.ended(ctx, o) // its password's keychain entry goes
	s.logf("%s %s cancelled", o.Kind, o.name())
	return nil
}

// Activate records an activation in the outbox: the integration shall use
// the certificate (its id, or SHA256Ref of one still being installed).
// ifMatch is the integration's version the user saw when confirming.
func (s *Service) Activate(ctx context.Context, integrationID, certificateID, ifMatch string) (Operation, error) {
	if integrationID == "" || certificateID == "" || ifMatch == "" {
		return Operation{}, &errs.Error{Code: errs.BadRequest, Message: "an activation needs an integration, a certificate and the version seen"}
	}
	// The duplicate check compares certificates: a reference by SHA-256 is
	// resolved first where the offline copy knows it, and each activation
	// records its certificate's SHA-256 so both forms meet.
	certificateID, sha, err := s.resolveRef(ctx, certificateID)
	if err != nil {
		return Operation{}, err
	}
	stored, dup, err := s.st.AddOps(ctx, []Operation{{Portal: s.portal, Kind: OpActivate, Key: newKey(),
		State: StatePending, IntegrationID: integrationID, CertificateID: certificateID, CertificateSHA256: sha, IfMatch: ifMatch}})
	if err != nil {
		return Operation{}, err
	}
	op := stored[0]
	op.Duplicate = dup[0]
	s.Kick()
	return op, nil
}

// resolveRef turns a SHA256Ref into the certificate's id when the offline
// copy has it, and finds the SHA-256 of an id.
func (s *Service) resolveRef(ctx context.Context, ref string) (id, sha string, err error) {
	sha, isRef := strings.CutPrefix(ref, "sha256:")
	list, err := s.st.PortalCertificates(ctx, s.portal)
	if err != nil {
		return "", "", err
	}
	for _, r := range list {
		if isRef && r.SHA256 == sha {
			return r.ID, sha, nil
		}
		if !isRef && r.ID == ref {
			return ref, r.SHA256, nil
		}
	}
	if isRef {
		return ref, sha, nil
	}
	return ref, "", nil
}

// Operations lists the outbox, oldest first; all states when none given.
func (s *Service) Operations(ctx context.Context, states ...string) ([]Operation, error) {
	ops, err := s.st.Ops(ctx, OpFilter{Portal: s.portal, States: states})
	if err != nil {
		return nil, err
	}
	return ops, nil
}

// Operation returns one operation.
func (s *Service) Operation(ctx context.Context, id int64) (Operation, error) {
	return s.st.Op(ctx, id)
}

// Dismiss removes an ended operation from the list.
func (s *Service) Dismiss(ctx context.Context, id int64) error { return s.st.DeleteOp(ctx, id) }
