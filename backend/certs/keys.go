package certs

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"math/big"
)

var (
	oidRSA    = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 1}
	oidRSAPSS = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 10}
)

type pkcs8 struct {
	Version    int
	Algorithm  pkix.AlgorithmIdentifier
	PrivateKey []byte
}

// rsaKeyHead is the start of PKCS#1 RSAPrivateKey: enough to know the public
// key without the cost of validating the whole private key.
type rsaKeyHead struct {
	Version int
	N       *big.Int
	E       *big.Int
}

// publicKey is a private key reduced to what identifies it: its public half.
type publicKey struct {
	rsaN, rsaE *big.Int
	other      crypto.PublicKey
}

// publicOfKey returns the public half of a private key in PKCS#8 ("pkcs8"),
// PKCS#1 ("pkcs1") or SEC 1 ("sec1") form. RSA, the common case, is read
// without parsing the private parts: matching needs only the modulus.
func publicOfKey(der []byte, form string) (publicKey, error) {
	switch form {
	case "pkcs1":
		return rsaPublicOfPKCS1(der)
	case "sec1":
		k, err := x509.ParseECPrivateKey(der)
		if err != nil {
			return publicKey{}, err
		}
		return publicKey{other: k.Public()}, nil
	}
	var k pkcs8
	if err := unmarshalBER(der, &k); err != nil {
		return publicKey{}, err
	}
	if k.Algorithm.Algorithm.Equal(oidRSA) || k.Algorithm.Algorithm.Equal(oidRSAPSS) {
		return rsaPublicOfPKCS1(k.PrivateKey)
	}
	key, err := x509.ParsePKCS8PrivateKey(der)
	if err != nil {
		return publicKey{}, err
	}
	signer, ok := key.(crypto.Signer)
	if !ok {
		return publicKey{}, errBER
	}
	return publicKey{other: signer.Public()}, nil
}

func rsaPublicOfPKCS1(der []byte) (publicKey, error) {
	var h rsaKeyHead
	if err := unmarshalBER(der, &h); err != nil {
		return publicKey{}, err
	}
	if h.N == nil || h.E == nil || h.N.Sign() <= 0 || h.E.Sign() <= 0 {
		return publicKey{}, errBER
	}
	return publicKey{rsaN: h.N, rsaE: h.E}, nil
}

type spki struct {
	Algorithm pkix.AlgorithmIdentifier
	PublicKey asn1.BitString
}

type rsaPublic struct {
	N *big.Int
	E *big.Int
}

// certRSAPublic reads an RSA public key from a certificate, including the
// RSASSA-PSS key type that Go's x509 leaves unparsed.
func certRSAPublic(c *x509.Certificate) (n, e *big.Int, ok bool) {
	if k, isRSA := c.PublicKey.(*rsa.PublicKey); isRSA {
		return k.N, big.NewInt(int64(k.E)), true
	}
	var s spki
	if _, err := asn1.Unmarshal(c.RawSubjectPublicKeyInfo, &s); err != nil {
		return nil, nil, false
	}
	if !s.Algorithm.Algorithm.Equal(oidRSAPSS) && !s.Algorithm.Algorithm.Equal(oidRSA) {
		return nil, nil, false
	}
	var p rsaPublic
	if _, err := asn1.Unmarshal(s.PublicKey.RightAlign(), &p); err != nil || p.N == nil || p.E == nil {
		return nil, nil, false
	}
	return p.N, p.E, true
}

// matches reports whether the key belongs to the certificate.
func (k publicKey) matches(c *x509.Certificate) bool {
	if k.rsaN != nil {
		n, e, ok := certRSAPublic(c)
		return ok && n.Cmp(k.rsaN) == 0 && e.Cmp(k.rsaE) == 0
	}
	switch p := k.other.(type) {
	case *ecdsa.PublicKey:
		return p.Equal(c.PublicKey)
	case ed25519.PublicKey:
		return p.Equal(c.PublicKey)
	case interface{ Equal(crypto.PublicKey) bool }:
		return p.Equal(c.PublicKey)
	}
	return false
}
