package session_test

import (
	"strings"
	"testing"

	"dpgcerts/backend/session"
)

func TestMatchThumbprint(t *testing.T) {
	newCert := session.CertFacts{
		SHA1:   "a94a8fe5ccb19ba61c4c0873d391e987982fbbd3",
		SHA256: "2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae",
	}
	old := session.CertFacts{
		SHA1:   "0beec7b5ea3f0fdbc95d0dd47f3c5bc275da8a33",
		SHA256: "fcde2b2edba56bf408601fb721fe9b5c338d10ee429ea04fae5511b68fbf8fb9",
	}
	colons := func(s string) string {
		var parts []string
		for i := 0; i < len(s); i += 2 {
			parts = append(parts, s[i:i+2])
		}
		return strings.Join(parts, ":")
	}
	for _, tt := range []struct {
		name, pasted string
		want         bool
	}{
		{"SHA-1", newCert.SHA1, true},
		{"SHA-256", newCert.SHA256, true},
		{"upper case, as Entra shows it", strings.ToUpper(newCert.SHA1), true},
		{"spaces", strings.ReplaceAll(colons(strings.ToUpper(newCert.SHA1)), ":", " "), true},
		{"colons", colons(newCert.SHA256), true},
		{"around it", "  " + strings.ToUpper(newCert.SHA1) + "\t", true},
		{"the old certificate's SHA-1", strings.ToUpper(old.SHA1), false},
		{"the old certificate's SHA-256", old.SHA256, false},
		{"a prefix", newCert.SHA1[:20], false},
		{"garbage", "not a thumbprint", false},
		{"empty", "", false},
		{"only colons", ":::", false},
	} {
		if got := session.MatchThumbprint(tt.pasted, newCert); got != tt.want {
			t.Errorf("%s: MatchThumbprint(%q) = %v, want %v", tt.name, tt.pasted, got, tt.want)
		}
	}
}
