package session

import (
	"context"
	"strings"

	"dpgcerts/backend/errs"
	"dpgcerts/backend/portal"
)

// The flows on a certificate that DPG holds, by its SHA-256: it may have no
// file on this computer (installed by a colleague, or by the Service
// Center), so they start from the offline copy, not from a path.

// inPortal is the offline copy's record of the certificate with the
// SHA-256 sha (the whole thumbprint, any case).
func (s *Session) inPortal(ctx context.Context, sha string) (*portal.Service, portal.Certificate, error) {
	svc, err := s.offline()
	if err != nil {
		return nil, portal.Certificate{}, err
	}
	list, _, err := svc.Certificates(ctx)
	if err != nil {
		return nil, portal.Certificate{}, err
	}
	for _, c := range list {
		if strings.EqualFold(c.SHA256, strings.TrimSpace(sha)) {
			return svc, c, nil
		}
	}
	return nil, portal.Certificate{}, errs.Newf(errs.NotFound, "DPG has no certificate with the SHA-256 %s", sha)
}

// PrepareActivationOf is PrepareActivation for a certificate in DPG: the
// integration's current state (asked of the portal first) and the
// certificate's portal record.
func (s *Session) PrepareActivationOf(ctx context.Context, integrationID, sha256 string) (ActivationPlan, error) {
	ins, err := s.Integrations(ctx, true)
	if err != nil {
		return ActivationPlan{}, err
	}
	_, c, err := s.inPortal(ctx, sha256)
	if err != nil {
		return ActivationPlan{}, err
	}
	for _, in := range ins {
		if in.ID == integrationID {
			return ActivationPlan{Integration: in.Integration, Old: in.Active, New: *facts(c)}, nil
		}
	}
	return ActivationPlan{}, errs.New(errs.NotFound, "no such integration")
}

// ActivateCertificate makes the integration use the certificate in DPG
// with the SHA-256 sha256, with If-Match version: activation by the
// portal id, no file needed. A changed integration is
// precondition_failed, as for Activate.
func (s *Session) ActivateCertificate(ctx context.Context, integrationID, sha256, version string, opts SendOptions) (portal.Operation, error) {
	if _, err := s.signedInService(); err != nil {
		return portal.Operation{}, err
	}
	plan, err := s.PrepareActivationOf(ctx, integrationID, sha256)
	if err != nil {
		return portal.Operation{}, err
	}
	return s.activateEnded(ctx, integrationID, plan.New.ID, version, opts)
}

// CertificateEvents is the offline audit trail of the certificate in DPG
// with the SHA-256 sha256, oldest first; empty when DPG doesn't have it.
func (s *Session) CertificateEvents(ctx context.Context, sha256 string) ([]portal.Event, error) {
	out := []portal.Event{}
	svc, c, err := s.inPortal(ctx, sha256)
	if errs.Code(err) == errs.NotFound {
		return out, nil
	}
	if err != nil {
		return nil, err
	}
	evs, _, err := svc.Events(ctx, portal.EventQuery{CertificateID: c.ID})
	if err != nil {
		return nil, err
	}
	return append(out, evs...), nil
}

// PublicCertificate is the DER of the certificate in DPG with the SHA-256
// sha256 (the public part, for Entra) and a file name for it.
func (s *Session) PublicCertificate(ctx context.Context, sha256 string) (name string, der []byte, err error) {
	_, c, err := s.inPortal(ctx, sha256)
	if err != nil {
		return "", nil, err
	}
	if len(c.Certificate) == 0 {
		return "", nil, errs.New(errs.NoCertificate, "DPG did not send the public certificate; sync again")
	}
	return CerName(c.CommonName), c.Certificate, nil
}

// CerName makes a .cer file name of a certificate's name (often an e-mail
// address): the characters file systems refuse become "-".
func CerName(commonName string) string {
	base := strings.Map(func(r rune) rune {
		if strings.ContainsRune(`<>:"/\|?*`, r) || r < 32 {
			return '-'
		}
		return r
	}, strings.TrimSpace(commonName))
	base = strings.Trim(base, ". ")
	if base == "" {
		base = "certificate"
	}
	return base + ".cer"
}
