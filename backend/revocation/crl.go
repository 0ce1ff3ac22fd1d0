package revocation

import (
	"bytes"
	"context"
	"crypto/x509"
	"encoding/pem"
	"net/http"
	"time"

	"dpgcerts/backend/certs"
	"dpgcerts/backend/errs"
)

// crlFetch is one CRL download, shared by every certificate that names the
// same address: a CA's CRL can be megabytes.
type crlFetch struct {
	done chan struct{}
	crl  *x509.RevocationList
	err  *failure
	at   time.Time
}

// crlFor returns the CRL at u, downloading it once per Checker (again when
// the copy it has is past its nextUpdate). The CRL is verified against
// issuer here, so a copy verified for one issuer is never used for another.
func (c *Checker) crlFor(ctx context.Context, u string, issuer *x509.Certificate) (*x509.RevocationList, *failure) {
	key := u + "\x00" + string(issuer.Raw)
	c.mu.Lock()
	cf := c.crls[key]
	if cf != nil {
		select {
		case <-cf.done:
			if cf.err != nil || (!cf.crl.NextUpdate.IsZero() && c.now().After(cf.crl.NextUpdate)) {
				cf = nil // failed or out of date: fetch again
			}
		default:
		}
	}
	if cf == nil {
		cf = &crlFetch{done: make(chan struct{})}
		c.crls[key] = cf
		c.mu.Unlock()
		cf.crl, cf.err = c.downloadCRL(ctx, u, issuer)
		close(cf.done)
	} else {
		c.mu.Unlock()
		select {
		case <-cf.done:
		case <-ctx.Done():
			return nil, fail(errs.RevocationUnreachable, "Cancelled while fetching %s.", u)
		}
	}
	return cf.crl, cf.err
}

func (c *Checker) downloadCRL(ctx context.Context, u string, issuer *x509.Certificate) (*x509.RevocationList, *failure) {
	data, f := c.fetch(ctx, http.MethodGet, u, "", nil, maxCRLSize)
	if f != nil {
		return nil, f
	}
	if b, _ := pem.Decode(data); b != nil && b.Type == "X509 CRL" {
		data = b.Bytes // some CAs serve PEM
	}
	crl, err := x509.ParseRevocationList(data)
	if err != nil {
		return nil, fail(errs.RevocationMalformed, "%s is not a CRL: %v.", u, err)
	}
	if !bytes.Equal(crl.RawIssuer, issuer.RawSubject) {
		return nil, fail(errs.RevocationWrongCertificate, "The CRL at %s is from another CA.", u)
	}
	if err := crl.CheckSignatureFrom(issuer); err != nil {
		return nil, fail(errs.RevocationBadSignature, "The CRL at %s is not signed by the issuer: %v.", u, err)
	}
	return crl, nil
}

// askCRL looks leaf up in the CRL at u.
func (c *Checker) askCRL(ctx context.Context, u string, leaf, issuer *x509.Certificate) (certs.Revocation, *failure) {
	crl, f := c.crlFor(ctx, u, issuer)
	if f != nil {
		return certs.Revocation{}, f
	}
	now := c.now()
	if f := c.current(now, crl.ThisUpdate, crl.NextUpdate); f != nil {
		f.Message = "The CRL is not current. " + f.Message
		return certs.Revocation{}, f
	}
	r := certs.Revocation{Status: certs.RevocationGood, CheckedAt: now.UTC(), Source: SourceCRL, NextUpdate: crl.NextUpdate.UTC()}
	for _, e := range crl.RevokedCertificateEntries {
		if e.SerialNumber != nil && e.SerialNumber.Cmp(leaf.SerialNumber) == 0 {
			if e.ReasonCode == 8 {
				continue // removeFromCRL: taken off hold (delta CRLs)
			}
			r.Status = certs.RevocationRevoked
			at := e.RevocationTime.UTC()
			r.RevokedAt = &at
			r.Reason = reasonName(e.ReasonCode)
			break
		}
	}
	return r, nil
}
