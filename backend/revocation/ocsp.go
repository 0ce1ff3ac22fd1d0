package revocation

import (
	"bytes"
	"context"
	"crypto"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/base64"
	"errors"
	"math/big"
	"net/http"
	"net/url"
	"strings"
	"time"

	"golang.org/x/crypto/ocsp"

	"dpgcerts/backend/certs"
	"dpgcerts/backend/errs"
)

// x/crypto/ocsp builds requests and reads the status, but it sends no nonce,
// doesn't expose the response's extensions or CertID hashes, can't verify
// RSASSA-PSS (which OCES3 uses) and doesn't check a delegated responder's
// extended key usage. The small structures below cover just those gaps.

var (
	oidNonce     = asn1.ObjectIdentifier{1, 3, 6, 1, 5, 5, 7, 48, 1, 2}
	oidRSAPSS    = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 10}
	oidSHA1      = asn1.ObjectIdentifier{1, 3, 14, 3, 2, 26}
	oidSHA256    = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 2, 1}
	oidSHA384    = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 2, 2}
	oidSHA512    = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 2, 3}
	oidOCSPBasic = asn1.ObjectIdentifier{1, 3, 6, 1, 5, 5, 7, 48, 1, 1}
)

// The request as x/crypto/ocsp marshals it, plus requestExtensions.
type ocspRequest struct {
	TBS tbsRequest
}

type tbsRequest struct {
	Version     int `asn1:"explicit,tag:0,default:0,optional"`
	RequestList asn1.RawValue
	Extensions  []pkix.Extension `asn1:"explicit,tag:2,optional"`
}

// The response down to what the checks need.
type responseASN1 struct {
	Status   asn1.Enumerated
	Response struct {
		ResponseType asn1.ObjectIdentifier
		Response     []byte
	} `asn1:"explicit,tag:0,optional"`
}

type basicResponse struct {
	TBSResponseData    asn1.RawValue
	SignatureAlgorithm pkix.AlgorithmIdentifier
	Signature          asn1.BitString
	Certificates       []asn1.RawValue `asn1:"explicit,tag:0,optional"`
}

type responseData struct {
	Version        int `asn1:"optional,default:0,explicit,tag:0"`
	RawResponderID asn1.RawValue
	ProducedAt     time.Time `asn1:"generalized"`
	Responses      []singleResponse
	Extensions     []pkix.Extension `asn1:"explicit,tag:1,optional"`
}

// singleResponse: only the CertID; encoding/asn1 skips the fields after it.
type singleResponse struct {
	CertID certID
}

type certID struct {
	HashAlgorithm  pkix.AlgorithmIdentifier
	IssuerNameHash []byte
	IssuerKeyHash  []byte
	SerialNumber   *big.Int
}

type pssParams struct {
	Hash pkix.AlgorithmIdentifier `asn1:"explicit,tag:0,optional"`
}

// nonceSize follows RFC 8954: at least 1 and at most 32 octets.
const nonceSize = 16

// maxGETRequest: RFC 5019 asks for GET when the encoded request is under
// 255 bytes, so HTTP caches can help; larger ones are POSTed.
const maxGETRequest = 255

// buildRequest makes an OCSP request for leaf with a fresh nonce, and
// returns the nonce extension's value as sent.
func buildRequest(leaf, issuer *x509.Certificate) (der, nonceValue []byte, err error) {
	plain, err := ocsp.CreateRequest(leaf, issuer, &ocsp.RequestOptions{Hash: crypto.SHA1})
	if err != nil {
		return nil, nil, err
	}
	var req ocspRequest
	if rest, err := asn1.Unmarshal(plain, &req); err != nil || len(rest) > 0 {
		return nil, nil, errors.New("unexpected OCSP request encoding")
	}
	nonce := make([]byte, nonceSize)
	if _, err := rand.Read(nonce); err != nil {
		return nil, nil, err
	}
	// The extension's value is the DER of an OCTET STRING holding the nonce.
	nonceValue, err = asn1.Marshal(nonce)
	if err != nil {
		return nil, nil, err
	}
	req.TBS.Extensions = []pkix.Extension{{Id: oidNonce, Value: nonceValue}}
	der, err = asn1.Marshal(req)
	return der, nonceValue, err
}

// askOCSP asks the responder at u and verifies its answer.
func (c *Checker) askOCSP(ctx context.Context, u string, leaf, issuer *x509.Certificate) (certs.Revocation, *failure) {
	reqDER, nonce, err := buildRequest(leaf, issuer)
	if err != nil {
		return certs.Revocation{}, fail(errs.RevocationMalformed, "No OCSP request could be made: %v.", err)
	}
	var data []byte
	var f *failure
	enc := url.PathEscape(base64.StdEncoding.EncodeToString(reqDER))
	if len(u)+1+len(enc) <= maxGETRequest {
		get := strings.TrimSuffix(u, "/") + "/" + enc
		data, f = c.fetch(ctx, http.MethodGet, get, "", nil, maxOCSPSize)
		if f != nil {
			f.Message = strings.ReplaceAll(f.Message, get, u) // the responder, not the encoded request
		}
	} else {
		data, f = c.fetch(ctx, http.MethodPost, u, "application/ocsp-request", reqDER, maxOCSPSize)
	}
	if f != nil {
		return certs.Revocation{}, f
	}
	return c.verifyOCSP(data, nonce, leaf, issuer)
}

