//go:build darwin

package i18n

import (
	"os/exec"
	"strings"
	"unicode"
)

// systemLanguages returns the user's preferred languages from the global
// AppleLanguages default, best first. An app started from Finder gets no
// LANG, so this is where macOS keeps the choice. The output looks like
// `(\n    "da-DK",\n    en\n)`.
func systemLanguages() []string {
	out, err := exec.Command("/usr/bin/defaults", "read", "-g", "AppleLanguages").Output()
	if err != nil {
		return nil
	}
	return strings.FieldsFunc(string(out), func(r rune) bool {
		return !(unicode.IsLetter(r) || unicode.IsDigit(r) || r == '-' || r == '_')
	})
}
