package store

import (
	"reflect"
	"testing"
	"time"

	"dpgcerts/backend/certs"
	"dpgcerts/backend/errs"
)

// fillCert sets every field of a Certificate but Raw and Revocation, by
// reflection, so a field added to certs.Certificate and forgotten in the
// codec fails here. Revocation is not the reader's: it has its own table
// (revocation.go), shared by every file holding the certificate.
func fillCert(seed string) certs.Certificate {
	var c certs.Certificate
	v := reflect.ValueOf(&c).Elem()
	for i := 0; i < v.NumField(); i++ {
		f := v.Field(i)
		name := v.Type().Field(i).Name
		switch {
		case name == "Raw", name == "Revocation":
		case f.Kind() == reflect.String:
			f.SetString(seed + "-" + name + "-æøå")
		case f.Kind() == reflect.Int:
			f.SetInt(-42)
		case f.Kind() == reflect.Bool:
			f.SetBool(true)
		case f.Type() == reflect.TypeOf(time.Time{}):
			f.Set(reflect.ValueOf(time.Date(2027, 3, 4, 5, 6, 7, 8, time.UTC)))
		default:
			panic("codec test does not know field " + name)
		}
	}
	return c
}

func TestCodecRoundTrip(t *testing.T) {
	leaf := fillCert("leaf")
	tests := []certs.File{
		{Chain: []certs.Certificate{}, PasswordIndex: -1, Status: certs.StatusUnreadable,
			Error: &errs.Error{Code: errs.Malformed, Message: "damaged"}},
		{Chain: []certs.Certificate{fillCert("ca"), fillCert("root")}, PasswordIndex: -1, Format: certs.FormatPKCS12,
			Status: certs.StatusValid, Encryption: "PBES2", HasPrivateKey: true, KeyMatchesCertificate: true, Certificate: &leaf},
	}
	// Every field of File but Path, PasswordIndex and the DER must survive.
	fileFields := reflect.TypeOf(certs.File{}).NumField()
	if fileFields != 10 {
		t.Fatalf("certs.File has %d fields: teach codec.go the new one, then update this count", fileFields)
	}
	for _, want := range tests {
		got, err := unmarshalResult(marshalResult(want))
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("round trip:\n got %+v\nwant %+v", got, want)
		}
	}
}

func TestCodecRejectsDamage(t *testing.T) {
	leaf := fillCert("leaf")
	good := marshalResult(certs.File{Status: certs.StatusValid, Certificate: &leaf, Chain: []certs.Certificate{leaf}})
	for i := range good {
		if _, err := unmarshalResult(good[:i]); err == nil {
			t.Fatalf("a result cut at %d bytes decodes", i)
		}
	}
}

func FuzzUnmarshalResult(f *testing.F) {
	leaf := fillCert("leaf")
	f.Add(marshalResult(certs.File{Status: certs.StatusValid, Certificate: &leaf, Chain: []certs.Certificate{leaf}}))
	f.Fuzz(func(t *testing.T, b []byte) {
		file, err := unmarshalResult(b)
		if err != nil {
			return
		}
		// Varints have more than one encoding, so compare what they mean.
		again, err := unmarshalResult(marshalResult(file))
		if err != nil || !reflect.DeepEqual(again, file) {
			t.Fatalf("a decoded result does not survive encoding again: %v", err)
		}
	})
}