// verifyOCSP judges an OCSP response: who signed it, for which
// certificate, when, and with which nonce. nonce is the request's nonce
// extension value, or nil when none was sent.
func (c *Checker) verifyOCSP(data, nonce []byte, leaf, issuer *x509.Certificate) (certs.Revocation, *failure) {
	now := c.now()
	var outer responseASN1
	if rest, err := asn1.Unmarshal(data, &outer); err != nil || len(rest) > 0 {
		return certs.Revocation{}, fail(errs.RevocationMalformed, "The OCSP responder's answer is not an OCSP response.")
	}
	if st := ocsp.ResponseStatus(outer.Status); st != ocsp.Success {
		return certs.Revocation{}, fail(errs.RevocationResponderError, "The OCSP responder answered: %s.", st)
	}
	if !outer.Response.ResponseType.Equal(oidOCSPBasic) {
		return certs.Revocation{}, fail(errs.RevocationMalformed, "The OCSP response is of an unsupported type.")
	}
	var basic basicResponse
	if rest, err := asn1.Unmarshal(outer.Response.Response, &basic); err != nil || len(rest) > 0 {
		return certs.Revocation{}, fail(errs.RevocationMalformed, "The OCSP response is damaged.")
	}
	var tbs responseData
	if rest, err := asn1.Unmarshal(basic.TBSResponseData.FullBytes, &tbs); err != nil || len(rest) > 0 {
		return certs.Revocation{}, fail(errs.RevocationMalformed, "The OCSP response is damaged.")
	}

	// The signature: by the issuer, or by a responder certificate in the
	// response that the issuer signed for id-kp-OCSPSigning.
	signer, f := c.ocspSigner(basic, issuer, now)
	if f != nil {
		return certs.Revocation{}, f
	}
	algo, ok := signatureAlgorithm(basic.SignatureAlgorithm)
	if !ok {
		return certs.Revocation{}, fail(errs.RevocationBadSignature, "The OCSP response is signed with an unsupported algorithm (%s).", basic.SignatureAlgorithm.Algorithm)
	}
	sig := basic.Signature.RightAlign()
	if err := signer.CheckSignature(algo, basic.TBSResponseData.FullBytes, sig); err != nil {
		// Some responders sign with the CA's key and still attach a
		// certificate: the issuer's own signature counts.
		if signer == issuer || issuer.CheckSignature(algo, basic.TBSResponseData.FullBytes, sig) != nil {
			return certs.Revocation{}, fail(errs.RevocationBadSignature, "The OCSP response's signature is not the issuer's or a responder's it delegated: %v.", err)
		}
	}

	// x/crypto/ocsp reads the status of this serial. The certificates are
	// left out of the copy it gets: the signature is verified above, and its
	// own check of them can't do RSASSA-PSS.
	basic.Certificates = nil
	stripped, err := asn1.Marshal(basic)
	if err == nil {
		outer.Response.Response = stripped
		stripped, err = asn1.Marshal(outer)
	}
	if err != nil {
		return certs.Revocation{}, fail(errs.RevocationMalformed, "The OCSP response is damaged.")
	}
	resp, err := ocsp.ParseResponseForCert(stripped, leaf, nil)
	if err != nil {
		if strings.Contains(err.Error(), "no response matching") {
			return certs.Revocation{}, fail(errs.RevocationWrongCertificate, "The OCSP response is about another certificate (serial number).")
		}
		return certs.Revocation{}, fail(errs.RevocationMalformed, "The OCSP response can't be read: %v.", err)
	}
	// The serial matches; the CertID must name this issuer too.
	matched := false
	for _, sr := range tbs.Responses {
		if sr.CertID.SerialNumber != nil && sr.CertID.SerialNumber.Cmp(leaf.SerialNumber) == 0 && certIDMatches(sr.CertID, issuer) {
			matched = true
			break
		}
	}
	if !matched {
		return certs.Revocation{}, fail(errs.RevocationWrongCertificate, "The OCSP response is about a certificate from another issuer.")
	}
	// The nonce, when the responder echoes one, is the one sent: else the
	// answer is a replay.
	for _, ext := range tbs.Extensions {
		if ext.Id.Equal(oidNonce) && (nonce == nil || !bytes.Equal(ext.Value, nonce)) {
			return certs.Revocation{}, fail(errs.RevocationNonceMismatch, "The OCSP response carries another nonce than the request's: it may be a replayed answer.")
		}
	}
	if f := c.current(now, resp.ThisUpdate, resp.NextUpdate); f != nil {
		f.Message = "The OCSP response is not current. " + f.Message
		return certs.Revocation{}, f
	}
	r := certs.Revocation{CheckedAt: now.UTC(), Source: SourceOCSP, NextUpdate: resp.NextUpdate.UTC()}
	switch resp.Status {
	case ocsp.Good:
		r.Status = certs.RevocationGood
	case ocsp.Revoked:
		r.Status = certs.RevocationRevoked
		at := resp.RevokedAt.UTC()
		r.RevokedAt = &at
		r.Reason = reasonName(resp.RevocationReason)
	default:
		return certs.Revocation{}, fail(errs.RevocationUnknownToCA, "The OCSP responder doesn't know this certificate.")
	}
	return r, nil
}

