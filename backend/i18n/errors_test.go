package i18n

import (
	"strings"
	"testing"

	"dpgcerts/backend/errs"
)

// TestEveryErrorCodeHasText fails when a code of backend/errs has no text
// errors.<code> in a language, or a text names a code that doesn't exist:
// the window shows every error through that text.
func TestEveryErrorCodeHasText(t *testing.T) {
	codes := map[string]bool{}
	for _, c := range errs.All {
		if codes[c] {
			t.Errorf("errs.All lists %q twice", c)
		}
		codes[c] = true
	}
	for _, lang := range Supported() {
		flat := flatLocale(t, lang)
		for c := range codes {
			if flat["errors."+c] == "" {
				t.Errorf("%s.json has no text errors.%s", lang, c)
			}
		}
		for id := range flat {
			if c, ok := strings.CutPrefix(id, "errors."); ok && !codes[c] {
				t.Errorf("%s.json: errors.%s is not a code of backend/errs", lang, c)
			}
		}
	}
}
