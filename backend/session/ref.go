package session

import (
	"context"
	"slices"
	"strings"

	"dpgcerts/backend/certs"
	"dpgcerts/backend/errs"
	"dpgcerts/backend/portal"
)

// Ref names a certificate for the flows on it: by its SHA-256 (the whole
// thumbprint, or a unique prefix of at least 8 hex digits), or by a file of
// the overview, which resolves to its certificate's SHA-256. A certificate
// in DPG may have no file on this computer (installed by a colleague, or by
// the Service Center), so the SHA-256 is enough.
type Ref struct {
	SHA256 string `json:"sha256,omitempty"`
	Path   string `json:"path,omitempty"`
}

// Thumbprint is a thumbprint (SHA-1 or SHA-256, in hex) as the app
// compares it: lower case, without the spaces and colons that tools put
// between the bytes.
func Thumbprint(s string) string {
	return strings.ToLower(strings.NewReplacer(":", "", " ", "", "\t", "").Replace(strings.TrimSpace(s)))
}

// IsHex says whether s (a Thumbprint) is hex digits only, and not empty.
func IsHex(s string) bool { return s != "" && strings.Trim(s, "0123456789abcdef") == "" }

// minPrefix is the shortest SHA-256 prefix a Ref may give.
const minPrefix = 8

// target is what a Ref resolves to.
type target struct {
	facts CertFacts
	// file is the overview's file of a Ref by path; nil by SHA-256.
	file *certs.File
	// record is DPG's record in the offline copy; nil when DPG lacks it.
	record *portal.Certificate
	// queued: DPG lacks it, but its install waits in the outbox.
	queued bool
}

// activationRef is what the outbox activates: the portal id, or the
// SHA-256 of an install still in the outbox.
func (t target) activationRef() string {
	if t.record != nil {
		return t.record.ID
	}
	return portal.SHA256Ref(t.facts.SHA256)
}

// resolve finds ref's certificate: a file's, or by SHA-256 DPG's record
// (else an install in the outbox, else a file on this computer). svc is the
// offline copy's service, nil when there is none.
func (s *Session) resolve(ctx context.Context, ref Ref) (svc *portal.Service, t target, err error) {
	if ref.Path != "" {
		f, err := s.fileCert(ref.Path)
		if err != nil {
			return nil, t, err
		}
		t = target{file: &f, facts: certFacts(f.Certificate)}
		ref = Ref{SHA256: f.Certificate.SHA256}
	}
	want := Thumbprint(ref.SHA256)
	if t.file == nil && (!IsHex(want) || len(want) < minPrefix || len(want) > 64) {
		return nil, t, errs.Newf(errs.InvalidThumbprint, "%q is not a SHA-256 thumbprint (64 hex digits, or at least %d of them)", ref.SHA256, minPrefix)
	}
	svc, err = s.offline()
	if err != nil {
		return nil, t, err
	}
	list, _, err := svc.Certificates(ctx)
	if err != nil {
		return nil, t, err
	}
	for i, c := range list {
		if !strings.HasPrefix(strings.ToLower(c.SHA256), want) || (t.file != nil && len(c.SHA256) != len(want)) {
			continue
		}
		if t.record != nil {
			return nil, t, errs.Newf(errs.AmbiguousThumbprint, "%s matches more than one certificate; give more digits", want)
		}
		t.record = &list[i]
	}
	switch {
	case t.file != nil:
		if t.record != nil {
			t.facts.ID = t.record.ID
		}
		return svc, t, nil
	case t.record != nil:
		t.facts = *facts(*t.record)
		return svc, t, nil
	case len(want) < 64:
		return nil, t, errs.Newf(errs.NotFound, "no installed certificate has a SHA-256 starting with %s", want)
	}
	t.facts = CertFacts{SHA256: want}
	pending, err := svc.Operations(ctx, portal.StatePending, portal.StateNeedsPassword)
	if err != nil {
		return nil, t, err
	}
	t.queued = slices.ContainsFunc(pending, func(o portal.Operation) bool {
		return o.Kind == "install" && o.CertificateSHA256 == want
	})
	// A file on this computer: enough for its public part, not for DPG. An
	// install in the outbox takes its facts from it (its SHA-1 for Entra),
	// and stays what is activated.
	files, err := s.opts.Files.Files()
	if err != nil && !t.queued {
		return nil, t, err
	}
	for _, f := range files {
		if c := f.Certificate; c != nil && strings.EqualFold(c.SHA256, want) {
			t.facts = certFacts(c)
			if !t.queued {
				t.file = &f
			}
			break
		}
	}
	if t.queued || t.file != nil {
		return svc, t, nil
	}
	return nil, t, errs.Newf(errs.NotFound, "no installed certificate has the SHA-256 %s", want)
}

// certFacts are a certificate's facts as the flows show them.
func certFacts(c *certs.Certificate) CertFacts {
	return CertFacts{CommonName: c.CommonName, Subject: c.Subject, NotAfter: c.NotAfter, SHA1: c.SHA1, SHA256: c.SHA256}
}

// inDPG resolves ref to a certificate DPG has, or will have once the
// outbox sends its install; not_found otherwise.
func (s *Session) inDPG(ctx context.Context, ref Ref) (*portal.Service, target, error) {
	svc, t, err := s.resolve(ctx, ref)
	if err == nil && ref.Path == "" && t.record == nil && !t.queued {
		err = errs.Newf(errs.NotFound, "no installed certificate has the SHA-256 %s", t.facts.SHA256)
	}
	return svc, t, err
}

// resolveKnown is resolve for the details' questions, which have no answer
// (ok false, no error) without the offline copy or for a certificate the
// app doesn't know.
func (s *Session) resolveKnown(ctx context.Context, ref Ref) (svc *portal.Service, t target, ok bool, err error) {
	if s.current() == nil {
		return nil, t, false, nil
	}
	svc, t, err = s.resolve(ctx, ref)
	switch errs.Code(err) {
	case "":
		return svc, t, true, nil
	case errs.NotFound, errs.NoCertificate, errs.NotInOverview:
		return nil, t, false, nil
	}
	return nil, t, false, err
}

// Events is the offline audit trail of ref's certificate, oldest first;
// empty when DPG doesn't have it.
func (s *Session) Events(ctx context.Context, ref Ref) ([]portal.Event, error) {
	out := []portal.Event{}
	svc, t, ok, err := s.resolveKnown(ctx, ref)
	if !ok || err != nil || t.record == nil {
		return out, err
	}
	evs, _, err := svc.Events(ctx, portal.EventQuery{CertificateID: t.record.ID})
	if err != nil {
		return nil, err
	}
	return append(out, evs...), nil
}

// PublicCertificate is ref's public certificate (.cer, DER), for the Entra
// app registration, and the one name it is saved under (certs.CerName):
// from the file on this computer, else from DPG's record.
func (s *Session) PublicCertificate(ctx context.Context, ref Ref) (name string, der []byte, err error) {
	_, t, err := s.resolve(ctx, ref)
	if err != nil {
		return "", nil, err
	}
	switch {
	case t.file != nil && len(t.file.Certificate.Raw) > 0:
		der = t.file.Certificate.Raw
	case t.record != nil && len(t.record.Certificate) > 0:
		der = t.record.Certificate
	case t.record != nil:
		return "", nil, errs.New(errs.NoCertificate, "DPG did not send the public certificate; sync again")
	default:
		return "", nil, errs.New(errs.NoCertificate, "The file holds no certificate to export.")
	}
	return certs.CerName(t.facts.CommonName), der, nil
}
