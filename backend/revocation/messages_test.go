package revocation_test

import (
	"testing"

	"dpgcerts/backend/errs"
	"dpgcerts/backend/i18n"
	"dpgcerts/backend/revocation"
)

// TestMessages: every code and reason word the checker gives has a text in
// each language, so the window never shows a bare code.
func TestMessages(t *testing.T) {
	codes := []string{errs.RevocationNoAddress, errs.RevocationNoIssuer, errs.RevocationUnreachable, errs.RevocationMalformed,
		errs.RevocationResponderError, errs.RevocationBadSignature, errs.RevocationWrongCertificate, errs.RevocationNotCurrent,
		errs.RevocationNonceMismatch, errs.RevocationUnknownToCA, errs.RevocationDisabled, errs.RevocationExpired}
	for _, lang := range i18n.Supported() {
		msgs := i18n.Messages(lang)
		var ids []string
		for _, c := range codes {
			ids = append(ids, "errors."+c)
		}
		for _, r := range revocation.Reasons() {
			ids = append(ids, "revocation.reasons."+r)
		}
		for _, s := range []string{"good", "revoked", "unknown", "not_checked"} {
			ids = append(ids, "revocation.status."+s)
		}
		for _, s := range []string{revocation.SourceOCSP, revocation.SourceCRL} {
			ids = append(ids, "revocation.sources."+s)
		}
		ids = append(ids, "status.revoked")
		for _, id := range ids {
			if _, ok := msgs[id]; !ok {
				t.Errorf("%s: no message %q", lang, id)
			}
		}
	}
}
