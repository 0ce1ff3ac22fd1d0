package i18n

import (
	"io/fs"
	"strings"
	"testing"

	"dpgcerts/backend/errs"
	"dpgcerts/locales"
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
		data, err := fs.ReadFile(locales.FS, lang+".json")
		if err != nil {
			t.Fatal(err)
		}
		flat, err := Flatten(data)
		if err != nil {
			t.Fatal(err)
		}
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
