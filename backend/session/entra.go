package session

import (
	"context"
	"strings"

	"dpgcerts/backend/errs"
	"dpgcerts/backend/portal"
	"dpgcerts/backend/store"
)

// Exchange Online signs in to the customer's tenant as the Entra ID app
// registration, whose credential is the organisation certificate: DPG may
// use a new certificate for it only once Entra knows it. So its renewal is
// three steps, in this order: install in DPG, register in Entra (confirmed
// by the thumbprint Entra shows), activate.

// EntraCheck is the answer to a thumbprint pasted from Entra.
type EntraCheck struct {
	// Matched: it is the certificate's (SHA-1 or SHA-256); the registration
	// is remembered.
	Matched bool `json:"matched"`
	// Code says why not: invalid_thumbprint (not a thumbprint at all) or
	// entra_thumbprint_mismatch.
	Code string `json:"code,omitempty"`
	// Known is the certificate the thumbprint belongs to, when the app
	// knows it (often the old one, still in the app registration).
	Known *CertFacts `json:"known,omitempty"`
	// Message says so in English (the CLI's).
	Message string `json:"message,omitempty"`
}

// MatchThumbprint says whether pasted is c's SHA-1 or SHA-256, ignoring
// case, spaces and colons.
func MatchThumbprint(pasted string, c CertFacts) bool {
	t := Thumbprint(pasted)
	return t != "" && (t == Thumbprint(c.SHA1) || t == Thumbprint(c.SHA256))
}

// CheckEntra compares the thumbprint Entra shows with ref's certificate.
// A match is remembered for the certificate, so that the activation (in
// this window later, or after a restart) knows Entra has it.
func (s *Session) CheckEntra(ctx context.Context, ref Ref, pasted string) (EntraCheck, error) {
	svc, t, err := s.resolve(ctx, ref)
	if err != nil {
		return EntraCheck{}, err
	}
	if MatchThumbprint(pasted, t.facts) {
		if err := s.opts.Store.ConfirmEntra(ctx, t.facts.SHA256, s.opts.Runtime.Now()); err != nil {
			return EntraCheck{}, err
		}
		s.opts.OnChange() // the card's next step is now the activation
		return EntraCheck{Matched: true}, nil
	}
	p := Thumbprint(pasted)
	if !IsHex(p) || (len(p) != 40 && len(p) != 64) {
		return EntraCheck{Code: errs.InvalidThumbprint, Message: "that is not a thumbprint: copy the certificate's thumbprint as Entra shows it (40 hex digits)"}, nil
	}
	out := EntraCheck{Code: errs.EntraThumbprintMismatch,
		Message: "the thumbprint is not the new certificate's (SHA-1 " + strings.ToUpper(t.facts.SHA1) + "); upload its .cer to the app registration and paste the thumbprint Entra shows for it"}
	if k := s.knownByThumbprint(ctx, svc, p); k != nil {
		out.Known = k
		out.Message = "the thumbprint is that of " + k.CommonName + " (expires " + k.NotAfter.Format("2006-01-02") + "), not the new certificate's (SHA-1 " + strings.ToUpper(t.facts.SHA1) + ")"
	}
	return out, nil
}

// knownByThumbprint is the certificate, in DPG or on this computer, whose
// SHA-1 or SHA-256 is t; nil when the app knows none.
func (s *Session) knownByThumbprint(ctx context.Context, svc *portal.Service, t string) *CertFacts {
	if svc != nil {
		if list, _, err := svc.Certificates(ctx); err == nil {
			for _, c := range list {
				if f := facts(c); MatchThumbprint(t, *f) {
					return f
				}
			}
		}
	}
	if files, err := s.opts.Files.Files(); err == nil {
		for _, f := range files {
			if c := f.Certificate; c != nil {
				if cf := certFacts(c); MatchThumbprint(t, cf) {
					return &cf
				}
			}
		}
	}
	return nil
}

// entraRegistered says whether the certificate's registration in Entra
// was confirmed.
func (s *Session) entraRegistered(ctx context.Context, sha256 string) (bool, error) {
	done, err := s.opts.Store.EntraRegistered(ctx)
	return done[strings.ToLower(sha256)], err
}

// DismissEntraNote removes the note to remove the old certificate from the
// app registration.
func (s *Session) DismissEntraNote(ctx context.Context, integrationID string) error {
	err := s.opts.Store.DismissEntraNote(ctx, integrationID)
	s.opts.OnChange()
	return err
}

// noteOldInEntra leaves, after an Exchange Online activation, the lasting
// note to remove the old certificate from the app registration.
func (s *Session) noteOldInEntra(ctx context.Context, out Activation) {
	if out.Integration.Kind != portal.KindExchangeOnline || out.Old == nil || strings.EqualFold(out.Old.SHA256, out.New.SHA256) {
		return
	}
	n := store.EntraNote{IntegrationID: out.Integration.ID, OldSHA1: out.Old.SHA1, OldSHA256: out.Old.SHA256,
		OldName: out.Old.CommonName, At: s.opts.Runtime.Now()}
	if err := s.opts.Store.PutEntraNote(ctx, n); err != nil {
		s.logf("the note to remove the old certificate from Entra was not kept: %v", err)
	}
}
