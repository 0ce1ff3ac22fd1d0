package revocation

import (
	"bytes"
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net/http"

	"dpgcerts/backend/certs"
	"dpgcerts/backend/errs"
)

// fetch makes one request and reads at most limit bytes of a 200 answer.
// Any failure is errs.RevocationUnreachable: the caller has nothing to judge.
func (c *Checker) fetch(ctx context.Context, method, url, contentType string, body []byte, limit int64) ([]byte, *failure) {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, url, rd)
	if err != nil {
		return nil, fail(errs.RevocationUnreachable, "The address %s can't be used: %v.", url, err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := c.client.Do(req)
	if err != nil {
		return nil, fail(errs.RevocationUnreachable, "%s did not answer: %v.", url, unwrapURLError(err))
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fail(errs.RevocationUnreachable, "%s answered HTTP %d.", url, resp.StatusCode)
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, limit+1))
	if err != nil {
		return nil, fail(errs.RevocationUnreachable, "%s: the answer broke off: %v.", url, err)
	}
	if int64(len(data)) > limit {
		return nil, fail(errs.RevocationMalformed, "%s answered more than %d bytes.", url, limit)
	}
	return data, nil
}

// unwrapURLError drops the "Get "url":" prefix the message already has.
func unwrapURLError(err error) error {
	var ue interface{ Unwrap() error }
	if errors.As(err, &ue) && ue.Unwrap() != nil {
		return ue.Unwrap()
	}
	return err
}

// issuerOf finds the certificate that signed leaf: in the file's chain, else
// at the AIA caIssuers address (remembered, and kept in the cache). A
// candidate counts only if leaf's signature verifies with its key, so a
// fetched issuer can't be swapped for another.
func (c *Checker) issuerOf(ctx context.Context, leaf *x509.Certificate, chain []*x509.Certificate) (*x509.Certificate, *failure) {
	for _, cand := range chain {
		if bytes.Equal(cand.RawSubject, leaf.RawIssuer) && leaf.CheckSignatureFrom(cand) == nil {
			return cand, nil
		}
	}
	last := fail(errs.RevocationNoIssuer, "The issuing CA's certificate is not in the file, and the certificate names no address to fetch it from.")
	for _, u := range leaf.IssuingCertificateURL {
		if !httpURL(u) {
			continue
		}
		c.mu.Lock()
		cand := c.issuers[u]
		c.mu.Unlock()
		if cand != nil && leaf.CheckSignatureFrom(cand) == nil {
			return cand, nil
		}
		if c.cache != nil {
			if der, ok, err := c.cache.Issuer(ctx, u); err == nil && ok {
				if cand, err := x509.ParseCertificate(der); err == nil && leaf.CheckSignatureFrom(cand) == nil {
					c.remember(u, cand)
					return cand, nil
				}
			}
		}
		data, f := c.fetch(ctx, http.MethodGet, u, "", nil, maxIssuerSize)
		if f != nil {
			last = fail(errs.RevocationNoIssuer, "The issuing CA's certificate is not in the file and could not be fetched: %s", f.Message)
			continue
		}
		cands, err := parseIssuers(data)
		if err != nil {
			last = fail(errs.RevocationNoIssuer, "%s did not answer with a certificate: %v.", u, err)
			continue
		}
		for _, cand := range cands {
			if leaf.CheckSignatureFrom(cand) != nil {
				continue
			}
			c.remember(u, cand)
			if c.cache != nil {
				_ = c.cache.PutIssuer(ctx, u, cand.Raw) // a cache failure costs a fetch next time, nothing else
			}
			return cand, nil
		}
		last = fail(errs.RevocationNoIssuer, "The certificate at %s did not sign this certificate.", u)
	}
	return nil, last
}

func (c *Checker) remember(url string, cert *x509.Certificate) {
	c.mu.Lock()
	c.issuers[url] = cert
	c.mu.Unlock()
}

// parseIssuers reads a caIssuers answer: DER (RFC 5280 says so) or PEM,
// which some CAs serve.
func parseIssuers(data []byte) ([]*x509.Certificate, error) {
	if cert, err := x509.ParseCertificate(data); err == nil {
		return []*x509.Certificate{cert}, nil
	}
	var out []*x509.Certificate
	for b := range certs.PEMBlocks(data) {
		if b.Type != "CERTIFICATE" {
			continue
		}
		if cert, err := x509.ParseCertificate(b.Bytes); err == nil {
			out = append(out, cert)
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("neither DER nor PEM")
	}
	return out, nil
}
