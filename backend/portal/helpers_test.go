package portal_test

import (
	"time"

	"dpgcerts/backend/certs"
)

// readCert is the certificate's SHA-256 as the app's reader sees it.
func readCert(p12 []byte, password string) string {
	f := certs.Read(p12, certs.Options{Passwords: []string{password}, Now: time.Now(), WarnDays: 1})
	if f.Certificate == nil {
		return ""
	}
	return f.Certificate.SHA256
}
