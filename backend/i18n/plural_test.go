package i18n

import (
	"encoding/json"
	"io/fs"
	"maps"
	"regexp"
	"slices"
	"strings"
	"testing"

	"dpgcerts/locales"
)

// countPlaceholders are the placeholders that hold a count: a message with
// one must have plural forms.
var countPlaceholders = []string{"{n}", "{count}"}

// countedRe finds a placeholder other than {n} or {count} written before a
// counted noun ("{days} days", "{total} certificates"): a count under
// another name, which would escape the plural check.
var countedRe = regexp.MustCompile(`\{(\w+)\}\s+(days?|files?|certificates?|dage?|filer|fil|certifikater|certifikat)\b`)

// pluralForms are the CLDR categories Danish and English use for whole
// numbers: 1 is "one", everything else "other".
var pluralForms = []string{"one", "other"}

// TestCountMessagesArePlural fails when a message with a count
// ({n} or {count}) is a plain string rather than go-i18n's plural object
// {"one": …, "other": …} in a language, or a plural object has other forms
// than Danish and English use. Go reads the object with Plural; the
// frontend turns it into vue-i18n's "one | other" (frontend/src/i18n).
func TestCountMessagesArePlural(t *testing.T) {
	for _, lang := range Supported() {
		data, err := fs.ReadFile(locales.FS, lang+".json")
		if err != nil {
			t.Fatal(err)
		}
		var tree map[string]any
		if err := json.Unmarshal(data, &tree); err != nil {
			t.Fatal(err)
		}
		checkPlural(t, lang, "", tree)
	}
}

func checkPlural(t *testing.T, lang, prefix string, tree map[string]any) {
	t.Helper()
	walk(prefix, tree, func(id string, v any) (bool, error) {
		switch v := v.(type) {
		case string:
			if m := countedRe.FindStringSubmatch(v); m != nil && m[1] != "n" && m[1] != "count" {
				t.Errorf("%s.json: %s counts %q with {%s}: name the count {n} and give it plural forms", lang, id, m[2], m[1])
			}
			for _, p := range countPlaceholders {
				if strings.Contains(v, p) {
					t.Errorf("%s.json: %s holds a count (%s) but has no plural forms: write {\"one\": …, \"other\": …}", lang, id, p)
				}
			}
		case map[string]any:
			if _, ok := v["other"]; !ok {
				return true, nil
			}
			keys := slices.Sorted(maps.Keys(v))
			if !slices.Equal(keys, pluralForms) {
				t.Errorf("%s.json: %s has the plural forms %v, want %v", lang, id, keys, pluralForms)
			}
			if other, _ := v["other"].(string); !containsAny(other, countPlaceholders) {
				t.Errorf("%s.json: %s.other has no count placeholder", lang, id)
			}
		}
		return false, nil
	})
}

func containsAny(s string, subs []string) bool {
	for _, sub := range subs {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}
