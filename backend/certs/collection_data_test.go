package certs

import (
	"crypto/x509"
	mathrand "math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"dpgcerts/internal/pkcs12kdf"
	"dpgcerts/internal/pkitest"

	gopkcs12 "software.sslmate.com/src/go-pkcs12"
)

// CollectionPasswords are the candidates the collection's files are
// protected with; "" stands for the empty line of a passwords file.
var CollectionPasswords = []string{pw, "Blåbærgrød-æøå", ""}

// Expectation is what the reader must say about one file of the collection.
type Expectation struct {
	Status Status
	Code   string
}

// WriteCollection writes a realistic, varied folder tree of certificate
// files into dir: every PKCS#12 variant the reader supports, PEM and DER,
// certificates of every status, and damaged, empty, random, huge and text
// files. It returns the expectation for each file, by path relative to dir.
func WriteCollection(t testing.TB, dir string) map[string]Expectation {
	t.Helper()
	pki := defaultPKI(t)
	key := pkitest.PKCS8(t, pki.leaf.Key)
	chain := [][]byte{pki.leaf.Cert.Raw, pki.ca.Cert.Raw, pki.root.Cert.Raw}
	rootFirst := [][]byte{pki.root.Cert.Raw, pki.ca.Cert.Raw, pki.leaf.Cert.Raw}
	goEnc := func(enc *gopkcs12.Encoder) []byte {
		b, err := enc.Encode(pki.leaf.Key, pki.leaf.Cert, []*x509.Certificate{pki.ca.Cert, pki.root.Cert}, pw)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	dated := func(nb, na int, keyIndex int) testPKI {
		return newPKI(t, pkitest.RSAKey(t, keyIndex), pkitest.Spec{CN: "fornyet@testkommune.dk", CVR: "29189889",
			NotBefore: testNow.AddDate(0, 0, nb), NotAfter: testNow.AddDate(0, 0, na)})
	}
	defaultP12 := opensslP12(t, pki, pw)
	flipped := append([]byte{}, defaultP12...)
	flipped[len(flipped)-1] ^= 0x01 // the MAC's iteration count
	// Random bytes from a fixed seed, so the verdict is the same on every
	// run: a random length byte sometimes makes a short valid element.
	random := make([]byte, 4096)
	mathrand.NewChaCha8([32]byte{20, 26, 11, 26}).Read(random)
	random[0] = 0x30 // looks like DER at first glance

	valid := Expectation{Status: StatusValid}
	files := map[string]struct {
		data []byte
		want Expectation
	}{
		"pkcs12/openssl-default.p12":              {defaultP12, valid},
		"pkcs12/openssl-aes128.p12":               {opensslP12(t, pki, pw, "-certpbe", "AES-128-CBC", "-keypbe", "AES-128-CBC"), valid},
		"pkcs12/openssl-aes192.p12":               {opensslP12(t, pki, pw, "-certpbe", "AES-192-CBC", "-keypbe", "AES-192-CBC"), valid},
		"pkcs12/legacy-rc2-3des.p12":              {opensslP12(t, pki, pw, "-legacy"), valid},
		"pkcs12/legacy-3des.pfx":                  {opensslP12(t, pki, pw, "-descert"), valid},
		"pkcs12/mac-sha512.p12":                   {opensslP12(t, pki, pw, "-macalg", "sha512"), valid},
		"pkcs12/mac-sha1.p12":                     {opensslP12(t, pki, pw, "-macalg", "sha1"), valid},
		"pkcs12/no-mac.p12":                       {opensslP12(t, pki, pw, "-nomac"), valid},
		"pkcs12/no-encryption.p12":                {opensslP12(t, pki, pw, "-certpbe", "NONE", "-keypbe", "NONE"), valid},
		"pkcs12/empty-password.p12":               {opensslP12(t, pki, ""), valid},
		"pkcs12/empty-password-legacy.p12":        {opensslP12(t, pki, "", "-legacy"), valid},
		"pkcs12/empty-password-no-terminator.pfx": {buildP12(t, p12Spec{bmpPassword: []byte{}, mac: "sha1", certEnc: pkcs12TripleDES, keyEnc: pkcs12TripleDES, key: key, certs: chain}), valid},
		"pkcs12/danish-password.p12":              {opensslP12(t, pki, "Blåbærgrød-æøå"), valid},
		"pkcs12/danish-password-legacy.p12":       {opensslP12(t, pki, "Blåbærgrød-æøå", "-legacy"), valid},
		"pkcs12/danish-password-openssl1.p12":     {buildP12(t, p12Spec{password: "Blåbærgrød-æøå", bmpPassword: pkcs12kdf.BytewiseBMP("Blåbærgrød-æøå"), mac: "sha1", certEnc: pkcs12RC240, keyEnc: pkcs12TripleDES, key: key, certs: chain}), valid},
		"pkcs12/pbkdf2-sha1-aes128.p12":           {buildP12(t, p12Spec{password: pw, mac: "sha1", certEnc: pbes2SHA1AES128, keyEnc: pbes2SHA1AES128, key: key, certs: chain}), valid},
		"pkcs12/pbkdf2-sha1-aes256.p12":           {buildP12(t, p12Spec{password: pw, mac: "sha256", certEnc: pbes2SHA1AES256, keyEnc: pbes2SHA1AES256, key: key, certs: chain}), valid},
		"pkcs12/pbmac1.p12":                       {goEnc(gopkcs12.Modern2026), valid},
		"pkcs12/go-modern.p12":                    {goEnc(gopkcs12.Modern2023), valid},
		"pkcs12/windows-ber.pfx":                  {buildP12(t, p12Spec{password: pw, mac: "sha1", certEnc: pkcs12RC240, keyEnc: pkcs12TripleDES, key: key, certs: chain, ber: true}), valid},
		"pkcs12/java-ber-aes.p12":                 {buildP12(t, p12Spec{password: pw, mac: "sha256", certEnc: pbes2SHA256AES256, keyEnc: pbes2SHA256AES256, key: key, certs: chain, ber: true}), valid},
		"pkcs12/azure-root-first.pfx":             {buildP12(t, p12Spec{password: pw, mac: "sha256", certEnc: pbes2SHA256AES256, keyEnc: pbes2SHA256AES256, key: key, certs: rootFirst}), valid},
		"pkcs12/key-first.p12":                    {buildP12(t, p12Spec{password: pw, mac: "sha256", certEnc: pbes2SHA256AES256, keyEnc: pbes2SHA256AES256, key: key, certs: chain, keyFirst: true}), valid},
		"pkcs12/certificates-only.p12":            {buildP12(t, p12Spec{password: pw, mac: "sha256", certEnc: pbes2SHA256AES256, certs: chain}), valid},
		"pkcs12/ecdsa.p12":                        {opensslP12(t, newPKI(t, pkitest.NewECKey(t), pkitest.Spec{CN: "ec@testkommune.dk", CVR: "29189889"}), pw), valid},
		"pkcs12/ed25519.p12":                      {opensslP12(t, newPKI(t, pkitest.NewEd25519Key(t), pkitest.Spec{CN: "ed@testkommune.dk", CVR: "29189889"}), pw), valid},
		"pem/chain-with-key.pem":                  {append(append(pkitest.PEM("PRIVATE KEY", key), pkitest.PEM("CERTIFICATE", pki.leaf.Cert.Raw)...), pkitest.PEM("CERTIFICATE", pki.ca.Cert.Raw)...), valid},
		"pem/certificate.crt":                     {pkitest.PEM("CERTIFICATE", pki.leaf.Cert.Raw), valid},
		"pem/key-only.key":                        {pkitest.PEM("PRIVATE KEY", key), Expectation{StatusInvalid, CodeNoCertificate}},
		"der/certificate.cer":                     {pki.leaf.Cert.Raw, valid},
		"der/root-ca.cer":                         {pki.root.Cert.Raw, valid},
		"status/expiring.p12":                     {opensslP12(t, dated(-1000, 12, 2), pw), Expectation{Status: StatusExpiring}},
		"status/expired.p12":                      {opensslP12(t, dated(-1100, -5, 3), pw), Expectation{Status: StatusExpired}},
		"status/not-yet-valid.p12":                {opensslP12(t, dated(3, 1100, 2), pw), Expectation{Status: StatusNotYetValid}},
		"status/unknown-password.p12":             {opensslP12(t, pki, "an unknown password"), Expectation{StatusLocked, CodePasswordRequired}},
		"status/key-mismatch.p12":                 {buildP12(t, p12Spec{password: pw, mac: "sha256", certEnc: pbes2SHA256AES256, keyEnc: pbes2SHA256AES256, key: pkitest.PKCS8(t, pkitest.RSAKey(t, 3)), certs: [][]byte{pki.leaf.Cert.Raw}}), Expectation{StatusInvalid, CodeKeyMismatch}},
		"broken/truncated.p12":                    {defaultP12[:len(defaultP12)*2/3], Expectation{StatusUnreadable, CodeMalformed}},
		"broken/bit-flipped.p12":                  {flipped, Expectation{StatusUnreadable, CodeMalformed}},
		"broken/empty.p12":                        {nil, Expectation{StatusUnreadable, CodeEmptyFile}},
		"broken/random.bin":                       {random, Expectation{StatusUnreadable, CodeMalformed}},
		"broken/huge.p12":                         {make([]byte, MaxFileSize+1024), Expectation{StatusUnreadable, CodeTooLarge}},
		"broken/notes.txt":                        {[]byte("Certifikatet skal fornyes i marts.\nAdgangskoden ligger i boksen.\n"), Expectation{StatusUnreadable, CodeNotACertificate}},
		"broken/sub/dir/deep.pem":                 {[]byte("-----BEGIN CERTIFICATE-----\nnot base64 at all\n-----END CERTIFICATE-----\n"), Expectation{StatusUnreadable, CodeMalformed}},
	}
	out := map[string]Expectation{}
	for name, f := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, f.data, 0o600); err != nil {
			t.Fatal(err)
		}
		out[name] = f.want
	}
	return out
}
