package pkitest

import (
	"crypto/x509"
	mathrand "math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	gopkcs12 "software.sslmate.com/src/go-pkcs12"

	"dpgcerts/internal/pkcs12kdf"
)

// collectionPassword protects most of the collection's files.
const collectionPassword = "Hemmelig-12!"

// CollectionPasswords are the candidates the collection's files are
// protected with; "" stands for the empty line of a passwords file.
var CollectionPasswords = []string{collectionPassword, "Blåbærgrød-æøå", ""}

// Expectation is what the reader must say about one file of the
// collection: its status and error code, as backend/certs spells them.
type Expectation struct {
	Status string
	Code   string
}

// WriteCollection writes a realistic, varied folder tree of certificate
// files into dir: every PKCS#12 variant the reader supports, PEM and DER,
// certificates of every status, and damaged, empty, random, huge and text
// files. The huge file is maxFileSize (the reader's limit) and a little
// more. It returns the expectation for each file, by path relative to dir.
func WriteCollection(t testing.TB, dir string, maxFileSize int) map[string]Expectation {
	t.Helper()
	pki := DefaultOrg(t)
	key := PKCS8(t, pki.Leaf.Key)
	chain := [][]byte{pki.Leaf.Cert.Raw, pki.CA.Cert.Raw, pki.Root.Cert.Raw}
	rootFirst := [][]byte{pki.Root.Cert.Raw, pki.CA.Cert.Raw, pki.Leaf.Cert.Raw}
	goEnc := func(enc *gopkcs12.Encoder) []byte {
		return P12(t, enc, pki.Leaf.Key, pki.Leaf.Cert, []*x509.Certificate{pki.CA.Cert, pki.Root.Cert}, collectionPassword)
	}
	dated := func(nb, na int, keyIndex int) Org {
		return NewOrg(t, RSAKey(t, keyIndex), Spec{CN: "fornyet@testkommune.dk", CVR: "29189889",
			NotBefore: Now.AddDate(0, 0, nb), NotAfter: Now.AddDate(0, 0, na)})
	}
	defaultP12 := OpenSSLP12(t, pki, collectionPassword)
	flipped := append([]byte{}, defaultP12...)
	flipped[len(flipped)-1] ^= 0x01 // the MAC's iteration count
	// Random bytes from a fixed seed, so the verdict is the same on every
	// run: a random length byte sometimes makes a short valid element.
	random := make([]byte, 4096)
	mathrand.NewChaCha8([32]byte{20, 26, 11, 26}).Read(random)
	random[0] = 0x30 // looks like DER at first glance

	valid := Expectation{Status: "valid"}
	files := map[string]struct {
		data []byte
		want Expectation
	}{
		"pkcs12/openssl-default.p12":              {defaultP12, valid},
		"pkcs12/openssl-aes128.p12":               {OpenSSLP12(t, pki, collectionPassword, "-certpbe", "AES-128-CBC", "-keypbe", "AES-128-CBC"), valid},
		"pkcs12/openssl-aes192.p12":               {OpenSSLP12(t, pki, collectionPassword, "-certpbe", "AES-192-CBC", "-keypbe", "AES-192-CBC"), valid},
		"pkcs12/legacy-rc2-3des.p12":              {OpenSSLP12(t, pki, collectionPassword, "-legacy"), valid},
		"pkcs12/legacy-3des.pfx":                  {OpenSSLP12(t, pki, collectionPassword, "-descert"), valid},
		"pkcs12/mac-sha512.p12":                   {OpenSSLP12(t, pki, collectionPassword, "-macalg", "sha512"), valid},
		"pkcs12/mac-sha1.p12":                     {OpenSSLP12(t, pki, collectionPassword, "-macalg", "sha1"), valid},
		"pkcs12/no-mac.p12":                       {OpenSSLP12(t, pki, collectionPassword, "-nomac"), valid},
		"pkcs12/no-encryption.p12":                {OpenSSLP12(t, pki, collectionPassword, "-certpbe", "NONE", "-keypbe", "NONE"), valid},
		"pkcs12/empty-password.p12":               {OpenSSLP12(t, pki, ""), valid},
		"pkcs12/empty-password-legacy.p12":        {OpenSSLP12(t, pki, "", "-legacy"), valid},
		"pkcs12/empty-password-no-terminator.pfx": {BuildP12(t, P12Spec{BMPPassword: []byte{}, MAC: "sha1", CertEnc: PKCS12TripleDES, KeyEnc: PKCS12TripleDES, Key: key, Certs: chain}), valid},
		"pkcs12/danish-password.p12":              {OpenSSLP12(t, pki, "Blåbærgrød-æøå"), valid},
		"pkcs12/danish-password-legacy.p12":       {OpenSSLP12(t, pki, "Blåbærgrød-æøå", "-legacy"), valid},
		"pkcs12/danish-password-openssl1.p12":     {BuildP12(t, P12Spec{Password: "Blåbærgrød-æøå", BMPPassword: pkcs12kdf.BytewiseBMP("Blåbærgrød-æøå"), MAC: "sha1", CertEnc: PKCS12RC240, KeyEnc: PKCS12TripleDES, Key: key, Certs: chain}), valid},
		"pkcs12/pbkdf2-sha1-aes128.p12":           {BuildP12(t, P12Spec{Password: collectionPassword, MAC: "sha1", CertEnc: PBES2SHA1AES128, KeyEnc: PBES2SHA1AES128, Key: key, Certs: chain}), valid},
		"pkcs12/pbkdf2-sha1-aes256.p12":           {BuildP12(t, P12Spec{Password: collectionPassword, MAC: "sha256", CertEnc: PBES2SHA1AES256, KeyEnc: PBES2SHA1AES256, Key: key, Certs: chain}), valid},
		"pkcs12/pbmac1.p12":                       {goEnc(gopkcs12.Modern2026), valid},
		"pkcs12/go-modern.p12":                    {goEnc(gopkcs12.Modern2023), valid},
		"pkcs12/windows-ber.pfx":                  {BuildP12(t, P12Spec{Password: collectionPassword, MAC: "sha1", CertEnc: PKCS12RC240, KeyEnc: PKCS12TripleDES, Key: key, Certs: chain, BER: true}), valid},
		"pkcs12/java-ber-aes.p12":                 {BuildP12(t, P12Spec{Password: collectionPassword, MAC: "sha256", CertEnc: PBES2SHA256AES256, KeyEnc: PBES2SHA256AES256, Key: key, Certs: chain, BER: true}), valid},
		"pkcs12/azure-root-first.pfx":             {BuildP12(t, P12Spec{Password: collectionPassword, MAC: "sha256", CertEnc: PBES2SHA256AES256, KeyEnc: PBES2SHA256AES256, Key: key, Certs: rootFirst}), valid},
		"pkcs12/key-first.p12":                    {BuildP12(t, P12Spec{Password: collectionPassword, MAC: "sha256", CertEnc: PBES2SHA256AES256, KeyEnc: PBES2SHA256AES256, Key: key, Certs: chain, KeyFirst: true}), valid},
		"pkcs12/certificates-only.p12":            {BuildP12(t, P12Spec{Password: collectionPassword, MAC: "sha256", CertEnc: PBES2SHA256AES256, Certs: chain}), valid},
		"pkcs12/ecdsa.p12":                        {OpenSSLP12(t, NewOrg(t, NewECKey(t), Spec{CN: "ec@testkommune.dk", CVR: "29189889"}), collectionPassword), valid},
		"pkcs12/ed25519.p12":                      {OpenSSLP12(t, NewOrg(t, NewEd25519Key(t), Spec{CN: "ed@testkommune.dk", CVR: "29189889"}), collectionPassword), valid},
		"pem/chain-with-key.pem":                  {append(append(PEM("PRIVATE KEY", key), PEM("CERTIFICATE", pki.Leaf.Cert.Raw)...), PEM("CERTIFICATE", pki.CA.Cert.Raw)...), valid},
		"pem/certificate.crt":                     {PEM("CERTIFICATE", pki.Leaf.Cert.Raw), valid},
		"pem/key-only.key":                        {PEM("PRIVATE KEY", key), Expectation{"invalid", "no_certificate"}},
		"der/certificate.cer":                     {pki.Leaf.Cert.Raw, valid},
		"der/root-ca.cer":                         {pki.Root.Cert.Raw, valid},
		"status/expiring.p12":                     {OpenSSLP12(t, dated(-1000, 12, 2), collectionPassword), Expectation{Status: "expiring"}},
		"status/expired.p12":                      {OpenSSLP12(t, dated(-1100, -5, 3), collectionPassword), Expectation{Status: "expired"}},
		"status/not-yet-valid.p12":                {OpenSSLP12(t, dated(3, 1100, 2), collectionPassword), Expectation{Status: "not_yet_valid"}},
		"status/unknown-password.p12":             {OpenSSLP12(t, pki, "an unknown password"), Expectation{"locked", "password_required"}},
		"status/key-mismatch.p12":                 {BuildP12(t, P12Spec{Password: collectionPassword, MAC: "sha256", CertEnc: PBES2SHA256AES256, KeyEnc: PBES2SHA256AES256, Key: PKCS8(t, RSAKey(t, 3)), Certs: [][]byte{pki.Leaf.Cert.Raw}}), Expectation{"invalid", "key_mismatch"}},
		"broken/truncated.p12":                    {defaultP12[:len(defaultP12)*2/3], Expectation{"unreadable", "malformed"}},
		"broken/bit-flipped.p12":                  {flipped, Expectation{"unreadable", "malformed"}},
		"broken/empty.p12":                        {nil, Expectation{"unreadable", "empty_file"}},
		"broken/random.bin":                       {random, Expectation{"unreadable", "malformed"}},
		"broken/huge.p12":                         {make([]byte, maxFileSize+1024), Expectation{"unreadable", "too_large"}},
		"broken/notes.txt":                        {[]byte("Certifikatet skal fornyes i marts.\nAdgangskoden ligger i boksen.\n"), Expectation{"unreadable", "not_a_certificate"}},
		"broken/sub/dir/deep.pem":                 {[]byte("-----BEGIN CERTIFICATE-----\nnot base64 at all\n-----END CERTIFICATE-----\n"), Expectation{"unreadable", "malformed"}},
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
