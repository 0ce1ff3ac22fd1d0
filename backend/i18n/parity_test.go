package i18n

import (
	"io/fs"
	"path"
	"sort"
	"testing"

	"dpgcerts/locales"
)

// flatLocale is lang's messages by dotted id.
func flatLocale(t *testing.T, lang string) map[string]string {
	t.Helper()
	data, err := fs.ReadFile(locales.FS, lang+".json")
	if err != nil {
		t.Fatal(err)
	}
	flat, err := Flatten(data)
	if err != nil {
		t.Fatalf("%s.json: %v", lang, err)
	}
	return flat
}

// TestLocaleParity fails when a message exists in one language and not in
// another.
func TestLocaleParity(t *testing.T) {
	keys := map[string]map[string]string{}
	for _, lang := range Supported() {
		keys[lang] = flatLocale(t, lang)
	}
	for _, a := range Supported() {
		for _, b := range Supported() {
			if a == b {
				continue
			}
			for _, id := range sortedMissing(keys[a], keys[b]) {
				t.Errorf("%q is in %s.json but not in %s.json", id, a, b)
			}
		}
	}
	for lang, flat := range keys {
		for id, text := range flat {
			if text == "" {
				t.Errorf("%s.json: %q is empty", lang, id)
			}
		}
	}
}

// TestRequiredMessages pins the ids the code and the frontend rely on.
func TestRequiredMessages(t *testing.T) {
	var ids []string
	for _, s := range []string{"valid", "expiring", "expired", "revoked", "not_yet_valid", "invalid", "locked", "unreadable"} {
		ids = append(ids, "status."+s)
	}
	for _, c := range []string{"password_required", "unsupported_encryption", "malformed", "not_a_certificate",
		"empty_file", "too_large", "key_mismatch", "no_certificate", "internal"} {
		ids = append(ids, "errors."+c)
	}
	ids = append(ids, "app.title", "welcome.addFiles", "welcome.scanFolder", "help.button")
	for _, lang := range Supported() {
		msgs := Messages(lang)
		for _, id := range ids {
			if _, ok := msgs[id]; !ok {
				t.Errorf("%s: missing %q", lang, id)
			}
		}
	}
}

// TestGuideParity fails when a help guide exists in one language and not in
// another.
func TestGuideParity(t *testing.T) {
	guides := map[string]map[string]bool{}
	for _, lang := range Supported() {
		names, err := fs.Glob(locales.FS, path.Join("guides", lang, "*.md"))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := fs.Stat(locales.FS, path.Join("guides", lang)); err != nil {
			t.Errorf("guides/%s: %v", lang, err)
		}
		guides[lang] = map[string]bool{}
		for _, n := range names {
			guides[lang][path.Base(n)] = true
		}
	}
	for _, a := range Supported() {
		for _, b := range Supported() {
			for name := range guides[a] {
				if a != b && !guides[b][name] {
					t.Errorf("guide %s is in guides/%s but not in guides/%s", name, a, b)
				}
			}
		}
	}
}

func sortedMissing(a, b map[string]string) []string {
	var out []string
	for id := range a {
		if _, ok := b[id]; !ok {
			out = append(out, id)
		}
	}
	sort.Strings(out)
	return out
}
