package certs

import "strings"

// CerName is the one name a certificate's public part (.cer) is saved
// under, wherever it comes from (a file on this computer or DPG's record):
// its common name (often an e-mail address), with the characters file
// systems refuse made "-".
func CerName(commonName string) string {
	base := strings.Map(func(r rune) rune {
		if strings.ContainsRune(`<>:"/\|?*`, r) || r < 32 {
			return '-'
		}
		return r
	}, strings.TrimSpace(commonName))
	base = strings.Trim(base, ". ")
	if base == "" {
		base = "certificate"
	}
	return base + ".cer"
}