// ocspSigner picks the certificate whose key must have signed the response.
func (c *Checker) ocspSigner(basic basicResponse, issuer *x509.Certificate, now time.Time) (*x509.Certificate, *failure) {
	if len(basic.Certificates) == 0 {
		return issuer, nil
	}
	// Responders send the one certificate that signed; some add more.
	responder, err := x509.ParseCertificate(basic.Certificates[0].FullBytes)
	if err != nil {
		return nil, fail(errs.RevocationMalformed, "The OCSP responder's certificate can't be read.")
	}
	if bytes.Equal(responder.Raw, issuer.Raw) {
		return issuer, nil
	}
	if err := responder.CheckSignatureFrom(issuer); err != nil {
		return nil, fail(errs.RevocationBadSignature, "The OCSP response is signed by %q, which the issuer did not certify.", responder.Subject.String())
	}
	hasEKU := false
	for _, eku := range responder.ExtKeyUsage {
		if eku == x509.ExtKeyUsageOCSPSigning {
			hasEKU = true
		}
	}
	if !hasEKU {
		return nil, fail(errs.RevocationBadSignature, "The OCSP response is signed by %q, which the issuer did not delegate to answer OCSP.", responder.Subject.String())
	}
	if now.Before(responder.NotBefore) || now.After(responder.NotAfter) {
		return nil, fail(errs.RevocationBadSignature, "The OCSP responder's certificate is not valid now.")
	}
	return responder, nil
}

// certIDMatches says whether id names issuer (by the hashes of its name
// and key).
func certIDMatches(id certID, issuer *x509.Certificate) bool {
	var h crypto.Hash
	switch alg := id.HashAlgorithm.Algorithm; {
	case alg.Equal(oidSHA1):
		h = crypto.SHA1
	case alg.Equal(oidSHA256):
		h = crypto.SHA256
	case alg.Equal(oidSHA384):
		h = crypto.SHA384
	case alg.Equal(oidSHA512):
		h = crypto.SHA512
	default:
		return false
	}
	var spki struct {
		Algorithm pkix.AlgorithmIdentifier
		PublicKey asn1.BitString
	}
	if _, err := asn1.Unmarshal(issuer.RawSubjectPublicKeyInfo, &spki); err != nil {
		return false
	}
	name := h.New()
	name.Write(issuer.RawSubject)
	key := h.New()
	key.Write(spki.PublicKey.RightAlign())
	return bytes.Equal(name.Sum(nil), id.IssuerNameHash) && bytes.Equal(key.Sum(nil), id.IssuerKeyHash)
}

// signatureAlgorithm maps an AlgorithmIdentifier to crypto/x509's constant,
// RSASSA-PSS by its hash parameter included.
func signatureAlgorithm(ai pkix.AlgorithmIdentifier) (x509.SignatureAlgorithm, bool) {
	if ai.Algorithm.Equal(oidRSAPSS) {
		var p pssParams
		if _, err := asn1.Unmarshal(ai.Parameters.FullBytes, &p); err != nil {
			return 0, false
		}
		switch h := p.Hash.Algorithm; {
		case h.Equal(oidSHA256):
			return x509.SHA256WithRSAPSS, true
		case h.Equal(oidSHA384):
			return x509.SHA384WithRSAPSS, true
		case h.Equal(oidSHA512):
			return x509.SHA512WithRSAPSS, true
		}
		return 0, false // SHA-1 (the default) isn't accepted for PSS
	}
	for algo, oid := range signatureOIDs {
		if ai.Algorithm.Equal(oid) {
			return algo, true
		}
	}
	return 0, false
}

var signatureOIDs = map[x509.SignatureAlgorithm]asn1.ObjectIdentifier{
	x509.SHA1WithRSA:     {1, 2, 840, 113549, 1, 1, 5},
	x509.SHA256WithRSA:   {1, 2, 840, 113549, 1, 1, 11},
	x509.SHA384WithRSA:   {1, 2, 840, 113549, 1, 1, 12},
	x509.SHA512WithRSA:   {1, 2, 840, 113549, 1, 1, 13},
	x509.ECDSAWithSHA1:   {1, 2, 840, 10045, 4, 1},
	x509.ECDSAWithSHA256: {1, 2, 840, 10045, 4, 3, 2},
	x509.ECDSAWithSHA384: {1, 2, 840, 10045, 4, 3, 3},
	x509.ECDSAWithSHA512: {1, 2, 840, 10045, 4, 3, 4},
	x509.PureEd25519:     {1, 3, 101, 112},
}
