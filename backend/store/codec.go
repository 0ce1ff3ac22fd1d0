package store

import (
	"encoding/binary"
	"errors"
	"time"

	"dpgcerts/backend/certs"
	"dpgcerts/backend/errs"
)

// The cached result is stored in a small binary form rather than JSON: a
// cached rescan decodes every row, and JSON decoding was most of its time.
// The first byte is the format version; a row in another version fails to
// decode and its file is simply read again.
const codecVersion = 1

var errCodec = errors.New("damaged cached result")

type encoder struct{ b []byte }

func (e *encoder) str(s string) {
	e.b = binary.AppendUvarint(e.b, uint64(len(s)))
	e.b = append(e.b, s...)
}

func (e *encoder) int(v int64) { e.b = binary.AppendVarint(e.b, v) }

func (e *encoder) bool(v bool) {
	if v {
		e.b = append(e.b, 1)
	} else {
		e.b = append(e.b, 0)
	}
}

func (e *encoder) time(t time.Time) { e.int(t.UnixNano()) }

func (e *encoder) cert(c *certs.Certificate) {
	for _, s := range []string{c.Subject, c.CommonName, c.Organization, c.CVR, c.UUID, c.Email, c.Issuer,
		c.SerialNumber, c.SHA1, c.SHA256, c.KeyAlgorithm, c.SignatureAlgorithm, c.OCES} {
		e.str(s)
	}
	e.time(c.NotBefore)
	e.time(c.NotAfter)
	e.int(int64(c.DaysLeft))
	e.bool(c.IsCA)
}

// marshalResult encodes everything of f but its path, its password index
// and the certificates' DER, which have their own columns.
func marshalResult(f certs.File) []byte {
	e := &encoder{b: make([]byte, 0, 1024)}
	e.b = append(e.b, codecVersion)
	e.str(string(f.Format))
	e.str(string(f.Status))
	e.bool(f.Error != nil)
	if f.Error != nil {
		e.str(f.Error.Code)
		e.str(f.Error.Message)
	}
	e.str(f.Encryption)
	e.bool(f.HasPrivateKey)
	e.bool(f.KeyMatchesCertificate)
	e.bool(f.Certificate != nil)
	if f.Certificate != nil {
		e.cert(f.Certificate)
	}
	e.int(int64(len(f.Chain)))
	for i := range f.Chain {
		e.cert(&f.Chain[i])
	}
	return e.b
}

type decoder struct {
	b   []byte
	err error
}

func (d *decoder) str() string {
	n, k := binary.Uvarint(d.b)
	if k <= 0 || n > uint64(len(d.b)-k) {
		d.err = errCodec
		d.b = nil
		return ""
	}
	s := string(d.b[k : k+int(n)])
	d.b = d.b[k+int(n):]
	return s
}

func (d *decoder) int() int64 {
	v, k := binary.Varint(d.b)
	if k <= 0 {
		d.err = errCodec
		d.b = nil
		return 0
	}
	d.b = d.b[k:]
	return v
}

func (d *decoder) bool() bool {
	if len(d.b) == 0 || d.b[0] > 1 {
		d.err = errCodec
		d.b = nil
		return false
	}
	v := d.b[0] == 1
	d.b = d.b[1:]
	return v
}

func (d *decoder) time() time.Time { return time.Unix(0, d.int()).UTC() }

func (d *decoder) cert() certs.Certificate {
	var c certs.Certificate
	for _, p := range []*string{&c.Subject, &c.CommonName, &c.Organization, &c.CVR, &c.UUID, &c.Email, &c.Issuer,
		&c.SerialNumber, &c.SHA1, &c.SHA256, &c.KeyAlgorithm, &c.SignatureAlgorithm, &c.OCES} {
		*p = d.str()
	}
	c.NotBefore = d.time()
	c.NotAfter = d.time()
	c.DaysLeft = int(d.int())
	c.IsCA = d.bool()
	return c
}

// unmarshalResult reverses marshalResult.
func unmarshalResult(b []byte) (certs.File, error) {
	if len(b) == 0 || b[0] != codecVersion {
		return certs.File{}, errCodec
	}
	d := &decoder{b: b[1:]}
	f := certs.File{Chain: []certs.Certificate{}, PasswordIndex: -1}
	f.Format = certs.Format(d.str())
	f.Status = certs.Status(d.str())
	if d.bool() {
		f.Error = &errs.Error{Code: d.str(), Message: d.str()}
	}
	f.Encryption = d.str()
	f.HasPrivateKey = d.bool()
	f.KeyMatchesCertificate = d.bool()
	if d.bool() {
		c := d.cert()
		f.Certificate = &c
	}
	n := d.int()
	if n < 0 || n > int64(len(d.b)) {
		return certs.File{}, errCodec
	}
	for range n {
		f.Chain = append(f.Chain, d.cert())
	}
	if d.err != nil || len(d.b) != 0 {
		return certs.File{}, errCodec
	}
	return f, nil
}
